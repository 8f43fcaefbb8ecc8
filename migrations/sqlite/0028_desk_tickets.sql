-- Ticket forms: the fields a ticket of that kind asks for.
CREATE TABLE desk_ticket_forms (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT,
    -- [{id, type, label, required, options}]
    fields       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE INDEX desk_ticket_forms_workspace ON desk_ticket_forms (workspace_id, name);

-- Tickets: work that outlives a conversation. At most one per conversation.
CREATE TABLE desk_tickets (
    id                 TEXT PRIMARY KEY NOT NULL,
    workspace_id       TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id         TEXT REFERENCES desk_contacts (id) ON DELETE SET NULL,
    conversation_id    TEXT REFERENCES desk_conversations (id) ON DELETE SET NULL,
    subject            TEXT NOT NULL,
    description        TEXT,
    -- submitted | in_progress | waiting_on_customer | resolved
    status             TEXT NOT NULL,
    -- low | normal | high | urgent
    priority           TEXT NOT NULL,
    assignee_id        TEXT REFERENCES users (id) ON DELETE SET NULL,
    form_id            TEXT REFERENCES desk_ticket_forms (id) ON DELETE SET NULL,
    form_data          TEXT,
    resolution_summary TEXT,
    resolved_at        BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);

CREATE UNIQUE INDEX desk_tickets_conversation ON desk_tickets (conversation_id)
    WHERE conversation_id IS NOT NULL;
CREATE INDEX desk_tickets_recent ON desk_tickets (workspace_id, created_at);
CREATE INDEX desk_tickets_contact ON desk_tickets (contact_id, created_at);

-- Comments on a ticket. The author is who was authenticated: the contact (visitor), a member
-- (agent) or the system. Internal comments are never shown to the visitor.
CREATE TABLE desk_ticket_comments (
    id          TEXT PRIMARY KEY NOT NULL,
    ticket_id   TEXT NOT NULL REFERENCES desk_tickets (id) ON DELETE CASCADE,
    -- visitor | agent | bot
    author_kind TEXT NOT NULL,
    author_id   TEXT,
    body        TEXT NOT NULL,
    internal    BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX desk_ticket_comments_ticket ON desk_ticket_comments (ticket_id, created_at, id);
