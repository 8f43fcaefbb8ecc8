-- Administrative actions: who did what to which target, from where.
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT REFERENCES workspaces (id) ON DELETE CASCADE,
    app_id       TEXT,
    -- user | cli | system
    actor_type   TEXT NOT NULL,
    actor_id     TEXT,
    actor_label  TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target_id    TEXT,
    details      TEXT,
    source_ip    TEXT,
    created_at   BIGINT NOT NULL
);

CREATE INDEX audit_log_workspace_time ON audit_log (workspace_id, created_at);

-- Days of audit log kept per workspace: 30, 90 or 365.
ALTER TABLE workspaces ADD COLUMN audit_retention_days BIGINT NOT NULL DEFAULT 90;
