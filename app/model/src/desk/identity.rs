//! Identity verification: the customer's server signs its user ids, so the widget can prove
//! who a visitor is.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum VerificationMode {
    /// A bad or missing hash boots an unverified contact.
    #[default]
    Optional,
    /// A claimed identity without a valid hash is refused.
    Required,
}

impl VerificationMode {
    pub const fn as_str(self) -> &'static str {
        match self {
            VerificationMode::Optional => "optional",
            VerificationMode::Required => "required",
        }
    }

    pub fn parse(text: &str) -> Option<VerificationMode> {
        match text {
            "optional" => Some(VerificationMode::Optional),
            "required" => Some(VerificationMode::Required),
            _ => None,
        }
    }
}

/// An app's identity verification, as `GET …/identity-verification` shows it (never the
/// secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IdentityVerification {
    pub enabled: bool,
    pub mode: VerificationMode,
    /// In `required` mode, whether visitors who claim no identity may still chat.
    pub allow_anonymous: bool,
    /// Whether a secret exists (it is shown only when created or rotated).
    pub has_secret: bool,
    /// Until when the secret replaced by the last rotation still verifies hashes.
    pub previous_secret_expires_at: Option<i64>,
}

/// `PUT …/identity-verification`. The first enabling creates the secret and answers it once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateIdentityVerification {
    pub enabled: bool,
    #[serde(default)]
    pub mode: VerificationMode,
    #[serde(default = "yes")]
    pub allow_anonymous: bool,
}

fn yes() -> bool {
    true
}

/// The settings, and the secret when this call created or rotated it: shown only now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IdentityVerificationWithSecret {
    #[serde(flatten)]
    pub settings: IdentityVerification,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}
