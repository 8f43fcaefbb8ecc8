//! The audit log page: a workspace's entries and their retention.

use leptos::prelude::*;
use model::platform::dashboard::AuditView;

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The audit log of the app's workspace.
#[server(prefix = "/sfn", endpoint = "audit")]
pub async fn load_audit(slug: String, cursor: Option<String>) -> Result<AuditView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .platform()
        .audit_view(&actor, &slug, ssr::given(cursor).as_deref())
        .await?)
}

/// Sets how many days the workspace keeps its audit log (30, 90 or 365).
#[server(prefix = "/sfn", endpoint = "audit-retention")]
pub async fn set_audit_retention(workspace_id: String, days: i64) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .platform()
        .set_audit_retention(&actor, &workspace_id, days)
        .await?)
}
