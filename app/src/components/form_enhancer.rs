//! Plain forms, enhanced. Pages render their forms as plain HTML that posts to a server function
//! and comes back to the page, the error in its query when the action failed: that works
//! without JavaScript. With it, this island sends such a form in the background instead: a
//! failure is shown on the form, which keeps what was typed, and a success reloads the page to
//! show the change (or follows the server function's redirect, as sign-in does).
//!
//! Forms inside islands are left alone: Leptos handles those itself.

use leptos::prelude::*;

/// Put once on every page (the layout does).
#[island]
pub fn FormEnhancer() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::enhance_forms();
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen_futures::{JsFuture, spawn_local};
    use web_sys::{Element, HtmlFormElement, SubmitEvent};

    /// Where the pages' server functions live (`server_fns`).
    const SERVER_FUNCTIONS: &str = "/sfn/";
    /// Leptos marks a server function's redirect with this header when the caller is not a
    /// plain form.
    const REDIRECT_HEADER: &str = "serverfnredirect";

    pub fn enhance_forms() {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        // On the document, so forms a live region swaps in later are enhanced too.
        let on_submit = Closure::<dyn FnMut(SubmitEvent)>::new(|event: SubmitEvent| {
            // An island's form: its own handler already took it.
            if event.default_prevented() {
                return;
            }
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
            else {
                return;
            };
            if !posts_to_server_function(&form) {
                return;
            }
            event.prevent_default();
            spawn_local(submit(form));
        });
        let _ =
            document.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        on_submit.forget();
    }

    fn posts_to_server_function(form: &HtmlFormElement) -> bool {
        form.method().eq_ignore_ascii_case("post")
            && web_sys::Url::new(&form.action())
                .is_ok_and(|url| url.pathname().starts_with(SERVER_FUNCTIONS))
    }

    async fn submit(form: HtmlFormElement) {
        set_busy(&form, true);
        match post(&form).await {
            Ok(next) => {
                if let Some(location) = web_sys::window().map(|window| window.location()) {
                    let _ = match next {
                        Some(path) => location.set_href(&path),
                        None => location.reload(),
                    };
                }
            }
            Err((code, message)) => {
                show_error(&form, &code, &message);
                set_busy(&form, false);
            }
        }
    }

    /// Sends the form as the server function expects it (URL-encoded). `Ok` holds where the
    /// function redirects to, if it does; `Err` the error's code and message.
    async fn post(form: &HtmlFormElement) -> Result<Option<String>, (String, String)> {
        let offline = || {
            (
                "NETWORK".to_owned(),
                "The server could not be reached.".to_owned(),
            )
        };
        let window = web_sys::window().ok_or_else(offline)?;
        let data = web_sys::FormData::new_with_form(form).map_err(|_| offline())?;
        let body = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data)
            .map_err(|_| offline())?;
        let headers = web_sys::Headers::new().map_err(|_| offline())?;
        let _ = headers.set("accept", "application/json");
        let _ = headers.set("content-type", "application/x-www-form-urlencoded");
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&body.to_string().into());
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init(&form.action(), &init))
                .await
                .map_err(|_| offline())?
                .dyn_into()
                .map_err(|_| offline())?;
        let response_headers = response.headers();
        if response.ok() {
            let redirect = response_headers.has(REDIRECT_HEADER).unwrap_or(false);
            return Ok(redirect
                .then(|| response_headers.get("location").ok().flatten())
                .flatten());
        }
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|t| t.as_string()),
            Err(_) => None,
        };
        let error = text
            .and_then(|text| serde_json::from_str::<crate::error::UiError>(&text).ok())
            .map(|error| (error.code.as_str().to_owned(), error.message));
        Err(error.unwrap_or_else(|| {
            (
                format!("HTTP {}", response.status()),
                "The server could not do this.".to_owned(),
            )
        }))
    }

    /// The form's error notice, made or replaced at its top; text only, never HTML.
    fn show_error(form: &HtmlFormElement, code: &str, message: &str) {
        let Some(document) = form.owner_document() else {
            return;
        };
        if let Ok(Some(old)) = form.query_selector("[data-form-error]") {
            old.remove();
        }
        let Ok(notice) = document.create_element("p") else {
            return;
        };
        notice.set_class_name("notice error");
        let _ = notice.set_attribute("role", "alert");
        let _ = notice.set_attribute("data-form-error", "");
        if let Ok(strong) = document.create_element("strong") {
            strong.set_text_content(Some(code));
            let _ = notice.append_child(&strong);
        }
        let _ = notice.append_with_str_1(&format!(" {message}"));
        let _ = form.prepend_with_node_1(&notice);
    }

    fn set_busy(form: &HtmlFormElement, busy: bool) {
        let Ok(buttons) = form.query_selector_all("button[type=submit]") else {
            return;
        };
        for index in 0..buttons.length() {
            if let Some(button) = buttons
                .item(index)
                .and_then(|node| node.dyn_into::<Element>().ok())
            {
                let _ = if busy {
                    button.set_attribute("disabled", "")
                } else {
                    button.remove_attribute("disabled")
                };
            }
        }
    }
}
