-- Tags a workspace's members put on support conversations. A name is unique per workspace in
-- any case (name_key is its lowercase form).
CREATE TABLE desk_tags (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    -- #rrggbb
    color        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE UNIQUE INDEX desk_tags_name ON desk_tags (workspace_id, name_key);

-- A tag on a conversation; deleting the tag removes it from every conversation.
CREATE TABLE desk_conversation_tags (
    conversation_id TEXT NOT NULL REFERENCES desk_conversations (id) ON DELETE CASCADE,
    tag_id          TEXT NOT NULL REFERENCES desk_tags (id) ON DELETE CASCADE,
    -- The member who applied it.
    applied_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, tag_id)
);

CREATE INDEX desk_conversation_tags_tag ON desk_conversation_tags (tag_id, conversation_id);
