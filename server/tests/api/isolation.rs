//! Tenant isolation harness.
//!
//! Every endpoint that names a resource (an id, a session, a token) is called with app A's
//! credentials, as its secret and as its session token, against app B's resources. A call that
//! names B's resource by an id only B has must be refused (401, 403 or 404); one that names it
//! by a client-chosen key (a session id) may act on A's own resource of that key. No call may
//! echo B's data, and B's resources must stay intact.
//!
//! To cover a new endpoint, add a [`Probe`] to [`probes`]; give [`Victim`] the resources it
//! needs.

use axum::body::Body;
use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp};

/// App B and the resources probes aim at.
pub struct Victim {
    pub tenant: Tenant,
    /// A session with a conversation, messages and events.
    pub session_id: &'static str,
    pub rule_id: String,
    pub violation_id: String,
    pub experiment_id: String,
    pub handoff_id: String,
    pub signing_secret: String,
    pub document_id: String,
    /// A help-center collection holding the document.
    pub collection_id: String,
    pub gap_id: String,
    pub voice: VictimVoice,
    /// A contact booted through the victim's widget.
    pub contact_id: String,
}

/// The victim's voice sessions, one per API.
pub struct VictimVoice {
    /// Seed 000's room.
    pub livekit_room: String,
    /// Seed 004's room.
    pub session_room: String,
    /// Seed 002's call room, and the call's id.
    pub call_room: String,
    pub call_id: String,
    /// Seed 003's backend session.
    pub backend_session_id: String,
}

/// Text only the victim's data contains: no answer to the attacker may include it.
const VICTIM_MARKER: &str = "victim-private-words";

/// What a probe may answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// 401, 403 or 404.
    Refused,
    /// Anything, acting on the caller's own app only (checked by the victim staying intact).
    OwnAppOnly,
}

/// One endpoint called against the victim's resources. Credentials are added by the harness.
pub struct Probe {
    pub name: &'static str,
    pub method: Method,
    /// The path and, for JSON endpoints, the body naming the victim's resources.
    pub request: fn(&Victim) -> (String, Option<Value>),
    pub outcome: Outcome,
}

fn probe(
    name: &'static str,
    method: Method,
    outcome: Outcome,
    request: fn(&Victim) -> (String, Option<Value>),
) -> Probe {
    Probe {
        name,
        method,
        request,
        outcome,
    }
}

fn probes() -> Vec<Probe> {
    use Outcome::*;
    vec![
        probe(
            "revoke another app's session token",
            Method::POST,
            Refused,
            |victim| {
                (
                    "/api/auth/session/revoke".to_owned(),
                    Some(json!({ "sessionToken": victim.tenant.session_token })),
                )
            },
        ),
        probe(
            "read a widget contact with app credentials",
            Method::GET,
            Refused,
            |_| ("/api/widget/contact".to_owned(), None),
        ),
        probe(
            "identify with app credentials",
            Method::POST,
            Refused,
            |_| {
                (
                    "/api/widget/identify".to_owned(),
                    Some(json!({"name": "overwritten"})),
                )
            },
        ),
        probe(
            "refresh with app credentials",
            Method::POST,
            Refused,
            |_| ("/api/widget/refresh".to_owned(), None),
        ),
        probe(
            "read another workspace's contact with app credentials",
            Method::GET,
            Refused,
            |victim| (format!("/api/desk/contacts/{}", victim.contact_id), None),
        ),
        probe(
            "read another app's conversation",
            Method::GET,
            Refused,
            |victim| (format!("/api/conversations/{}", victim.session_id), None),
        ),
        probe("list conversations", Method::GET, OwnAppOnly, |_| {
            ("/api/conversations".to_owned(), None)
        }),
        probe(
            "end a session id another app uses",
            Method::POST,
            OwnAppOnly,
            |victim| {
                (
                    "/api/conversations".to_owned(),
                    Some(
                        json!({"sessionId": victim.session_id, "status": "abandoned", "messages": []}),
                    ),
                )
            },
        ),
        probe(
            "read another app's messages",
            Method::GET,
            OwnAppOnly,
            |victim| {
                (
                    format!("/api/messages?sessionId={}", victim.session_id),
                    None,
                )
            },
        ),
        probe(
            "overwrite another app's message segment",
            Method::POST,
            OwnAppOnly,
            |victim| {
                (
                    "/api/messages".to_owned(),
                    Some(json!({"messages": [{"sessionId": victim.session_id,
                    "participantIdentity": "user", "role": "user", "content": "overwritten",
                    "isFinal": true, "createdAt": 1, "segmentId": "SG_shared"}]})),
                )
            },
        ),
        probe(
            "list another app's events",
            Method::GET,
            OwnAppOnly,
            |victim| (format!("/api/events?sessionId={}", victim.session_id), None),
        ),
        probe(
            "re-rate another app's session",
            Method::POST,
            OwnAppOnly,
            |victim| {
                (
                    "/api/csat".to_owned(),
                    Some(json!({"sessionId": victim.session_id, "rating": 1})),
                )
            },
        ),
        probe("list CSAT", Method::GET, OwnAppOnly, |_| {
            ("/api/csat".to_owned(), None)
        }),
        probe("edit the persona", Method::PATCH, OwnAppOnly, |_| {
            (
                "/api/persona".to_owned(),
                Some(json!({"personaName": "Mallory"})),
            )
        }),
        probe(
            "edit another app's guardrail rule",
            Method::PATCH,
            Refused,
            |victim| {
                (
                    format!("/api/guardrails/rules/{}", victim.rule_id),
                    Some(json!({"isActive": false})),
                )
            },
        ),
        probe(
            "delete another app's guardrail rule",
            Method::DELETE,
            Refused,
            |victim| (format!("/api/guardrails/rules/{}", victim.rule_id), None),
        ),
        probe(
            "annotate another app's violation",
            Method::PATCH,
            Refused,
            |victim| {
                (
                    "/api/guardrails/violations".to_owned(),
                    Some(json!({"violationId": victim.violation_id,
                            "annotatedCorrectness": "false_positive"})),
                )
            },
        ),
        probe(
            "read another app's experiment",
            Method::GET,
            Refused,
            |victim| (format!("/api/experiments/{}", victim.experiment_id), None),
        ),
        probe(
            "end another app's experiment",
            Method::PATCH,
            Refused,
            |victim| {
                (
                    format!("/api/experiments/{}", victim.experiment_id),
                    Some(json!({"status": "ended"})),
                )
            },
        ),
        probe(
            "redefine another app's experiment",
            Method::PUT,
            Refused,
            |victim| {
                (
                    format!("/api/experiments/{}", victim.experiment_id),
                    Some(json!({"name": "taken over", "variants": [
                        {"id": "a", "weight": 1}, {"id": "b", "weight": 9}]})),
                )
            },
        ),
        probe(
            "assign from another app's experiment",
            Method::POST,
            Refused,
            |victim| {
                (
                    "/api/experiments/assign".to_owned(),
                    Some(json!({"experimentId": victim.experiment_id, "sessionId": "intruder"})),
                )
            },
        ),
        probe(
            "claim another app's handoff",
            Method::PATCH,
            Refused,
            |victim| {
                (
                    "/api/handoffs".to_owned(),
                    Some(json!({"handoffId": victim.handoff_id, "status": "claimed",
                            "assignedAgent": "mallory"})),
                )
            },
        ),
        probe("list handoffs", Method::GET, OwnAppOnly, |_| {
            ("/api/handoffs".to_owned(), None)
        }),
        probe(
            "hand off a session id another app uses",
            Method::POST,
            OwnAppOnly,
            |_| {
                (
                    "/api/handoffs".to_owned(),
                    Some(json!({"sessionId": "shared-session-2", "reason": "x", "transcript": []})),
                )
            },
        ),
        probe("read another app's tool", Method::GET, Refused, |_| {
            ("/api/tools/privateTool".to_owned(), None)
        }),
        probe(
            "deactivate another app's tool",
            Method::PATCH,
            Refused,
            |_| {
                (
                    "/api/tools/privateTool".to_owned(),
                    Some(json!({"isActive": false})),
                )
            },
        ),
        probe("delete another app's tool", Method::DELETE, Refused, |_| {
            ("/api/tools/privateTool".to_owned(), None)
        }),
        probe(
            "execute another app's tool",
            Method::POST,
            OwnAppOnly,
            |victim| {
                (
                    "/api/tools/execute".to_owned(),
                    Some(
                        json!({"sessionId": victim.session_id, "toolName": "privateTool",
                            "parameters": {}}),
                    ),
                )
            },
        ),
        probe("list tools", Method::GET, OwnAppOnly, |_| {
            ("/api/tools/all".to_owned(), None)
        }),
        probe("list tool executions", Method::GET, OwnAppOnly, |_| {
            ("/api/tools/executions".to_owned(), None)
        }),
        probe("list webhook deliveries", Method::GET, OwnAppOnly, |_| {
            ("/api/webhooks/deliveries".to_owned(), None)
        }),
        probe("read analytics", Method::GET, OwnAppOnly, |_| {
            ("/api/analytics/overview".to_owned(), None)
        }),
        probe("read insights", Method::GET, OwnAppOnly, |_| {
            ("/api/analytics/insights".to_owned(), None)
        }),
        probe("read the timeseries", Method::GET, OwnAppOnly, |_| {
            ("/api/analytics/timeseries".to_owned(), None)
        }),
        probe("list experiments", Method::GET, OwnAppOnly, |_| {
            ("/api/experiments".to_owned(), None)
        }),
        probe(
            "post events into a session id another app uses",
            Method::POST,
            OwnAppOnly,
            |victim| {
                (
                    "/api/events".to_owned(),
                    Some(json!({"sessionId": victim.session_id,
                            "events": [{"eventType": "note", "ts": 2}]})),
                )
            },
        ),
        probe(
            "register a tool under another app's tool name",
            Method::POST,
            OwnAppOnly,
            |_| {
                (
                    "/api/tools".to_owned(),
                    Some(json!({"name": "privateTool", "description": "mine",
                            "parametersSchema": {"type": "object"},
                            "endpoint": "http://127.0.0.1:9/mine"})),
                )
            },
        ),
        probe("add a guardrail rule", Method::POST, OwnAppOnly, |_| {
            (
                "/api/guardrails/rules".to_owned(),
                Some(json!({"type": "blocked_topic", "pattern": "anything", "action": "block"})),
            )
        }),
        probe(
            "check content for another app's session",
            Method::POST,
            OwnAppOnly,
            |victim| {
                (
                    "/api/guardrails/check".to_owned(),
                    Some(json!({"sessionId": victim.session_id, "content": "private",
                            "direction": "input"})),
                )
            },
        ),
        probe("read the signing secret", Method::GET, OwnAppOnly, |_| {
            ("/api/webhooks/signing-secret".to_owned(), None)
        }),
        probe("mint a Gemini token", Method::POST, OwnAppOnly, |_| {
            ("/api/token".to_owned(), Some(json!({})))
        }),
        probe(
            "rotate the signing secret",
            Method::POST,
            OwnAppOnly,
            |_| ("/api/webhooks/signing-secret/rotate".to_owned(), None),
        ),
        probe(
            "read another app's knowledge document",
            Method::GET,
            Refused,
            |victim| {
                (
                    format!("/api/knowledge/documents/{}", victim.document_id),
                    None,
                )
            },
        ),
        probe(
            "edit another app's knowledge document",
            Method::PATCH,
            Refused,
            |victim| {
                (
                    format!("/api/knowledge/documents/{}", victim.document_id),
                    Some(json!({"content": "overwritten"})),
                )
            },
        ),
        probe(
            "delete another app's knowledge document",
            Method::DELETE,
            Refused,
            |victim| {
                (
                    format!("/api/knowledge/documents/{}", victim.document_id),
                    None,
                )
            },
        ),
        probe(
            "replace a knowledge document by another app's title",
            Method::POST,
            OwnAppOnly,
            |_| {
                (
                    "/api/knowledge".to_owned(),
                    Some(json!({"title": "Private notes", "category": "notes",
                            "content": "overwritten"})),
                )
            },
        ),
        probe(
            "publish another app's article",
            Method::POST,
            Refused,
            |victim| {
                (
                    format!("/api/knowledge/documents/{}/publish", victim.document_id),
                    None,
                )
            },
        ),
        probe(
            "unpublish another app's article",
            Method::POST,
            Refused,
            |victim| {
                (
                    format!("/api/knowledge/documents/{}/unpublish", victim.document_id),
                    None,
                )
            },
        ),
        probe(
            "archive another app's article",
            Method::POST,
            Refused,
            |victim| {
                (
                    format!("/api/knowledge/documents/{}/archive", victim.document_id),
                    None,
                )
            },
        ),
        probe(
            "read another app's collection",
            Method::GET,
            Refused,
            |victim| {
                (
                    format!("/api/help/collections/{}", victim.collection_id),
                    None,
                )
            },
        ),
        probe(
            "rename another app's collection",
            Method::PATCH,
            Refused,
            |victim| {
                (
                    format!("/api/help/collections/{}", victim.collection_id),
                    Some(json!({"name": "overwritten"})),
                )
            },
        ),
        probe(
            "delete another app's collection",
            Method::DELETE,
            Refused,
            |victim| {
                (
                    format!("/api/help/collections/{}", victim.collection_id),
                    None,
                )
            },
        ),
        probe(
            "nest a collection under another app's",
            Method::POST,
            OwnAppOnly,
            |victim| {
                (
                    "/api/help/collections".to_owned(),
                    Some(json!({"name": "mine", "parentId": victim.collection_id})),
                )
            },
        ),
        probe(
            "reorder another app's collections",
            Method::POST,
            OwnAppOnly,
            |victim| {
                (
                    "/api/help/collections/reorder".to_owned(),
                    Some(json!({"ids": [victim.collection_id]})),
                )
            },
        ),
        probe(
            "file an article in another app's collection",
            Method::POST,
            OwnAppOnly,
            |victim| {
                (
                    "/api/knowledge".to_owned(),
                    Some(
                        json!({"title": "Mine", "category": "notes", "content": "mine",
                            "collectionId": victim.collection_id}),
                    ),
                )
            },
        ),
        probe(
            "read the AI agent settings",
            Method::GET,
            OwnAppOnly,
            |_| ("/api/ai-agent".to_owned(), None),
        ),
        probe(
            "point the AI agent at another app's collection",
            Method::PUT,
            OwnAppOnly,
            |victim| {
                (
                    "/api/ai-agent".to_owned(),
                    Some(json!({"enabled": true, "collectionIds": [victim.collection_id]})),
                )
            },
        ),
        probe("list collections", Method::GET, OwnAppOnly, |_| {
            ("/api/help/collections".to_owned(), None)
        }),
        probe("read the collection tree", Method::GET, OwnAppOnly, |_| {
            ("/api/help/collections/tree".to_owned(), None)
        }),
        probe("search knowledge", Method::POST, OwnAppOnly, |_| {
            (
                "/api/knowledge/search".to_owned(),
                Some(json!({"query": "private words", "mode": "text"})),
            )
        }),
        probe("list knowledge documents", Method::GET, OwnAppOnly, |_| {
            ("/api/knowledge/documents".to_owned(), None)
        }),
        probe("list knowledge gaps", Method::GET, OwnAppOnly, |_| {
            ("/api/knowledge/gaps?status=all".to_owned(), None)
        }),
        probe("read knowledge metrics", Method::GET, OwnAppOnly, |_| {
            ("/api/knowledge/metrics".to_owned(), None)
        }),
        probe(
            "resolve another app's knowledge gap",
            Method::POST,
            Refused,
            |victim| {
                (
                    format!("/api/knowledge/gaps/{}/resolve", victim.gap_id),
                    Some(json!({})),
                )
            },
        ),
        probe(
            "dismiss another app's knowledge gap",
            Method::POST,
            Refused,
            |victim| {
                (
                    format!("/api/knowledge/gaps/{}/dismiss", victim.gap_id),
                    None,
                )
            },
        ),
        probe("list rooms", Method::GET, OwnAppOnly, |_| {
            ("/api/livekit/rooms?status=waiting".to_owned(), None)
        }),
        probe(
            "a token for another app's room",
            Method::POST,
            Refused,
            |v| {
                (
                    "/api/livekit/token".to_owned(),
                    Some(json!({"roomName": v.voice.livekit_room, "identity": "intruder"})),
                )
            },
        ),
        probe("end another app's room", Method::DELETE, Refused, |v| {
            (
                "/api/livekit/rooms".to_owned(),
                Some(json!({"roomName": v.voice.livekit_room})),
            )
        }),
        probe(
            "join another app's room by the standard endpoint",
            Method::POST,
            OwnAppOnly,
            |v| {
                (
                    "/api/livekit/token-source".to_owned(),
                    Some(json!({"room_name": v.voice.livekit_room})),
                )
            },
        ),
        probe(
            "start a session in another app's room",
            Method::POST,
            OwnAppOnly,
            |v| {
                (
                    "/session".to_owned(),
                    Some(json!({"userIdentity": "intruder", "roomName": v.voice.session_room})),
                )
            },
        ),
        probe("end another app's session", Method::POST, Refused, |v| {
            (
                "/session/end".to_owned(),
                Some(json!({"roomName": v.voice.session_room})),
            )
        }),
        probe("read another app's call", Method::GET, Refused, |v| {
            (
                format!("/api/voice/session?roomName={}", v.voice.call_room),
                None,
            )
        }),
        probe("list calls", Method::GET, OwnAppOnly, |_| {
            ("/api/voice/session".to_owned(), None)
        }),
        probe("change another app's call", Method::PATCH, Refused, |v| {
            (
                "/api/voice/session".to_owned(),
                Some(json!({"roomName": v.voice.call_room, "status": "failed"})),
            )
        }),
        probe("end another app's call", Method::DELETE, Refused, |v| {
            (
                format!("/api/voice/session?roomName={}", v.voice.call_room),
                None,
            )
        }),
        probe(
            "realtime for another app's call",
            Method::POST,
            Refused,
            |v| {
                (
                    "/api/voice/realtime".to_owned(),
                    Some(json!({"roomName": v.voice.call_room})),
                )
            },
        ),
        probe(
            "realtime state of another app's call",
            Method::GET,
            Refused,
            |v| {
                (
                    format!("/api/voice/realtime?roomName={}", v.voice.call_room),
                    None,
                )
            },
        ),
        probe(
            "end another app's realtime session",
            Method::DELETE,
            Refused,
            |v| {
                (
                    format!("/api/voice/realtime?roomName={}", v.voice.call_room),
                    None,
                )
            },
        ),
        probe("record another app's call", Method::POST, Refused, |v| {
            (
                "/api/voice/recording".to_owned(),
                Some(json!({"roomName": v.voice.call_room})),
            )
        }),
        probe("read another app's recording", Method::GET, Refused, |v| {
            (
                format!("/api/voice/recording?roomName={}", v.voice.call_room),
                None,
            )
        }),
        probe(
            "stop another app's recording",
            Method::DELETE,
            Refused,
            |v| {
                (
                    format!("/api/voice/recording?roomName={}", v.voice.call_room),
                    None,
                )
            },
        ),
        probe(
            "overwrite another app's transcript",
            Method::PATCH,
            Refused,
            |v| {
                (
                    "/api/voice/recording".to_owned(),
                    Some(json!({"roomName": v.voice.call_room, "transcript": "overwritten"})),
                )
            },
        ),
        probe(
            "spawn an agent in another app's room",
            Method::POST,
            Refused,
            |v| {
                (
                    "/api/voice/agent".to_owned(),
                    Some(json!({"roomName": v.voice.call_room})),
                )
            },
        ),
        probe("read another app's agent", Method::GET, Refused, |v| {
            (
                format!("/api/voice/agent?roomName={}", v.voice.call_room),
                None,
            )
        }),
        probe("change another app's agent", Method::PATCH, Refused, |v| {
            (
                "/api/voice/agent".to_owned(),
                Some(json!({"roomName": v.voice.call_room, "status": "disconnected"})),
            )
        }),
        probe("remove another app's agent", Method::DELETE, Refused, |v| {
            (
                format!("/api/voice/agent?roomName={}", v.voice.call_room),
                None,
            )
        }),
        probe(
            "a call token for another app's room",
            Method::POST,
            OwnAppOnly,
            |v| {
                (
                    "/api/voice/token".to_owned(),
                    Some(json!({"roomName": v.voice.call_room})),
                )
            },
        ),
        probe("list voice sessions", Method::GET, OwnAppOnly, |_| {
            ("/api/voice/sessions".to_owned(), None)
        }),
        probe(
            "read another app's voice session",
            Method::GET,
            Refused,
            |v| (format!("/api/voice/sessions/{}", v.voice.call_id), None),
        ),
        probe(
            "read another app's backend session",
            Method::GET,
            Refused,
            |v| {
                (
                    format!("/voice/sessions/{}", v.voice.backend_session_id),
                    None,
                )
            },
        ),
        probe(
            "end another app's backend session",
            Method::PUT,
            Refused,
            |v| {
                (
                    format!("/voice/sessions/{}/end", v.voice.backend_session_id),
                    None,
                )
            },
        ),
        probe(
            "end another app's ElevenLabs conversation",
            Method::POST,
            Refused,
            |v| {
                (
                    "/api/elevenlabs".to_owned(),
                    Some(
                        json!({"action": "end_conversation", "sessionId": v.voice.backend_session_id}),
                    ),
                )
            },
        ),
        probe("read another app's phone call", Method::GET, Refused, |v| {
            (format!("/telephony/calls/{}", v.voice.call_id), None)
        }),
        probe(
            "read another app's phone call by room",
            Method::GET,
            Refused,
            |v| {
                (
                    format!("/telephony/calls/by-room/{}", v.voice.call_room),
                    None,
                )
            },
        ),
        probe("tail client logs", Method::GET, OwnAppOnly, |_| {
            ("/api/logs?tail=50".to_owned(), None)
        }),
        probe("list guardrail rules", Method::GET, OwnAppOnly, |_| {
            ("/api/guardrails/rules".to_owned(), None)
        }),
        probe("list guardrail violations", Method::GET, OwnAppOnly, |_| {
            ("/api/guardrails/violations".to_owned(), None)
        }),
    ]
}

/// Gives the victim a conversation, messages, events, CSAT, a guardrail rule with a violation,
/// and an experiment; answers their ids.
async fn victim_resources(
    app: &TestApp,
    tenant: &Tenant,
    session_id: &str,
) -> (String, String, String, String) {
    let saved = app
        .post_as(
            tenant,
            "/api/conversations",
            json!({"sessionId": session_id,
                   "messages": [{"role": "user", "content": VICTIM_MARKER, "ts": 1}]}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let messages = app
        .post_as(
            tenant,
            "/api/messages",
            json!({"messages": [{"sessionId": session_id, "participantIdentity": "user",
                "role": "user", "content": VICTIM_MARKER, "isFinal": false, "createdAt": 1,
                "segmentId": "SG_shared"}]}),
        )
        .await;
    assert_eq!(messages.status, 200, "{}", messages.text);
    let events = app
        .post_as(
            tenant,
            "/api/events",
            json!({"sessionId": session_id,
                   "events": [{"eventType": "note", "ts": 1, "data": VICTIM_MARKER}]}),
        )
        .await;
    assert_eq!(events.status, 200, "{}", events.text);
    let csat = app
        .post_as(
            tenant,
            "/api/csat",
            json!({"sessionId": session_id, "rating": 5, "comment": VICTIM_MARKER}),
        )
        .await;
    assert_eq!(csat.status, 200, "{}", csat.text);
    let rule = app
        .post_as(
            tenant,
            "/api/guardrails/rules",
            json!({"type": "blocked_topic", "pattern": "private", "action": "block",
                   "userMessage": VICTIM_MARKER}),
        )
        .await
        .json();
    let verdict = app
        .post_as(
            tenant,
            "/api/guardrails/check",
            json!({"sessionId": session_id, "content": VICTIM_MARKER, "direction": "input"}),
        )
        .await
        .json();
    assert_eq!(verdict["allowed"], false);
    let violations = app
        .get_as(tenant, "/api/guardrails/violations")
        .await
        .json();
    let tool = app
        .post_as(
            tenant,
            "/api/tools",
            json!({"name": "privateTool", "description": VICTIM_MARKER,
                   "parametersSchema": {"type": "object"}, "endpoint": "http://127.0.0.1:9/private",
                   "headers": {"Authorization": VICTIM_MARKER}}),
        )
        .await;
    assert_eq!(tool.status, 200, "{}", tool.text);
    let handoff = app
        .post_as(
            tenant,
            "/api/handoffs",
            json!({"sessionId": "shared-session-2", "reason": VICTIM_MARKER, "transcript": []}),
        )
        .await
        .json();
    let experiment = app
        .post_as(
            tenant,
            "/api/experiments",
            json!({"name": VICTIM_MARKER, "variants": [{"id": "a", "weight": 1}, {"id": "b", "weight": 1}]}),
        )
        .await
        .json();
    (
        rule["id"].as_str().unwrap().to_owned(),
        violations["violations"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        experiment["id"].as_str().unwrap().to_owned(),
        handoff["id"].as_str().unwrap().to_owned(),
    )
}

/// The victim's session token still works (checked once at the end: each check counts
/// against the token's read limit).
async fn assert_victim_token_intact(app: &TestApp, victim: &Victim) {
    let me = app
        .get(&format!(
            "/api/auth/me?sessionToken={}",
            victim.tenant.session_token
        ))
        .await;
    assert_eq!(me.status, 200, "the victim's session token must survive");
}

/// The victim's resources are all still there and working.
async fn assert_victim_intact(app: &TestApp, victim: &Victim) {
    let contact = app
        .db
        .store
        .contact_by_id(&victim.contact_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.name.as_deref(), Some(VICTIM_MARKER));
    let detail = app
        .get_as(
            &victim.tenant,
            &format!("/api/conversations/{}", victim.session_id),
        )
        .await
        .json();
    assert_eq!(detail["conversation"]["status"], "active");
    assert_eq!(
        detail["conversation"]["transcript"][0]["content"],
        VICTIM_MARKER
    );
    assert_eq!(detail["messages"][0]["content"], VICTIM_MARKER);
    assert_eq!(detail["messages"][0]["isFinal"], false);
    assert_eq!(detail["events"][0]["data"], VICTIM_MARKER);
    assert_eq!(detail["csat"]["rating"], 5);
    let rules = app
        .get_as(&victim.tenant, "/api/guardrails/rules")
        .await
        .json();
    assert_eq!(rules["rules"][0]["isActive"], true);
    let violations = app
        .get_as(&victim.tenant, "/api/guardrails/violations")
        .await
        .json();
    assert_eq!(
        violations["violations"][0]["annotatedCorrectness"],
        serde_json::Value::Null
    );
    let experiment = app
        .get_as(
            &victim.tenant,
            &format!("/api/experiments/{}", victim.experiment_id),
        )
        .await
        .json();
    assert_eq!(experiment["status"], "active");
    assert_eq!(experiment["results"]["variants"][0]["exposures"], 0);
    let tool = app
        .get_as(&victim.tenant, "/api/tools/privateTool")
        .await
        .json();
    assert_eq!(tool["isActive"], true);
    assert_eq!(tool["description"], VICTIM_MARKER);
    let handoffs = app.get_as(&victim.tenant, "/api/handoffs").await.json();
    assert_eq!(handoffs["handoffs"][0]["id"], victim.handoff_id.as_str());
    assert_eq!(handoffs["handoffs"][0]["status"], "pending");
    let persona = app.get_as(&victim.tenant, "/api/persona").await.json();
    assert_eq!(persona["personaName"], serde_json::Value::Null);
    let document = app
        .get_as(
            &victim.tenant,
            &format!("/api/knowledge/documents/{}", victim.document_id),
        )
        .await
        .json();
    assert_eq!(document["content"], VICTIM_MARKER);
    assert_eq!(document["title"], "Private notes");
    assert_eq!(document["status"], "published");
    assert_eq!(document["collectionId"], victim.collection_id.as_str());
    let collections = app
        .get_as(&victim.tenant, "/api/help/collections")
        .await
        .json();
    assert_eq!(collections["collections"][0]["name"], VICTIM_MARKER);
    assert_eq!(collections["collections"][0]["articleCount"], 1);
    assert_eq!(collections["collections"].as_array().unwrap().len(), 1);
    let look = app
        .get_as(&victim.tenant, "/api/help/settings")
        .await
        .json();
    assert_eq!(look["color"], "#1d4ed8");
    let ai_agent = app.get_as(&victim.tenant, "/api/ai-agent").await.json();
    assert_eq!(ai_agent["enabled"], false);
    let gaps = app
        .get_as(&victim.tenant, "/api/knowledge/gaps")
        .await
        .json();
    assert_eq!(gaps["gaps"][0]["id"], victim.gap_id.as_str());
    assert_eq!(gaps["gaps"][0]["occurrences"], 1);
    let sessions = app
        .get_as(&victim.tenant, "/api/voice/sessions")
        .await
        .json();
    let sessions = sessions["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 4, "{sessions:?}");
    for session in sessions {
        assert_eq!(session["endedAt"], Value::Null, "{session}");
        assert_ne!(session["agentStatus"], "disconnected", "{session}");
        assert_eq!(session["recordingStatus"], Value::Null, "{session}");
    }
    let call = app
        .get_as(
            &victim.tenant,
            &format!("/api/voice/sessions/{}", victim.voice.call_id),
        )
        .await
        .json();
    assert_eq!(call["transcript"], VICTIM_MARKER);
    let logs = app.get_as(&victim.tenant, "/api/logs").await.json();
    assert!(logs["lines"][0].as_str().unwrap().contains(VICTIM_MARKER));
}

/// Gives the victim a voice session through each API, and a client log line.
async fn victim_voice(app: &TestApp, tenant: &Tenant) -> VictimVoice {
    let room = app
        .post_as(
            tenant,
            "/api/livekit/rooms",
            json!({"sessionId": "shared-session-1"}),
        )
        .await;
    assert_eq!(room.status, 200, "{}", room.text);
    let started = app
        .post_as(
            tenant,
            "/session",
            json!({"userIdentity": "owner", "roomName": "private-room-4"}),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.text);
    let call = app
        .post_as(
            tenant,
            "/api/voice/session",
            json!({"roomName": "private-room-2"}),
        )
        .await;
    assert_eq!(call.status, 200, "{}", call.text);
    let transcript = app
        .call_as(
            tenant,
            Method::PATCH,
            "/api/voice/recording",
            Some(json!({"roomName": "private-room-2", "transcript": VICTIM_MARKER})),
        )
        .await;
    assert_eq!(transcript.status, 200, "{}", transcript.text);
    let backend = app
        .post_as(
            tenant,
            "/voice/sessions",
            json!({"customer_id": "c-1", "direction": "inbound", "locale": "en-US"}),
        )
        .await;
    assert_eq!(backend.status, 200, "{}", backend.text);
    let logs = app
        .post_as(tenant, "/api/logs", json!({"message": VICTIM_MARKER}))
        .await;
    assert_eq!(logs.status, 200, "{}", logs.text);
    VictimVoice {
        livekit_room: room.json()["roomName"].as_str().unwrap().to_owned(),
        session_room: "private-room-4".to_owned(),
        call_room: "private-room-2".to_owned(),
        call_id: call.json()["session"]["callId"]
            .as_str()
            .unwrap()
            .to_owned(),
        backend_session_id: backend.json()["session_id"].as_str().unwrap().to_owned(),
    }
}

#[tokio::test]
async fn no_endpoint_reaches_another_apps_resources() {
    let (_livekit, livekit) = crate::voice::fake_livekit().await;
    let app = TestApp::with_integrations(domain::Integrations {
        livekit,
        ..crate::helpers::test_integrations()
    })
    .await;
    let attacker = app.tenant("attacker").await;
    let tenant = app
        .tenant_with(
            "victim",
            model::platform::apps::AppSettings {
                guardrails_enabled: true,
                allowed_origins: Some(vec![crate::widget::SHOP.to_owned()]),
                ..Default::default()
            },
        )
        .await;
    let session_id = "shared-session-1";
    let (rule_id, violation_id, experiment_id, handoff_id) =
        victim_resources(&app, &tenant, session_id).await;
    let signing_secret = app
        .get_as(&tenant, "/api/webhooks/signing-secret")
        .await
        .json()["signingSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    let collection = app
        .call_as(
            &tenant,
            Method::POST,
            "/api/help/collections",
            Some(json!({"name": VICTIM_MARKER, "slug": "private"})),
        )
        .await;
    assert_eq!(collection.status, 201, "{}", collection.text);
    let collection_id = collection.json()["id"].as_str().unwrap().to_owned();
    let document = app
        .post_as(
            &tenant,
            "/api/knowledge",
            json!({"title": "Private notes", "category": "notes", "content": VICTIM_MARKER,
                   "collectionId": collection_id}),
        )
        .await;
    assert_eq!(document.status, 200, "{}", document.text);
    let gap = app
        .post_as(
            &tenant,
            "/api/knowledge/search",
            json!({"query": "quartz xylophone", "mode": "text"}),
        )
        .await;
    assert_eq!(gap.json()["gapDetected"], true, "{}", gap.text);
    let gap_id = app.get_as(&tenant, "/api/knowledge/gaps").await.json()["gaps"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let voice = victim_voice(&app, &tenant).await;
    let booted = crate::widget::boot(
        &app,
        Some(crate::widget::SHOP),
        &tenant.slug,
        json!({"deviceId": "victim-device", "name": VICTIM_MARKER}),
    )
    .await;
    assert_eq!(booted.status, 200, "{}", booted.text);
    let victim = Victim {
        contact_id: booted.json()["contact"]["id"].as_str().unwrap().to_owned(),
        tenant,
        session_id,
        rule_id,
        violation_id,
        experiment_id,
        handoff_id,
        signing_secret,
        document_id: document.json()["id"].as_str().unwrap().to_owned(),
        collection_id,
        gap_id,
        voice,
    };
    let secret_bearer = format!("Bearer {}", attacker.secret);
    let token_bearer = format!("Bearer {}", attacker.session_token);
    let credentials: [(&str, Vec<(&str, &str)>); 2] = [
        (
            "app secret",
            vec![
                ("authorization", secret_bearer.as_str()),
                ("x-app-slug", attacker.slug.as_str()),
            ],
        ),
        (
            "session token",
            vec![("authorization", token_bearer.as_str())],
        ),
    ];

    for probe in probes() {
        for (kind, headers) in &credentials {
            let (path, body) = (probe.request)(&victim);
            let mut headers = headers.clone();
            let body = match body {
                Some(body) => {
                    headers.push(("content-type", "application/json"));
                    Body::from(body.to_string())
                }
                None => Body::empty(),
            };
            let response = app.send(probe.method.clone(), &path, &headers, body).await;
            if probe.outcome == Outcome::Refused {
                assert!(
                    [401, 403, 404].contains(&response.status.as_u16()),
                    "{} with A's {kind}: answered {} {}",
                    probe.name,
                    response.status,
                    response.text
                );
            }
            for secret in [
                VICTIM_MARKER,
                victim.tenant.session_token.as_str(),
                victim.tenant.secret.as_str(),
                victim.tenant.slug.as_str(),
                victim.signing_secret.as_str(),
            ] {
                assert!(
                    !response.text.contains(secret),
                    "{} with A's {kind} leaked victim data: {}",
                    probe.name,
                    response.text
                );
            }
            assert_victim_intact(&app, &victim).await;
        }
    }
    assert_victim_token_intact(&app, &victim).await;
}

#[tokio::test]
async fn one_apps_secret_never_authenticates_another_apps_slug() {
    let app = TestApp::new().await;
    let attacker = app.tenant("attacker").await;
    let victim = app.tenant("victim").await;
    let bearer = format!("Bearer {}", attacker.secret);
    for (headers, body) in [
        (
            vec![],
            json!({"appSlug": victim.slug, "appSecret": attacker.secret}),
        ),
        (
            vec![
                ("authorization", bearer.as_str()),
                ("x-app-slug", victim.slug.as_str()),
            ],
            json!({}),
        ),
    ] {
        let response = app.post_json("/api/auth/session", &headers, body).await;
        assert_eq!(response.status, 401, "{}", response.text);
    }
}

/// Dashboard users: a member of one workspace tries every admin endpoint on another
/// workspace's app and audit log.
#[tokio::test]
async fn no_admin_endpoint_reaches_another_workspace() {
    let app = TestApp::new().await;
    let ours = app.workspace("ours").await;
    let theirs = app.workspace("theirs").await;
    let cookie = app
        .signed_in(
            "owner@ours.example",
            model::platform::users::Role::Owner,
            &ours,
        )
        .await;
    let their_app = app
        .services
        .platform()
        .create_app(
            &domain::Actor::operator(),
            model::platform::apps::CreateApp {
                slug: "their-app".to_owned(),
                name: "Their app".to_owned(),
                secret: None,
                workspace_id: Some(theirs.clone()),
                settings: Default::default(),
            },
        )
        .await
        .unwrap();

    let mut headers = crate::helpers::SAME_ORIGIN.to_vec();
    headers.push(("cookie", cookie.as_str()));
    headers.push(("content-type", "application/json"));
    let probes = [
        (Method::GET, "/api/admin/apps/their-app".to_owned(), ""),
        (
            Method::PATCH,
            "/api/admin/apps/their-app".to_owned(),
            r#"{"name":"Mine"}"#,
        ),
        (
            Method::POST,
            "/api/admin/apps/their-app/rotate-secret".to_owned(),
            "",
        ),
        (
            Method::POST,
            "/api/admin/apps/their-app/deactivate".to_owned(),
            "",
        ),
        (
            Method::POST,
            "/api/admin/apps/their-app/activate".to_owned(),
            "",
        ),
        (
            Method::POST,
            "/api/admin/apps/their-app/playground-token".to_owned(),
            "",
        ),
        (
            Method::GET,
            "/api/admin/apps/their-app/conversations/ses-1/stream".to_owned(),
            "",
        ),
        (
            Method::GET,
            format!("/api/admin/workspaces/{theirs}/audit"),
            "",
        ),
        (
            Method::PUT,
            format!("/api/admin/workspaces/{theirs}/audit-retention"),
            r#"{"days":30}"#,
        ),
        (
            Method::GET,
            format!("/api/admin/workspaces/{theirs}/members"),
            "",
        ),
        (
            Method::PATCH,
            format!("/api/admin/workspaces/{theirs}/members/anyone"),
            r#"{"role":"viewer"}"#,
        ),
        (
            Method::GET,
            "/api/admin/apps/their-app/identity-verification".to_owned(),
            "",
        ),
        (
            Method::PUT,
            "/api/admin/apps/their-app/identity-verification".to_owned(),
            r#"{"enabled":false}"#,
        ),
        (
            Method::POST,
            "/api/admin/apps/their-app/identity-verification/rotate".to_owned(),
            "",
        ),
        (
            Method::GET,
            format!("/api/desk/contacts?workspaceId={theirs}"),
            "",
        ),
        (Method::GET, format!("/api/admin/workspaces/{theirs}"), ""),
        (
            Method::GET,
            format!("/api/desk/conversations?workspaceId={theirs}"),
            "",
        ),
        (
            Method::PATCH,
            format!("/api/admin/workspaces/{theirs}"),
            r#"{"allowedOrigins":["https://evil.example"]}"#,
        ),
        (
            Method::POST,
            "/api/admin/users".to_owned(),
            r#"{"email":"x@ours.example","name":"X","password":"correct horse battery staple","role":"admin","workspaceId":"theirs"}"#,
        ),
    ];
    for (method, path, body) in probes {
        let response = app
            .send(method.clone(), &path, &headers, Body::from(body.to_owned()))
            .await;
        assert_eq!(response.status, 404, "{method} {path}: {}", response.text);
        assert!(
            !response.text.contains("Their app"),
            "{method} {path} leaked"
        );
    }
    let listed = app
        .send(Method::GET, "/api/admin/apps", &headers, Body::empty())
        .await;
    assert_eq!(listed.json(), json!([]));
    // Untouched: same secret still works, still active, name unchanged.
    let caller = app
        .services
        .platform()
        .authenticate_app_secret("their-app", &their_app.app_secret)
        .await
        .unwrap();
    assert_eq!(caller.app.name, "Their app");
}

/// The live stream of a session carries only the caller's app's updates, even when another app
/// uses the same session id.
#[tokio::test]
async fn a_live_stream_never_carries_another_apps_session() {
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let app = TestApp::new().await;
    let attacker = app.tenant("attacker").await;
    let victim = app.tenant("victim").await;
    let open = |tenant: &Tenant| {
        Request::get("/api/messages/stream?sessionId=shared-session-1")
            .header("authorization", format!("Bearer {}", tenant.secret))
            .header("x-app-slug", tenant.slug.as_str())
            .body(Body::empty())
            .unwrap()
    };
    let mut attacker_stream = app
        .router
        .clone()
        .oneshot(open(&attacker))
        .await
        .unwrap()
        .into_body();
    let mut victim_stream = app
        .router
        .clone()
        .oneshot(open(&victim))
        .await
        .unwrap()
        .into_body();
    let posted = app
        .post_as(
            &victim,
            "/api/messages",
            json!({"messages": [{"sessionId": "shared-session-1", "participantIdentity": "user",
                "role": "user", "content": VICTIM_MARKER, "isFinal": true, "createdAt": 1}]}),
        )
        .await;
    assert_eq!(posted.status, 200);
    let frame = tokio::time::timeout(std::time::Duration::from_secs(10), victim_stream.frame())
        .await
        .expect("the victim's stream carries its message")
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(frame.data_ref().unwrap()).into_owned();
    assert!(text.contains(VICTIM_MARKER), "{text}");
    let leaked = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        attacker_stream.frame(),
    )
    .await;
    assert!(
        leaked.is_err(),
        "the attacker's stream stayed silent: {leaked:?}"
    );
    let by_token = app
        .get(&format!(
            "/api/messages/stream?sessionId=shared-session-1&sessionToken={}",
            attacker.session_token
        ))
        .await;
    assert_eq!(by_token.status, 403);
}

/// Widget tokens: each acts as its own contact of its own app, on `/api/widget/*` only. Other
/// apps' and workspaces' contacts, and expired or revoked tokens, get nothing.
#[tokio::test]
async fn a_widget_token_reaches_only_its_own_contact() {
    use crate::widget::{SHOP, admin, as_visitor, boot, widget_app};

    let app = TestApp::new().await;
    let ours = widget_app(&app, "ours", "owner@ours.example").await;
    // The victim's app lives in another workspace.
    let theirs = app.workspace("theirs").await;
    let created = app
        .services
        .platform()
        .create_app(
            &domain::Actor::operator(),
            model::platform::apps::CreateApp {
                slug: "theirs".to_owned(),
                name: "Theirs".to_owned(),
                secret: None,
                workspace_id: Some(theirs.clone()),
                settings: model::platform::apps::AppSettings {
                    allowed_origins: Some(vec![SHOP.to_owned()]),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
    // A published public article of theirs: another app's visitor neither reads nor rates it.
    let their_tenant = Tenant {
        slug: "theirs".to_owned(),
        secret: created.app_secret.clone(),
        session_token: String::new(),
    };
    let article = app
        .post_as(
            &their_tenant,
            "/api/knowledge",
            json!({"title": "Their article", "slug": "their-article", "category": "faq",
                   "content": VICTIM_MARKER, "visibility": "public"}),
        )
        .await;
    assert_eq!(article.status, 200, "{}", article.text);
    let victim = boot(
        &app,
        Some(SHOP),
        "theirs",
        json!({"deviceId": "victim-device", "email": "victim@example.com",
               "name": VICTIM_MARKER, "externalUserId": "user-1"}),
    )
    .await;
    assert_eq!(victim.status, 200, "{}", victim.text);
    let victim_contact = victim.json()["contact"]["id"].as_str().unwrap().to_owned();
    let victim_token = victim.json()["sessionToken"].as_str().unwrap().to_owned();
    let chat = as_visitor(
        &app,
        &victim_token,
        Method::POST,
        "/api/widget/conversations",
        Some(json!({"body": VICTIM_MARKER})),
    )
    .await;
    assert_eq!(chat.status, 201, "{}", chat.text);
    let victim_chat = chat.json()["conversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let attacker = boot(
        &app,
        Some(SHOP),
        "ours",
        json!({"deviceId": "victim-device", "email": "victim@example.com",
               "externalUserId": "user-1"}),
    )
    .await;
    assert_eq!(attacker.status, 200, "{}", attacker.text);
    assert_ne!(attacker.json()["contact"]["id"], json!(victim_contact));
    let token = attacker.json()["sessionToken"].as_str().unwrap().to_owned();

    // Its own contact only, even when it claims the victim's email and user id.
    for (method, path, body) in [
        (Method::GET, "/api/widget/contact", None),
        (
            Method::POST,
            "/api/widget/identify",
            Some(json!({"email": "victim@example.com", "externalUserId": "user-1"})),
        ),
        (
            Method::POST,
            "/api/widget/location",
            Some(json!({"location": {"city": "Elsewhere"}})),
        ),
    ] {
        let response = as_visitor(&app, &token, method, path, body).await;
        assert_eq!(response.status, 200, "{path}: {}", response.text);
        assert!(!response.text.contains(VICTIM_MARKER), "{path} leaked");
        assert!(!response.text.contains(&victim_contact), "{path} leaked");
    }
    // Another contact's conversation is not found, to read or to write.
    let victim_messages = format!("/api/widget/conversations/{victim_chat}/messages");
    let victim_ticket = as_visitor(
        &app,
        &victim_token,
        Method::POST,
        "/api/widget/tickets",
        Some(json!({"subject": VICTIM_MARKER})),
    )
    .await;
    assert_eq!(victim_ticket.status, 201, "{}", victim_ticket.text);
    let victim_ticket = victim_ticket.json()["id"].as_str().unwrap().to_owned();
    for (method, path, body) in [
        (Method::GET, victim_messages.clone(), None),
        (
            Method::POST,
            victim_messages.clone(),
            Some(json!({"body": "hi"})),
        ),
        (
            Method::POST,
            format!("/api/widget/conversations/{victim_chat}/read"),
            None,
        ),
        (
            Method::POST,
            format!("/api/widget/conversations/{victim_chat}/rating"),
            Some(json!({"rating": 1})),
        ),
        (
            Method::POST,
            format!("/api/widget/conversations/{victim_chat}/messages/{victim_chat}/feedback"),
            Some(json!({"helpful": false})),
        ),
        (
            Method::GET,
            "/api/widget/help/articles/their-article".to_owned(),
            None,
        ),
        (
            Method::POST,
            "/api/widget/help/articles/their-article/feedback".to_owned(),
            Some(json!({"helpful": true})),
        ),
        (
            Method::GET,
            format!("/api/widget/tickets/{victim_ticket}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/widget/tickets/{victim_ticket}/comments"),
            Some(json!({"body": "hi"})),
        ),
    ] {
        let response = as_visitor(&app, &token, method.clone(), &path, body).await;
        assert_eq!(response.status, 404, "{method} {path}: {}", response.text);
        assert!(!response.text.contains(VICTIM_MARKER));
    }
    for path in [
        "/api/widget/tickets",
        "/api/widget/settings",
        "/api/widget/help",
        "/api/widget/help/search?q=victim+private+words",
    ] {
        let own = as_visitor(&app, &token, Method::GET, path, None).await;
        assert_eq!(own.status, 200, "{path}: {}", own.text);
        assert!(!own.text.contains(VICTIM_MARKER), "{path} leaked");
    }
    let own = as_visitor(&app, &token, Method::GET, "/api/widget/conversations", None).await;
    assert!(!own.text.contains(&victim_chat), "{}", own.text);
    // The dashboard's API is not the widget's.
    for path in [
        format!("/api/desk/contacts/{victim_contact}"),
        format!("/api/desk/contacts?workspaceId={theirs}"),
    ] {
        let response = as_visitor(&app, &token, Method::GET, &path, None).await;
        assert_eq!(response.status, 401, "{path}: {}", response.text);
    }
    // A member of the other workspace sees nothing of the victim's.
    for path in [
        format!("/api/desk/contacts/{victim_contact}"),
        format!("/api/desk/contacts?workspaceId={theirs}"),
    ] {
        let response = admin(&app, &ours, Method::GET, &path, None).await;
        assert_eq!(response.status, 404, "{path}: {}", response.text);
        assert!(!response.text.contains(VICTIM_MARKER));
    }
    let own_list = admin(&app, &ours, Method::GET, "/api/desk/contacts", None).await;
    assert_eq!(own_list.status, 200, "{}", own_list.text);
    assert!(!own_list.text.contains(VICTIM_MARKER), "{}", own_list.text);

    // Expired and revoked tokens get nothing anywhere.
    let expired_token = format!("wst_{}", "e".repeat(64));
    let now = domain::now_ms();
    app.db
        .store
        .insert_widget_session(&store::WidgetSessionRecord {
            id: "expired-session".to_owned(),
            app_id: app
                .services
                .platform()
                .app_by_slug(&domain::Actor::operator(), "theirs")
                .await
                .unwrap()
                .id,
            contact_id: victim_contact.clone(),
            token_hash: domain::platform::secrets::hash(&expired_token),
            origin: Some(SHOP.to_owned()),
            identity_verified: false,
            lifetime_ms: 3_600_000,
            expires_at: now - 1,
            booted_at: now - 3_600_001,
            created_at: now - 3_600_001,
            revoked_at: None,
        })
        .await
        .unwrap();
    let revoked = app
        .post_json("/api/widget/revoke", &[], json!({"sessionToken": token}))
        .await;
    assert_eq!(revoked.status, 200);
    for dead in [&expired_token, &token] {
        for (method, path, body) in [
            (Method::GET, "/api/widget/contact", None),
            (Method::POST, "/api/widget/refresh", None),
            (
                Method::POST,
                "/api/widget/identify",
                Some(json!({"name": "x"})),
            ),
            (
                Method::POST,
                "/api/widget/location",
                Some(json!({"location": {"city": "x"}})),
            ),
        ] {
            let response = as_visitor(&app, dead, method, path, body).await;
            assert_eq!(response.status, 401, "{path}: {}", response.text);
            assert!(!response.text.contains(VICTIM_MARKER));
        }
    }
    // The victim's own session is intact.
    let still = as_visitor(
        &app,
        &victim_token,
        Method::GET,
        "/api/widget/contact",
        None,
    )
    .await;
    assert_eq!(still.status, 200, "{}", still.text);
    assert_eq!(still.json()["contact"]["name"], VICTIM_MARKER);
    let thread = as_visitor(&app, &victim_token, Method::GET, &victim_messages, None).await;
    assert_eq!(
        thread.json()["messages"].as_array().unwrap().len(),
        1,
        "{}",
        thread.text
    );
    assert!(still.json()["contact"]["location"].is_null());
}

/// The desk's endpoints that name a conversation, tag, snippet, ticket or form refuse a member
/// of another workspace (404), list nothing of the victim's workspace, and change nothing.
#[tokio::test]
async fn no_desk_endpoint_reaches_another_workspace() {
    use crate::widget::admin;
    use model::platform::users::Role;

    let victim = crate::inbox::inbox().await;
    let app = &victim.app;
    let call = |method: Method, path: String, body: Option<Value>| {
        let cookie = victim.owner.clone();
        async move { admin(app, &cookie, method, &path, body).await }
    };
    let created = |response: crate::helpers::TestResponse| {
        assert!(response.status.is_success(), "{}", response.text);
        response.json()["id"].as_str().unwrap().to_owned()
    };
    let tag = created(
        call(
            Method::POST,
            "/api/desk/tags".to_owned(),
            Some(json!({"name": VICTIM_MARKER})),
        )
        .await,
    );
    let snippet = created(
        call(
            Method::POST,
            "/api/desk/snippets".to_owned(),
            Some(json!({"name": "s", "content": VICTIM_MARKER, "shortcut": "vic"})),
        )
        .await,
    );
    let ticket = created(
        call(
            Method::POST,
            "/api/desk/tickets".to_owned(),
            Some(json!({"subject": VICTIM_MARKER, "conversationId": victim.conversation})),
        )
        .await,
    );
    let form = created(
        call(
            Method::POST,
            "/api/desk/ticket-forms".to_owned(),
            Some(json!({"name": VICTIM_MARKER,
                        "fields": [{"id": "a", "type": "text", "label": "A"}]})),
        )
        .await,
    );
    call(
        Method::POST,
        format!("/api/desk/conversations/{}/tags", victim.conversation),
        Some(json!({"tagId": tag})),
    )
    .await;
    let their_workspace = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), "shop")
        .await
        .unwrap()
        .workspace_id;
    let contact = crate::widget::as_visitor(
        app,
        &victim.visitor,
        Method::GET,
        "/api/widget/contact",
        None,
    )
    .await
    .json()["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let ours = app.workspace("ours").await;
    let attacker = app
        .signed_in("attacker@ours.example", Role::Owner, &ours)
        .await;
    let conversation = format!("/api/desk/conversations/{}", victim.conversation);
    let probes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("{conversation}/tags"), None),
        (
            Method::POST,
            format!("{conversation}/tags"),
            Some(json!({"tagId": tag})),
        ),
        (Method::DELETE, format!("{conversation}/tags/{tag}"), None),
        (
            Method::POST,
            "/api/desk/conversations".to_owned(),
            Some(json!({"contactId": contact, "body": "hijack"})),
        ),
        (
            Method::GET,
            format!("/api/desk/conversations/stream?workspaceId={their_workspace}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/desk/tags?workspaceId={their_workspace}"),
            None,
        ),
        (
            Method::POST,
            "/api/desk/tags".to_owned(),
            Some(json!({"name": "x", "workspaceId": their_workspace})),
        ),
        (
            Method::PATCH,
            format!("/api/desk/tags/{tag}"),
            Some(json!({"name": "renamed"})),
        ),
        (Method::DELETE, format!("/api/desk/tags/{tag}"), None),
        (
            Method::GET,
            format!("/api/desk/snippets?workspaceId={their_workspace}"),
            None,
        ),
        (
            Method::POST,
            "/api/desk/snippets".to_owned(),
            Some(json!({"name": "x", "content": "x", "workspaceId": their_workspace})),
        ),
        (Method::GET, format!("/api/desk/snippets/{snippet}"), None),
        (
            Method::PATCH,
            format!("/api/desk/snippets/{snippet}"),
            Some(json!({"content": "changed"})),
        ),
        (
            Method::DELETE,
            format!("/api/desk/snippets/{snippet}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/desk/tickets?workspaceId={their_workspace}"),
            None,
        ),
        (
            Method::POST,
            "/api/desk/tickets".to_owned(),
            Some(json!({"subject": "x", "workspaceId": their_workspace})),
        ),
        (
            Method::POST,
            "/api/desk/tickets".to_owned(),
            Some(json!({"conversationId": victim.conversation})),
        ),
        (Method::GET, format!("/api/desk/tickets/{ticket}"), None),
        (
            Method::PATCH,
            format!("/api/desk/tickets/{ticket}"),
            Some(json!({"status": "resolved"})),
        ),
        (
            Method::POST,
            format!("/api/desk/tickets/{ticket}/comments"),
            Some(json!({"body": "hijack"})),
        ),
        (
            Method::GET,
            format!("/api/desk/ticket-forms?workspaceId={their_workspace}"),
            None,
        ),
        (
            Method::POST,
            "/api/desk/ticket-forms".to_owned(),
            Some(json!({"name": "x", "workspaceId": their_workspace,
                        "fields": [{"id": "a", "type": "text", "label": "A"}]})),
        ),
        (
            Method::DELETE,
            format!("/api/desk/ticket-forms/{form}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/desk/automation?workspaceId={their_workspace}"),
            None,
        ),
        (
            Method::PUT,
            "/api/desk/automation".to_owned(),
            Some(json!({"askForRating": true, "workspaceId": their_workspace})),
        ),
    ];
    for (method, path, body) in probes {
        let response = admin(app, &attacker, method.clone(), &path, body).await;
        assert_eq!(response.status, 404, "{method} {path}: {}", response.text);
        assert!(
            !response.text.contains(VICTIM_MARKER),
            "{method} {path} leaked"
        );
    }
    // The attacker's own lists hold nothing of the victim's.
    for path in [
        "/api/desk/tags",
        "/api/desk/snippets",
        "/api/desk/tickets",
        "/api/desk/ticket-forms",
    ] {
        let own = admin(app, &attacker, Method::GET, path, None).await;
        assert_eq!(own.status, 200, "{path}: {}", own.text);
        assert!(!own.text.contains(VICTIM_MARKER), "{path} leaked");
    }
    // Untouched.
    let tickets = call(Method::GET, format!("/api/desk/tickets/{ticket}"), None).await;
    assert_eq!(tickets.json()["ticket"]["status"], "submitted");
    assert_eq!(tickets.json()["comments"], json!([]));
    let tags = call(Method::GET, format!("{conversation}/tags"), None).await;
    assert_eq!(tags.json()["tags"][0]["name"], VICTIM_MARKER);
    let snippet = call(Method::GET, format!("/api/desk/snippets/{snippet}"), None).await;
    assert_eq!(snippet.json()["content"], VICTIM_MARKER);
    let forms = call(Method::GET, "/api/desk/ticket-forms".to_owned(), None).await;
    assert_eq!(forms.json()["forms"].as_array().unwrap().len(), 1);
    let automation = call(Method::GET, "/api/desk/automation".to_owned(), None).await;
    assert_eq!(automation.json()["askForRating"], false);
    assert_eq!(victim.visitor_messages().await.len(), 1);
}
