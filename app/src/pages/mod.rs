pub mod conversations;
pub mod handoffs;
pub mod home;
pub mod login;
pub mod not_found;
pub mod overview;
pub mod setup;
pub mod status;
