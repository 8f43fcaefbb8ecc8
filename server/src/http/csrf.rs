//! Cross-site request forgery, refused in one place for every endpoint.
//!
//! A write is origin-bound when a browser's cookie could authenticate it: it carries the
//! dashboard session cookie, it is a server function (`/sfn/…`, which the pages call with the
//! cookie), or it is the login (a login posted from another site would sign the victim into the
//! attacker's account). An origin-bound write must come from this server's own origin, the same
//! scheme, host and port, by its `Origin` header (or, failing that, its `Referer`). Browsers
//! always send `Origin` on cross-site writes, so a mismatch or an absence is refused. Credentials
//! sent in headers or bodies (app secrets, session tokens) cannot be forged by another site and
//! pass.

use app::request;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use model::ErrorCode;

use super::ApiError;

/// Paths whose writes are origin-bound even without a session cookie.
const LOGIN_PATHS: [&str; 1] = ["/api/admin/login"];
const SERVER_FUNCTIONS: &str = "/sfn/";

pub async fn refuse_cross_site_writes(request: Request, next: Next) -> Response {
    if is_origin_bound(&request) && !request::is_same_origin(request.headers()) {
        return ApiError::new(
            ErrorCode::PermissionDenied,
            "Cross-site request refused: it must come from this server's own pages",
        )
        .into_response();
    }
    next.run(request).await
}

fn is_origin_bound(request: &Request) -> bool {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return false;
    }
    let path = request.uri().path();
    path.starts_with(SERVER_FUNCTIONS)
        || LOGIN_PATHS.contains(&path)
        || request::session_token(request.headers()).is_some()
}
