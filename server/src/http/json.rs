//! [`ApiJson`]: the JSON body extractor of every endpoint.
//!
//! axum's own `Json` answers rejections in plain text. This one answers with [`ApiError`]:
//! 415 for a missing JSON content type, 413 past the body limit, 400 `INVALID_INPUT` naming the
//! syntax problem and its line and column, or listing every missing required field.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use model::ErrorCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use utoipa::PartialSchema;
use utoipa::openapi::schema::{SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

use super::ApiError;

/// A JSON request body of type `T`. `T`'s OpenAPI schema lists its required fields, so a body
/// missing several of them is told about all at once.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned + PartialSchema,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !has_json_content_type(&req) {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "Expected a request body with `Content-Type: application/json`",
            ));
        }
        let bytes = read_body(req, state).await?;
        parse::<T>(&bytes).map(ApiJson)
    }
}

/// An optional JSON body: absent when the request has no `Content-Type` (and so no body),
/// else read as [`ApiJson`].
pub struct OptionalJson<T>(pub Option<T>);

impl<S, T> FromRequest<S> for OptionalJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned + PartialSchema,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !req.headers().contains_key(CONTENT_TYPE) {
            return Ok(OptionalJson(None));
        }
        let ApiJson(body) = ApiJson::<T>::from_request(req, state).await?;
        Ok(OptionalJson(Some(body)))
    }
}

/// The whole body, within the body limit (413 past it).
pub(crate) async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::PayloadTooLarge, "Request body is too large")
        } else {
            ApiError::new(ErrorCode::InvalidInput, "Could not read the request body")
        }
    })
}

/// A body read as text whatever its content type (a signed webhook is verified on its exact
/// text before it is parsed), answering like [`ApiJson`] when it cannot be read: 413 past the
/// body limit, 400 `INVALID_INPUT` when it is not UTF-8.
pub struct TextBody(pub String);

impl<S: Send + Sync> FromRequest<S> for TextBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req, state).await?;
        String::from_utf8(bytes.to_vec())
            .map(TextBody)
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    "The request body is not UTF-8 text",
                )
            })
    }
}

fn has_json_content_type(req: &Request) -> bool {
    let Some(content_type) = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Deserializes `bytes` as `T`, describing any failure for the client.
fn parse<T: DeserializeOwned + PartialSchema>(bytes: &[u8]) -> Result<T, ApiError> {
    // Syntax first (with its position), then the shape (with the field's path).
    let value: Value = serde_json::from_slice(bytes).map_err(|err| malformed(&err))?;
    from_value(value)
}

/// Deserializes an already parsed body as `T`, naming the offending field or every missing one.
pub fn from_value<T: DeserializeOwned + PartialSchema>(mut value: Value) -> Result<T, ApiError> {
    whole_numbers_as_integers(&mut value);
    // serde fills a struct from an array by position; a client sending one has made a mistake.
    if expects_object::<T>() && !value.is_object() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "Invalid request body: expected a JSON object",
        )
        .with_details(json!({ "field": null, "reason": "expected a JSON object" })));
    }
    let err = match serde_path_to_error::deserialize::<_, T>(&value) {
        Ok(parsed) => return Ok(parsed),
        Err(err) => err,
    };
    let path = err.path().to_string();
    let message = without_position(&err.into_inner().to_string());
    if message.starts_with("missing field") {
        let missing = missing_fields::<T>(&value, &path, &message);
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("Missing required fields: {}", missing.join(", ")),
        )
        .with_details(json!({ "missing": missing })));
    }
    let field = (path != ".").then_some(path);
    let text = match &field {
        Some(field) => format!("Invalid value for `{field}`: {message}"),
        None => format!("Invalid request body: {message}"),
    };
    Err(ApiError::new(ErrorCode::InvalidInput, text)
        .with_details(json!({ "field": field, "reason": message })))
}

/// `5.0` is an integer to JSON Schema (and to a JavaScript client), but not to serde: numbers
/// with no fraction become integers, so they fit integer fields (and still fit float ones).
fn whole_numbers_as_integers(value: &mut Value) {
    /// Above 2^53 a float no longer holds every integer exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float.abs() <= EXACT
            {
                *value = Value::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Whether `T` is described as a JSON object (a struct), rather than a list or any value.
fn expects_object<T: PartialSchema>() -> bool {
    matches!(
        T::schema(),
        RefOr::T(Schema::Object(object)) if object.schema_type == SchemaType::Type(Type::Object)
    )
}

/// A syntax error (or an early end of input), with its position.
fn malformed(err: &serde_json::Error) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidInput,
        format!(
            "Malformed JSON at line {} column {}: {}",
            err.line(),
            err.column(),
            without_position(&err.to_string())
        ),
    )
    .with_details(json!({ "line": err.line(), "column": err.column() }))
}

/// serde_json appends " at line L column C"; the answer reports the position separately.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// Every required field absent from the body, as dotted paths. At the top level the schema
/// names them all; in a nested object serde's single report is all there is.
fn missing_fields<T: PartialSchema>(body: &Value, path: &str, message: &str) -> Vec<String> {
    let reported = message
        .split('`')
        .nth(1)
        .map(|field| {
            if path == "." {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            }
        })
        .unwrap_or_else(|| message.to_owned());
    if path != "." {
        return vec![reported];
    }
    let Value::Object(body) = body else {
        return vec![reported];
    };
    let RefOr::T(Schema::Object(schema)) = T::schema() else {
        return vec![reported];
    };
    let missing: Vec<String> = schema
        .required
        .iter()
        .filter(|field| !body.contains_key(field.as_str()))
        .cloned()
        .collect();
    if missing.is_empty() {
        vec![reported]
    } else {
        missing
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::DefaultBodyLimit;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use http_body_util::BodyExt;
    use serde::Deserialize;
    use tower::ServiceExt;

    use super::*;

    #[derive(Debug, Deserialize, utoipa::ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct CreateThing {
        app_slug: String,
        session_id: String,
        count: u32,
        note: Option<String>,
    }

    async fn echo(ApiJson(thing): ApiJson<CreateThing>) -> String {
        format!("{}/{}/{}", thing.app_slug, thing.session_id, thing.count)
    }

    async fn send(content_type: Option<&str>, body: &str) -> (StatusCode, Value) {
        let app = Router::new()
            .route("/things", post(echo))
            .layer(DefaultBodyLimit::max(64));
        let mut request = Request::post("/things");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = app
            .oneshot(request.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, value)
    }

    #[tokio::test]
    async fn valid_body_reaches_the_handler() {
        let (status, body) = send(
            Some("application/json; charset=utf-8"),
            r#"{"appSlug":"a","sessionId":"s","count":2}"#,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, Value::String("a/s/2".into()));
    }

    #[tokio::test]
    async fn a_whole_number_written_as_a_float_fills_an_integer_field() {
        let (status, body) = send(
            Some("application/json"),
            r#"{"appSlug":"a","sessionId":"s","count":2.0}"#,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, Value::String("a/s/2".into()));
        let (status, _) = send(
            Some("application/json"),
            r#"{"appSlug":"a","sessionId":"s","count":2.5}"#,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn malformed_json_names_the_problem_and_its_position() {
        let (status, body) = send(Some("application/json"), "{\n  \"appSlug\": \"a\",,\n}").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "INVALID_INPUT");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with("Malformed JSON at line 2 column"),
            "{message}"
        );
        assert_eq!(body["details"]["line"], 2);
        assert_eq!(body["error"], body["message"]);
    }

    #[tokio::test]
    async fn truncated_json_is_malformed() {
        let (status, body) = send(Some("application/json"), r#"{"appSlug":"#).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["message"].as_str().unwrap().contains("EOF"), "{body}");
    }

    #[tokio::test]
    async fn trailing_garbage_is_malformed() {
        let (status, body) = send(
            Some("application/json"),
            r#"{"appSlug":"a","sessionId":"s","count":2} x"#,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("Malformed JSON")
        );
    }

    #[tokio::test]
    async fn every_missing_required_field_is_listed() {
        let (status, body) = send(Some("application/json"), r#"{"note":"hi"}"#).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "INVALID_INPUT");
        assert_eq!(
            body["details"]["missing"],
            json!(["appSlug", "sessionId", "count"])
        );
        assert_eq!(
            body["message"],
            "Missing required fields: appSlug, sessionId, count"
        );
    }

    #[tokio::test]
    async fn wrong_types_name_the_field() {
        let (status, body) = send(
            Some("application/json"),
            r#"{"appSlug":"a","sessionId":"s","count":-1}"#,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["details"]["field"], "count");
        assert!(
            body["message"].as_str().unwrap().contains("`count`"),
            "{body}"
        );
    }

    #[tokio::test]
    async fn an_array_where_an_object_is_expected_is_refused() {
        for body in [r#"["a","s",2]"#, "[]", "\"text\"", "7", "null"] {
            let (status, answer) = send(Some("application/json"), body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(answer["code"], "INVALID_INPUT");
            assert_eq!(
                answer["message"], "Invalid request body: expected a JSON object",
                "{body}"
            );
        }
    }

    #[tokio::test]
    async fn missing_or_wrong_content_type_is_415() {
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
        ] {
            let (status, body) = send(content_type, r#"{"appSlug":"a"}"#).await;
            assert_eq!(
                status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{content_type:?}"
            );
            assert_eq!(body["code"], "UNSUPPORTED_MEDIA_TYPE");
        }
        let (status, _) = send(
            Some("application/webhook+json"),
            r#"{"appSlug":"a","sessionId":"s","count":1}"#,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "+json media types are JSON");
    }

    #[tokio::test]
    async fn oversized_body_is_413() {
        let big = format!(
            r#"{{"appSlug":"{}","sessionId":"s","count":1}}"#,
            "x".repeat(100)
        );
        let (status, body) = send(Some("application/json"), &big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
    }
}
