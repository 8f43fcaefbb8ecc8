//! `GET /.well-known/switchboard.json`: what a client needs to find this instance's API and
//! widget, and which features are on.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Discovery {
    pub version: String,
    /// The base URL of the JSON API, e.g. `https://switchboard.example.com/api`.
    pub api_base_url: String,
    /// The script to embed: `<script src="…" data-app="SLUG" async></script>`.
    pub widget_script_url: String,
    pub openapi_url: String,
    pub features: Features,
}

/// Which features this instance serves; a feature whose integration is not configured is off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Features {
    /// The embeddable widget and its sessions.
    pub widget: bool,
    /// Signed user hashes link visitors to users.
    pub identity_verification: bool,
    /// Voice calls through LiveKit.
    pub voice: bool,
    /// Knowledge base search (an embedding provider is available).
    pub knowledge: bool,
}
