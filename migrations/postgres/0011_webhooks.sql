-- The key apps' receivers check outbound signatures with (tool calls, webhooks). Unlike the app
-- secret it must be kept readable, to sign with; it is created on first use.
ALTER TABLE apps ADD COLUMN signing_secret TEXT;

-- The durable queue and log of outbound webhooks: retried with backoff until delivered or
-- out of attempts.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY NOT NULL,
    app_id           TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    url              TEXT NOT NULL,
    payload          JSONB NOT NULL,
    -- pending, delivered or failed
    status           TEXT NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    -- A worker's lease on the row while it delivers it.
    locked_until     BIGINT,
    last_status_code BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    delivered_at     BIGINT
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_app ON webhook_deliveries (app_id, created_at);
