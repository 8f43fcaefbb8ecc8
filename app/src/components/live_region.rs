//! A server-rendered part of a page kept current without a reload.
//!
//! Pages render on the server only, so a part that must follow changes (an open conversation,
//! the handoff queue, documents being embedded) is marked with an id, and this island fetches
//! the page again when told to and swaps in that part's new HTML. The part itself ships no wasm.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An event stream that says when the region may have changed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChangeStream {
    /// A same-origin Server-Sent Events URL.
    pub url: String,
    /// The event names that mean "look again".
    pub events: Vec<String>,
}

/// Keeps the element with id `region` current: on each event of `stream`, and every `every_secs`
/// seconds while the region contains an element matching `while_present` (always, when unset).
///
/// The new HTML replaces the region only when it differs from the last fetched one, not from
/// the DOM: an opened `<details>` or a half-typed form stays until the data itself changes.
#[island]
pub fn LiveRegion(
    region: String,
    stream: Option<ChangeStream>,
    every_secs: Option<u32>,
    while_present: Option<String>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::follow(region, stream, every_secs, while_present);
    #[cfg(not(feature = "hydrate"))]
    let _ = (region, stream, every_secs, while_present);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::time::Duration;

    use leptos::prelude::set_interval;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen_futures::{JsFuture, spawn_local};

    use super::ChangeStream;

    struct Region {
        id: String,
        while_present: Option<String>,
        /// The region's HTML as last fetched (or as first rendered).
        last: RefCell<String>,
        fetching: Cell<bool>,
        /// A change was announced during a fetch, which may have missed it: fetch once more.
        again: Cell<bool>,
    }

    pub fn follow(
        id: String,
        stream: Option<ChangeStream>,
        every_secs: Option<u32>,
        while_present: Option<String>,
    ) {
        let Some(element) = element(&id) else {
            return;
        };
        let region = Rc::new(Region {
            last: RefCell::new(element.inner_html()),
            id,
            while_present,
            fetching: Cell::new(false),
            again: Cell::new(false),
        });
        if let Some(stream) = stream {
            listen(stream, Rc::clone(&region));
        }
        if let Some(secs) = every_secs {
            set_interval(
                move || {
                    if region.busy() {
                        refresh(Rc::clone(&region));
                    }
                },
                Duration::from_secs(u64::from(secs)),
            );
        }
    }

    impl Region {
        /// Whether the region still shows work in progress worth polling for.
        fn busy(&self) -> bool {
            let Some(selector) = &self.while_present else {
                return true;
            };
            element(&self.id)
                .and_then(|element| element.query_selector(selector).ok().flatten())
                .is_some()
        }
    }

    fn listen(stream: ChangeStream, region: Rc<Region>) {
        let Ok(source) = web_sys::EventSource::new(&stream.url) else {
            return;
        };
        let on_event = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            refresh(Rc::clone(&region));
        });
        // `open` too: what changed between the page's render and the stream's start (and
        // during a reconnect) is caught by one look when the stream (re)opens.
        for name in stream.events.iter().map(String::as_str).chain(["open"]) {
            let _ =
                source.add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref());
        }
        // Both live as long as the page: the browser keeps an open EventSource, and reconnects it.
        on_event.forget();
    }

    fn refresh(region: Rc<Region>) {
        if region.fetching.replace(true) {
            region.again.set(true);
            return;
        }
        spawn_local(async move {
            loop {
                region.again.set(false);
                if let (Some(html), Some(element)) =
                    (fetch_region(&region.id).await, element(&region.id))
                    && html != *region.last.borrow()
                {
                    element.set_inner_html(&html);
                    region.last.replace(html);
                }
                if !region.again.get() {
                    break;
                }
            }
            region.fetching.set(false);
        });
    }

    /// The region's HTML in a fresh render of the current page.
    async fn fetch_region(id: &str) -> Option<String> {
        let window = web_sys::window()?;
        let href = window.location().href().ok()?;
        let init = web_sys::RequestInit::new();
        init.set_cache(web_sys::RequestCache::NoStore);
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init(&href, &init))
                .await
                .ok()?
                .dyn_into()
                .ok()?;
        if !response.ok() {
            return None;
        }
        let text = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        let page = web_sys::DomParser::new()
            .ok()?
            .parse_from_string(&text, web_sys::SupportedType::TextHtml)
            .ok()?;
        Some(page.get_element_by_id(id)?.inner_html())
    }

    fn element(id: &str) -> Option<web_sys::Element> {
        web_sys::window()?.document()?.get_element_by_id(id)
    }
}
