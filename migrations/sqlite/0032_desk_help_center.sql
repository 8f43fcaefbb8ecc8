-- The help center's collections: a tree per app, ordered among siblings.
CREATE TABLE help_collections (
    id          TEXT PRIMARY KEY NOT NULL,
    app_id      TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    parent_id   TEXT REFERENCES help_collections (id),
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL,
    description TEXT,
    position    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (app_id, slug)
);
CREATE INDEX help_collections_parent ON help_collections (app_id, parent_id, position);

-- How an app's public help center looks. No row: the default colour.
CREATE TABLE help_center_settings (
    app_id     TEXT PRIMARY KEY NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    -- #rrggbb: the header and links.
    color      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
