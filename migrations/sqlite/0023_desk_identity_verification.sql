-- Identity verification per app. Secrets are sealed (enc:v1:…), never stored in plain text;
-- the previous one keeps working until previous_secret_expires_at.
CREATE TABLE desk_identity_verification (
    app_id                     TEXT PRIMARY KEY NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    enabled                    BOOLEAN NOT NULL,
    -- optional | required
    mode                       TEXT NOT NULL,
    allow_anonymous            BOOLEAN NOT NULL,
    secret                     TEXT NOT NULL,
    previous_secret            TEXT,
    previous_secret_expires_at BIGINT,
    updated_at                 BIGINT NOT NULL
);
