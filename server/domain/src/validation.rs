//! Input checks shared by the services: every problem of a request is collected and reported
//! at once, by field.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Error, FieldError, Result};

/// Collects the problems of one request.
#[derive(Debug, Default)]
pub(crate) struct Checks {
    problems: Vec<FieldError>,
}

impl Checks {
    pub(crate) fn new() -> Checks {
        Checks::default()
    }

    pub(crate) fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(FieldError::new(field, message));
    }

    /// `value` has `min..=max` characters (after the caller's trimming).
    pub(crate) fn text(&mut self, field: impl Into<String>, value: &str, min: usize, max: usize) {
        let length = value.chars().count();
        if length < min || length > max {
            let message = if min == 0 {
                format!("must be at most {max} characters")
            } else if min == 1 && length == 0 {
                "must not be empty".to_owned()
            } else {
                format!("must be {min}–{max} characters")
            };
            self.fail(field, message);
        }
    }

    /// Like [`Checks::text`] for optional fields.
    pub(crate) fn optional_text(
        &mut self,
        field: impl Into<String>,
        value: Option<&str>,
        max: usize,
    ) {
        if let Some(value) = value {
            self.text(field, value, 1, max);
        }
    }

    /// At most `max` bytes (for long free text, whose limit is about storage).
    pub(crate) fn bytes(&mut self, field: impl Into<String>, value: &str, max: usize) {
        if value.len() > max {
            self.fail(field, format!("must be at most {max} bytes"));
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    pub(crate) fn finish(self) -> Result<()> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidFields(self.problems))
        }
    }
}

/// Refuses a batch over `max` items (413), then reads each item as `T`. Items that do not
/// parse are recorded in `checks` by index (`events[3]: missing field \`ts\``); the others come
/// back with their index, for the caller's own checks.
pub(crate) fn batch_items<T: DeserializeOwned>(
    name: &str,
    items: Vec<Value>,
    max: usize,
    checks: &mut Checks,
) -> Result<Vec<(usize, T)>> {
    if items.len() > max {
        return Err(Error::TooLarge(format!(
            "{name} holds {} items; at most {max} are accepted per request",
            items.len()
        )));
    }
    let mut parsed = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        match serde_json::from_value::<T>(item) {
            Ok(item) => parsed.push((index, item)),
            Err(err) => checks.fail(format!("{name}[{index}]"), err.to_string()),
        }
    }
    Ok(parsed)
}

/// A page size: `requested` or `default`, capped at `max`, at least 1.
pub(crate) fn page_size(requested: Option<i64>, default: i64, max: i64) -> i64 {
    requested.unwrap_or(default).clamp(1, max)
}

/// Cursors are `<number>:<id>` of the last row of the previous page.
pub(crate) fn encode_cursor(at: i64, id: &str) -> String {
    format!("{at}:{id}")
}

pub(crate) fn parse_cursor(cursor: &str) -> Result<(i64, String)> {
    cursor
        .split_once(':')
        .and_then(|(at, id)| Some((at.parse().ok()?, id.to_owned())))
        .ok_or_else(|| Error::Invalid("cursor is not one this API returned".to_owned()))
}
