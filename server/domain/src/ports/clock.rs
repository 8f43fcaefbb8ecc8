//! The clock port: wall-clock time as the APIs carry it, in ms since the Unix epoch.

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}
