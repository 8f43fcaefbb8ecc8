//! Widget credentials: the `wst_` token a booted widget presents as `Authorization: Bearer`,
//! and the page's origin.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, ORIGIN};
use axum::http::request::Parts;
use domain::Services;
use domain::desk::Visitor;
use model::ErrorCode;

use super::ApiError;

/// The visitor a request's widget token stands for.
pub struct WidgetVisitor(pub Visitor);

impl<S> FromRequestParts<S> for WidgetVisitor
where
    S: Send + Sync,
    Services: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotAuthenticated,
                "Send the widget session token as Authorization: Bearer wst_…",
            )
        })?;
        let services = Services::from_ref(state);
        Ok(WidgetVisitor(
            services.desk().authenticate_widget_token(&token).await?,
        ))
    }
}

/// The `Authorization: Bearer` token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|token| !token.is_empty())
}

/// The browser's `Origin` header: where the page that sent the request comes from.
pub struct RequestOrigin(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestOrigin(
            parts
                .headers
                .get(ORIGIN)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
                .filter(|origin| origin != "null"),
        ))
    }
}

/// A bearer token that holds any headers: the bearer of a request with no body extractor.
pub struct OptionalBearer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for OptionalBearer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(OptionalBearer(bearer(parts)))
    }
}
