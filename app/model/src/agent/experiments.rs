//! A/B experiments (seed 000's `/api/experiments`), with per-variant results.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One arm of an experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    pub id: String,
    /// Relative share of sessions; positive.
    pub weight: f64,
    /// What the agent should change for this variant (e.g. its greeting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Map<String, Value>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExperimentStatus {
    /// Assigning sessions.
    Active,
    /// Not assigning new sessions; may resume.
    Paused,
    /// Over for good.
    Ended,
}

impl ExperimentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ExperimentStatus::Active => "active",
            ExperimentStatus::Paused => "paused",
            ExperimentStatus::Ended => "ended",
        }
    }

    pub fn parse(value: &str) -> Option<ExperimentStatus> {
        [Self::Active, Self::Paused, Self::Ended]
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    /// active ⇄ paused, either → ended; ended is final.
    pub const fn can_become(self, next: ExperimentStatus) -> bool {
        !matches!(self, ExperimentStatus::Ended) || matches!(next, ExperimentStatus::Ended)
    }
}

/// `POST /api/experiments`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateExperiment {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// At least 2, with unique ids and positive weights.
    #[cfg_attr(feature = "openapi", schema(min_items = 2, max_items = 20))]
    pub variants: Vec<Variant>,
}

/// `PUT /api/experiments/{id}`: a new name, description and variants. Weights and configs may
/// change while the experiment runs; which variants exist may change only until it has
/// assigned a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateExperiment {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub variants: Vec<Variant>,
}

/// `PATCH /api/experiments/{id}`: pause, resume or end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetExperimentStatus {
    pub status: ExperimentStatus,
}

/// How one variant is doing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VariantResult {
    pub variant_id: String,
    pub exposures: i64,
    /// Exposed sessions with a conversation.
    pub conversations: i64,
    /// Resolved ÷ conversations; null without conversations.
    pub resolution_rate: Option<f64>,
    /// Handed off ÷ conversations; null without conversations.
    pub handoff_rate: Option<f64>,
    pub avg_csat: Option<f64>,
    pub csat_ratings: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExperimentResults {
    pub variants: Vec<VariantResult>,
    /// Chi-square test of independence between variant and resolution; null until every
    /// variant has conversations and some resolved and some did not.
    pub p_value: Option<f64>,
    /// `pValue < 0.05`.
    pub significant: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Experiment {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub variants: Vec<Variant>,
    pub status: ExperimentStatus,
    /// `status == active`, as seed 000 reports it.
    pub is_active: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub ended_at: Option<i64>,
    pub results: ExperimentResults,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExperimentList {
    pub experiments: Vec<Experiment>,
}

/// Variants as the dashboard's editor writes them, one a line: `id weight`, optionally followed
/// by the variant's config as a JSON object (`greeting-b 50 {"greeting": "Hey!"}`). Blank lines
/// are skipped. The error names the line.
pub fn parse_variant_lines(text: &str) -> Result<Vec<Variant>, String> {
    let mut variants = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let number = index + 1;
        let (id, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim_start();
        let (weight, config) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let weight: f64 = weight
            .parse()
            .map_err(|_| format!("Line {number}: write the variant's id, then its weight"))?;
        let config = match config.trim() {
            "" => None,
            json => Some(
                serde_json::from_str::<Map<String, Value>>(json)
                    .map_err(|_| format!("Line {number}: the config must be a JSON object"))?,
            ),
        };
        variants.push(Variant {
            id: id.to_owned(),
            weight,
            config,
        });
    }
    Ok(variants)
}

/// The editor's text for `variants`: the inverse of [`parse_variant_lines`].
pub fn variant_lines(variants: &[Variant]) -> String {
    variants
        .iter()
        .map(|variant| {
            let config = variant
                .config
                .as_ref()
                .and_then(|config| serde_json::to_string(config).ok())
                .map(|json| format!(" {json}"))
                .unwrap_or_default();
            format!("{} {}{config}", variant.id, variant.weight)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `POST /api/experiments/assign`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AssignVariant {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub experiment_id: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub session_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub variant_id: String,
    /// The session had this variant before the call.
    pub already_assigned: bool,
    /// The variant's config, so the agent needs no second call.
    pub config: Option<Map<String, Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_lines_round_trip_and_name_the_bad_line() {
        let text = "control 50\n\n  greeting-b 25.5 {\"greeting\": \"Hey!\"}  \n";
        let variants = parse_variant_lines(text).unwrap();
        assert_eq!(variants.len(), 2);
        assert_eq!(variants[1].id, "greeting-b");
        assert_eq!(variants[1].weight, 25.5);
        assert_eq!(variants[1].config.as_ref().unwrap()["greeting"], "Hey!");
        assert_eq!(
            parse_variant_lines(&variant_lines(&variants)).unwrap(),
            variants
        );

        assert_eq!(
            parse_variant_lines("a 1\nb").unwrap_err(),
            "Line 2: write the variant's id, then its weight"
        );
        assert_eq!(
            parse_variant_lines("a 1 [1]").unwrap_err(),
            "Line 1: the config must be a JSON object"
        );
    }
}
