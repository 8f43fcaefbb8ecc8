//! The rules for outbound calls to URLs apps give (tool endpoints, webhooks): the SSRF guard,
//! and HMAC signatures the receiver can check. The calls go through the HTTP port
//! ([`crate::ports::HttpClient`]), which applies the guard on every redirect and address.

mod guard;

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use url::Url;

pub use crate::ports::http::{OutboundError, OutboundRequest, OutboundResponse, OutboundTarget};
pub use guard::{AllowedHosts, is_public};

/// Header with `t=<ms>,v1=<hex HMAC-SHA256 of "<ms>.<body>">`.
pub const SIGNATURE_HEADER: &str = "X-Switchboard-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Switchboard-Timestamp";
/// `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub fn signature(secret: &str, timestamp_ms: i64, body: &[u8]) -> String {
    // HMAC takes keys of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp_ms.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp_ms},v1={hex}")
}

/// The signature headers for a body sent now.
pub fn signature_headers(secret: &str, timestamp_ms: i64, body: &[u8]) -> Vec<(String, String)> {
    vec![
        (TIMESTAMP_HEADER.to_owned(), timestamp_ms.to_string()),
        (
            SIGNATURE_HEADER.to_owned(),
            signature(secret, timestamp_ms, body),
        ),
    ]
}

/// Whether `url` may be called (scheme, host, and a literal IP's range). Names are checked
/// again, by the HTTP port, on what they resolve to when called.
pub fn check(url: &str, allowed: &AllowedHosts) -> Result<Url, OutboundError> {
    let parsed =
        Url::parse(url).map_err(|err| OutboundError::Refused(format!("bad URL: {err}")))?;
    check_url(&parsed, allowed).map_err(OutboundError::Refused)?;
    Ok(parsed)
}

/// [`check`] for a parsed URL (a redirect's target), with the reason it is refused.
pub fn check_url(url: &Url, allowed: &AllowedHosts) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{} URLs cannot be called", url.scheme()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("URLs with credentials cannot be called; use headers".to_owned());
    }
    let Some(host) = url.host_str() else {
        return Err("the URL has no host".to_owned());
    };
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = literal.parse::<IpAddr>()
        && !allowed.permits(ip)
    {
        return Err(format!(
            "{ip} is a loopback, private, link-local or reserved address"
        ));
    }
    if allowed.allows_name(host) || literal.parse::<IpAddr>().is_ok() {
        return Ok(());
    }
    if host.eq_ignore_ascii_case("localhost") || host.ends_with(".localhost") {
        return Err(format!("{host} is this machine"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_over_timestamp_and_body() {
        // Reference value from Python's hmac module.
        let signed = signature("secret", 1_700_000_000_000, b"{}");
        assert_eq!(
            signed,
            "t=1700000000000,v1=8399216d111287e3bb28e25c0f4f31dffdf831c68c9ee2b96c2f67c9b81d341b"
        );
        assert_ne!(signed, signature("other", 1_700_000_000_000, b"{}"));
        assert_ne!(signed, signature("secret", 1_700_000_000_001, b"{}"));
    }

    #[test]
    fn urls_are_checked_before_any_connection() {
        let guarded = AllowedHosts::default();
        for refused in [
            "ftp://example.com/x",
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost/",
            "http://user:pass@example.com/",
            "not a url",
        ] {
            assert!(
                matches!(check(refused, &guarded), Err(OutboundError::Refused(_))),
                "{refused}"
            );
        }
        assert!(check("https://api.example.com/orders", &guarded).is_ok());
        let allowed = AllowedHosts::parse("127.0.0.1").unwrap();
        assert!(check("http://127.0.0.1:8080/", &allowed).is_ok());
    }
}
