//! The handle every adapter (JSON API, server functions, CLI, jobs) calls.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use store::Store;

use crate::agent::guardrails::RuleCache;
use crate::agent::knowledge::embeddings::Embedder;
use crate::agent::live::LiveHub;
use crate::platform::caches::{AuthCache, RateBuffer};
use crate::platform::encryption::Keyring;
use crate::ports::Ports;
use crate::{Integrations, RateLimits};

/// Defines a wing's handle: a borrowed view of the services whose methods are that wing's
/// operations. Each operation checks, from the caller or actor it is given, the permission it
/// needs. Through `Deref` a handle reaches the shared machinery (store, ports, caches).
macro_rules! wing_handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name<'a> {
            services: &'a $crate::Services,
        }

        impl<'a> $name<'a> {
            pub(crate) fn new(services: &'a $crate::Services) -> $name<'a> {
                $name { services }
            }
        }

        impl std::ops::Deref for $name<'_> {
            type Target = $crate::Services;

            fn deref(&self) -> &$crate::Services {
                self.services
            }
        }
    };
}
pub(crate) use wing_handle;

/// The service layer. Cheap to clone: everything is behind one `Arc`.
#[derive(Clone, Debug)]
pub struct Services {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    integrations: Integrations,
    ports: Ports,
    keyring: Keyring,
    rate_limits: RateLimits,
    auth_cache: AuthCache,
    rate_buffer: RateBuffer,
    live: LiveHub,
    desk_hub: crate::desk::live::DeskHub,
    rule_cache: RuleCache,
    /// Wakes the webhook worker when a delivery is queued.
    webhooks_queued: tokio::sync::Notify,
    /// Connected on first use: loading the local model reads about 90 MB.
    embedder: OnceLock<Embedder>,
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
    /// Wires the services over a connected, migrated store and the ports to the outside
    /// world, with seed 002's rate limits. `integrations` is what the operator configured (the
    /// ports were built from it); `keyring` seals the secrets the server reads back.
    pub fn new(
        store: Store,
        integrations: Integrations,
        ports: Ports,
        keyring: Keyring,
    ) -> Services {
        Services::with_rate_limits(store, integrations, ports, RateLimits::default(), keyring)
    }

    pub fn with_rate_limits(
        store: Store,
        integrations: Integrations,
        ports: Ports,
        rate_limits: RateLimits,
        keyring: Keyring,
    ) -> Services {
        let started_at_ms = ports.clock.now_ms();
        Services {
            inner: Arc::new(Inner {
                store,
                integrations,
                ports,
                keyring,
                rate_limits,
                auth_cache: AuthCache::default(),
                rate_buffer: RateBuffer::default(),
                live: LiveHub::default(),
                desk_hub: Default::default(),
                rule_cache: RuleCache::default(),
                webhooks_queued: tokio::sync::Notify::new(),
                embedder: OnceLock::new(),
                indexed_dimensions: Mutex::new(HashSet::new()),
                knowledge_queued: tokio::sync::Notify::new(),
                setup_token_hash: Mutex::new(None),
                started: Instant::now(),
                started_at_ms,
            }),
        }
    }

    /// The platform wing: workspaces, apps, users, auth, audit, secrets, rate limits, webhooks.
    pub fn platform(&self) -> crate::platform::Platform<'_> {
        crate::platform::Platform::new(self)
    }

    /// The agent wing: the voice-agent runtime.
    pub fn agent(&self) -> crate::agent::Agent<'_> {
        crate::agent::Agent::new(self)
    }

    /// The desk wing: the support desk.
    pub fn desk(&self) -> crate::desk::Desk<'_> {
        crate::desk::Desk::new(self)
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

    pub(crate) fn ports(&self) -> &Ports {
        &self.inner.ports
    }

    /// Now, in ms since the Unix epoch, by the clock port.
    pub(crate) fn now_ms(&self) -> i64 {
        self.inner.ports.clock.now_ms()
    }

    pub(crate) fn wake_webhook_worker(&self) {
        self.inner.webhooks_queued.notify_one();
    }

    /// Whether this instance should run periodic `job` now: of the instances sharing the
    /// database, the first to ask in each period of `every` (less a tenth, for ticks that
    /// drift) gets `true`.
    pub async fn claim_periodic_run(
        &self,
        job: &str,
        every: std::time::Duration,
    ) -> crate::Result<bool> {
        let every_ms = i64::try_from(every.as_millis()).unwrap_or(i64::MAX);
        let now = self.now_ms();
        Ok(self
            .store()
            .claim_periodic_run(job, now, now.saturating_sub(every_ms - every_ms / 10))
            .await?)
    }

    /// Waits until a webhook is queued through this instance.
    pub async fn webhook_queued(&self) {
        self.inner.webhooks_queued.notified().await;
    }

    pub(crate) fn embedder_cell(&self) -> &OnceLock<Embedder> {
        &self.inner.embedder
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

    pub(crate) fn desk_hub(&self) -> &crate::desk::live::DeskHub {
        &self.inner.desk_hub
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
