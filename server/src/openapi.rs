//! The OpenAPI 3.1 document's frame; the paths come from `api::router()`.

use model::{ErrorBody, ErrorCode};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard API",
        description = "JSON API of Switchboard, the self-hostable platform for voice AI agents. \
                       Errors share one body: `{error, code, message, details?}` with a stable \
                       `code`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags((name = "system", description = "Liveness, readiness and instance status")),
    components(schemas(ErrorBody, ErrorCode)),
)]
pub struct ApiDoc;
