-- Desk conversations: a contact's chats with the support team, started from the widget.
CREATE TABLE desk_conversations (
    id              TEXT PRIMARY KEY NOT NULL,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    app_id          TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    contact_id      TEXT NOT NULL REFERENCES desk_contacts (id) ON DELETE CASCADE,
    -- open | snoozed | closed
    status          TEXT NOT NULL,
    -- chat (email and voice come later)
    channel         TEXT NOT NULL,
    message_count   BIGINT NOT NULL,
    last_message_at BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE INDEX desk_conversations_contact ON desk_conversations (contact_id, last_message_at);
CREATE INDEX desk_conversations_recent ON desk_conversations (workspace_id, last_message_at);

-- Their messages. The sender is who was authenticated: the contact (visitor), a dashboard
-- user (agent), or the system (bot); never a name the client chose.
CREATE TABLE desk_messages (
    id              TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES desk_conversations (id) ON DELETE CASCADE,
    -- visitor | agent | bot
    sender_kind     TEXT NOT NULL,
    -- The contact's or the user's id; NULL for the system.
    sender_id       TEXT,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE INDEX desk_messages_conversation ON desk_messages (conversation_id, created_at, id);
