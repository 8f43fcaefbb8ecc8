//! The Overview page's analytics.

use leptos::prelude::*;
use model::agent::dashboard::AnalyticsReport;

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The Overview page: analytics over the last `days` days.
#[server(prefix = "/sfn", endpoint = "analytics-report")]
pub async fn overview_report(slug: String, days: i64) -> Result<AnalyticsReport, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services.agent().analytics_report(&caller, days).await?)
}
