//! The service layer's error: what went wrong in terms a caller can act on.

use model::ErrorCode;
use store::StoreError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One rejected field of a request. Items of a batch are named with their index, e.g.
/// `events[3].ts`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    /// Every problem of a request at once, by field.
    #[error("Invalid fields: {}", describe(.0))]
    InvalidFields(Vec<FieldError>),
    /// Missing or wrong credentials.
    #[error("Unauthorized")]
    Unauthenticated,
    /// A sign-in whose email or password is wrong (which one is not said).
    #[error("Wrong email or password")]
    WrongCredentials,
    #[error("Session token expired")]
    SessionExpired,
    /// Authenticated, but these credentials may not do this.
    #[error("{0}")]
    PermissionDenied(String),
    #[error("Too many requests")]
    RateLimited(crate::RateDecision),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    #[error("{0}")]
    Conflict(String),
    /// A status change the state machine refuses.
    #[error("Cannot change {what} from {from} to {to}")]
    InvalidTransition {
        what: &'static str,
        from: &'static str,
        to: &'static str,
    },
    /// A batch or body over its documented limit.
    #[error("{0}")]
    TooLarge(String),
    /// A feature's integration is not configured, or a dependency is down.
    #[error("{0}")]
    Unavailable(String),
    /// An external service refused or failed a call made on the caller's behalf.
    #[error("{0}")]
    Upstream(String),
    /// Details stay in the source chain for the logs; callers only see that it failed.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// The stable code this error is reported with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) | Error::InvalidFields(_) => ErrorCode::InvalidInput,
            Error::Unauthenticated | Error::WrongCredentials => ErrorCode::NotAuthenticated,
            Error::SessionExpired => ErrorCode::SessionExpired,
            Error::PermissionDenied(_) => ErrorCode::PermissionDenied,
            Error::RateLimited(_) => ErrorCode::RateLimited,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::AlreadyExists(_) => ErrorCode::AlreadyExists,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::InvalidTransition { .. } => ErrorCode::InvalidTransition,
            Error::TooLarge(_) => ErrorCode::PayloadTooLarge,
            Error::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Error::Upstream(_) => ErrorCode::UpstreamError,
            Error::Internal(_) => ErrorCode::InternalError,
        }
    }
}

/// Renames "not found" for the caller's vocabulary (a room, a call, a ticket), so an outsider
/// learns nothing about the workspace behind it.
pub(crate) fn not_found_as(what: &'static str) -> impl Fn(Error) -> Error {
    move |err| match err {
        Error::NotFound(_) => Error::NotFound(what),
        other => other,
    }
}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Error::NotFound("record"),
            StoreError::UniqueViolation => Error::AlreadyExists("record"),
            other => Error::Internal(Box::new(other)),
        }
    }
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{} {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}
