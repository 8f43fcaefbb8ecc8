//! How a failed server call is shown.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use model::ErrorCode;

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

/// What a page shows when it cannot load: a way in when signed out, the reason otherwise.
#[component]
pub fn PageError(error: UiError) -> impl IntoView {
    match error.code {
        ErrorCode::NotAuthenticated | ErrorCode::SessionExpired => {
            let next = use_location().pathname.get_untracked();
            let href = format!("/login?next={}", encode_path(&next));
            view! {
                <section class="card empty-state" role="alert">
                    <h2>"Sign in to see this page"</h2>
                    <p class="muted">"Dashboards show an app's data to the members of its workspace."</p>
                    <a class="button" href=href id="page-sign-in">"Sign in"</a>
                </section>
            }
            .into_any()
        }
        ErrorCode::PermissionDenied | ErrorCode::NotAuthorized | ErrorCode::NotWorkspaceMember => {
            view! {
                <section class="card empty-state" role="alert">
                    <h2>"Your role does not open this page"</h2>
                    <p class="muted">{error.message}</p>
                </section>
            }
            .into_any()
        }
        _ => view! { <ErrorNotice error /> }.into_any(),
    }
}

/// A local path as a query value: only the characters a path may hold pass unescaped.
fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
