//! Periodic maintenance run by every server. Each job is idempotent, so several instances on
//! one database may run it at once.

use std::time::Duration;

use domain::Services;

/// How often expired and revoked session tokens are deleted.
pub const SESSION_TOKEN_PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

pub async fn purge_session_tokens(services: Services, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        match services.purge_session_tokens().await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "deleted expired or revoked session tokens"),
            Err(err) => tracing::warn!(error = %err, "session token purge failed"),
        }
    }
}
