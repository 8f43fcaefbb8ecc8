//! The handoff queue: list, claim and resolve.

use leptos::prelude::*;
use model::agent::handoffs::{Handoff, HandoffPage};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The handoff queue: one status at a time, newest first.
#[server(prefix = "/sfn", endpoint = "handoffs")]
pub async fn handoff_queue(
    slug: String,
    status: String,
    cursor: Option<String>,
) -> Result<HandoffPage, UiError> {
    let status = model::agent::handoffs::HandoffStatus::parse(&status).ok_or_else(|| {
        UiError::new(
            model::ErrorCode::InvalidInput,
            format!("Unknown handoff status {status:?}"),
        )
    })?;
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services
        .agent()
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
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .agent()
        .claim_handoff(&actor, &slug, &handoff_id)
        .await?)
}

/// Resolves a handoff, with an optional judgement (`excellent`, `good`, `poor`) and notes.
#[server(prefix = "/sfn", endpoint = "resolve-handoff")]
pub async fn resolve_handoff(
    slug: String,
    handoff_id: String,
    quality: Option<String>,
    feedback: Option<String>,
) -> Result<Handoff, UiError> {
    use model::agent::handoffs::ResolutionQuality;

    let quality = ssr::parsed("resolution quality", quality, ResolutionQuality::parse)?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .agent()
        .resolve_handoff(&actor, &slug, &handoff_id, quality, feedback)
        .await?)
}
