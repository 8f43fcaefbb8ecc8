-- Workspaces own apps (and, later, members). An app is a tenant of the agent API.
CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE apps (
    id                         TEXT PRIMARY KEY NOT NULL,
    workspace_id               TEXT NOT NULL REFERENCES workspaces (id),
    slug                       TEXT NOT NULL UNIQUE,
    name                       TEXT NOT NULL,
    is_active                  BOOLEAN NOT NULL,
    -- SHA-256 (hex) of the app secret; the secret itself is shown once and never stored.
    secret_hash                TEXT NOT NULL,
    model_id                   TEXT NOT NULL,
    reply_as_audio             BOOLEAN NOT NULL,
    temperature                DOUBLE PRECISION,
    system_prompt              TEXT NOT NULL,
    voice                      TEXT,
    token_expire_minutes       BIGINT,
    persona_name               TEXT,
    persona_greeting           TEXT,
    persona_tone               TEXT,
    preferred_terms            JSONB,
    blocked_terms              JSONB,
    guardrails_enabled         BOOLEAN NOT NULL,
    max_actions_per_turn       BIGINT,
    handoff_enabled            BOOLEAN NOT NULL,
    handoff_webhook_url        TEXT,
    handoff_expiration_seconds BIGINT,
    knowledge_threshold        DOUBLE PRECISION,
    ui_strings                 JSONB,
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL
);

CREATE INDEX apps_workspace ON apps (workspace_id);

-- Browser-safe session tokens. Only their SHA-256 is stored.
CREATE TABLE session_tokens (
    id         TEXT PRIMARY KEY NOT NULL,
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE INDEX session_tokens_app ON session_tokens (app_id);
CREATE INDEX session_tokens_expiry ON session_tokens (expires_at);
