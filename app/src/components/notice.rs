//! How a failed server call is shown.

use leptos::prelude::*;

use crate::error::UiError;

#[component]
pub fn ErrorNotice(error: UiError) -> impl IntoView {
    view! {
        <p class="notice error" role="alert">
            <strong>{error.code.as_str()}</strong>
            " "
            {error.message}
        </p>
    }
}
