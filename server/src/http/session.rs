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

use super::ApiError;

pub const SESSION_COOKIE: &str = "sb_session";

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
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// Refuses a request whose `Origin` (or `Referer`) is not this server's own host.
pub fn require_same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    let source = headers
        .get(ORIGIN)
        .or_else(|| headers.get(REFERER))
        .and_then(|v| v.to_str().ok());
    let source_host = source
        .and_then(|url| url.split_once("://"))
        .map(|(_, rest)| rest.split('/').next().unwrap_or_default());
    match (host, source_host) {
        (Some(host), Some(source)) if host.eq_ignore_ascii_case(source) => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::PermissionDenied,
            "Cross-site request refused: it must come from this server's own pages",
        )),
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
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that deletes the session cookie.
pub fn cleared_cookie_header() -> (axum::http::HeaderName, HeaderValue) {
    (
        SET_COOKIE,
        HeaderValue::from_static("sb_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    )
}

/// Whether the client reached us over https (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let map = headers(&[("cookie", "theme=dark; sb_session=sbu_abc; lang=en")]);
        assert_eq!(session_cookie(&map).as_deref(), Some("sbu_abc"));
        assert_eq!(session_cookie(&headers(&[("cookie", "sb_session=")])), None);
        assert_eq!(session_cookie(&HeaderMap::new()), None);
    }

    #[test]
    fn only_requests_from_our_own_origin_pass() {
        let ok = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
        ]);
        assert!(require_same_origin(&ok).is_ok());
        let via_referer = headers(&[
            ("host", "sb.example.com"),
            ("referer", "https://sb.example.com/apps"),
        ]);
        assert!(require_same_origin(&via_referer).is_ok());
        for bad in [
            headers(&[
                ("host", "sb.example.com"),
                ("origin", "https://evil.example"),
            ]),
            headers(&[("host", "sb.example.com")]),
            headers(&[("host", "sb.example.com"), ("origin", "null")]),
        ] {
            assert!(require_same_origin(&bad).is_err());
        }
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_over_https() {
        let plain = session_cookie_header("t", 60, false);
        let plain = plain.to_str().unwrap();
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        assert!(
            session_cookie_header("t", 60, true)
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
    }
}
