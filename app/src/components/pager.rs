//! The links under a cursor-paged list.

use leptos::prelude::*;

use crate::format::query_string;

/// "Newest" and, when there is one, "Older": both keep the list's filters.
#[component]
pub fn Pager(
    next_cursor: Option<String>,
    /// The filters in force, by query parameter.
    #[prop(optional)]
    filters: Vec<(&'static str, String)>,
) -> impl IntoView {
    let newest = query_string(&filters);
    let older = next_cursor.map(|cursor| {
        let mut params = filters.clone();
        params.push(("cursor", cursor));
        query_string(&params)
    });
    view! {
        <nav class="pager" aria-label="Pages">
            <a class="button secondary" href=newest>"Newest"</a>
            {older.map(|href| view! { <a class="button" href=href rel="next">"Older"</a> })}
        </nav>
    }
}
