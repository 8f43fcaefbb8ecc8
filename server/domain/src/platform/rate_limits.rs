//! Rate limits: fixed windows counted in the database, so every server instance shares them.

use crate::platform::Platform;
use crate::platform::caches::RateStep;
use crate::{Result, Services};

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
    /// When the request was counted, by the services' clock.
    pub decided_at_ms: i64,
}

impl RateDecision {
    /// Whole seconds until the window ends (at least 1).
    pub fn retry_after_secs(&self) -> i64 {
        ((self.reset_at_ms - self.decided_at_ms) / 1_000 + 1).max(1)
    }
}

impl Platform<'_> {
    /// Counts one request of `subject` (an app, a token, an IP, …) against `policy`.
    pub async fn hit_rate_limit(&self, policy: &RatePolicy, subject: &str) -> Result<RateDecision> {
        let now = self.now_ms();
        let window_start = now - now.rem_euclid(policy.window_ms);
        let key = format!("{}:{subject}", policy.name);
        let count = self.store().hit_rate_limit(&key, window_start).await?;
        Ok(decision(policy, count, window_start, now))
    }

    /// Counts one request of `subject` against `policy`, refusing it (429) past the limit.
    pub async fn enforce_rate_limit(&self, policy: &RatePolicy, subject: &str) -> Result<()> {
        let decision = self.hit_rate_limit(policy, subject).await?;
        if decision.allowed {
            Ok(())
        } else {
            Err(crate::Error::RateLimited(decision))
        }
    }

    /// The current standing of `subject` without counting a request.
    pub async fn peek_rate_limit(
        &self,
        policy: &RatePolicy,
        subject: &str,
    ) -> Result<RateDecision> {
        let now = self.now_ms();
        let window_start = now - now.rem_euclid(policy.window_ms);
        let key = format!("{}:{subject}", policy.name);
        let count = self.store().rate_limit_count(&key, window_start).await?;
        // A peek is allowed while a further request would be.
        Ok(decision(policy, count + 1, window_start, now))
    }

    /// Deletes finished windows; run periodically.
    pub async fn purge_rate_limits(&self, longest_window_ms: i64) -> Result<u64> {
        Ok(self
            .store()
            .purge_rate_limits(self.now_ms() - longest_window_ms)
            .await?)
    }
}

impl Services {
    /// Counts one request like [`Self::hit_rate_limit`], but through this instance's buffer: no
    /// database write per request while the subject is far from its limit (see `caches`).
    /// Only where this instance is the only counter (SQLite): with several instances on one
    /// PostgreSQL, each would answer from its own hits and together let too many through, so
    /// there every request is counted in the database.
    pub(crate) async fn hit_rate_limit_buffered(
        &self,
        policy: &RatePolicy,
        subject: &str,
    ) -> Result<RateDecision> {
        if self.store().is_shared() {
            return self.platform().hit_rate_limit(policy, subject).await;
        }
        let now = self.now_ms();
        let window_start = now - now.rem_euclid(policy.window_ms);
        let key = format!("{}:{subject}", policy.name);
        let buffer = self.rate_buffer();
        let count = match buffer.hit(&key, window_start, policy.limit) {
            RateStep::Known(count) => count,
            RateStep::Sync { pending } => {
                match self
                    .store()
                    .add_rate_limit_hits(&key, window_start, pending)
                    .await
                {
                    Ok(count) => {
                        buffer.synced(&key, window_start, count);
                        count
                    }
                    Err(err) => {
                        buffer.unsynced(&key, window_start, pending);
                        return Err(err.into());
                    }
                }
            }
        };
        Ok(decision(policy, count, window_start, now))
    }
}

fn decision(policy: &RatePolicy, count: i64, window_start: i64, now: i64) -> RateDecision {
    RateDecision {
        decided_at_ms: now,
        allowed: count <= policy.limit,
        limit: policy.limit,
        remaining: (policy.limit - count).max(0),
        reset_at_ms: window_start + policy.window_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::apps::tests::services;

    #[tokio::test]
    async fn requests_past_the_limit_are_refused_until_the_window_ends() {
        let (_db, services) = services().await;
        let policy = RatePolicy::new("test", 3, 60_000);
        for expected_remaining in [2, 1, 0] {
            let decision = services
                .platform()
                .hit_rate_limit(&policy, "app-1")
                .await
                .unwrap();
            assert!(decision.allowed);
            assert_eq!(decision.remaining, expected_remaining);
        }
        let refused = services
            .platform()
            .hit_rate_limit(&policy, "app-1")
            .await
            .unwrap();
        assert!(!refused.allowed);
        assert_eq!(refused.limit, 3);
        assert!(refused.reset_at_ms > crate::now_ms());
        assert!((1..=60).contains(&refused.retry_after_secs()));
        // Another subject has its own budget.
        assert!(
            services
                .platform()
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
            tokio::spawn(async move { services.platform().hit_rate_limit(&policy, "shared").await })
        });
        for hit in hits {
            hit.await.unwrap().unwrap();
        }
        let peek = services
            .platform()
            .peek_rate_limit(&policy, "shared")
            .await
            .unwrap();
        assert_eq!(
            peek.remaining,
            1_000 - 21,
            "20 counted, the peek prices one more"
        );
    }
}

/// The limits of the agent API, configurable per deployment. The first four are seed 002's
/// table; `write` is the general limit of browser writes and `app` the ceiling of one app's
/// server-to-server traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Voice session creation, per user or IP.
    pub session: RatePolicy,
    /// Realtime connections (LiveKit and Gemini tokens), per user or IP.
    pub realtime: RatePolicy,
    /// Recording operations, per user or IP.
    pub recording: RatePolicy,
    /// Reads by browser (session-token) callers, per token.
    pub read: RatePolicy,
    /// Writes by browser (session-token) callers, per token.
    pub write: RatePolicy,
    /// Every request authenticated by an app secret, per app; off unless configured, so that
    /// server-to-server calls cost no counter write.
    pub app: Option<RatePolicy>,
}

const MINUTE: i64 = 60 * 1_000;
const HOUR: i64 = 60 * MINUTE;

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            session: RatePolicy::new("session", 10, HOUR),
            realtime: RatePolicy::new("realtime", 30, HOUR),
            recording: RatePolicy::new("recording", 20, HOUR),
            read: RatePolicy::new("read", 100, 15 * MINUTE),
            write: RatePolicy::new("write", 300, 15 * MINUTE),
            app: None,
        }
    }
}

impl RateLimits {
    /// Applies overrides like `session=20/1h,read=500/15m,app=10000/1m`. Units: s, m, h.
    pub fn with_overrides(mut self, spec: &str) -> std::result::Result<RateLimits, String> {
        for item in spec
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}`: expected name=LIMIT/WINDOW"))?;
            let (limit, window) = value
                .split_once('/')
                .ok_or_else(|| format!("`{item}`: expected LIMIT/WINDOW, e.g. 10/1h"))?;
            let limit: i64 = limit
                .trim()
                .parse()
                .ok()
                .filter(|l| *l > 0)
                .ok_or_else(|| format!("`{item}`: the limit must be a positive number"))?;
            let window_ms = parse_window(window.trim())
                .ok_or_else(|| format!("`{item}`: the window must look like 30s, 15m or 1h"))?;
            let policy = match name.trim() {
                "session" => &mut self.session,
                "realtime" => &mut self.realtime,
                "recording" => &mut self.recording,
                "read" => &mut self.read,
                "write" => &mut self.write,
                "app" => self.app.insert(RatePolicy::new("app", limit, window_ms)),
                other => return Err(format!("unknown rate limit `{other}`")),
            };
            policy.limit = limit;
            policy.window_ms = window_ms;
        }
        Ok(self)
    }

    /// The longest window, to know which counters are finished.
    pub fn longest_window_ms(&self) -> i64 {
        [
            self.session,
            self.realtime,
            self.recording,
            self.read,
            self.write,
        ]
        .iter()
        .chain(self.app.iter())
        .map(|p| p.window_ms)
        .max()
        .unwrap_or(HOUR)
    }
}

fn parse_window(text: &str) -> Option<i64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (count, unit) = text.split_at(split);
    let count: i64 = count.parse().ok().filter(|c| *c > 0)?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => MINUTE,
        "h" => HOUR,
        _ => return None,
    };
    Some(count * unit_ms)
}

#[cfg(test)]
mod config_tests {
    use super::*;

    #[test]
    fn defaults_follow_seed_002() {
        let limits = RateLimits::default();
        assert_eq!((limits.session.limit, limits.session.window_ms), (10, HOUR));
        assert_eq!(
            (limits.realtime.limit, limits.realtime.window_ms),
            (30, HOUR)
        );
        assert_eq!(
            (limits.recording.limit, limits.recording.window_ms),
            (20, HOUR)
        );
        assert_eq!(
            (limits.read.limit, limits.read.window_ms),
            (100, 15 * MINUTE)
        );
    }

    #[test]
    fn overrides_replace_named_limits() {
        let limits = RateLimits::default()
            .with_overrides("session=20/30m, app=100/10s")
            .unwrap();
        assert_eq!(
            (limits.session.limit, limits.session.window_ms),
            (20, 30 * MINUTE)
        );
        let app = limits.app.unwrap();
        assert_eq!((app.limit, app.window_ms), (100, 10_000));
        assert_eq!(limits.read, RateLimits::default().read);
        for bad in [
            "session",
            "session=0/1h",
            "session=5/1d",
            "nope=1/1h",
            "read=x/1m",
        ] {
            assert!(RateLimits::default().with_overrides(bad).is_err(), "{bad}");
        }
    }
}
