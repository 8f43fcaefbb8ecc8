//! Outbound HTTP over reqwest: timeouts, a response size cap, and the domain's SSRF guard on
//! the URL, every redirect and every address a name resolves to.

use std::net::SocketAddr;
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use domain::platform::outbound::{AllowedHosts, check, check_url};
use domain::ports::{HttpClient, OutboundError, OutboundRequest, OutboundResponse};
use reqwest::Method;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;

use tracing::Instrument;

use crate::metrics::record_outbound;

const MAX_REDIRECTS: usize = 5;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The outbound HTTP client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Http {
    client: reqwest::Client,
    allowed: Arc<AllowedHosts>,
}

impl Http {
    /// A client that reaches only what `allowed` permits (for URLs apps give).
    pub fn guarded(allowed: AllowedHosts) -> Result<Http, String> {
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
        Ok(Http { client, allowed })
    }

    /// A client for the integrations the operator configured: their URLs come from
    /// configuration, never from apps, so no guard.
    pub fn unguarded() -> Result<Http, String> {
        Http::guarded(AllowedHosts::everything())
    }

    pub async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, OutboundError> {
        let target = request.target.label();
        let started = Instant::now();
        let span = tracing::debug_span!(
            target: "integrations::outbound",
            "outbound",
            outbound.target = target,
            otel.kind = "client",
        );
        let result = self.exchange(request).instrument(span).await;
        let outcome = match &result {
            Ok(response) => match response.status {
                200..=299 => "2xx",
                300..=399 => "3xx",
                400..=499 => "4xx",
                _ => "5xx",
            },
            Err(OutboundError::Refused(_)) => "refused",
            Err(OutboundError::Timeout(_)) => "timeout",
            Err(OutboundError::TooLarge(_)) => "too_large",
            Err(OutboundError::Failed(_)) => "failed",
        };
        record_outbound(target, outcome, started);
        result
    }

    async fn exchange(&self, request: OutboundRequest) -> Result<OutboundResponse, OutboundError> {
        let url = check(&request.url, &self.allowed)?;
        let method = Method::from_bytes(request.method.as_bytes())
            .map_err(|_| OutboundError::Failed(format!("bad method {}", request.method)))?;
        let mut builder = self.client.request(method, url).timeout(request.timeout);
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

#[async_trait::async_trait]
impl HttpClient for Http {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, OutboundError> {
        Http::send(self, request).await
    }
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
pub fn install_crypto_provider() {
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
