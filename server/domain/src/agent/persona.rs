//! The persona an app's agent speaks with, and the instructions composed from it.

use model::agent::persona::{Persona, PersonaPatch, UiStrings};
use model::platform::apps::{App, AppSettings};
use model::platform::users::Permission;

use crate::agent::Agent;
use crate::validation::Checks;
use crate::{Caller, Error, Result};

/// Longest persona name, tone, voice or greeting.
const MAX_PERSONA_TEXT: usize = 1_000;

impl Agent<'_> {
    /// The caller's persona. Session tokens may read it (browser widgets show `uiStrings`),
    /// and a call's agent (its instructions).
    pub fn persona(&self, caller: &Caller) -> Result<Persona> {
        caller.permit_agent(Permission::PersonaManage)?;
        Ok(to_persona(&caller.app.settings))
    }

    /// Changes the persona fields present in `patch`. Needs the app secret.
    pub async fn update_persona(&self, caller: &Caller, patch: PersonaPatch) -> Result<Persona> {
        caller.require(Permission::PersonaManage)?;
        let mut checks = Checks::new();
        for (field, value) in [
            ("voice", &patch.voice),
            ("personaName", &patch.persona_name),
            ("personaGreeting", &patch.persona_greeting),
            ("personaTone", &patch.persona_tone),
        ] {
            if let Some(value) = value {
                checks.text(field, value.trim(), 0, MAX_PERSONA_TEXT);
            }
        }
        checks.finish()?;
        let app: App = self
            .change_app_settings(&caller.app.id, &caller.app.slug, |settings| {
                apply(settings, patch)
            })
            .await?;
        self.audit_change(
            caller,
            "persona.updated",
            "app",
            Some(caller.app.id.clone()),
            None,
        )
        .await?;
        Ok(to_persona(&app.settings))
    }
}

fn apply(settings: &mut AppSettings, patch: PersonaPatch) -> Result<()> {
    // An empty string clears an optional field.
    let text = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
    if let Some(prompt) = patch.system_prompt {
        settings.system_prompt = prompt;
    }
    if let Some(voice) = patch.voice {
        settings.voice = text(voice);
    }
    if let Some(name) = patch.persona_name {
        settings.persona_name = text(name);
    }
    if let Some(greeting) = patch.persona_greeting {
        settings.persona_greeting = text(greeting);
    }
    if let Some(tone) = patch.persona_tone {
        settings.persona_tone = text(tone);
    }
    if let Some(terms) = patch.preferred_terms {
        settings.preferred_terms = terms.into_list();
    }
    if let Some(terms) = patch.blocked_terms {
        settings.blocked_terms = terms.into_list();
    }
    if let Some(ui_strings) = patch.ui_strings {
        settings.ui_strings = match ui_strings {
            UiStrings::Object(map) => map,
            UiStrings::Json(text) if text.trim().is_empty() => Default::default(),
            UiStrings::Json(text) => serde_json::from_str(&text).map_err(|_| {
                Error::InvalidFields(vec![crate::FieldError::new(
                    "uiStrings",
                    "must be a JSON object (or a string holding one)",
                )])
            })?,
        };
    }
    Ok(())
}

fn joined(terms: &[String]) -> Option<String> {
    (!terms.is_empty()).then(|| terms.join(", "))
}

pub(crate) fn to_persona(settings: &AppSettings) -> Persona {
    Persona {
        system_prompt: settings.system_prompt.clone(),
        voice: settings.voice.clone(),
        persona_name: settings.persona_name.clone(),
        persona_greeting: settings.persona_greeting.clone(),
        persona_tone: settings.persona_tone.clone(),
        preferred_terms: joined(&settings.preferred_terms),
        blocked_terms: joined(&settings.blocked_terms),
        ui_strings: (!settings.ui_strings.is_empty()).then(|| settings.ui_strings.clone()),
        instructions: model::agent::persona::compose_instructions(settings),
    }
}
