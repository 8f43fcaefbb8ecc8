//! The router's state: the service layer and the UI's build options.

use axum::extract::FromRef;
use domain::Services;
use leptos::config::LeptosOptions;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub services: Services,
    pub leptos_options: LeptosOptions,
}
