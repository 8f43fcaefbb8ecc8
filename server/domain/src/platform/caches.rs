//! In-process caches that keep the hot path of every API call off the database, bounded in
//! size and in staleness.
//!
//! - [`AuthCache`]: credentials validated in the last few seconds. Changes made on this
//!   instance (rotation, deactivation, settings, revocation) evict at once; changes made on
//!   another instance show here within [`AUTH_CACHE_TTL`].
//! - [`RateBuffer`]: API admission counts, added to the database counter at least every
//!   [`RATE_SYNC_INTERVAL`], and on every request once a subject nears its limit, so limits are
//!   exact where they bite and cost no write per request elsewhere. Used only where this
//!   process is the only counter (SQLite).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::Caller;

pub const AUTH_CACHE_TTL: Duration = Duration::from_secs(5);
pub const RATE_SYNC_INTERVAL: Duration = Duration::from_secs(1);
/// Past this many entries a cache drops what is stale (or everything) before growing.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct AuthCache {
    entries: Mutex<HashMap<String, (Caller, Instant)>>,
}

impl AuthCache {
    /// A caller validated less than [`AUTH_CACHE_TTL`] ago under `key`.
    pub fn get(&self, key: &str) -> Option<Caller> {
        let entries = self.entries.lock().ok()?;
        let (caller, at) = entries.get(key)?;
        (at.elapsed() < AUTH_CACHE_TTL).then(|| caller.clone())
    }

    pub fn put(&self, key: String, caller: Caller) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (_, at)| at.elapsed() < AUTH_CACHE_TTL);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(key, (caller, Instant::now()));
        }
    }

    /// Forgets every credential of an app (its secret changed, it was deactivated or edited).
    pub fn evict_app(&self, app_id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (caller, _)| caller.app.id != app_id);
        }
    }

    pub fn evict(&self, key: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }
}

/// A subject's count in the current window as this instance knows it.
#[derive(Debug)]
struct Counter {
    window_start: i64,
    /// The database's count at the last sync.
    synced: i64,
    /// Hits on this instance since then.
    pending: i64,
    last_sync: Option<Instant>,
}

#[derive(Debug, Default)]
pub(crate) struct RateBuffer {
    counters: Mutex<HashMap<String, Counter>>,
}

/// What to do with one hit: answer from memory, or add `pending` hits to the database first.
pub(crate) enum RateStep {
    Known(i64),
    Sync { pending: i64 },
}

impl RateBuffer {
    /// Counts a hit; decides whether the database must be consulted.
    pub fn hit(&self, key: &str, window_start: i64, limit: i64) -> RateStep {
        let Ok(mut counters) = self.counters.lock() else {
            return RateStep::Sync { pending: 1 };
        };
        if counters.len() >= MAX_ENTRIES {
            counters.retain(|_, c| c.window_start >= window_start);
        }
        let counter = counters.entry(key.to_owned()).or_insert(Counter {
            window_start,
            synced: 0,
            pending: 0,
            last_sync: None,
        });
        if counter.window_start != window_start {
            *counter = Counter {
                window_start,
                synced: 0,
                pending: 0,
                last_sync: None,
            };
        }
        counter.pending += 1;
        let estimate = counter.synced + counter.pending;
        // Sync when nothing is known yet, when the last sync is old, or near the limit (a
        // quarter of it left), where other instances' hits could tip the decision.
        let near_limit = estimate * 4 >= limit * 3;
        let stale = counter
            .last_sync
            .is_none_or(|at| at.elapsed() >= RATE_SYNC_INTERVAL);
        if near_limit || stale {
            let pending = counter.pending;
            counter.pending = 0;
            counter.last_sync = Some(Instant::now());
            RateStep::Sync { pending }
        } else {
            RateStep::Known(estimate)
        }
    }

    /// Records the database's count after a sync.
    pub fn synced(&self, key: &str, window_start: i64, count: i64) {
        if let Ok(mut counters) = self.counters.lock()
            && let Some(counter) = counters.get_mut(key)
            && counter.window_start == window_start
        {
            counter.synced = count;
        }
    }

    /// Puts back hits whose sync failed, so they are not lost.
    pub fn unsynced(&self, key: &str, window_start: i64, pending: i64) {
        if let Ok(mut counters) = self.counters.lock()
            && let Some(counter) = counters.get_mut(key)
            && counter.window_start == window_start
        {
            counter.pending += pending;
            counter.last_sync = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_from_the_limit_hits_are_counted_in_memory_between_syncs() {
        let buffer = RateBuffer::default();
        assert!(matches!(
            buffer.hit("k", 0, 1_000),
            RateStep::Sync { pending: 1 }
        ));
        buffer.synced("k", 0, 1);
        assert!(matches!(buffer.hit("k", 0, 1_000), RateStep::Known(2)));
        assert!(matches!(buffer.hit("k", 0, 1_000), RateStep::Known(3)));
    }

    #[test]
    fn near_the_limit_every_hit_syncs() {
        let buffer = RateBuffer::default();
        let _ = buffer.hit("k", 0, 4);
        buffer.synced("k", 0, 2); // another instance counted one more
        assert!(matches!(
            buffer.hit("k", 0, 4),
            RateStep::Sync { pending: 1 }
        ));
    }

    #[test]
    fn a_new_window_starts_from_zero() {
        let buffer = RateBuffer::default();
        let _ = buffer.hit("k", 0, 1_000);
        buffer.synced("k", 0, 500);
        assert!(matches!(
            buffer.hit("k", 60_000, 1_000),
            RateStep::Sync { pending: 1 }
        ));
    }

    #[test]
    fn failed_syncs_keep_their_hits() {
        let buffer = RateBuffer::default();
        let RateStep::Sync { pending } = buffer.hit("k", 0, 1_000) else {
            panic!()
        };
        buffer.unsynced("k", 0, pending);
        assert!(matches!(
            buffer.hit("k", 0, 1_000),
            RateStep::Sync { pending: 2 }
        ));
    }
}
