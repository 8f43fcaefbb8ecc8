//! [`ApiQuery`] (query strings with JSON errors) and [`TraceId`] (the `X-Trace-Id` header).

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use model::ErrorCode;
use serde::de::DeserializeOwned;

use super::ApiError;

/// Query parameters of type `T`; a bad value is a 400 `INVALID_INPUT` naming it.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(query)| ApiQuery(query))
            .map_err(|rejection| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("Invalid query string: {}", rejection.body_text()),
                )
            })
    }
}

/// The caller's trace id, stored with what the request writes (seed 000's `X-Trace-Id`).
pub struct TraceId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for TraceId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get("x-trace-id")
            .map(|value| {
                value.to_str().map(|v| v.trim().to_owned()).map_err(|_| {
                    ApiError::new(ErrorCode::InvalidInput, "X-Trace-Id must be plain text")
                })
            })
            .transpose()?
            .filter(|value| !value.is_empty());
        Ok(TraceId(value))
    }
}
