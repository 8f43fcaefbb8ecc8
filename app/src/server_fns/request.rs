//! What a server function knows of the request that called it: the session cookie and the
//! client's address, read by `crate::request`. Cross-site forgery is refused before any server
//! function runs, by the server's CSRF layer.

use http::HeaderValue;
use http::header::SET_COOKIE;
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use model::ErrorCode;
use model::platform::web;

use crate::error::UiError;
use crate::request;

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

pub(crate) fn session_token() -> Option<String> {
    request::session_token(&parts()?.headers)
}

/// Scheme, host and port the client reached this server at, e.g. `https://desk.example.com`.
pub(crate) fn base_url() -> Option<String> {
    let parts = parts()?;
    let host = parts.headers.get(http::header::HOST)?.to_str().ok()?;
    let scheme = if request::is_https(&parts.headers) {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{host}"))
}

pub(crate) fn client_ip() -> Option<String> {
    request::client_ip(&parts()?)
}

fn set_cookie(value: String) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&value),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

pub(crate) fn set_session_cookie(token: &str) {
    let https = parts().is_some_and(|parts| request::is_https(&parts.headers));
    set_cookie(web::session_cookie_value(
        token,
        domain::SESSION_LIFETIME_MS / 1_000,
        https,
    ));
}

pub(crate) fn clear_session_cookie() {
    set_cookie(web::cleared_session_cookie_value());
}

/// The signed-in dashboard user as the domain's actor; 401 when nobody is signed in.
pub(crate) async fn signed_in_actor(services: &domain::Services) -> Result<domain::Actor, UiError> {
    let user = match session_token() {
        Some(token) => services.platform().user_for_session(&token).await?,
        None => None,
    };
    let user =
        user.ok_or_else(|| UiError::new(ErrorCode::NotAuthenticated, "Sign in to see this page"))?;
    Ok(domain::Actor::user(user, client_ip()))
}
