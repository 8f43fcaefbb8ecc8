//! The persona an app's agent speaks with, and the instructions composed from it.

use model::apps::{App, AppSettings, DEFAULT_SYSTEM_PROMPT};
use model::persona::{Persona, PersonaPatch, UiStrings};

use crate::validation::Checks;
use crate::{Caller, Error, Result, Services};

/// Longest persona name, tone, voice or greeting.
const MAX_PERSONA_TEXT: usize = 1_000;

impl Services {
    /// The caller's persona. Session tokens may read it (browser widgets show `uiStrings`).
    pub fn persona(&self, caller: &Caller) -> Persona {
        to_persona(&caller.app.settings)
    }

    /// Changes the persona fields present in `patch`. Needs the app secret.
    pub async fn update_persona(&self, caller: &Caller, patch: PersonaPatch) -> Result<Persona> {
        caller.require_app_secret()?;
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
        instructions: instructions(settings),
    }
}

/// The agent's instructions, composed as seed 000's agent does, plus the greeting it ignored.
pub(crate) fn instructions(settings: &AppSettings) -> String {
    let prompt = settings.system_prompt.trim();
    let mut parts = vec![if prompt.is_empty() {
        DEFAULT_SYSTEM_PROMPT.to_owned()
    } else {
        prompt.to_owned()
    }];
    let mentions = |text: &str| parts[0].to_lowercase().contains(&text.to_lowercase());
    let name = settings
        .persona_name
        .as_deref()
        .filter(|name| !mentions(name))
        .map(|name| format!("Your name is {name}."));
    let tone = settings
        .persona_tone
        .as_deref()
        .filter(|tone| !mentions(tone))
        .map(|tone| format!("Speak in a {tone} tone."));
    parts.extend(name);
    parts.extend(tone);
    if let Some(greeting) = &settings.persona_greeting {
        parts.push(format!("Begin the conversation by saying: \"{greeting}\""));
    }
    if let Some(terms) = joined(&settings.preferred_terms) {
        parts.push(format!("Preferred terms: {terms}."));
    }
    if let Some(terms) = joined(&settings.blocked_terms) {
        parts.push(format!("Never use these terms: {terms}."));
    }
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_add_only_what_the_prompt_lacks() {
        let settings = AppSettings {
            system_prompt: "You are Aria, a helpful assistant.".to_owned(),
            persona_name: Some("Aria".to_owned()),
            persona_tone: Some("friendly".to_owned()),
            persona_greeting: Some("Hi there!".to_owned()),
            preferred_terms: vec!["guest".to_owned(), "team member".to_owned()],
            blocked_terms: vec!["cheap".to_owned()],
            ..AppSettings::default()
        };
        assert_eq!(
            instructions(&settings),
            "You are Aria, a helpful assistant.\nSpeak in a friendly tone.\n\
             Begin the conversation by saying: \"Hi there!\"\n\
             Preferred terms: guest, team member.\nNever use these terms: cheap."
        );
        let empty = AppSettings {
            system_prompt: "  ".to_owned(),
            ..AppSettings::default()
        };
        assert_eq!(instructions(&empty), DEFAULT_SYSTEM_PROMPT);
    }
}
