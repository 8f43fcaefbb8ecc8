-- pgvector backs knowledge search; enabling it first means a server without it fails at start,
-- not at the first search.
CREATE EXTENSION IF NOT EXISTS vector;

-- Facts about this installation (e.g. when it was first initialised), one row per key.
CREATE TABLE instance_settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
