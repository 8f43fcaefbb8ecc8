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

/// Where a page of a newest- or oldest-first listing starts, and how long it is. Cursors are
/// `<number>:<id>` of the last row of the previous page, opaque to clients.
#[derive(Clone, Debug)]
pub(crate) struct Paging {
    limit: i64,
    cursor: Option<(i64, String)>,
}

impl Paging {
    /// `limit` defaults to `default` and is kept within 1..=`max`; a cursor this API did not
    /// hand out is a 400.
    pub(crate) fn new(
        cursor: Option<&str>,
        limit: Option<i64>,
        default: i64,
        max: i64,
    ) -> Result<Paging> {
        let cursor = cursor
            .map(|cursor| {
                cursor
                    .split_once(':')
                    .and_then(|(at, id)| Some((at.parse().ok()?, id.to_owned())))
                    .ok_or_else(|| Error::Invalid("cursor is not one this API returned".to_owned()))
            })
            .transpose()?;
        Ok(Paging {
            limit: limit.unwrap_or(default).clamp(1, max),
            cursor,
        })
    }

    /// The position to continue after, for the store.
    pub(crate) fn after(&self) -> Option<(i64, &str)> {
        self.cursor.as_ref().map(|(at, id)| (*at, id.as_str()))
    }

    /// Rows to ask the store for: one more than a page, to learn whether another page follows.
    pub(crate) fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// The page out of what the store answered, and the cursor of the next page if any.
    pub(crate) fn page<R>(
        &self,
        mut rows: Vec<R>,
        key: impl Fn(&R) -> (i64, &str),
    ) -> (Vec<R>, Option<String>) {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        if rows.len() <= limit {
            return (rows, None);
        }
        rows.truncate(limit);
        let next = rows.last().map(|row| {
            let (at, id) = key(row);
            format!("{at}:{id}")
        });
        (rows, next)
    }
}

/// The longest slug made or accepted.
pub(crate) const MAX_SLUG_CHARS: usize = 80;

/// A URL slug from a title: lower case, letters and digits of any script kept, every other run
/// of characters one dash. Non-Latin titles keep their words (`Возврат денег` →
/// `возврат-денег`) instead of coming out empty.
pub(crate) fn slug_from(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(MAX_SLUG_CHARS).collect();
    slug.trim_end_matches('-').to_owned()
}

/// Whether `slug` is one [`slug_from`] could have made: lower-case letters and digits in
/// dash-separated words.
pub(crate) fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.chars().count() <= MAX_SLUG_CHARS
        && slug.split('-').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_alphanumeric() && !c.is_uppercase())
        })
}

#[cfg(test)]
mod slug_tests {
    use super::*;

    #[test]
    fn slugs_keep_every_script_and_nothing_else() {
        assert_eq!(slug_from("  Refunds & Returns (EU) "), "refunds-returns-eu");
        assert_eq!(slug_from("Возврат денег"), "возврат-денег");
        assert_eq!(slug_from("配送について"), "配送について");
        assert_eq!(slug_from("!!!"), "");
        assert!(is_slug("refunds-returns-eu"));
        assert!(is_slug("возврат-денег"));
        assert!(!is_slug("Refunds"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a/b"));
        assert!(!is_slug(""));
    }
}
