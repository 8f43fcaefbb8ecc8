//! An app's persona (seed 000's `GET/PATCH /api/persona`) and its CSAT ratings.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
    pub session_id: String,
    /// A whole number from 1 to 5.
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

#[cfg(test)]
mod tests {
    use super::*;

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
