//! The whole HTTP surface: JSON API + OpenAPI docs, then the Leptos pages, server functions and
//! static assets, all behind the common layers.

use app::{App, shell};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{any, get};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use utoipa_swagger_ui::SwaggerUi;

use crate::api;
use crate::http::cors::{CorsPolicy, cors};
use crate::http::csrf::refuse_cross_site_writes;
use crate::http::error::{api_route_not_found, method_not_allowed};
use crate::http::form_posts::redirect_failed_form_posts;
use crate::http::layers;
use crate::http::metrics::record_request;
use crate::http::rate_limit::rate_limit_headers_layer;
use crate::state::AppState;

/// HTTP-level settings of the router.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    pub cors: CorsPolicy,
    pub max_body_bytes: usize,
    /// Count and time every request for the Prometheus metrics.
    pub record_metrics: bool,
}

pub fn build(state: AppState, settings: &HttpSettings) -> Router {
    let (api_routes, mut openapi) = api::router().split_for_parts();
    crate::openapi::document_common_answers(&mut openapi);
    let api = api_routes
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
        .route("/widget.js", get(crate::widget::script))
        .merge(crate::help_center::router())
        .route("/api/{*path}", any(api_route_not_found))
        // Before the layers, so that CORS still answers OPTIONS on routes without it.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        .layer(from_fn(rate_limit_headers_layer))
        .layer(from_fn_with_state(settings.cors.clone(), cors));

    // Server functions and pages reach the same services as the JSON handlers.
    let services = state.services.clone();
    let ui_context = move || provide_context(services.clone());
    let leptos_options = state.leptos_options.clone();
    let ui = Router::new()
        .leptos_routes_with_context(
            &state,
            generate_route_list(App),
            ui_context.clone(),
            move || shell(leptos_options.clone()),
        )
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            ui_context, shell,
        ))
        .layer(from_fn(redirect_failed_form_posts));

    // One CSRF rule for the JSON API and the server functions alike.
    let mut routes = api.merge(ui).layer(from_fn(refuse_cross_site_writes));
    if settings.record_metrics {
        routes = routes.layer(from_fn(record_request));
    }
    layers::common(routes.with_state(state))
}
