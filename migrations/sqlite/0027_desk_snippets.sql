-- Saved replies. A shortcut (typed after "/" in the reply box) is unique per workspace.
CREATE TABLE desk_snippets (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content      TEXT NOT NULL,
    shortcut     TEXT,
    created_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE UNIQUE INDEX desk_snippets_shortcut ON desk_snippets (workspace_id, shortcut)
    WHERE shortcut IS NOT NULL;
CREATE INDEX desk_snippets_name ON desk_snippets (workspace_id, name);
