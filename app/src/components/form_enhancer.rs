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
    use wasm_bindgen_futures::spawn_local;
    use web_sys::{Element, HtmlFormElement, SubmitEvent};

    use crate::browser::Refusal;

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
            let Some(action) = server_function_of(&form) else {
                return;
            };
            event.prevent_default();
            spawn_local(submit(form, action));
        });
        let _ =
            document.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        on_submit.forget();
    }

    /// Where the form posts, if to a server function. Read from the attributes: `form.action`
    /// is shadowed by a field named `action` (the guardrail rule form has one).
    fn server_function_of(form: &HtmlFormElement) -> Option<String> {
        let method = form.get_attribute("method")?;
        let action = form.get_attribute("action")?;
        let page = web_sys::window()?.location().href().ok()?;
        let url = web_sys::Url::new_with_base(&action, &page).ok()?;
        (method.eq_ignore_ascii_case("post") && url.pathname().starts_with(SERVER_FUNCTIONS))
            .then(|| url.href())
    }

    async fn submit(form: HtmlFormElement, action: String) {
        set_busy(&form, true);
        match post(&form, &action).await {
            Ok(next) => {
                if let Some(location) = web_sys::window().map(|window| window.location()) {
                    let _ = match next {
                        Some(path) => location.set_href(&path),
                        None => location.reload(),
                    };
                }
            }
            Err(refusal) => {
                show_error(&form, &refusal.code, &refusal.message);
                set_busy(&form, false);
            }
        }
    }

    /// Sends the form as the server function expects it (URL-encoded). `Ok` holds where the
    /// function redirects to, if it does.
    async fn post(form: &HtmlFormElement, action: &str) -> Result<Option<String>, Refusal> {
        let data = web_sys::FormData::new_with_form(form).map_err(|_| unreadable())?;
        let body = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data)
            .map_err(|_| unreadable())?;
        let headers = [
            ("accept", "application/json"),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        let response =
            crate::browser::post(action, &headers, &String::from(body.to_string())).await?;
        let answer = response.headers();
        let redirect = answer.has(REDIRECT_HEADER).unwrap_or(false);
        Ok(redirect
            .then(|| answer.get("location").ok().flatten())
            .flatten())
    }

    fn unreadable() -> Refusal {
        Refusal {
            code: "FORM".to_owned(),
            message: "This form could not be read.".to_owned(),
        }
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
