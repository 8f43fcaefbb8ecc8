//! Prometheus metrics, off unless `METRICS_BIND` is set: the recorder, the gauges sampled from
//! the database, and `GET /metrics` on that address only, never on the public one.
//!
//! What is recorded where: requests in `http::metrics`, background jobs in `jobs`, outbound
//! calls in the integrations, LiveKit webhooks in the domain's voice events.

use std::time::Duration;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use domain::Services;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use model::agent::voice::CallStatus;
use store::Store;
use tokio::net::TcpListener;

/// Histogram buckets for every latency, in seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often the database gauges are sampled (and the histograms' buffers drained).
pub const SAMPLE_EVERY: Duration = Duration::from_secs(10);

/// Installs the process-wide recorder; the handle renders what it holds.
pub fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets(&LATENCY_BUCKETS)
        .map_err(|err| err.to_string())?
        .install_recorder()
        .map_err(|err| format!("cannot install the metrics recorder: {err}"))?;
    describe();
    Ok(handle)
}

/// The `# HELP` line of every metric, whichever part of the server records it.
fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "switchboard_http_requests_total",
        "HTTP requests answered, by route template, method and status."
    );
    describe_histogram!(
        "switchboard_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by route template and method."
    );
    describe_gauge!(
        "switchboard_db_pool_connections",
        "Database connections open in the pool, by state (idle, busy)."
    );
    describe_gauge!(
        "switchboard_db_pool_max_connections",
        "The pool's largest number of database connections."
    );
    describe_histogram!(
        "switchboard_db_pool_acquire_seconds",
        Unit::Seconds,
        "Time to get a connection from the pool, sampled every 10 s."
    );
    describe_counter!(
        "switchboard_job_runs_total",
        "Background job runs, by job and outcome."
    );
    describe_gauge!(
        "switchboard_queue_depth",
        "Work waiting in a queue (webhook deliveries, knowledge ingestion), whole database."
    );
    describe_counter!(
        "switchboard_outbound_requests_total",
        "Calls to the world outside, by target (tool, webhook, livekit, embeddings, gemini, elevenlabs) and outcome."
    );
    describe_histogram!(
        "switchboard_outbound_request_duration_seconds",
        Unit::Seconds,
        "Time an outbound call took, by target."
    );
    describe_gauge!(
        "switchboard_voice_sessions_open",
        "Voice sessions not ended yet, by status, whole database."
    );
    describe_counter!(
        "switchboard_livekit_webhooks_total",
        "Verified LiveKit webhooks, by event and outcome (handled, duplicate)."
    );
}

/// Serves `GET /metrics` in Prometheus' text format on `listener`.
pub async fn serve(listener: TcpListener, handle: PrometheusHandle) -> std::io::Result<()> {
    let scrape = move || {
        let handle = handle.clone();
        async move {
            (
                [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
                handle.render(),
            )
        }
    };
    axum::serve(listener, Router::new().route("/metrics", get(scrape))).await
}

/// Samples the gauges read from the database: the pool, the job queues and the open voice
/// sessions. Every instance reports the whole database's queues and sessions.
pub async fn sample(services: Services, store: Store, handle: PrometheusHandle, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        handle.run_upkeep();
        sample_pool(&store).await;
        sample_queues(&services).await;
        sample_voice_sessions(&services).await;
    }
}

async fn sample_pool(store: &Store) {
    let pool = store.pool_stats();
    metrics::gauge!("switchboard_db_pool_connections", "state" => "idle").set(pool.idle);
    metrics::gauge!("switchboard_db_pool_connections", "state" => "busy")
        .set(pool.open.saturating_sub(pool.idle));
    metrics::gauge!("switchboard_db_pool_max_connections").set(pool.max);
    match store.time_acquire().await {
        Ok(wait) => {
            metrics::histogram!("switchboard_db_pool_acquire_seconds").record(wait.as_secs_f64())
        }
        Err(err) => tracing::warn!(error = %err, "sampling the database pool failed"),
    }
}

async fn sample_queues(services: &Services) {
    let depths = [
        (
            "webhook_deliveries",
            services.platform().webhook_backlog().await,
        ),
        (
            "knowledge_ingestion",
            services.agent().knowledge_backlog().await,
        ),
    ];
    for (queue, depth) in depths {
        match depth {
            Ok(depth) => {
                metrics::gauge!("switchboard_queue_depth", "queue" => queue).set(depth as f64)
            }
            Err(err) => tracing::warn!(error = %err, queue, "sampling a queue's depth failed"),
        }
    }
}

async fn sample_voice_sessions(services: &Services) {
    let open = match services.agent().open_voice_sessions().await {
        Ok(open) => open,
        Err(err) => {
            tracing::warn!(error = %err, "sampling the open voice sessions failed");
            return;
        }
    };
    // Every open status is set, to 0 when absent, so a finished call leaves no stale value.
    for status in [
        CallStatus::Pending,
        CallStatus::Ringing,
        CallStatus::Connected,
    ] {
        let count = open
            .iter()
            .filter(|(s, _)| s == status.as_str())
            .map(|(_, count)| *count)
            .sum::<i64>();
        metrics::gauge!("switchboard_voice_sessions_open", "status" => status.as_str())
            .set(count as f64);
    }
}
