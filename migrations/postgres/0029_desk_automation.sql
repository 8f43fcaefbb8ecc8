-- A workspace's support automation: what the widget shows and asks. No row: the defaults.
CREATE TABLE desk_automation_settings (
    workspace_id    TEXT PRIMARY KEY NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    show_reply_time BOOLEAN NOT NULL,
    collect_email   BOOLEAN NOT NULL,
    ask_for_rating  BOOLEAN NOT NULL,
    updated_at      BIGINT NOT NULL
);

-- The visitor's rating of a closed conversation: one per conversation.
CREATE TABLE desk_conversation_ratings (
    conversation_id TEXT PRIMARY KEY NOT NULL REFERENCES desk_conversations (id) ON DELETE CASCADE,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The member the conversation was assigned to when rated.
    assignee_id     TEXT REFERENCES users (id) ON DELETE SET NULL,
    -- 1 to 5
    rating          BIGINT NOT NULL,
    comment         TEXT,
    created_at      BIGINT NOT NULL
);

CREATE INDEX desk_conversation_ratings_recent ON desk_conversation_ratings (workspace_id, created_at);
-- The median first-response time the widget shows reads recent conversations.
CREATE INDEX desk_conversations_created ON desk_conversations (workspace_id, created_at);
