//! The platform wing: workspaces, apps, users, auth, audit, secrets, rate limits and outbound
//! webhooks. The other wings build on it.

pub(crate) mod apps;
pub mod audit;
pub(crate) mod auth;
pub(crate) mod caches;
pub(crate) mod caller;
pub(crate) mod dashboard;
pub mod encryption;
pub mod integrations;
pub mod outbound;
pub(crate) mod rate_limits;
pub mod secrets;
pub(crate) mod status;
pub(crate) mod users;
pub(crate) mod webhooks;
pub mod workspaces;

crate::services::wing_handle!(
    /// The platform wing's operations, from [`Services::platform`](crate::Services::platform).
    Platform
);
