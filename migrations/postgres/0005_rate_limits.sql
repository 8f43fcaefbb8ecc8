-- Fixed-window request counters, shared by every server on the database.
CREATE TABLE rate_limit_counters (
    key          TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);

CREATE INDEX rate_limit_counters_window ON rate_limit_counters (window_start);
