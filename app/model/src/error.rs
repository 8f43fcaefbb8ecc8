//! The error vocabulary of every API: stable codes and the JSON body that carries them.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code.
///
/// The first nine are seed 001's codes, kept verbatim so its clients can match on them; the rest
/// name HTTP-level failures that the seeds left as bare status codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    NotAuthenticated,
    SessionExpired,
    NotAuthorized,
    PermissionDenied,
    NotWorkspaceMember,
    NotFound,
    AlreadyExists,
    InvalidInput,
    RateLimited,
    /// The request is valid but conflicts with the resource's current state.
    Conflict,
    /// A status change the resource's state machine does not allow (e.g. resolved → active).
    InvalidTransition,
    PayloadTooLarge,
    UnsupportedMediaType,
    MethodNotAllowed,
    /// A feature needs an integration (LiveKit, Gemini, …) that is not configured, or a
    /// dependency such as the database is down.
    ServiceUnavailable,
    /// An external service answered with an error or not at all.
    UpstreamError,
    InternalError,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 17] = [
        ErrorCode::NotAuthenticated,
        ErrorCode::SessionExpired,
        ErrorCode::NotAuthorized,
        ErrorCode::PermissionDenied,
        ErrorCode::NotWorkspaceMember,
        ErrorCode::NotFound,
        ErrorCode::AlreadyExists,
        ErrorCode::InvalidInput,
        ErrorCode::RateLimited,
        ErrorCode::Conflict,
        ErrorCode::InvalidTransition,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::MethodNotAllowed,
        ErrorCode::ServiceUnavailable,
        ErrorCode::UpstreamError,
        ErrorCode::InternalError,
    ];

    /// The HTTP status this code is always answered with.
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::NotAuthenticated | ErrorCode::SessionExpired => 401,
            ErrorCode::NotAuthorized
            | ErrorCode::PermissionDenied
            | ErrorCode::NotWorkspaceMember => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::AlreadyExists | ErrorCode::Conflict | ErrorCode::InvalidTransition => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::InvalidInput => 400,
            ErrorCode::RateLimited => 429,
            ErrorCode::InternalError => 500,
            ErrorCode::UpstreamError => 502,
            ErrorCode::ServiceUnavailable => 503,
        }
    }

    /// The code as it appears on the wire, e.g. `"INVALID_INPUT"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotAuthenticated => "NOT_AUTHENTICATED",
            ErrorCode::SessionExpired => "SESSION_EXPIRED",
            ErrorCode::NotAuthorized => "NOT_AUTHORIZED",
            ErrorCode::PermissionDenied => "PERMISSION_DENIED",
            ErrorCode::NotWorkspaceMember => "NOT_WORKSPACE_MEMBER",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::AlreadyExists => "ALREADY_EXISTS",
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::InvalidTransition => "INVALID_TRANSITION",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::UpstreamError => "UPSTREAM_ERROR",
            ErrorCode::InternalError => "INTERNAL_ERROR",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON body of every error answer.
///
/// `error` and `message` carry the same human sentence: seed 000's clients read `error`,
/// seed 001's read `code` and `message`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub code: ErrorCode,
    pub message: String,
    /// Structured facts about the failure, e.g. the missing fields or the JSON position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
    /// The request path, on a 404 for an unknown route (as seed 004's clients expect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            error: message.clone(),
            code,
            message,
            details: None,
            path: None,
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_wire_names() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
            let back: ErrorCode = serde_json::from_value(json).unwrap();
            assert_eq!(back, code);
        }
    }

    #[test]
    fn every_code_maps_to_a_client_or_server_error_status() {
        for code in ErrorCode::ALL {
            let status = code.http_status();
            assert!((400..600).contains(&status), "{code} -> {status}");
        }
        assert_eq!(ErrorCode::InvalidInput.http_status(), 400);
        assert_eq!(ErrorCode::PermissionDenied.http_status(), 403);
        assert_eq!(ErrorCode::RateLimited.http_status(), 429);
    }

    #[test]
    fn body_repeats_the_message_under_error_and_omits_empty_fields() {
        let body = ErrorBody::new(ErrorCode::NotFound, "Not found").with_path("/api/nope");
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "error": "Not found",
                "code": "NOT_FOUND",
                "message": "Not found",
                "path": "/api/nope",
            })
        );
    }
}
