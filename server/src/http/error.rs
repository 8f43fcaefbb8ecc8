//! [`ApiError`]: every failure of the JSON API, answered as [`ErrorBody`] with a stable code.

use axum::Json;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use model::{ErrorBody, ErrorCode};

/// An error answer. Build it from a domain error with `?`, or directly for HTTP-level failures.
#[derive(Debug)]
pub struct ApiError {
    body: ErrorBody,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            body: ErrorBody::new(code, message),
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> ApiError {
        self.body = self.body.with_details(details);
        self
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.body.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The answer for an unknown `/api/*` route, in the shape seed 004's clients expect.
    pub fn route_not_found(path: &str) -> ApiError {
        ApiError {
            body: ErrorBody::new(ErrorCode::NotFound, "Not found").with_path(path),
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
        let details = match &err {
            domain::Error::InvalidFields(fields) => Some(serde_json::json!({
                "fields": fields
                    .iter()
                    .map(|f| serde_json::json!({ "field": f.field, "message": f.message }))
                    .collect::<Vec<_>>(),
            })),
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
        (self.status(), Json(self.body)).into_response()
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
