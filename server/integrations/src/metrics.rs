//! Outbound calls' metrics: how many, by target and outcome, and how long they took.

use std::time::Instant;

const REQUESTS: &str = "switchboard_outbound_requests_total";
const DURATION: &str = "switchboard_outbound_request_duration_seconds";

/// Records one call to `target` (`tool`, `webhook`, `livekit`, …) that began at `started`.
pub(crate) fn record_outbound(target: &'static str, outcome: &'static str, started: Instant) {
    metrics::counter!(REQUESTS, "target" => target, "outcome" => outcome).increment(1);
    metrics::histogram!(DURATION, "target" => target).record(started.elapsed().as_secs_f64());
}
