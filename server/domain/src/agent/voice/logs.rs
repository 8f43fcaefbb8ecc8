//! Seed 003's client diagnostics: browsers append lines, operators tail them. Bounded per app,
//! and anything that looks like a credential is redacted before it is stored.

use std::sync::LazyLock;

use model::agent::voice::{ClientLogEntry, ClientLogLine, ClientLogTail};
use model::platform::users::Permission;
use regex::Regex;
use store::ClientLogRecord;

use crate::agent::Agent;
use crate::clock::iso8601;
use crate::ids::new_id;
use crate::validation::Checks;
use crate::{Caller, Error, Result};

/// Lines per request.
pub const MAX_LINES_PER_REQUEST: usize = 100;
/// Characters kept of one line; longer ones are cut.
const MAX_LINE_CHARS: usize = 4_000;
/// Lines kept per app; older ones are dropped as new ones arrive.
const KEEP_PER_APP: i64 = 5_000;
const DEFAULT_TAIL: i64 = 200;
const MAX_TAIL: i64 = 1_000;

/// Credentials as they show up in client logs: key=value pairs, bearer tokens, JWTs and the
/// key formats of the services we talk to.
static SECRETS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (
            r#"(?i)\b(api[_-]?key|xi-api-key|secret|token|password|authorization|app[_-]?secret|session[_-]?token)("?\s*[:=]\s*"?)(bearer\s+)?[^\s"',;&]+"#,
            "${1}${2}[redacted]",
        ),
        (r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}", "Bearer [redacted]"),
        (
            r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}",
            "[redacted-jwt]",
        ),
        (r"\b(sk|sbk|sbt|sbw|xi)[-_][A-Za-z0-9_-]{12,}", "[redacted-key]"),
        (r"\bAIza[0-9A-Za-z_-]{20,}", "[redacted-key]"),
    ]
    .into_iter()
    .filter_map(|(pattern, replacement)| Regex::new(pattern).ok().map(|re| (re, replacement)))
    .collect()
});

pub fn redact(text: &str) -> String {
    SECRETS
        .iter()
        .fold(text.to_owned(), |text, (pattern, replacement)| {
            pattern.replace_all(&text, *replacement).into_owned()
        })
}

const LEVELS: [&str; 4] = ["debug", "info", "warn", "error"];

impl Agent<'_> {
    /// `POST /api/logs`: appends the lines (redacted, cut to 4,000 characters).
    pub async fn append_client_logs(
        &self,
        caller: &Caller,
        lines: Vec<ClientLogLine>,
    ) -> Result<usize> {
        caller.permit(Permission::AppsRead)?;
        if lines.is_empty() {
            return Err(Error::Invalid("Send at least one line".to_owned()));
        }
        if lines.len() > MAX_LINES_PER_REQUEST {
            return Err(Error::TooLarge(format!(
                "At most {MAX_LINES_PER_REQUEST} lines per request"
            )));
        }
        let mut checks = Checks::new();
        let now = self.now_ms();
        let mut records = Vec::with_capacity(lines.len());
        for (i, line) in lines.into_iter().enumerate() {
            let level = line
                .level
                .unwrap_or_else(|| "info".to_owned())
                .to_lowercase();
            if !LEVELS.contains(&level.as_str()) {
                checks.fail(
                    format!("lines[{i}].level"),
                    "must be debug, info, warn or error",
                );
            }
            if line.message.trim().is_empty() {
                checks.fail(format!("lines[{i}].message"), "must not be empty");
            }
            checks.optional_text(format!("lines[{i}].source"), line.source.as_deref(), 100);
            checks.optional_text(
                format!("lines[{i}].sessionId"),
                line.session_id.as_deref(),
                200,
            );
            let mut message = line.message;
            if let Some(data) = line.data {
                message = format!("{message} {data}");
            }
            let message: String = redact(&message).chars().take(MAX_LINE_CHARS).collect();
            records.push(ClientLogRecord {
                id: new_id(),
                app_id: caller.app.id.clone(),
                level,
                source: line.source.map(|s| redact(&s)),
                message,
                session_id: line.session_id,
                created_at: now,
            });
        }
        checks.finish()?;
        let count = records.len();
        self.store()
            .append_client_logs(&records, KEEP_PER_APP)
            .await?;
        Ok(count)
    }

    /// `GET /api/logs?tail=N`: the newest lines, oldest first. Needs the app secret.
    pub async fn client_log_tail(
        &self,
        caller: &Caller,
        tail: Option<i64>,
    ) -> Result<ClientLogTail> {
        caller.require(Permission::ConversationsRead)?;
        let tail = tail.unwrap_or(DEFAULT_TAIL).clamp(1, MAX_TAIL);
        let rows = self.store().client_log_tail(&caller.app.id, tail).await?;
        let lines = rows
            .iter()
            .map(|r| match &r.source {
                Some(source) => format!(
                    "{} [{}] ({source}) {}",
                    iso8601(r.created_at),
                    r.level,
                    r.message
                ),
                None => format!("{} [{}] {}", iso8601(r.created_at), r.level, r.message),
            })
            .collect();
        let entries = rows
            .into_iter()
            .map(|r| ClientLogEntry {
                level: r.level,
                source: r.source,
                message: r.message,
                session_id: r.session_id,
                created_at: r.created_at,
            })
            .collect();
        Ok(ClientLogTail { lines, entries })
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn credentials_are_redacted() {
        let line = r#"start failed api_key=abc123def xi-api-key: "sk_live_0123456789abcdef" Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlX2hlcmU secret sbk_ABCDEFGHIJKLMNOP"#;
        let clean = redact(line);
        for secret in [
            "abc123def",
            "sk_live_0123456789abcdef",
            "eyJhbGci",
            "sbk_ABCDEFGHIJKLMNOP",
        ] {
            assert!(!clean.contains(secret), "{secret} in {clean}");
        }
        assert!(
            clean.starts_with("start failed api_key=[redacted]"),
            "{clean}"
        );
        assert_eq!(
            redact("connected to room-42 in 120 ms"),
            "connected to room-42 in 120 ms"
        );
    }
}
