//! What a server function knows of the request that called it: the session cookie, the
//! client's address, and whether it came from our own pages.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http::header::{COOKIE, HOST, ORIGIN, REFERER, SET_COOKIE};
use http::{HeaderValue, request::Parts};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use model::ErrorCode;
use model::web;

use crate::error::UiError;

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

pub(crate) fn session_token() -> Option<String> {
    let parts = parts()?;
    web::session_cookie(
        parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok()),
    )
}

pub(crate) fn require_same_origin() -> Result<(), UiError> {
    let parts = parts();
    let header = |name| {
        parts
            .as_ref()
            .and_then(|p| p.headers.get(name))
            .and_then(|v| v.to_str().ok())
    };
    if web::is_same_origin(header(HOST), header(ORIGIN), header(REFERER)) {
        Ok(())
    } else {
        Err(UiError::new(
            ErrorCode::PermissionDenied,
            "Cross-site request refused",
        ))
    }
}

pub(crate) fn client_ip() -> Option<String> {
    parts()?
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip().to_string())
}

fn https() -> bool {
    parts()
        .and_then(|p| p.headers.get("x-forwarded-proto").cloned())
        .and_then(|v| v.to_str().ok().map(|s| s.eq_ignore_ascii_case("https")))
        .unwrap_or(false)
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
    set_cookie(web::session_cookie_value(
        token,
        domain::SESSION_LIFETIME_MS / 1_000,
        https(),
    ));
}

pub(crate) fn clear_session_cookie() {
    set_cookie(web::cleared_session_cookie_value());
}

/// The signed-in dashboard user as the domain's actor; 401 when nobody is signed in.
pub(crate) async fn signed_in_actor(services: &domain::Services) -> Result<domain::Actor, UiError> {
    let user = match session_token() {
        Some(token) => services.user_for_session(&token).await?,
        None => None,
    };
    let user =
        user.ok_or_else(|| UiError::new(ErrorCode::NotAuthenticated, "Sign in to see this page"))?;
    Ok(domain::Actor::user(user, client_ip()))
}
