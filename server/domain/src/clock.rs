//! Wall-clock time as the APIs carry it: milliseconds since the Unix epoch.

use time::OffsetDateTime;

/// A day, in ms.
pub const DAY_MS: i64 = 86_400_000;

/// Now, in ms since the Unix epoch.
pub fn now_ms() -> i64 {
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX)
}

/// `ms` since the epoch as RFC 3339 UTC, e.g. `2023-11-14T22:13:20.000Z`.
pub fn iso8601(ms: i64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
