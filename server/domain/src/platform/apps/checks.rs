//! What makes an app valid: its slug, a supplied secret, and its settings (ranges, texts,
//! outbound URLs).

use super::*;

impl Services {
    /// Every problem of `settings`, including outbound URLs the SSRF guard would refuse to call:
    /// refused when saved, rather than stored and retried in vain.
    pub(super) fn check_settings(&self, settings: &AppSettings, problems: &mut Vec<FieldError>) {
        check_static_settings(settings, problems);
        if let Some(url) = &settings.handoff_webhook_url {
            let allowed = &self.integrations().outbound_allowed_hosts;
            if let Err(reason) = crate::platform::outbound::check(url, allowed) {
                problems.push(FieldError {
                    field: "handoffWebhookUrl".into(),
                    message: format!("cannot be called: {reason}"),
                });
            }
        }
    }
}

/// Slugs appear in URLs and room names: lowercase letters, digits, `-` and `_`, 2–64 long,
/// starting and ending with a letter or digit.
pub(super) fn check_slug(slug: &str, problems: &mut Vec<FieldError>) {
    let valid_chars = slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    let valid_ends = slug
        .bytes()
        .next()
        .zip(slug.bytes().last())
        .is_some_and(|(first, last)| first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric());
    if !(2..=64).contains(&slug.len()) || !valid_chars || !valid_ends {
        problems.push(FieldError {
            field: "slug".into(),
            message: "must be 2–64 lowercase letters, digits, '-' or '_', starting and ending \
                      with a letter or digit"
                .to_owned(),
        });
    }
}

pub(super) fn check_supplied_secret(secret: &str, problems: &mut Vec<FieldError>) {
    if !(16..=256).contains(&secret.len()) || secret.chars().any(char::is_whitespace) {
        problems.push(FieldError {
            field: "secret".into(),
            message: "must be 16–256 characters without spaces".to_owned(),
        });
    }
}

pub(super) fn check_text(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
    problems: &mut Vec<FieldError>,
) {
    let length = value.chars().count();
    if length < min || length > max {
        problems.push(FieldError {
            field: field.to_owned(),
            message: format!("must be {min}–{max} characters"),
        });
    }
}

fn check_range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &'static str,
    value: Option<T>,
    min: T,
    max: T,
    problems: &mut Vec<FieldError>,
) {
    if let Some(value) = value
        && !(value >= min && value <= max)
    {
        problems.push(FieldError {
            field: field.to_owned(),
            message: format!("must be between {min} and {max}"),
        });
    }
}

fn check_static_settings(settings: &AppSettings, problems: &mut Vec<FieldError>) {
    if let Some(origins) = &settings.allowed_origins
        && let Err(found) = model::platform::origins::normalize_origin_patterns(origins)
    {
        problems.extend(
            found
                .into_iter()
                .map(|message| FieldError::new("allowedOrigins", message)),
        );
    }
    check_text("modelId", settings.model_id.trim(), 1, 200, problems);
    check_text("systemPrompt", &settings.system_prompt, 0, 20_000, problems);
    check_range("temperature", settings.temperature, 0.0, 2.0, problems);
    check_range(
        "tokenExpireMinutes",
        settings.token_expire_minutes,
        1,
        1_440,
        problems,
    );
    check_range(
        "maxActionsPerTurn",
        settings.max_actions_per_turn,
        1,
        1_000,
        problems,
    );
    check_range(
        "handoffExpirationSeconds",
        settings.handoff_expiration_seconds,
        1,
        30 * 86_400,
        problems,
    );
    check_range(
        "knowledgeThreshold",
        settings.knowledge_threshold,
        0.0,
        1.0,
        problems,
    );
    for (field, terms) in [
        ("preferredTerms", &settings.preferred_terms),
        ("blockedTerms", &settings.blocked_terms),
    ] {
        if terms.len() > 500 || terms.iter().any(|t| t.trim().is_empty() || t.len() > 200) {
            problems.push(FieldError {
                field: field.to_owned(),
                message: "must hold at most 500 non-empty terms of at most 200 characters"
                    .to_owned(),
            });
        }
    }
    let ui_strings_size = serde_json::to_string(&settings.ui_strings).map_or(0, |s| s.len());
    if ui_strings_size > 64 * 1024 {
        problems.push(FieldError {
            field: "uiStrings".into(),
            message: "must be at most 64 KiB of JSON".to_owned(),
        });
    }
}
