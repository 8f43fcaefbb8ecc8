//! [`ApiError`]: every failure of the JSON API, answered as [`ErrorBody`] with a stable code.

use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use domain::RateDecision;
use model::{ErrorBody, ErrorCode};

/// An error answer. Build it from a domain error with `?`, or directly for HTTP-level failures.
#[derive(Debug)]
pub struct ApiError {
    /// Boxed: errors travel through every `Result` of the edge, and should stay small.
    body: Box<ErrorBody>,
    /// Set on 429: the limit that was hit, for seed 002's body fields and the headers.
    rate_limit: Option<RateDecision>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            body: Box::new(ErrorBody::new(code, message)),
            rate_limit: None,
        }
    }

    /// 429 in seed 002's shape: `{error: "Too many requests", message, retryAfter, limit,
    /// remaining, reset}` plus our `code`.
    pub fn rate_limited(decision: RateDecision) -> ApiError {
        let mut error = ApiError::new(ErrorCode::RateLimited, "Please try again later");
        error.body.error = "Too many requests".to_owned();
        error.rate_limit = Some(decision);
        error
    }

    pub fn with_details(mut self, details: serde_json::Value) -> ApiError {
        self.body.details = Some(details);
        self
    }

    /// The human message, as the body carries it.
    pub fn message(&self) -> &str {
        &self.body.message
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.body.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The answer for an unknown `/api/*` route, in the shape seed 004's clients expect.
    pub fn route_not_found(path: &str) -> ApiError {
        ApiError {
            body: Box::new(ErrorBody::new(ErrorCode::NotFound, "Not found").with_path(path)),
            rate_limit: None,
        }
    }

    pub fn internal() -> ApiError {
        ApiError::new(ErrorCode::InternalError, "Internal server error")
    }
}

impl From<domain::Error> for ApiError {
    fn from(err: domain::Error) -> ApiError {
        if let domain::Error::Internal(source) = &err {
            // The cause stays in the logs (with the request id from the span), never in answers.
            tracing::error!(error = %ErrorChain(source.as_ref()), "request failed");
            return ApiError::internal();
        }
        if let domain::Error::RateLimited(decision) = err {
            return ApiError::rate_limited(decision);
        }
        let details = match &err {
            domain::Error::InvalidFields(fields) => Some(serde_json::json!({
                "fields": fields
                    .iter()
                    .map(|f| serde_json::json!({ "field": f.field, "message": f.message }))
                    .collect::<Vec<_>>(),
            })),
            domain::Error::InvalidTransition { from, to, .. } => {
                Some(serde_json::json!({ "from": from, "to": to }))
            }
            _ => None,
        };
        let error = ApiError::new(err.code(), err.to_string());
        match details {
            Some(details) => error.with_details(details),
            None => error,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let Some(decision) = self.rate_limit else {
            return (status, Json(self.body)).into_response();
        };
        let retry_after = decision.retry_after_secs();
        let mut body = serde_json::to_value(&self.body).unwrap_or_default();
        if let Some(fields) = body.as_object_mut() {
            fields.insert("retryAfter".to_owned(), retry_after.into());
            fields.insert("limit".to_owned(), decision.limit.into());
            fields.insert("remaining".to_owned(), decision.remaining.into());
            fields.insert("reset".to_owned(), (decision.reset_at_ms / 1_000).into());
        }
        let mut response = (status, Json(body)).into_response();
        rate_limit_headers(response.headers_mut(), &decision);
        if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
        response
    }
}

/// `X-RateLimit-Limit`, `-Remaining` and `-Reset` (Unix seconds), as seed 002 sends them.
pub fn rate_limit_headers(headers: &mut HeaderMap, decision: &RateDecision) {
    for (name, value) in [
        ("x-ratelimit-limit", decision.limit),
        ("x-ratelimit-remaining", decision.remaining),
        ("x-ratelimit-reset", decision.reset_at_ms / 1_000),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value.to_string()) {
            headers.insert(name, value);
        }
    }
}

/// Unknown path under `/api`.
pub async fn api_route_not_found(uri: Uri) -> ApiError {
    ApiError::route_not_found(uri.path())
}

/// A known path called with a method it does not serve.
pub async fn method_not_allowed(uri: Uri) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("Method not allowed for {}", uri.path()),
    )
}

/// Displays an error with its whole `source()` chain: `a: b: c`.
pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}
