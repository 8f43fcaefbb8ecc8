//! Shown for any path no route matches (the server answers it with 404).

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text="Not found · Switchboard" />
        <header class="page-header">
            <h1>"Page not found"</h1>
            <p class="lede">"There is no page at this address."</p>
        </header>
        <p>
            <a class="button" href="/status">
                "Go to the status page"
            </a>
        </p>
    }
}
