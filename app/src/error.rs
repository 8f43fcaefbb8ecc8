//! [`UiError`]: what a server function reports, with the same stable codes as the JSON API.

use std::fmt;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use model::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
}

impl UiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> UiError {
        // On the server, the answer's HTTP status follows the code (401, 403, 429, …), as the
        // JSON API's does; server functions would otherwise answer every error with 500.
        #[cfg(feature = "ssr")]
        set_response_status(code);
        UiError {
            code,
            message: message.into(),
        }
    }
}

#[cfg(feature = "ssr")]
fn set_response_status(code: ErrorCode) {
    let response = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
    if let (Some(response), Ok(status)) = (response, http::StatusCode::from_u16(code.http_status()))
    {
        response.set_status(status);
    }
}

impl fmt::Display for UiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> UiError {
        let code = match &value {
            ServerFnErrorErr::Request(_) => ErrorCode::ServiceUnavailable,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => ErrorCode::InvalidInput,
            _ => ErrorCode::InternalError,
        };
        UiError::new(code, value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<domain::Error> for UiError {
    fn from(err: domain::Error) -> UiError {
        if let domain::Error::Internal(source) = &err {
            tracing_error(source.as_ref());
            return UiError::new(ErrorCode::InternalError, "Internal server error");
        }
        if let domain::Error::RateLimited(decision) = &err {
            return UiError::new(
                ErrorCode::RateLimited,
                format!(
                    "Too many attempts: try again in {} seconds",
                    decision.retry_after_secs()
                ),
            );
        }
        UiError::new(err.code(), err.to_string())
    }
}

/// Logs an internal failure with its causes; the browser only learns that it failed.
#[cfg(feature = "ssr")]
fn tracing_error(err: &(dyn std::error::Error + 'static)) {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    leptos::logging::error!("server function failed: {chain}");
}
