//! App credentials, accepted exactly where the seeds accept them.
//!
//! Sources: `Authorization: Bearer <app secret | session token>` with `X-App-Slug`; query
//! `appSlug`, `appSecret`, `sessionToken`; and, for JSON bodies, the same three body fields.
//! Headers and query win over the body. Order:
//!
//! 1. A Bearer token is authoritative: a session token (`sbt_…`) or else the app secret of the
//!    slug from `X-App-Slug` / query / body. If it fails the request fails: no fallback. A
//!    widget token (`wst_…`) is refused (403): it serves `/api/widget/*` only.
//! 2. Otherwise a `sessionToken` field, if valid.
//! 3. Otherwise `appSlug` + `appSecret`.
//!
//! Credentials in query strings work for compatibility; request logs record the path only, so
//! they never reach a log line.

use axum::extract::{FromRef, FromRequest, FromRequestParts, Query, Request};
use axum::http::Method;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use domain::desk::WIDGET_TOKEN_PREFIX;
use domain::platform::secrets::{AGENT_CREDENTIAL_PREFIX, SESSION_TOKEN_PREFIX};
use domain::{Caller, Services};
use model::ErrorCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::PartialSchema;

use super::ApiError;
use super::json::{self, ApiJson};
use super::rate_limit::RateLimitSlot;

const APP_SLUG_HEADER: &str = "x-app-slug";

/// Credentials found in one request, by where they came from.
#[derive(Debug, Default)]
struct Credentials {
    bearer: Option<String>,
    header_slug: Option<String>,
    query: CredentialFields,
    body: CredentialFields,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CredentialFields {
    app_slug: Option<String>,
    app_secret: Option<String>,
    session_token: Option<String>,
}

impl CredentialFields {
    fn from_body(body: &Value) -> CredentialFields {
        let field = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
        CredentialFields {
            app_slug: field("appSlug"),
            app_secret: field("appSecret"),
            session_token: field("sessionToken"),
        }
    }
}

impl Credentials {
    fn from_parts(parts: &Parts) -> Credentials {
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let bearer = header(AUTHORIZATION.as_str()).and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        });
        Credentials {
            bearer,
            header_slug: header(APP_SLUG_HEADER),
            query: Query::<CredentialFields>::try_from_uri(&parts.uri)
                .map(|Query(fields)| fields)
                .unwrap_or_default(),
            body: CredentialFields::default(),
        }
    }

    async fn authenticate(self, services: &Services) -> Result<Caller, ApiError> {
        let Credentials {
            bearer,
            header_slug,
            query,
            body,
        } = self;
        let slug = header_slug.or(query.app_slug).or(body.app_slug);
        if let Some(bearer) = bearer {
            return if bearer.starts_with(SESSION_TOKEN_PREFIX) {
                Ok(services
                    .platform()
                    .authenticate_session_token(&bearer)
                    .await?)
            } else if bearer.starts_with(WIDGET_TOKEN_PREFIX) {
                // A live widget token is a credential, just not for this: 403, not 401.
                services.desk().authenticate_widget_token(&bearer).await?;
                Err(ApiError::new(
                    ErrorCode::PermissionDenied,
                    "A widget session token acts only as its visitor, on /api/widget",
                ))
            } else if bearer.starts_with(AGENT_CREDENTIAL_PREFIX) {
                Ok(services
                    .platform()
                    .authenticate_agent_credential(&bearer)
                    .await?)
            } else {
                let slug = slug.ok_or_else(|| {
                    unauthorized("A Bearer app secret needs the X-App-Slug header")
                })?;
                Ok(services
                    .platform()
                    .authenticate_app_secret(&slug, &bearer)
                    .await?)
            };
        }
        let secret = query.app_secret.or(body.app_secret);
        if let Some(token) = query.session_token.or(body.session_token) {
            match services.platform().authenticate_session_token(&token).await {
                Ok(caller) => return Ok(caller),
                // A bad token with no secret beside it is the answer; with a secret, try that.
                Err(err) if secret.is_none() => return Err(err.into()),
                Err(_) => {}
            }
        }
        match (slug, secret) {
            (Some(slug), Some(secret)) => Ok(services
                .platform()
                .authenticate_app_secret(&slug, &secret)
                .await?),
            _ => Err(unauthorized(
                "Credentials required: appSlug and appSecret, or a sessionToken",
            )),
        }
    }
}

/// Counts the call against the caller's rate limit, leaving the decision for the headers.
async fn admit(services: &Services, caller: &Caller, parts: &Parts) -> Result<(), ApiError> {
    let slot = parts.extensions.get::<RateLimitSlot>();
    admit_call(services, caller, &parts.method, slot).await
}

async fn admit_call(
    services: &Services,
    caller: &Caller,
    method: &Method,
    slot: Option<&RateLimitSlot>,
) -> Result<(), ApiError> {
    let read_only = matches!(*method, Method::GET | Method::HEAD);
    if let Some(decision) = services.platform().admit_call(caller, read_only).await?
        && let Some(slot) = slot
    {
        slot.record(decision);
    }
    Ok(())
}

fn unauthorized(reason: &str) -> ApiError {
    ApiError::new(ErrorCode::NotAuthenticated, "Unauthorized")
        .with_details(serde_json::json!({ "reason": reason }))
}

/// The authenticated caller of a request without a JSON body (credentials in headers or query).
pub struct AppCaller(pub Caller);

impl<S> FromRequestParts<S> for AppCaller
where
    S: Send + Sync,
    Services: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let services = Services::from_ref(state);
        let caller = Credentials::from_parts(parts)
            .authenticate(&services)
            .await?;
        admit(&services, &caller, parts).await?;
        Ok(AppCaller(caller))
    }
}

/// A JSON body of type `T` and its authenticated caller, whose credentials may also be in the
/// body (`appSlug`, `appSecret`, `sessionToken`). The body is read once.
pub struct AppCallerJson<T>(pub Caller, pub T);

impl<S, T> FromRequest<S> for AppCallerJson<T>
where
    S: Send + Sync,
    Services: FromRef<S>,
    T: DeserializeOwned + PartialSchema,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let services = Services::from_ref(state);
        let (parts, body) = req.into_parts();
        let mut credentials = Credentials::from_parts(&parts);
        let method = parts.method.clone();
        let slot = parts.extensions.get::<RateLimitSlot>().cloned();
        let ApiJson(value) =
            ApiJson::<Value>::from_request(Request::from_parts(parts, body), state).await?;
        credentials.body = CredentialFields::from_body(&value);
        // Authenticate before judging the body: a stranger learns nothing about its fields.
        let caller = credentials.authenticate(&services).await?;
        admit_call(&services, &caller, &method, slot.as_ref()).await?;
        let input = json::from_value::<T>(value)?;
        Ok(AppCallerJson(caller, input))
    }
}

/// The caller of an operation with no input of its own: credentials in the headers or query,
/// or in a JSON body when the request has one.
pub struct AnyCaller(pub Caller);

impl<S> FromRequest<S> for AnyCaller
where
    S: Send + Sync,
    Services: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if req.headers().contains_key(axum::http::header::CONTENT_TYPE) {
            let AppCallerJson(caller, _) = AppCallerJson::<Value>::from_request(req, state).await?;
            return Ok(AnyCaller(caller));
        }
        let (mut parts, _) = req.into_parts();
        let AppCaller(caller) = AppCaller::from_request_parts(&mut parts, state).await?;
        Ok(AnyCaller(caller))
    }
}
