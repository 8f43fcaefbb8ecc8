//! Server functions of the voice playground: what the page needs to offer a call, and the
//! call's start and end, through the same domain as seed 004's `/session`.

use leptos::prelude::*;
use model::agent::playground::{PlaygroundCall, PlaygroundConfig};
use serde::{Deserialize, Serialize};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// What the playground page starts from: the app's persona as defaults, and whether this
/// instance can hold voice calls at all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaygroundSetup {
    pub app_name: String,
    pub app_active: bool,
    /// Why calls cannot start (LiveKit unset), if they cannot.
    pub voice_unavailable: Option<String>,
    /// The persona's composed instructions, the default prompt.
    pub instructions: String,
    pub greeting: String,
    pub voice: String,
}

#[server(prefix = "/sfn", endpoint = "playground")]
pub async fn load_playground(slug: String) -> Result<PlaygroundSetup, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::platform::users::Permission::AppsRead).await?;
    let persona = services.persona(&caller);
    Ok(PlaygroundSetup {
        app_name: caller.app.name.clone(),
        app_active: caller.app.is_active,
        voice_unavailable: services.voice_unavailable(),
        instructions: persona.instructions,
        greeting: persona.persona_greeting.unwrap_or_default(),
        voice: persona.voice.unwrap_or_default(),
    })
}

/// Starts a call with the chosen agent configuration.
#[server(prefix = "/sfn", endpoint = "playground-start")]
pub async fn start_playground(
    slug: String,
    config: PlaygroundConfig,
) -> Result<PlaygroundCall, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .start_playground(&actor, &slug, config.agent_config())
        .await?)
}

/// Ends a call: its room closes and the agent leaves.
#[server(prefix = "/sfn", endpoint = "playground-end")]
pub async fn end_playground(slug: String, room: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.end_playground(&actor, &slug, &room).await?)
}
