-- An app's AI agent for chat. No row: the defaults (off).
CREATE TABLE desk_ai_settings (
    app_id               TEXT PRIMARY KEY NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    enabled              BOOLEAN NOT NULL,
    -- "knowledge" (the LLM-free responder) or "openai/<model>"
    model                TEXT NOT NULL,
    confidence_threshold REAL NOT NULL,
    -- A JSON array of collection ids; empty: every published public article.
    collection_ids       TEXT NOT NULL,
    handoff_message      TEXT NOT NULL,
    -- JSON {timezone, days: [{day, start, end}]}; NULL: always on.
    working_hours        TEXT,
    updated_at           BIGINT NOT NULL
);

-- An AI answer's record, on its message: confidence, the sources cited (JSON), latency, and
-- the visitor's rating of it.
ALTER TABLE desk_messages ADD COLUMN ai_confidence REAL;
ALTER TABLE desk_messages ADD COLUMN ai_sources TEXT;
ALTER TABLE desk_messages ADD COLUMN ai_latency_ms BIGINT;
ALTER TABLE desk_messages ADD COLUMN ai_helpful BOOLEAN;

-- Set when the AI handed the conversation to a human (the Inbox's "needs human" filter);
-- cleared by a member's reply.
ALTER TABLE desk_conversations ADD COLUMN needs_human BOOLEAN NOT NULL DEFAULT FALSE;
-- Why: low_confidence, asked_for_human, outside_hours, disabled, failed.
ALTER TABLE desk_conversations ADD COLUMN ai_handoff_reason TEXT;
