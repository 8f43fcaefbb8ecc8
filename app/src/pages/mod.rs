//! The pages, one folder per wing as in every layer.

pub mod agent;
pub mod desk;
pub mod not_found;
pub mod platform;
