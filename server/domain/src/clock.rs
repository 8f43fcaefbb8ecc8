//! Wall-clock time as the APIs carry it: milliseconds since the Unix epoch.

use time::OffsetDateTime;

/// Now, in ms since the Unix epoch.
pub fn now_ms() -> i64 {
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX)
}
