//! The platform wing's tables: workspaces, apps, users and their sessions, session tokens, the
//! audit log, rate-limit counters and outbound webhook deliveries.

pub(crate) mod agent_credentials;
pub(crate) mod apps;
pub(crate) mod audit_log;
pub(crate) mod rate_limits;
pub(crate) mod session_tokens;
pub(crate) mod users;
pub(crate) mod webhooks;
pub(crate) mod workspaces;
