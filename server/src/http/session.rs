//! Dashboard sign-in: the session cookie, the signed-in user, and CSRF protection.
//!
//! The cookie is HttpOnly (scripts cannot read it), SameSite=Lax (other sites' requests do not
//! carry it except on top-level navigations), and Secure when the request came over https.
//! State-changing requests authenticated by the cookie must also come from our own origin:
//! browsers always send `Origin` on such requests, so a request whose `Origin` (or, failing
//! that, `Referer`) names another host is a cross-site forgery and is refused.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::header::{COOKIE, HOST, ORIGIN, REFERER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use domain::{Actor, Services};
use model::ErrorCode;
use model::users::CurrentUser;
use model::web;

use super::ApiError;

/// The signed-in dashboard user, as an actor of administrative operations.
pub struct SignedInUser {
    pub user: CurrentUser,
    pub actor: Actor,
}

impl<S> FromRequestParts<S> for SignedInUser
where
    S: Send + Sync,
    Services: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let services = Services::from_ref(state);
        let token = session_cookie(&parts.headers).ok_or_else(not_signed_in)?;
        let user = services
            .user_for_session(&token)
            .await?
            .ok_or_else(not_signed_in)?;
        if !is_safe_method(&parts.method) {
            require_same_origin(&parts.headers)?;
        }
        let actor = Actor::user(user.clone(), client_ip(parts));
        Ok(SignedInUser { user, actor })
    }
}

fn not_signed_in() -> ApiError {
    ApiError::new(ErrorCode::NotAuthenticated, "Sign in first")
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The session token from the `Cookie` header.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    web::session_cookie(
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok()),
    )
}

/// Refuses a request whose `Origin` (or `Referer`) is not this server's own host.
pub fn require_same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if web::is_same_origin(header(HOST), header(ORIGIN), header(REFERER)) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::PermissionDenied,
            "Cross-site request refused: it must come from this server's own pages",
        ))
    }
}

/// The peer's IP address, when the server knows it (behind a reverse proxy: the proxy's).
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

/// The peer address. Behind a reverse proxy this is the proxy.
pub fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip().to_string())
}

/// `Set-Cookie` for a new session; Secure when the request came over https.
pub fn session_cookie_header(token: &str, max_age_secs: i64, https: bool) -> HeaderValue {
    HeaderValue::from_str(&web::session_cookie_value(token, max_age_secs, https))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that deletes the session cookie.
pub fn cleared_cookie_header() -> (axum::http::HeaderName, HeaderValue) {
    (
        SET_COOKIE,
        HeaderValue::from_str(&web::cleared_session_cookie_value())
            .unwrap_or_else(|_| HeaderValue::from_static("")),
    )
}

/// Whether the client reached us over https (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}
