-- AI-to-human handoffs. At most one open (pending or claimed) handoff per session.
CREATE TABLE handoffs (
    id                 TEXT PRIMARY KEY NOT NULL,
    app_id             TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id         TEXT NOT NULL,
    channel            TEXT NOT NULL,
    reason             TEXT NOT NULL,
    reason_detail      TEXT,
    -- pending → claimed → resolved, pending → resolved, pending | claimed → expired
    status             TEXT NOT NULL,
    -- low, normal, high or urgent
    priority           TEXT NOT NULL,
    transcript         JSONB NOT NULL,
    ai_summary         TEXT,
    assigned_agent     TEXT,
    customer_data      JSONB,
    necessity_score    DOUBLE PRECISION,
    resolution_quality TEXT,
    agent_feedback     TEXT,
    created_at         BIGINT NOT NULL,
    claimed_at         BIGINT,
    resolved_at        BIGINT,
    -- When a pending handoff expires unclaimed (the app's handoffExpirationSeconds).
    expires_at         BIGINT,
    updated_at         BIGINT NOT NULL
);

CREATE UNIQUE INDEX handoffs_open_session ON handoffs (app_id, session_id)
    WHERE status IN ('pending', 'claimed');
CREATE INDEX handoffs_app_created ON handoffs (app_id, created_at);
CREATE INDEX handoffs_app_status ON handoffs (app_id, status, created_at);
CREATE INDEX handoffs_expiry ON handoffs (status, expires_at);
