//! Identifiers minted by the server.

/// A new time-ordered id (UUIDv7), so ids sort by creation.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
