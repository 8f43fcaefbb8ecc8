//! The OpenAPI 3.1 document's frame; the paths come from `api::router()`.

use model::{ErrorBody, ErrorCode};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
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
