-- A/B experiments and the sticky assignment of sessions to their variants.
CREATE TABLE experiments (
    id          TEXT PRIMARY KEY NOT NULL,
    app_id      TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    -- [{id, weight, config?}], validated: at least 2, unique ids, positive weights.
    variants    TEXT NOT NULL,
    -- active, paused or ended
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    UNIQUE (app_id, name)
);

CREATE TABLE experiment_exposures (
    id            TEXT PRIMARY KEY NOT NULL,
    app_id        TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    experiment_id TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    session_id    TEXT NOT NULL,
    variant_id    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    -- One variant per session, whatever the concurrency.
    UNIQUE (experiment_id, session_id)
);

CREATE INDEX experiment_exposures_app_session ON experiment_exposures (app_id, session_id);
