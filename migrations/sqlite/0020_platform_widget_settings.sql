-- Settings the embeddable widget reads: the origins allowed to boot it (a JSON list of
-- origins, `https://*.example.com` wildcards allowed) on the workspace as the default for its
-- apps and on each app, the workspace's timezone, and its widget session lifetime.
ALTER TABLE workspaces ADD COLUMN allowed_origins TEXT;
ALTER TABLE workspaces ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
-- NULL: the default lifetime (24 h).
ALTER TABLE workspaces ADD COLUMN widget_session_lifetime_ms BIGINT;
-- NULL: the workspace's list applies.
ALTER TABLE apps ADD COLUMN allowed_origins TEXT;
