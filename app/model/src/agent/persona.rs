//! An app's persona (seed 000's `GET/PATCH /api/persona`) and its CSAT ratings.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::platform::apps::{AppSettings, DEFAULT_SYSTEM_PROMPT};

/// The persona an agent speaks with, and the instructions composed from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Persona {
    pub system_prompt: String,
    pub voice: Option<String>,
    pub persona_name: Option<String>,
    pub persona_greeting: Option<String>,
    pub persona_tone: Option<String>,
    /// Comma-separated, as seed 000 stores them.
    pub preferred_terms: Option<String>,
    pub blocked_terms: Option<String>,
    pub ui_strings: Option<Map<String, Value>>,
    /// What an agent should use as its instructions: the system prompt with the name, tone,
    /// greeting and terms added.
    pub instructions: String,
}

/// Terms as seed 000 sends them (`"a, b"`) or as a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Terms {
    Text(String),
    List(Vec<String>),
}

impl Terms {
    /// The non-empty, trimmed terms.
    pub fn into_list(self) -> Vec<String> {
        let list = match self {
            Terms::Text(text) => text.split(',').map(str::to_owned).collect(),
            Terms::List(list) => list,
        };
        list.into_iter()
            .map(|term| term.trim().to_owned())
            .filter(|term| !term.is_empty())
            .collect()
    }
}

/// `uiStrings` as seed 000 sends it (a JSON string) or as an object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum UiStrings {
    Json(String),
    Object(Map<String, Value>),
}

/// `PATCH /api/persona`: only the fields present change; an empty string clears a text field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PersonaPatch {
    #[serde(default)]
    pub system_prompt: Option<String>,
    #[serde(default)]
    pub voice: Option<String>,
    #[serde(default)]
    pub persona_name: Option<String>,
    #[serde(default)]
    pub persona_greeting: Option<String>,
    #[serde(default)]
    pub persona_tone: Option<String>,
    #[serde(default)]
    pub preferred_terms: Option<Terms>,
    #[serde(default)]
    pub blocked_terms: Option<Terms>,
    #[serde(default)]
    pub ui_strings: Option<UiStrings>,
}

/// `POST /api/csat`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubmitCsat {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub session_id: String,
    /// A whole number from 1 to 5.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5, multiple_of = 1))]
    pub rating: f64,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CsatRating {
    pub id: String,
    pub session_id: String,
    pub rating: i64,
    pub comment: Option<String>,
    pub created_at: i64,
    /// Later than `createdAt` when the session rated again.
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CsatPage {
    pub ratings: Vec<CsatRating>,
    pub next_cursor: Option<String>,
}

/// The agent's instructions, composed as seed 000's agent does, plus the greeting it ignored:
/// the system prompt, then the name and tone unless the prompt already says them, the greeting
/// and the terms.
pub fn compose_instructions(settings: &AppSettings) -> String {
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
    if !settings.preferred_terms.is_empty() {
        parts.push(format!(
            "Preferred terms: {}.",
            settings.preferred_terms.join(", ")
        ));
    }
    if !settings.blocked_terms.is_empty() {
        parts.push(format!(
            "Never use these terms: {}.",
            settings.blocked_terms.join(", ")
        ));
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
            compose_instructions(&settings),
            "You are Aria, a helpful assistant.\nSpeak in a friendly tone.\n\
             Begin the conversation by saying: \"Hi there!\"\n\
             Preferred terms: guest, team member.\nNever use these terms: cheap."
        );
        let empty = AppSettings {
            system_prompt: "  ".to_owned(),
            ..AppSettings::default()
        };
        assert_eq!(compose_instructions(&empty), DEFAULT_SYSTEM_PROMPT);
    }

    #[test]
    fn terms_come_as_text_or_list() {
        let text: Terms =
            serde_json::from_str(r#""team member, guest,, valued customer ""#).unwrap();
        assert_eq!(
            text.into_list(),
            ["team member", "guest", "valued customer"]
        );
        let list: Terms = serde_json::from_str(r#"["a", " b "]"#).unwrap();
        assert_eq!(list.into_list(), ["a", "b"]);
    }
}
