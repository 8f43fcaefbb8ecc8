//! Background jobs. The periodic ones run once per period across the instances sharing the
//! database (the first to claim the period runs it), and are idempotent besides. The webhook
//! and ingestion workers run on every instance, leasing their rows so none is done twice.

use std::time::Duration;

use domain::Services;

/// How often the maintenance pass runs.
pub const MAINTENANCE_EVERY: Duration = Duration::from_secs(10 * 60);
/// How often unclaimed handoffs are checked for expiry: their deadlines are in seconds.
pub const HANDOFF_EXPIRY_EVERY: Duration = Duration::from_secs(15);

/// Deletes expired session tokens, widget sessions and login sessions, finished rate-limit windows, and audit
/// entries past their workspace's retention.
pub async fn maintenance(services: Services, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        if !my_turn(&services, "maintenance", every).await {
            continue;
        }
        let longest = services.rate_limits().longest_window_ms();
        let ok = [
            report(
                "session tokens and agent credentials",
                services.platform().purge_expired_credentials().await,
            ),
            report(
                "widget sessions",
                services.desk().purge_widget_sessions().await,
            ),
            report(
                "login sessions",
                services.platform().purge_user_sessions().await,
            ),
            report(
                "rate-limit windows",
                services.platform().purge_rate_limits(longest).await,
            ),
            report("audit entries", services.platform().purge_audit().await),
        ];
        count_run("maintenance", ok.iter().all(|ok| *ok));
    }
}

/// Expires pending handoffs nobody claimed within their app's `handoffExpirationSeconds`.
pub async fn expire_handoffs(services: Services, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        if !my_turn(&services, "handoff_expiry", every).await {
            continue;
        }
        let outcome = services.agent().expire_handoffs().await;
        count_run("handoff_expiry", outcome.is_ok());
        match outcome {
            Ok(0) => {}
            Ok(expired) => tracing::info!(expired, "expired unclaimed handoffs"),
            Err(err) => tracing::warn!(error = %err, "expiring handoffs failed"),
        }
    }
}

/// How often snoozed support conversations are checked for their time to open.
pub const SNOOZE_WAKE_EVERY: Duration = Duration::from_secs(30);

/// Opens snoozed support conversations whose `snoozedUntil` has come.
pub async fn wake_snoozed(services: Services, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        if !my_turn(&services, "snooze_wake", every).await {
            continue;
        }
        let outcome = services.desk().wake_snoozed_conversations().await;
        count_run("snooze_wake", outcome.is_ok());
        match outcome {
            Ok(0) => {}
            Ok(woken) => tracing::info!(woken, "opened snoozed conversations"),
            Err(err) => tracing::warn!(error = %err, "opening snoozed conversations failed"),
        }
    }
}

/// How often stale voice sessions are looked for.
pub const STALE_SESSIONS_EVERY: Duration = Duration::from_secs(60);

/// Ends voice sessions nobody joined and sessions whose LiveKit room is gone (asking LiveKit's
/// ListRooms when it is configured), so lists never show ghosts.
pub async fn reap_stale_sessions(services: Services, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        if !my_turn(&services, "stale_sessions", every).await {
            continue;
        }
        let outcome = services.agent().reap_stale_voice_sessions().await;
        count_run("stale_sessions", outcome.is_ok());
        match outcome {
            Ok(0) => {}
            Ok(ended) => tracing::info!(ended, "ended stale voice sessions"),
            Err(err) => tracing::warn!(error = %err, "ending stale voice sessions failed"),
        }
    }
}

/// How often the daily insights of yesterday and today are recomputed.
pub const INSIGHTS_EVERY: Duration = Duration::from_secs(60 * 60);

/// Computes each app's per-day insights: at start, then hourly, so today's row follows the day
/// and yesterday's is final once the day is over. Idempotent (an upsert per app and day).
pub async fn daily_insights(services: Services, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        if !my_turn(&services, "insights", every).await {
            continue;
        }
        let outcome = services.agent().compute_daily_insights().await;
        count_run("insights", outcome.is_ok());
        match outcome {
            Ok(written) => tracing::debug!(written, "daily insights computed"),
            Err(err) => tracing::warn!(error = %err, "computing daily insights failed"),
        }
    }
}

/// How often the webhook worker looks for due retries when nothing wakes it.
pub const WEBHOOK_POLL_EVERY: Duration = Duration::from_secs(5);

/// Delivers queued webhooks: at once when this instance queues one, and every few seconds for
/// retries and for deliveries queued by other instances.
pub async fn deliver_webhooks(services: Services, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = services.webhook_queued() => {}
        }
        loop {
            let outcome = services.platform().deliver_due_webhooks().await;
            count_run("webhook_delivery", outcome.is_ok());
            match outcome {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "delivering webhooks failed");
                    break;
                }
            }
        }
    }
}

/// How often the ingestion job looks for waiting documents when nothing wakes it (retries, and
/// documents queued by other instances).
pub const INGESTION_POLL_EVERY: Duration = Duration::from_secs(5);

/// Embeds waiting knowledge documents. Loads the embedding model first (so the first search
/// does not pay for it) and queues documents embedded with another model for re-embedding.
pub async fn ingest_knowledge(services: Services, every: Duration) {
    let warm = services.clone();
    match tokio::task::spawn_blocking(move || warm.agent().prepare_embeddings()).await {
        Ok(Ok(model)) => tracing::info!(%model, "embedding model ready"),
        Ok(Err(err)) => tracing::warn!(error = %err, "knowledge embeddings unavailable"),
        Err(err) => tracing::warn!(error = %err, "loading the embedding model failed"),
    }
    match services.agent().requeue_stale_embeddings().await {
        Ok(0) | Err(domain::Error::Unavailable(_)) => {}
        Ok(queued) => tracing::info!(queued, "re-embedding documents with the configured model"),
        Err(err) => tracing::warn!(error = %err, "queueing documents for re-embedding failed"),
    }
    let mut ticker = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = services.knowledge_queued() => {}
        }
        loop {
            let outcome = services.agent().ingest_next_document().await;
            count_run(
                "knowledge_ingestion",
                matches!(outcome, Ok(_) | Err(domain::Error::Unavailable(_))),
            );
            match outcome {
                Ok(true) => {}
                Ok(false) | Err(domain::Error::Unavailable(_)) => break,
                Err(err) => {
                    tracing::warn!(error = %err, "knowledge ingestion failed");
                    break;
                }
            }
        }
    }
}

/// Whether this instance runs periodic `job` this period: another instance may have claimed
/// it. A claim that fails (the database is away) skips the period.
async fn my_turn(services: &Services, job: &'static str, every: Duration) -> bool {
    match services.claim_periodic_run(job, every).await {
        Ok(claimed) => claimed,
        Err(err) => {
            tracing::warn!(error = %err, job, "claiming a periodic job's run failed");
            count_run(job, false);
            false
        }
    }
}

/// Logs a purge's outcome; answers whether it worked.
fn report(what: &str, outcome: domain::Result<u64>) -> bool {
    match outcome {
        Ok(0) => true,
        Ok(deleted) => {
            tracing::info!(deleted, "purged expired {what}");
            true
        }
        Err(err) => {
            tracing::warn!(error = %err, "purging {what} failed");
            false
        }
    }
}

/// Counts one run of `job` for `switchboard_job_runs_total`.
fn count_run(job: &'static str, ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    metrics::counter!("switchboard_job_runs_total", "job" => job, "outcome" => outcome)
        .increment(1);
}
