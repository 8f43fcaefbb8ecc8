//! Keyboard shortcuts for the page's common actions. Pages mark their controls with
//! `data-shortcut="<key>"` (and `aria-keyshortcuts`): the key clicks a button or link, or
//! focuses a field. `j` and `k` move through the rows of a list (`a[data-row-link]`). Keys
//! typed into a field, or with a modifier, are left alone.

use leptos::prelude::*;

#[island]
pub fn KeyboardShortcuts() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::listen();
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Element, HtmlElement, KeyboardEvent};

    pub fn listen() {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        let on_key = Closure::<dyn FnMut(KeyboardEvent)>::new(|event: KeyboardEvent| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() || typing(&event) {
                return;
            }
            let key = event.key();
            let handled = match key.as_str() {
                "j" => move_row(1),
                "k" => move_row(-1),
                _ => press(&key),
            };
            if handled {
                event.prevent_default();
            }
        });
        let _ =
            document.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
        // Lives as long as the page.
        on_key.forget();
    }

    /// Whether the key goes into a field being typed in.
    fn typing(event: &KeyboardEvent) -> bool {
        event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .is_some_and(|element| {
                matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || element.has_attribute("contenteditable")
            })
    }

    fn press(key: &str) -> bool {
        if key.chars().count() != 1 || key == "\"" || key == "\\" {
            return false;
        }
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return false;
        };
        let Ok(Some(element)) = document.query_selector(&format!("[data-shortcut=\"{key}\"]"))
        else {
            return false;
        };
        let Ok(element) = element.dyn_into::<HtmlElement>() else {
            return false;
        };
        if matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") {
            let _ = element.focus();
        } else {
            element.click();
        }
        true
    }

    /// Focuses the next (`1`) or previous (`-1`) row link after the focused one.
    fn move_row(step: i32) -> bool {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return false;
        };
        let Ok(links) = document.query_selector_all("a[data-row-link]") else {
            return false;
        };
        let count = links.length();
        if count == 0 {
            return false;
        }
        let focused = document.active_element();
        let current = (0..count).find(|at| {
            links
                .item(*at)
                .zip(focused.as_ref())
                .is_some_and(|(link, focused)| link.is_same_node(Some(focused)))
        });
        let next = match current {
            Some(at) => (i64::from(at) + i64::from(step)).clamp(0, i64::from(count) - 1),
            None => 0,
        };
        let next = u32::try_from(next).unwrap_or(0);
        links
            .item(next)
            .and_then(|node| node.dyn_into::<HtmlElement>().ok())
            .map(|link| link.focus().is_ok())
            .unwrap_or(false)
    }
}
