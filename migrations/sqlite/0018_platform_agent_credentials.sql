-- Credentials minted for one dispatched call, handed to its agent in the dispatch metadata.
-- Scoped to that call's session; revoked when its room finishes.
CREATE TABLE agent_credentials (
    id               TEXT PRIMARY KEY NOT NULL,
    app_id           TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    -- SHA-256 of the credential: never the credential itself.
    token_hash       TEXT NOT NULL UNIQUE,
    -- The conversation's session id (`sessionId` in the agent API) and the call's room.
    session_id       TEXT NOT NULL,
    room_name        TEXT NOT NULL,
    expires_at       BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    revoked_at       BIGINT
);

CREATE INDEX agent_credentials_room ON agent_credentials (app_id, room_name);
CREATE INDEX agent_credentials_expiry ON agent_credentials (expires_at);
