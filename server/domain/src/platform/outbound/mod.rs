//! Outbound HTTP for tool calls and webhooks: one client with timeouts, a response size cap,
//! the SSRF guard on every connection and redirect, and HMAC signatures the receiver can check.

mod guard;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Once};
use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;
use reqwest::{Method, Url};
use sha2::Sha256;

pub use guard::{AllowedHosts, is_public};

/// Header with `t=<ms>,v1=<hex HMAC-SHA256 of "<ms>.<body>">`.
pub const SIGNATURE_HEADER: &str = "X-Switchboard-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Switchboard-Timestamp";
const MAX_REDIRECTS: usize = 5;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A request to send.
#[derive(Clone, Debug)]
pub struct OutboundRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
    pub max_response_bytes: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutboundResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum OutboundError {
    /// The URL or an address it leads to is not one outbound calls may reach.
    #[error("{0}")]
    Refused(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("answer larger than {0} bytes")]
    TooLarge(usize),
    #[error("{0}")]
    Failed(String),
}

/// The outbound HTTP client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Outbound {
    client: reqwest::Client,
    allowed: Arc<AllowedHosts>,
}

impl Outbound {
    pub fn new(allowed: AllowedHosts) -> Result<Outbound, String> {
        install_crypto_provider();
        let allowed = Arc::new(allowed);
        let redirect_allowed = allowed.clone();
        let client = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .dns_resolver(GuardedResolver {
                allowed: allowed.clone(),
            })
            .redirect(Policy::custom(move |attempt| {
                if attempt.previous().len() >= MAX_REDIRECTS {
                    return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
                }
                match check_url(attempt.url(), &redirect_allowed) {
                    Ok(()) => attempt.follow(),
                    Err(reason) => attempt.error(reason),
                }
            }))
            .build()
            .map_err(|err| format!("cannot build the HTTP client: {err}"))?;
        Ok(Outbound { client, allowed })
    }

    /// Whether `url` may be called (scheme, host, and a literal IP's range). Names are checked
    /// again on what they resolve to when called.
    pub fn check(&self, url: &str) -> Result<Url, OutboundError> {
        let parsed =
            Url::parse(url).map_err(|err| OutboundError::Refused(format!("bad URL: {err}")))?;
        check_url(&parsed, &self.allowed).map_err(OutboundError::Refused)?;
        Ok(parsed)
    }

    pub async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, OutboundError> {
        let url = self.check(&request.url)?;
        let mut builder = self
            .client
            .request(request.method, url)
            .timeout(request.timeout);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let mut response = builder
            .send()
            .await
            .map_err(|err| describe(err, request.timeout))?;
        let status = response.status().as_u16();
        if response
            .content_length()
            .is_some_and(|length| length > request.max_response_bytes as u64)
        {
            return Err(OutboundError::TooLarge(request.max_response_bytes));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| describe(err, request.timeout))?
        {
            if body.len() + chunk.len() > request.max_response_bytes {
                return Err(OutboundError::TooLarge(request.max_response_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(OutboundResponse { status, body })
    }
}

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

fn check_url(url: &Url, allowed: &AllowedHosts) -> Result<(), String> {
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

/// Resolves names, keeping only addresses the guard permits.
struct GuardedResolver {
    allowed: Arc<AllowedHosts>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allowed = self.allowed.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let exempt = allowed.allows_name(&host);
            let permitted: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|addr| exempt || allowed.permits(addr.ip()))
                .collect();
            if permitted.is_empty() {
                return Err(format!(
                    "{host} resolves only to loopback, private, link-local or reserved addresses"
                )
                .into());
            }
            let addrs: Addrs = Box::new(permitted.into_iter());
            Ok(addrs)
        })
    }
}

/// rustls needs one process-wide crypto provider; ring builds with a C compiler only.
pub(crate) fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Another part of the process may have installed one first; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn describe(err: reqwest::Error, timeout: Duration) -> OutboundError {
    if err.is_timeout() {
        return OutboundError::Timeout(timeout);
    }
    if err.is_redirect() || err.is_connect() {
        // The guard's reasons travel in the source chain.
        let mut reason = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(inner) = source {
            reason = format!("{reason}: {inner}");
            source = inner.source();
        }
        if reason.contains("resolves only to") || reason.contains("address") {
            return OutboundError::Refused(reason);
        }
        return OutboundError::Failed(reason);
    }
    OutboundError::Failed(err.to_string())
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
        let outbound = Outbound::new(AllowedHosts::default()).unwrap();
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
                matches!(outbound.check(refused), Err(OutboundError::Refused(_))),
                "{refused}"
            );
        }
        assert!(outbound.check("https://api.example.com/orders").is_ok());
        let allowed = Outbound::new(AllowedHosts::parse("127.0.0.1").unwrap()).unwrap();
        assert!(allowed.check("http://127.0.0.1:8080/").is_ok());
    }
}
