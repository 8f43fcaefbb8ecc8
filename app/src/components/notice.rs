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
            let href = format!("/login?next={}", crate::format::query_value(&next));
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

/// The error of an action's last run, if it failed: pages show the first of their actions'.
pub fn last_error<S>(action: ServerAction<S>) -> Option<UiError>
where
    S: leptos::server_fn::ServerFn<Error = UiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    action.value().get().and_then(Result::err)
}
