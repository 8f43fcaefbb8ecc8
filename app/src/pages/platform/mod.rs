//! The platform wing's pages: sign-in and setup, home, status, apps, users, the workspace and the audit log.

pub mod apps;
pub mod audit;
pub mod home;
pub mod login;
pub mod setup;
pub mod status;
pub mod users;
pub mod workspace;
