-- Voice sessions: one row per call, whichever API started it (seed 000's rooms, seed 002's
-- /api/voice, seed 003's /voice/sessions, seed 004's /session, inbound phone calls).
CREATE TABLE voice_sessions (
    id                   TEXT PRIMARY KEY NOT NULL,
    app_id               TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    -- Which API created it: livekit | voice | session | telephony | elevenlabs.
    origin               TEXT NOT NULL,
    -- The conversation's session id within the app (conversations.session_id).
    session_key          TEXT NOT NULL,
    -- The LiveKit room; absent for ElevenLabs-only sessions.
    room_name            TEXT,
    -- pending | ringing | connected | completed | missed | failed (seed 002's vocabulary).
    status               TEXT NOT NULL,
    call_type            TEXT,
    -- Who started it: the participant identity, and the session token's hash if one was used.
    owner_identity       TEXT,
    owner_name           TEXT,
    owner_token_hash     TEXT,
    callee_id            TEXT,
    -- The AI agent: pending | active | disconnected; absent when none was asked for.
    agent_status         TEXT,
    agent_name           TEXT,
    agent_identity       TEXT,
    agent_dispatch_id    TEXT,
    agent_config         JSONB,
    system_prompt        TEXT,
    voice                TEXT,
    max_participants     BIGINT,
    empty_timeout_secs   BIGINT,
    metadata             JSONB,
    participant_count    BIGINT NOT NULL,
    -- Seed 003: the customer, call direction, locale, and the ElevenLabs conversation.
    customer_id          TEXT,
    direction            TEXT,
    locale               TEXT,
    simulation           BOOLEAN NOT NULL,
    agent_type           TEXT,
    external_id          TEXT,
    -- Recording (LiveKit egress).
    recording_enabled    BOOLEAN NOT NULL,
    egress_id            TEXT,
    recording_status     TEXT,
    recording_started_at BIGINT,
    recording_url        TEXT,
    transcript           TEXT,
    end_reason           TEXT,
    created_at           BIGINT NOT NULL,
    connected_at         BIGINT,
    ended_at             BIGINT,
    updated_at           BIGINT NOT NULL
);

-- A LiveKit room name belongs to one live session at a time; ended sessions free it.
CREATE UNIQUE INDEX voice_sessions_live_room ON voice_sessions (room_name)
    WHERE ended_at IS NULL AND room_name IS NOT NULL;
CREATE INDEX voice_sessions_room ON voice_sessions (room_name, created_at);
CREATE INDEX voice_sessions_app_created ON voice_sessions (app_id, created_at);
CREATE INDEX voice_sessions_app_status ON voice_sessions (app_id, status, created_at);
CREATE INDEX voice_sessions_external ON voice_sessions (external_id) WHERE external_id IS NOT NULL;
-- The stale-session job looks only at sessions still open.
CREATE INDEX voice_sessions_open ON voice_sessions (created_at) WHERE ended_at IS NULL;

CREATE TABLE voice_participants (
    id           TEXT PRIMARY KEY NOT NULL,
    session_id   TEXT NOT NULL REFERENCES voice_sessions (id) ON DELETE CASCADE,
    identity     TEXT NOT NULL,
    name         TEXT,
    -- standard | agent | sip | egress | ingress (LiveKit's ParticipantInfo.Kind).
    kind         TEXT NOT NULL,
    participant_sid TEXT,
    joined_at    BIGINT NOT NULL,
    left_at      BIGINT
);

CREATE INDEX voice_participants_session ON voice_participants (session_id, joined_at);

-- LiveKit webhook events already handled, by event id: redeliveries are acknowledged and skipped.
CREATE TABLE livekit_webhook_events (
    event_id    TEXT PRIMARY KEY NOT NULL,
    event       TEXT NOT NULL,
    room_name   TEXT,
    received_at BIGINT NOT NULL
);

CREATE INDEX livekit_webhook_events_received ON livekit_webhook_events (received_at);

-- Client diagnostics (seed 003's /api/logs), per app, trimmed to the newest lines.
CREATE TABLE client_logs (
    id         TEXT PRIMARY KEY NOT NULL,
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    level      TEXT NOT NULL,
    source     TEXT,
    message    TEXT NOT NULL,
    session_id TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX client_logs_app_created ON client_logs (app_id, created_at, id);
