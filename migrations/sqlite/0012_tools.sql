-- Tools an agent may call, and the record of every call.
CREATE TABLE tools (
    id                    TEXT PRIMARY KEY NOT NULL,
    app_id                TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    description           TEXT NOT NULL,
    -- The JSON Schema as the client sent it (it compiled when stored).
    parameters_schema     TEXT NOT NULL,
    endpoint              TEXT NOT NULL,
    http_method           TEXT NOT NULL,
    -- Sent with every call; they often hold the endpoint's credentials, so no answer shows them.
    headers               TEXT,
    timeout_ms            BIGINT NOT NULL,
    requires_confirmation BOOLEAN NOT NULL,
    requires_auth         BOOLEAN NOT NULL,
    is_active             BOOLEAN NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    UNIQUE (app_id, name)
);

CREATE TABLE tool_executions (
    id          TEXT PRIMARY KEY NOT NULL,
    app_id      TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id  TEXT NOT NULL,
    tool_name   TEXT NOT NULL,
    parameters  TEXT NOT NULL,
    result      TEXT NOT NULL,
    -- success, error or validation_error
    status      TEXT NOT NULL,
    http_status BIGINT,
    executed_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    trace_id    TEXT,
    span_id     TEXT
);

CREATE INDEX tool_executions_app_executed ON tool_executions (app_id, executed_at);
CREATE INDEX tool_executions_app_session ON tool_executions (app_id, session_id, executed_at);
