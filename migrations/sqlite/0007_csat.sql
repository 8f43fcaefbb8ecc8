-- Customer satisfaction: one rating per session (a second rating replaces the first).
CREATE TABLE csat_ratings (
    id         TEXT PRIMARY KEY NOT NULL,
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    rating     BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment    TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (app_id, session_id)
);

CREATE INDEX csat_ratings_app_created ON csat_ratings (app_id, created_at);
