//! The handle every adapter (JSON API, server functions, CLI, jobs) calls.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use store::Store;

use crate::agent::guardrails::RuleCache;
use crate::agent::knowledge::VectorCache;
use crate::agent::knowledge::embeddings::Embedder;
use crate::agent::live::LiveHub;
use crate::platform::caches::{AuthCache, RateBuffer};
use crate::platform::encryption::Keyring;
use crate::platform::outbound::Outbound;
use crate::{Integrations, RateLimits};

/// The service layer. Cheap to clone: everything is behind one `Arc`.
#[derive(Clone, Debug)]
pub struct Services {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    integrations: Integrations,
    keyring: Keyring,
    rate_limits: RateLimits,
    auth_cache: AuthCache,
    rate_buffer: RateBuffer,
    live: LiveHub,
    rule_cache: RuleCache,
    /// Built on first use: most requests never call out.
    outbound: OnceLock<Outbound>,
    /// For the operator's own integrations, whose URLs come from configuration.
    integration_client: OnceLock<Outbound>,
    /// Wakes the webhook worker when a delivery is queued.
    webhooks_queued: tokio::sync::Notify,
    /// LiveKit's clients, built on first use; `None` when LiveKit is not configured.
    livekit: OnceLock<Option<crate::agent::voice::Livekit>>,
    /// Connected on first use: loading the local model reads about 90 MB.
    embedder: OnceLock<Embedder>,
    /// Knowledge vectors ranked in process (SQLite).
    vector_cache: VectorCache,
    /// Vector sizes whose index this process has made sure of.
    indexed_dimensions: Mutex<HashSet<usize>>,
    /// Wakes the ingestion job when a document waits for embeddings.
    knowledge_queued: tokio::sync::Notify,
    /// Hash of the one-time first-run setup token, while no user exists.
    setup_token_hash: Mutex<Option<String>>,
    started: Instant,
    started_at_ms: i64,
}

impl Services {
    /// Wires the services over a connected, migrated store, with seed 002's rate limits.
    /// `keyring` seals the secrets the server reads back.
    pub fn new(store: Store, integrations: Integrations, keyring: Keyring) -> Services {
        Services::with_rate_limits(store, integrations, RateLimits::default(), keyring)
    }

    pub fn with_rate_limits(
        store: Store,
        integrations: Integrations,
        rate_limits: RateLimits,
        keyring: Keyring,
    ) -> Services {
        Services {
            inner: Arc::new(Inner {
                store,
                integrations,
                keyring,
                rate_limits,
                auth_cache: AuthCache::default(),
                rate_buffer: RateBuffer::default(),
                live: LiveHub::default(),
                rule_cache: RuleCache::default(),
                outbound: OnceLock::new(),
                integration_client: OnceLock::new(),
                webhooks_queued: tokio::sync::Notify::new(),
                livekit: OnceLock::new(),
                embedder: OnceLock::new(),
                vector_cache: VectorCache::default(),
                indexed_dimensions: Mutex::new(HashSet::new()),
                knowledge_queued: tokio::sync::Notify::new(),
                setup_token_hash: Mutex::new(None),
                started: Instant::now(),
                started_at_ms: crate::now_ms(),
            }),
        }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn keyring(&self) -> &Keyring {
        &self.inner.keyring
    }

    pub(crate) fn integrations(&self) -> &Integrations {
        &self.inner.integrations
    }

    pub(crate) fn auth_cache(&self) -> &AuthCache {
        &self.inner.auth_cache
    }

    pub(crate) fn rate_buffer(&self) -> &RateBuffer {
        &self.inner.rate_buffer
    }

    /// The outbound HTTP client, with this instance's SSRF exemptions.
    pub(crate) fn outbound(&self) -> crate::Result<&Outbound> {
        if let Some(outbound) = self.inner.outbound.get() {
            return Ok(outbound);
        }
        let built = Outbound::new(self.inner.integrations.outbound_allowed_hosts.clone())
            .map_err(crate::Error::Unavailable)?;
        Ok(self.inner.outbound.get_or_init(|| built))
    }

    /// The HTTP client for configured integrations: no SSRF guard, since their URLs come from
    /// the operator, never from apps.
    pub(crate) fn integration_client(&self) -> crate::Result<&Outbound> {
        if let Some(client) = self.inner.integration_client.get() {
            return Ok(client);
        }
        let built = Outbound::new(crate::platform::outbound::AllowedHosts::everything())
            .map_err(crate::Error::Unavailable)?;
        Ok(self.inner.integration_client.get_or_init(|| built))
    }

    pub(crate) fn wake_webhook_worker(&self) {
        self.inner.webhooks_queued.notify_one();
    }

    /// Waits until a webhook is queued through this instance.
    pub async fn webhook_queued(&self) {
        self.inner.webhooks_queued.notified().await;
    }

    pub(crate) fn livekit_cell(&self) -> &OnceLock<Option<crate::agent::voice::Livekit>> {
        &self.inner.livekit
    }

    pub(crate) fn embedder_cell(&self) -> &OnceLock<Embedder> {
        &self.inner.embedder
    }

    pub(crate) fn vector_cache(&self) -> &VectorCache {
        &self.inner.vector_cache
    }

    pub(crate) fn indexed_dimensions(&self, dims: usize) -> bool {
        self.inner
            .indexed_dimensions
            .lock()
            .is_ok_and(|dimensions| dimensions.contains(&dims))
    }

    pub(crate) fn mark_indexed_dimensions(&self, dims: usize) {
        if let Ok(mut dimensions) = self.inner.indexed_dimensions.lock() {
            dimensions.insert(dims);
        }
    }

    pub(crate) fn wake_knowledge_worker(&self) {
        self.inner.knowledge_queued.notify_one();
    }

    /// Waits until a document is queued for embedding through this instance.
    pub async fn knowledge_queued(&self) {
        self.inner.knowledge_queued.notified().await;
    }

    pub(crate) fn rule_cache(&self) -> &RuleCache {
        &self.inner.rule_cache
    }

    pub(crate) fn live(&self) -> &LiveHub {
        &self.inner.live
    }

    pub fn rate_limits(&self) -> &RateLimits {
        &self.inner.rate_limits
    }

    pub(crate) fn setup_token_hash(&self) -> &Mutex<Option<String>> {
        &self.inner.setup_token_hash
    }

    pub(crate) fn started(&self) -> Instant {
        self.inner.started
    }

    pub(crate) fn started_at_ms(&self) -> i64 {
        self.inner.started_at_ms
    }
}
