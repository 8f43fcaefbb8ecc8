//! Server functions of the voice playground: what the page needs to offer a call, and the
//! call's start and end, through the same domain as seed 004's `/session`.

use leptos::prelude::*;
use model::agent::playground::{PlaygroundCall, PlaygroundConfig, PlaygroundSetup};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

#[server(prefix = "/sfn", endpoint = "playground")]
pub async fn load_playground(slug: String) -> Result<PlaygroundSetup, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services.agent().playground_setup(&caller)?)
}

/// Starts a call with the chosen agent configuration.
#[server(prefix = "/sfn", endpoint = "playground-start")]
pub async fn start_playground(
    slug: String,
    config: PlaygroundConfig,
) -> Result<PlaygroundCall, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .agent()
        .start_playground(&actor, &slug, config.agent_config())
        .await?)
}

/// Ends a call: its room closes and the agent leaves.
#[server(prefix = "/sfn", endpoint = "playground-end")]
pub async fn end_playground(slug: String, room: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .agent()
        .end_playground(&actor, &slug, &room)
        .await?)
}
