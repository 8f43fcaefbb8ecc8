//! Instance status and the database check.

use leptos::prelude::*;
use model::health::Readiness;
use model::status::StatusReport;

use crate::error::UiError;

#[server(prefix = "/sfn", endpoint = "status")]
pub async fn get_status() -> Result<StatusReport, UiError> {
    Ok(super::services()?.status().await?)
}

#[server(prefix = "/sfn", endpoint = "health-check")]
pub async fn check_health() -> Result<Readiness, UiError> {
    Ok(super::services()?.readiness().await)
}
