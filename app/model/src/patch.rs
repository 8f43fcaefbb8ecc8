//! Helpers for partial updates (`PATCH` bodies): telling an absent field from a `null` one.

use serde::Deserialize;

/// A field that is present: `null` is a value (for optional fields, "clear it"), and where the
/// field takes none it is refused rather than read as "unchanged". Use with
/// `#[serde(default, deserialize_with = "crate::patch::present")]`.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
