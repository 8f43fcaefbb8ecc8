//! Sign-in for the pages: who is signed in, login, logout, first-run setup.
//!
//! The session cookie and the same-origin rule are the JSON API's (`model::platform::web`).

use leptos::prelude::*;
use model::platform::users::CurrentUser;

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::request as ssr;

/// The signed-in user, if any.
#[server(prefix = "/sfn", endpoint = "current-user")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, UiError> {
    let Some(token) = ssr::session_token() else {
        return Ok(None);
    };
    Ok(crate::server_fns::services()?
        .platform()
        .user_for_session(&token)
        .await?)
}

/// Signs in and sets the session cookie, then goes to `next` (a local path) or the dashboard.
#[server(prefix = "/sfn", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), UiError> {
    let services = crate::server_fns::services()?;
    let session = services
        .platform()
        .login(&email, &password, ssr::client_ip().as_deref())
        .await?;
    ssr::set_session_cookie(&session.token);
    leptos_axum::redirect(&local_path(next));
    Ok(())
}

/// Ends the session and clears the cookie.
#[server(prefix = "/sfn", endpoint = "logout")]
pub async fn logout() -> Result<(), UiError> {
    if let Some(token) = ssr::session_token() {
        crate::server_fns::services()?
            .platform()
            .logout(&token)
            .await?;
    }
    ssr::clear_session_cookie();
    leptos_axum::redirect("/login");
    Ok(())
}

/// Whether first-run setup is open (no user exists and the server printed a setup link).
#[server(prefix = "/sfn", endpoint = "setup-status")]
pub async fn setup_pending() -> Result<bool, UiError> {
    Ok(crate::server_fns::services()?
        .platform()
        .setup_pending()
        .await?)
}

/// Creates the first owner with the setup token from the server log, and signs them in.
#[server(prefix = "/sfn", endpoint = "setup")]
pub async fn complete_setup(
    token: String,
    name: String,
    email: String,
    password: String,
) -> Result<(), UiError> {
    let services = crate::server_fns::services()?;
    let ip = ssr::client_ip();
    services
        .platform()
        .complete_first_run_setup(
            &token,
            domain::NewUser {
                email: email.clone(),
                name,
                password: password.clone(),
                role: model::platform::users::Role::Owner,
                workspace_id: None,
            },
            ip.clone(),
        )
        .await?;
    let session = services
        .platform()
        .login(&email, &password, ip.as_deref())
        .await?;
    ssr::set_session_cookie(&session.token);
    leptos_axum::redirect("/status");
    Ok(())
}

/// Only local paths are followed after sign-in, never another site.
#[cfg(feature = "ssr")]
fn local_path(next: Option<String>) -> String {
    next.filter(|path| path.starts_with('/') && !path.starts_with("//"))
        .unwrap_or_else(|| "/".to_owned())
}
