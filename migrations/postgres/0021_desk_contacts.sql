-- Contacts (seed 001's visitors): the end users of a workspace's sites and apps.
--
-- A contact is found again by its device id (anonymous, unverified) or by its external user id
-- once a signed user hash proved it (verified). Emails and names are what the visitor claimed;
-- they never link one contact to another.
CREATE TABLE desk_contacts (
    id                   TEXT PRIMARY KEY NOT NULL,
    workspace_id         TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    device_id            TEXT,
    email                TEXT,
    name                 TEXT,
    external_user_id     TEXT,
    identity_verified    BOOLEAN NOT NULL,
    identity_verified_at BIGINT,
    custom_attributes    JSONB NOT NULL,
    device               JSONB,
    location             JSONB,
    first_seen_at        BIGINT NOT NULL,
    last_seen_at         BIGINT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);

-- One verified contact per external user id in a workspace.
CREATE UNIQUE INDEX desk_contacts_verified_user ON desk_contacts (workspace_id, external_user_id)
    WHERE identity_verified;
CREATE INDEX desk_contacts_device ON desk_contacts (workspace_id, device_id);
CREATE INDEX desk_contacts_recent ON desk_contacts (workspace_id, last_seen_at, id);
