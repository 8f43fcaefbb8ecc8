-- The browser session token a session id belongs to: the first token that wrote for it.
-- Other session tokens of the app may not write to that session; app secrets may.
CREATE TABLE session_bindings (
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    -- SHA-256 of the token, as `session_tokens` stores it: not the token itself.
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, session_id)
);
