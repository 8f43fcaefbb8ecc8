//! Rate limits: fixed windows counted in the database, so every server instance shares them.

use crate::{Result, Services, now_ms};

/// A limit: at most `limit` requests per `window_ms` for one subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatePolicy {
    /// Part of the counter key, e.g. `session`, `read`.
    pub name: &'static str,
    pub limit: i64,
    pub window_ms: i64,
}

impl RatePolicy {
    pub const fn new(name: &'static str, limit: i64, window_ms: i64) -> RatePolicy {
        RatePolicy {
            name,
            limit,
            window_ms,
        }
    }
}

/// The outcome of one counted request, with what the `X-RateLimit-*` headers report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: i64,
    pub remaining: i64,
    /// When the window ends, ms since the Unix epoch.
    pub reset_at_ms: i64,
}

impl RateDecision {
    /// Whole seconds until the window ends (at least 1).
    pub fn retry_after_secs(&self) -> i64 {
        ((self.reset_at_ms - now_ms()) / 1_000 + 1).max(1)
    }
}

impl Services {
    /// Counts one request of `subject` (an app, a token, an IP, …) against `policy`.
    pub async fn hit_rate_limit(&self, policy: &RatePolicy, subject: &str) -> Result<RateDecision> {
        let now = now_ms();
        let window_start = now - now.rem_euclid(policy.window_ms);
        let key = format!("{}:{subject}", policy.name);
        let count = self.store().hit_rate_limit(&key, window_start).await?;
        Ok(decision(policy, count, window_start))
    }

    /// The current standing of `subject` without counting a request.
    pub async fn peek_rate_limit(
        &self,
        policy: &RatePolicy,
        subject: &str,
    ) -> Result<RateDecision> {
        let now = now_ms();
        let window_start = now - now.rem_euclid(policy.window_ms);
        let key = format!("{}:{subject}", policy.name);
        let count = self.store().rate_limit_count(&key, window_start).await?;
        // A peek is allowed while a further request would be.
        Ok(decision(policy, count + 1, window_start))
    }

    /// Deletes finished windows; run periodically.
    pub async fn purge_rate_limits(&self, longest_window_ms: i64) -> Result<u64> {
        Ok(self
            .store()
            .purge_rate_limits(now_ms() - longest_window_ms)
            .await?)
    }
}

fn decision(policy: &RatePolicy, count: i64, window_start: i64) -> RateDecision {
    RateDecision {
        allowed: count <= policy.limit,
        limit: policy.limit,
        remaining: (policy.limit - count).max(0),
        reset_at_ms: window_start + policy.window_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apps::tests::services;

    #[tokio::test]
    async fn requests_past_the_limit_are_refused_until_the_window_ends() {
        let (_db, services) = services().await;
        let policy = RatePolicy::new("test", 3, 60_000);
        for expected_remaining in [2, 1, 0] {
            let decision = services.hit_rate_limit(&policy, "app-1").await.unwrap();
            assert!(decision.allowed);
            assert_eq!(decision.remaining, expected_remaining);
        }
        let refused = services.hit_rate_limit(&policy, "app-1").await.unwrap();
        assert!(!refused.allowed);
        assert_eq!(refused.limit, 3);
        assert!(refused.reset_at_ms > now_ms());
        assert!((1..=60).contains(&refused.retry_after_secs()));
        // Another subject has its own budget.
        assert!(
            services
                .hit_rate_limit(&policy, "app-2")
                .await
                .unwrap()
                .allowed
        );
    }

    #[tokio::test]
    async fn concurrent_hits_are_all_counted() {
        let (_db, services) = services().await;
        let policy = RatePolicy::new("test", 1_000, 60_000);
        let hits = (0..20).map(|_| {
            let services = services.clone();
            tokio::spawn(async move { services.hit_rate_limit(&policy, "shared").await })
        });
        for hit in hits {
            hit.await.unwrap().unwrap();
        }
        let peek = services.peek_rate_limit(&policy, "shared").await.unwrap();
        assert_eq!(
            peek.remaining,
            1_000 - 21,
            "20 counted, the peek prices one more"
        );
    }
}
