//! The OpenAPI 3.1 document's frame; the paths come from `api::router()`.

use model::{ErrorBody, ErrorCode};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard API",
        description = "JSON API of Switchboard, the self-hostable platform for voice AI agents. \
                       Errors share one body: `{error, code, message, details?}` with a stable \
                       `code`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "system", description = "Liveness, readiness and instance status"),
        (name = "auth", description = "Session tokens and caller identity"),
        (name = "admin", description = "Administration by signed-in dashboard users: apps, \
                                         members, audit log"),
        (name = "conversations", description = "Conversations and their status lifecycle"),
        (name = "events", description = "Telemetry events"),
        (name = "messages", description = "Transcription messages and live session streams"),
        (name = "experiments", description = "A/B experiments and sticky variant assignment"),
        (name = "guardrails", description = "Content rules, checks and violations"),
        (name = "handoffs", description = "Escalations from the AI agent to humans"),
        (name = "token", description = "Ephemeral Gemini Live tokens"),
        (name = "tools", description = "The tool registry and tool execution"),
        (name = "webhooks", description = "Signed outbound webhooks: delivery log and signing secret"),
        (name = "knowledge", description = "Knowledge base: documents, hybrid search, gaps and search metrics"),
        (name = "livekit", description = "LiveKit rooms, participant tokens (seed 000 and LiveKit's standard token endpoint) and verified webhooks"),
        (name = "voice", description = "Voice calls (seed 002's /api/voice): sessions, realtime, recording, agent, token; and every voice session in one list"),
        (name = "sessions", description = "Seed 004's /session and telephony, seed 003's /voice/sessions with ElevenLabs, and client logs"),
        (name = "persona", description = "The agent's persona and composed instructions"),
        (name = "analytics", description = "CSAT ratings, overview, insights and timeseries"),
        (name = "widget", description = "The embeddable widget, as one visitor: boot, refresh and revoke its session, identify, location"),
        (name = "desk", description = "The support desk for dashboard users: contacts and identity verification"),
        (name = "help center", description = "The help center's collections of articles (knowledge documents), with the app secret; readers see published public articles at /help/{appSlug} and through the widget"),
    ),
    components(schemas(ErrorBody, ErrorCode)),
    modifiers(&CredentialSchemes),
)]
pub struct ApiDoc;

/// The credentials of the agent API (see `http::auth` for where they may travel).
struct CredentialSchemes;

impl Modify for CredentialSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut app_secret = Http::new(HttpAuthScheme::Bearer);
        app_secret.description = Some(
            "The app secret, server to server: `Authorization: Bearer <secret>` with \
             `X-App-Slug: <slug>`, or `appSlug` + `appSecret` in the JSON body or the query. \
             May do everything for its app."
                .to_owned(),
        );
        let mut session_token = Http::new(HttpAuthScheme::Bearer);
        session_token.description = Some(
            "A session token from `POST /api/auth/session` (`sbt_…`), browser-safe: \
             `Authorization: Bearer <token>`, or `sessionToken` in the JSON body or the query. \
             Only operations that list this scheme accept it; others answer 403 \
             PERMISSION_DENIED."
                .to_owned(),
        );
        let mut agent_credential = Http::new(HttpAuthScheme::Bearer);
        agent_credential.description = Some(
            "The credential a dispatched call's agent finds in its dispatch metadata \
             (`agentCredential`, `sba_…`): `Authorization: Bearer <credential>`. Only \
             operations that list this scheme accept it, for its own call's `sessionId`; it \
             stops working 30 s after the call ends."
                .to_owned(),
        );
        components.add_security_scheme("appSecret", SecurityScheme::Http(app_secret));
        components.add_security_scheme("agentCredential", SecurityScheme::Http(agent_credential));
        components.add_security_scheme("sessionToken", SecurityScheme::Http(session_token));
        let mut widget_session = Http::new(HttpAuthScheme::Bearer);
        widget_session.description = Some(
            "A widget session token from `POST /api/widget/boot` (`wst_` and 64 hex \
             characters): `Authorization: Bearer <token>`. It acts as its one visitor on \
             `/api/widget/*` only; every other operation answers 403 PERMISSION_DENIED."
                .to_owned(),
        );
        components.add_security_scheme("widgetSession", SecurityScheme::Http(widget_session));
        components.add_security_scheme(
            "dashboardSession",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "sb_session",
                "The HttpOnly cookie set by POST /api/admin/login. State-changing requests \
                 must also come from this server's own origin (Origin header).",
            ))),
        );
    }
}

/// Adds the answers every operation may give besides its own, where a route did not document
/// them: 401 where credentials are required; 403 for a dashboard change (a role may lack the
/// right, and a cross-site request is refused); 400 for invalid query parameters; for a body
/// 400 (malformed or invalid) and 413 (over `MAX_BODY_BYTES`); and for a JSON body 415 (not
/// sent as `application/json`). Run once the router has put the paths in.
pub fn document_common_answers(openapi: &mut utoipa::openapi::OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            (false, &mut item.get),
            (true, &mut item.put),
            (true, &mut item.post),
            (true, &mut item.delete),
            (true, &mut item.patch),
        ];
        for (changes_state, operation) in operations {
            let Some(operation) = operation else {
                continue;
            };
            if requires_credentials(operation) {
                document(operation, "401", "Missing or wrong credentials");
            }
            if changes_state && uses_dashboard_session(operation) {
                document(
                    operation,
                    "403",
                    "Refused: not allowed to the user's role, or sent cross-site (a change must \
                     come from this server's own pages)",
                );
            }
            if has_query_parameters(operation) {
                document(operation, "400", "Invalid query parameters");
            }
            if operation.request_body.is_some() {
                document(operation, "400", "Malformed body or invalid fields");
                document(
                    operation,
                    "413",
                    "Body larger than the server's MAX_BODY_BYTES",
                );
            }
            if takes_json(operation) {
                document(operation, "415", "Body not sent as application/json");
            }
        }
    }
}

/// The credential schemes each security alternative of `operation` names (`{}`: none, so
/// anonymous callers are allowed).
fn security_alternatives(operation: &Operation) -> Vec<Vec<String>> {
    operation
        .security
        .iter()
        .flatten()
        .map(|requirement| {
            serde_json::to_value(requirement)
                .ok()
                .and_then(|value| {
                    value
                        .as_object()
                        .map(|names| names.keys().cloned().collect())
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Some credential is required: security is listed and none of its alternatives is `{}`.
fn requires_credentials(operation: &Operation) -> bool {
    let alternatives = security_alternatives(operation);
    !alternatives.is_empty() && alternatives.iter().all(|names| !names.is_empty())
}

fn uses_dashboard_session(operation: &Operation) -> bool {
    security_alternatives(operation)
        .iter()
        .flatten()
        .any(|name| name == "dashboardSession")
}

fn has_query_parameters(operation: &Operation) -> bool {
    operation.parameters.iter().flatten().any(|parameter| {
        matches!(parameter, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Query))
    })
}

fn takes_json(operation: &Operation) -> bool {
    matches!(&operation.request_body, Some(RefOr::T(body)) if body.content.contains_key("application/json"))
}

fn document(operation: &mut Operation, status: &str, description: &str) {
    let error = Content::new(Some(Ref::from_schema_name("ErrorBody")));
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", error)
                    .build(),
            )
        });
}
