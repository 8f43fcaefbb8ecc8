//! The frame around every dashboard page: who is signed in and which apps they may open.

use leptos::prelude::*;
use model::platform::dashboard::DashboardFrame;

use crate::error::UiError;

/// The frame of a dashboard page, or `None` when nobody is signed in.
#[server(prefix = "/sfn", endpoint = "dashboard-frame")]
pub async fn page_frame(slug: Option<String>) -> Result<Option<DashboardFrame>, UiError> {
    let services = crate::server_fns::services()?;
    let Some(token) = crate::server_fns::request::session_token() else {
        return Ok(None);
    };
    let Some(user) = services.platform().user_for_session(&token).await? else {
        return Ok(None);
    };
    Ok(Some(
        services
            .platform()
            .dashboard_frame(user, slug.as_deref())
            .await?,
    ))
}
