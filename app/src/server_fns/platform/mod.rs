//! The platform wing's server functions: sign-in, the dashboard frame, status, apps, users and
//! the audit log.

pub mod apps;
pub mod audit;
pub mod frame;
pub mod session;
pub mod status;
pub mod users;
pub mod webhooks;
pub mod workspaces;
