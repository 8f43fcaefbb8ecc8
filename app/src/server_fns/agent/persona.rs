//! The persona editor.

use leptos::prelude::*;
use model::agent::persona::Persona;
use serde::{Deserialize, Serialize};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The app's persona, for its editor.
#[server(prefix = "/sfn", endpoint = "persona")]
pub async fn load_persona(slug: String) -> Result<Persona, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services.agent().persona(&caller)?)
}

/// The persona editor's fields, posted as `persona[system_prompt]`, `persona[voice]`, …
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonaForm {
    pub system_prompt: String,
    pub voice: String,
    pub persona_name: String,
    pub persona_greeting: String,
    pub persona_tone: String,
    /// Comma-separated.
    pub preferred_terms: String,
    pub blocked_terms: String,
    /// A JSON object, or empty.
    pub ui_strings: String,
}

/// Saves every persona field: an empty field clears it.
#[server(prefix = "/sfn", endpoint = "save-persona")]
pub async fn save_persona(slug: String, persona: PersonaForm) -> Result<Persona, UiError> {
    use model::agent::persona::{PersonaPatch, Terms, UiStrings};

    let (services, caller) = ssr::app_caller(&slug).await?;
    let patch = PersonaPatch {
        system_prompt: Some(persona.system_prompt),
        voice: Some(persona.voice),
        persona_name: Some(persona.persona_name),
        persona_greeting: Some(persona.persona_greeting),
        persona_tone: Some(persona.persona_tone),
        preferred_terms: Some(Terms::Text(persona.preferred_terms)),
        blocked_terms: Some(Terms::Text(persona.blocked_terms)),
        ui_strings: Some(UiStrings::Json(persona.ui_strings)),
    };
    Ok(services.agent().update_persona(&caller, patch).await?)
}
