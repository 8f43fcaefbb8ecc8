//! Dashboard sign-in: the session cookie and the signed-in user.
//!
//! The cookie is HttpOnly (scripts cannot read it), SameSite=Lax (other sites' requests do not
//! carry it except on top-level navigations), and Secure when the request came over https.
//! State-changing requests that carry it must also come from our own origin; the CSRF layer
//! (`super::csrf`) refuses the others before any handler runs.

use app::request;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use domain::{Actor, Services};
use model::ErrorCode;
use model::platform::users::CurrentUser;
use model::platform::web;

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
        let token = request::session_token(&parts.headers).ok_or_else(not_signed_in)?;
        let user = services
            .platform()
            .user_for_session(&token)
            .await?
            .ok_or_else(not_signed_in)?;
        let actor = Actor::user(user.clone(), request::client_ip(parts));
        Ok(SignedInUser { user, actor })
    }
}

fn not_signed_in() -> ApiError {
    ApiError::new(ErrorCode::NotAuthenticated, "Sign in first")
}

/// The peer's IP address, when the server knows it (behind a reverse proxy: the proxy's).
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(request::client_ip(parts)))
    }
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
