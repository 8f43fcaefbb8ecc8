-- Widget sessions: a browser acting as one contact. Only the token's SHA-256 is stored.
CREATE TABLE desk_widget_sessions (
    id                TEXT PRIMARY KEY NOT NULL,
    app_id            TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    contact_id        TEXT NOT NULL REFERENCES desk_contacts (id) ON DELETE CASCADE,
    token_hash        TEXT NOT NULL UNIQUE,
    origin            TEXT,
    identity_verified BOOLEAN NOT NULL,
    lifetime_ms       BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    -- When the visitor booted: refreshes never carry a session past booted_at + the cap.
    booted_at         BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    revoked_at        BIGINT
);

CREATE INDEX desk_widget_sessions_contact ON desk_widget_sessions (contact_id);
CREATE INDEX desk_widget_sessions_expiry ON desk_widget_sessions (expires_at);
