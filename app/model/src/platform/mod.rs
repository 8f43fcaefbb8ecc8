//! The platform wing's wire types: workspaces, apps, users and roles, auth, audit, outbound
//! webhooks, health and status, and the dashboard's frame.

pub mod apps;
pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod discovery;
pub mod health;
pub mod origins;
pub mod status;
pub mod users;
pub mod web;
pub mod webhooks;
pub mod workspaces;
