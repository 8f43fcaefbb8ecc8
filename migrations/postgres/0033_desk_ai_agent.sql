-- AI answers in chat. An app's AI agent settings (no row: the defaults, off).
CREATE TABLE desk_ai_settings (
    app_id               TEXT PRIMARY KEY NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    enabled              BOOLEAN NOT NULL,
    -- "knowledge" (the LLM-free responder) or "openai/<model>"
    model                TEXT NOT NULL,
    -- NULL: the knowledge base's threshold.
    confidence_threshold DOUBLE PRECISION,
    -- A JSON array of collection ids; empty: every published public article.
    collection_ids       JSONB NOT NULL,
    handoff_message      TEXT NOT NULL,
    -- JSON {timezone, days: [{day, start, end}]}: when humans answer; NULL: always.
    working_hours        JSONB,
    updated_at           BIGINT NOT NULL
);

-- Each AI turn, on the bot message it posted: the question, its confidence, the sources it
-- cited (JSON), its latency, whether it handed off and why, and the visitor's rating.
CREATE TABLE desk_ai_answers (
    message_id      TEXT PRIMARY KEY NOT NULL REFERENCES desk_messages (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES desk_conversations (id) ON DELETE CASCADE,
    app_id          TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    question        TEXT NOT NULL,
    confidence      DOUBLE PRECISION NOT NULL,
    sources         JSONB NOT NULL,
    model           TEXT NOT NULL,
    latency_ms      BIGINT NOT NULL,
    handed_off      BOOLEAN NOT NULL,
    -- low_confidence, asked_for_human or failed
    handoff_reason  TEXT,
    helpful         BOOLEAN,
    created_at      BIGINT NOT NULL
);
CREATE INDEX desk_ai_answers_conversation ON desk_ai_answers (conversation_id, created_at);
CREATE INDEX desk_ai_answers_app ON desk_ai_answers (app_id, created_at);

-- Set when the AI hands a conversation to a human (the Inbox's "needs human" filter); cleared
-- by a member's reply.
ALTER TABLE desk_conversations ADD COLUMN needs_human BOOLEAN NOT NULL DEFAULT FALSE;
