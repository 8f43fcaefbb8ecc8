-- The human inbox: who a conversation is assigned to, when it wakes from a snooze, when it was
-- first answered and resolved, what each member and the contact have read, and internal notes.
ALTER TABLE desk_conversations ADD COLUMN assignee_id TEXT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE desk_conversations ADD COLUMN snoozed_until BIGINT;
ALTER TABLE desk_conversations ADD COLUMN first_response_at BIGINT;
ALTER TABLE desk_conversations ADD COLUMN resolved_at BIGINT;
-- When the contact last read the conversation in the widget.
ALTER TABLE desk_conversations ADD COLUMN contact_read_at BIGINT;

CREATE INDEX desk_conversations_inbox ON desk_conversations (workspace_id, status, last_message_at);
CREATE INDEX desk_conversations_snoozed ON desk_conversations (snoozed_until) WHERE status = 'snoozed';

-- Internal notes are seen by members only, never by the visitor.
ALTER TABLE desk_messages ADD COLUMN internal BOOLEAN NOT NULL DEFAULT FALSE;

-- What each member has read of each conversation.
CREATE TABLE desk_conversation_reads (
    conversation_id TEXT NOT NULL REFERENCES desk_conversations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_at         BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
