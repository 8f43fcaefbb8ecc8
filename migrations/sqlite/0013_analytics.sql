-- Analytics: indexes the overview's aggregates read from, and the daily insights.

-- Covers the overview's conversation aggregates without touching the table.
DROP INDEX conversations_app_started;
CREATE INDEX conversations_app_started
    ON conversations (app_id, started_at, status, ended_at, handed_off_at);
CREATE INDEX handoffs_app_session ON handoffs (app_id, session_id);
CREATE INDEX tool_executions_app_name ON tool_executions (app_id, executed_at, tool_name, status);

-- One row per app and UTC day, recomputed by a scheduled job while the day may still change.
CREATE TABLE insights (
    app_id              TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    -- YYYY-MM-DD (UTC)
    period              TEXT NOT NULL,
    total_conversations BIGINT NOT NULL,
    resolution_rate     REAL NOT NULL,
    handoff_rate        REAL NOT NULL,
    avg_duration_ms     BIGINT NOT NULL,
    avg_csat            REAL,
    -- [{topic, count}]
    top_topics          TEXT NOT NULL,
    -- {toolName: count}
    tool_usage          TEXT NOT NULL,
    tool_executions     BIGINT NOT NULL,
    guardrail_violations BIGINT NOT NULL,
    computed_at         BIGINT NOT NULL,
    PRIMARY KEY (app_id, period)
);
