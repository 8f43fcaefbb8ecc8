-- Conversations, telemetry events and transcription messages: what an agent writes during a call.
CREATE TABLE conversations (
    id                 TEXT PRIMARY KEY NOT NULL,
    app_id             TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id         TEXT NOT NULL,
    channel            TEXT,
    -- active, handed_off, resolved or abandoned; the domain enforces the transitions.
    status             TEXT NOT NULL,
    resolution         TEXT,
    started_at         BIGINT NOT NULL,
    -- Set once, when the conversation ends.
    ended_at           BIGINT,
    -- Set once, when the conversation is first handed to a human.
    handed_off_at      BIGINT,
    message_count      BIGINT NOT NULL,
    transcript         TEXT,
    experiment_variant TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    UNIQUE (app_id, session_id)
);

CREATE INDEX conversations_app_started ON conversations (app_id, started_at);
CREATE INDEX conversations_app_status ON conversations (app_id, status, started_at);

CREATE TABLE events (
    id         TEXT PRIMARY KEY NOT NULL,
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    ts         BIGINT NOT NULL,
    data       TEXT,
    trace_id   TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX events_app_session ON events (app_id, session_id, ts);
CREATE INDEX events_app_ts ON events (app_id, ts);
CREATE INDEX events_app_trace ON events (app_id, trace_id);

CREATE TABLE messages (
    id                   TEXT PRIMARY KEY NOT NULL,
    app_id               TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id           TEXT NOT NULL,
    room_name            TEXT,
    participant_identity TEXT NOT NULL,
    role                 TEXT NOT NULL,
    content              TEXT NOT NULL,
    is_final             BOOLEAN NOT NULL,
    language             TEXT,
    created_at           BIGINT NOT NULL,
    segment_id           TEXT,
    -- The segment id, or a digest of the message: a retried batch lands on the same rows.
    dedupe_key           TEXT NOT NULL,
    trace_id             TEXT,
    updated_at           BIGINT NOT NULL,
    UNIQUE (app_id, session_id, dedupe_key)
);

CREATE INDEX messages_app_session_created ON messages (app_id, session_id, created_at);
