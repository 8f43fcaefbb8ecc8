//! Server functions of the dashboard pages. Each names the app it works on (the slug from the
//! page's path) and is checked against the signed-in user's role in that app's workspace.

use leptos::prelude::*;
use model::conversations::{ConversationDetail, ConversationPage};
use model::dashboard::{AnalyticsReport, DashboardFrame};
use model::handoffs::{Handoff, HandoffPage};

use crate::error::UiError;

/// The frame of a dashboard page, or `None` when nobody is signed in.
#[server(prefix = "/sfn", endpoint = "dashboard-frame")]
pub async fn page_frame(slug: Option<String>) -> Result<Option<DashboardFrame>, UiError> {
    let services = super::services()?;
    let Some(token) = super::request::session_token() else {
        return Ok(None);
    };
    let Some(user) = services.user_for_session(&token).await? else {
        return Ok(None);
    };
    Ok(Some(services.dashboard_frame(user, slug.as_deref()).await?))
}

/// The Overview page: analytics over the last `days` days.
#[server(prefix = "/sfn", endpoint = "analytics-report")]
pub async fn overview_report(slug: String, days: i64) -> Result<AnalyticsReport, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::AnalyticsRead).await?;
    Ok(services.analytics_report(&caller, days).await?)
}

/// One page of conversations, newest first. Empty filters are ignored; `from` and `to` are
/// UTC days (`YYYY-MM-DD`), both included.
#[server(prefix = "/sfn", endpoint = "conversations")]
pub async fn conversations(
    slug: String,
    status: Option<String>,
    channel: Option<String>,
    variant: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
) -> Result<ConversationPage, UiError> {
    use model::conversations::ConversationStatus;

    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ConversationsRead).await?;
    let status = match ssr::given(status) {
        None => None,
        Some(text) => Some(ConversationStatus::parse(&text).ok_or_else(|| {
            UiError::new(
                model::ErrorCode::InvalidInput,
                format!("Unknown status {text:?}"),
            )
        })?),
    };
    let query = domain::ConversationQuery {
        status,
        channel: ssr::given(channel),
        variant: ssr::given(variant),
        since: ssr::day_bound(from, 0)?,
        until: ssr::day_bound(to, 1)?,
        cursor: ssr::given(cursor),
        limit: Some(25),
    };
    Ok(services.list_conversations(&caller, query).await?)
}

/// One conversation with everything recorded about it.
#[server(prefix = "/sfn", endpoint = "conversation")]
pub async fn conversation(slug: String, session_id: String) -> Result<ConversationDetail, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ConversationsRead).await?;
    Ok(services.conversation_detail(&caller, &session_id).await?)
}

/// The handoff queue: one status at a time, newest first.
#[server(prefix = "/sfn", endpoint = "handoffs")]
pub async fn handoff_queue(
    slug: String,
    status: String,
    cursor: Option<String>,
) -> Result<HandoffPage, UiError> {
    let status = model::handoffs::HandoffStatus::parse(&status).ok_or_else(|| {
        UiError::new(
            model::ErrorCode::InvalidInput,
            format!("Unknown handoff status {status:?}"),
        )
    })?;
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ConversationsRead).await?;
    Ok(services
        .list_handoffs(
            &caller,
            Some(status),
            ssr::given(cursor).as_deref(),
            Some(50),
        )
        .await?)
}

/// Claims a handoff for the signed-in user.
#[server(prefix = "/sfn", endpoint = "claim-handoff")]
pub async fn claim_handoff(slug: String, handoff_id: String) -> Result<Handoff, UiError> {
    super::request::require_same_origin()?;
    let services = super::services()?;
    let actor = super::request::signed_in_actor(&services).await?;
    Ok(services.claim_handoff(&actor, &slug, &handoff_id).await?)
}

/// Resolves a handoff, with an optional judgement (`excellent`, `good`, `poor`) and notes.
#[server(prefix = "/sfn", endpoint = "resolve-handoff")]
pub async fn resolve_handoff(
    slug: String,
    handoff_id: String,
    quality: Option<String>,
    feedback: Option<String>,
) -> Result<Handoff, UiError> {
    use model::handoffs::ResolutionQuality;

    super::request::require_same_origin()?;
    let quality = match ssr::given(quality) {
        None => None,
        Some(text) => Some(ResolutionQuality::parse(&text).ok_or_else(|| {
            UiError::new(
                model::ErrorCode::InvalidInput,
                format!("Unknown resolution quality {text:?}"),
            )
        })?),
    };
    let services = super::services()?;
    let actor = super::request::signed_in_actor(&services).await?;
    Ok(services
        .resolve_handoff(&actor, &slug, &handoff_id, quality, feedback)
        .await?)
}

#[cfg(feature = "ssr")]
mod ssr {
    use model::ErrorCode;
    use model::users::Permission;

    use crate::error::UiError;
    use crate::format;

    /// The services and the app `slug` as the signed-in user may use it for `permission`.
    pub async fn app_caller(
        slug: &str,
        permission: Permission,
    ) -> Result<(domain::Services, domain::Caller), UiError> {
        let services = super::super::services()?;
        let actor = super::super::request::signed_in_actor(&services).await?;
        let caller = services.dashboard_caller(&actor, slug, permission).await?;
        Ok((services, caller))
    }

    /// A form field, unless left empty.
    pub fn given(value: Option<String>) -> Option<String> {
        value
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    }

    /// The start of the UTC day `value` names, plus `offset_days`.
    pub fn day_bound(value: Option<String>, offset_days: i64) -> Result<Option<i64>, UiError> {
        let Some(text) = given(value) else {
            return Ok(None);
        };
        format::day_start_ms(&text)
            .map(|start| Some(start + offset_days * 86_400_000))
            .ok_or_else(|| {
                UiError::new(
                    ErrorCode::InvalidInput,
                    format!("{text:?} is not a date (YYYY-MM-DD)"),
                )
            })
    }
}
