//! Liveness and readiness answers (`GET /health`, `GET /healthz`).

use serde::{Deserialize, Serialize};

use crate::platform::status::DatabaseBackend;

/// `GET /health`: the process is up. The shape is seed 004's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// Always `"ok"`.
    pub status: String,
    /// Current server time, RFC 3339 in UTC.
    pub timestamp: String,
    /// Seconds since the process started.
    pub uptime: f64,
}

/// `GET /healthz`: the process can serve requests, i.e. its database answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// `"ok"` or `"unavailable"`.
    pub status: String,
    pub database: DatabaseCheck,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DatabaseCheck {
    pub backend: DatabaseBackend,
    pub ok: bool,
    /// Round-trip time of the check query in milliseconds.
    pub latency_ms: f64,
    /// Why the check failed; absent when it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
