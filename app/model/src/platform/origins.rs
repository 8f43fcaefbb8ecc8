//! Allowed origins: which web sites may boot an app's widget.
//!
//! A pattern is an exact origin (`https://shop.example.com`, `http://localhost:3000`) or a
//! wildcard over subdomains (`https://*.example.com`, which does not match the bare
//! `https://example.com`). Matching is on the browser's `Origin` header, scheme and port
//! included.

/// How many patterns one list may hold.
pub const MAX_ALLOWED_ORIGINS: usize = 100;

/// The pattern in its canonical form (lowercase, no trailing slash), or why it is not one.
pub fn normalize_origin_pattern(pattern: &str) -> Result<String, String> {
    let pattern = pattern.trim().trim_end_matches('/').to_ascii_lowercase();
    let Some((scheme, host_port)) = pattern.split_once("://") else {
        return Err(format!(
            "{pattern:?} is not an origin such as https://example.com"
        ));
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "{pattern:?}: only http and https origins can embed the widget"
        ));
    }
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    };
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        return Err(format!("{pattern:?}: the port must be a number"));
    }
    let bare_host = host.strip_prefix("*.").unwrap_or(host);
    let valid_host = !bare_host.is_empty()
        && bare_host.len() <= 253
        && bare_host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !valid_host {
        return Err(format!(
            "{pattern:?}: an origin is a scheme and a host, with no path; a wildcard is allowed \
             only as the first label (https://*.example.com)"
        ));
    }
    Ok(pattern)
}

/// Every pattern of `patterns` in canonical form, without duplicates, or the problems found.
pub fn normalize_origin_patterns(patterns: &[String]) -> Result<Vec<String>, Vec<String>> {
    let mut problems = Vec::new();
    if patterns.len() > MAX_ALLOWED_ORIGINS {
        problems.push(format!("at most {MAX_ALLOWED_ORIGINS} origins"));
    }
    let mut normalized: Vec<String> = Vec::new();
    for pattern in patterns {
        match normalize_origin_pattern(pattern) {
            Ok(pattern) if !normalized.contains(&pattern) => normalized.push(pattern),
            Ok(_) => {}
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(normalized)
    } else {
        Err(problems)
    }
}

/// Whether the request origin `origin` (as a browser sends it) matches the canonical `pattern`.
pub fn origin_matches(pattern: &str, origin: &str) -> bool {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let Some((pattern_scheme, pattern_rest)) = pattern.split_once("://") else {
        return false;
    };
    let Some(wildcard_rest) = pattern_rest.strip_prefix("*.") else {
        return origin == pattern;
    };
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    // `https://*.example.com` matches `https://a.example.com` and `https://a.b.example.com`,
    // never `https://evilexample.com` or `https://example.com`.
    scheme == pattern_scheme
        && rest
            .strip_suffix(wildcard_rest)
            .and_then(|sub| sub.strip_suffix('.'))
            .is_some_and(|sub| !sub.is_empty() && !sub.contains(['/', ':', '@']))
}

/// Whether any of `patterns` allows `origin`.
pub fn origin_allowed(patterns: &[String], origin: &str) -> bool {
    patterns
        .iter()
        .any(|pattern| origin_matches(pattern, origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_canonical_origins_with_an_optional_leading_wildcard() {
        assert_eq!(
            normalize_origin_pattern(" https://Shop.Example.com/ ").unwrap(),
            "https://shop.example.com"
        );
        assert_eq!(
            normalize_origin_pattern("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(normalize_origin_pattern("https://*.example.com").is_ok());
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://example.com/path",
            "https://ex ample.com",
            "https://a.*.example.com",
            "https://*",
            "https://example.com:port",
            "https://",
        ] {
            assert!(normalize_origin_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wildcards_match_subdomains_only_on_the_same_scheme_and_port() {
        let pattern = "https://*.example.com";
        assert!(origin_matches(pattern, "https://a.example.com"));
        assert!(origin_matches(pattern, "https://a.b.example.com"));
        assert!(origin_matches(pattern, "HTTPS://A.EXAMPLE.COM"));
        for refused in [
            "https://example.com",
            "https://evilexample.com",
            "http://a.example.com",
            "https://a.example.com:8443",
            "https://a.example.com.evil.net",
        ] {
            assert!(!origin_matches(pattern, refused), "{refused}");
        }
        assert!(origin_matches(
            "http://localhost:3000",
            "http://localhost:3000"
        ));
        assert!(!origin_matches(
            "http://localhost:3000",
            "http://localhost:3001"
        ));
    }

    #[test]
    fn a_list_is_deduplicated_and_every_problem_reported() {
        let list = vec![
            "https://a.example".to_owned(),
            "https://A.example/".to_owned(),
        ];
        assert_eq!(
            normalize_origin_patterns(&list).unwrap(),
            ["https://a.example"]
        );
        let bad = vec!["nope".to_owned(), "ftp://x".to_owned()];
        assert_eq!(normalize_origin_patterns(&bad).unwrap_err().len(), 2);
        assert!(!origin_allowed(&[], "https://a.example"));
    }
}
