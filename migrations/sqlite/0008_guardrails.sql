-- Guardrail rules (validated and compiled when written) and the violations they found.
CREATE TABLE guardrail_rules (
    id           TEXT PRIMARY KEY NOT NULL,
    app_id       TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    -- blocked_topic, topic_boundary, pii_filter or jailbreak_detection
    type         TEXT NOT NULL,
    pattern      TEXT NOT NULL,
    -- block, warn or log
    action       TEXT NOT NULL,
    user_message TEXT,
    is_active    BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE INDEX guardrail_rules_app ON guardrail_rules (app_id, created_at);

CREATE TABLE guardrail_violations (
    id                    TEXT PRIMARY KEY NOT NULL,
    app_id                TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id            TEXT NOT NULL,
    -- Kept when the rule is deleted: the audit trail outlives it.
    rule_id               TEXT NOT NULL,
    type                  TEXT NOT NULL,
    direction             TEXT NOT NULL,
    -- The first 500 characters of what was checked.
    content               TEXT NOT NULL,
    action                TEXT NOT NULL,
    annotated_correctness TEXT,
    annotated_by          TEXT,
    annotated_at          BIGINT,
    created_at            BIGINT NOT NULL
);

CREATE INDEX guardrail_violations_app_created ON guardrail_violations (app_id, created_at);
CREATE INDEX guardrail_violations_app_session ON guardrail_violations (app_id, session_id);
