//! `/.well-known/switchboard.json`: where this instance's API and widget are.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::HOST;
use domain::Services;
use model::platform::discovery::Discovery;

/// Public: the version, the API's base URL, the widget script's URL and which features are on.
#[utoipa::path(
    get,
    path = "/.well-known/switchboard.json",
    tag = "system",
    security(()),
    responses((status = 200, description = "This instance", body = Discovery))
)]
pub async fn discovery(State(services): State<Services>, headers: HeaderMap) -> Json<Discovery> {
    let scheme = if app::request::is_https(&headers) {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("localhost");
    Json(services.platform().discovery(&format!("{scheme}://{host}")))
}
