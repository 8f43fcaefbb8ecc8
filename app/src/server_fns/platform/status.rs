//! Instance status and the database check.

use leptos::prelude::*;
use model::platform::health::Readiness;
use model::platform::status::StatusReport;

use crate::error::UiError;

#[server(prefix = "/sfn", endpoint = "status")]
pub async fn get_status() -> Result<StatusReport, UiError> {
    Ok(crate::server_fns::services()?.platform().status().await?)
}

#[server(prefix = "/sfn", endpoint = "health-check")]
pub async fn check_health() -> Result<Readiness, UiError> {
    Ok(crate::server_fns::services()?.platform().readiness().await)
}
