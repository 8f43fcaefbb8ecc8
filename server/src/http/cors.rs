//! CORS for the JSON API, from `ALLOWED_ORIGINS`.
//!
//! Any origin (`*`) by default, as the seeds' APIs do; never with credentials, because the API
//! authenticates with explicit secrets and tokens, not cookies. The widget's API
//! (`/api/widget/*`) answers any origin whatever the setting. Every `OPTIONS` request under the
//! API is answered here with 204, so preflights never reach a handler.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS,
    HeaderMap, HeaderValue, ORIGIN, VARY,
};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const ALLOWED_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const DEFAULT_ALLOWED_HEADERS: &str =
    "authorization, content-type, x-app-slug, x-request-id, x-trace-id";
const EXPOSED_HEADERS: &str = "x-request-id, retry-after";
/// Browsers cache a preflight this many seconds.
const PREFLIGHT_MAX_AGE: &str = "600";

/// Which origins may call the API from a browser.
#[derive(Clone, Debug)]
pub struct CorsPolicy {
    /// `None`: any origin.
    allowed: Option<Arc<[String]>>,
}

impl CorsPolicy {
    pub fn any_origin() -> CorsPolicy {
        CorsPolicy { allowed: None }
    }

    pub fn origins(origins: Vec<String>) -> CorsPolicy {
        CorsPolicy {
            allowed: Some(origins.into()),
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, if it is allowed.
    fn allow_origin(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        match &self.allowed {
            None => Some(HeaderValue::from_static("*")),
            Some(list) => {
                let origin = origin?;
                let text = origin.to_str().ok()?;
                list.iter()
                    .any(|allowed| allowed == text)
                    .then(|| origin.clone())
            }
        }
    }

    fn apply(&self, request_origin: Option<&HeaderValue>, headers: &mut HeaderMap) {
        if self.allowed.is_some() {
            // The answer depends on the Origin header: caches must key on it.
            headers.append(VARY, HeaderValue::from_static("origin"));
        }
        if let Some(origin) = self.allow_origin(request_origin) {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSED_HEADERS),
            );
        }
    }
}

/// Paths any origin may call: the widget runs on customers' sites. Its boot checks the app's
/// own allowed origins, and its other calls carry a bearer token, never a cookie.
const ANY_ORIGIN_PATHS: &str = "/api/widget/";

/// The middleware: answers preflights, decorates every other answer.
pub async fn cors(State(policy): State<CorsPolicy>, request: Request, next: Next) -> Response {
    let origin = request.headers().get(ORIGIN).cloned();
    let policy = if request.uri().path().starts_with(ANY_ORIGIN_PATHS) {
        CorsPolicy::any_origin()
    } else {
        policy
    };
    if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        policy.apply(origin.as_ref(), headers);
        if headers.contains_key(ACCESS_CONTROL_ALLOW_ORIGIN) {
            headers.insert(
                ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOWED_METHODS),
            );
            let requested = request
                .headers()
                .get(ACCESS_CONTROL_REQUEST_HEADERS)
                .cloned();
            headers.insert(
                ACCESS_CONTROL_ALLOW_HEADERS,
                requested.unwrap_or(HeaderValue::from_static(DEFAULT_ALLOWED_HEADERS)),
            );
            headers.insert(
                ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static(PREFLIGHT_MAX_AGE),
            );
        }
        return response;
    }
    let mut response = next.run(request).await;
    policy.apply(origin.as_ref(), response.headers_mut());
    response
}
