//! The handle every adapter (JSON API, server functions, CLI, jobs) calls.

use std::sync::Arc;
use std::time::Instant;

use store::Store;

use crate::Integrations;

/// The service layer. Cheap to clone: everything is behind one `Arc`.
#[derive(Clone, Debug)]
pub struct Services {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    integrations: Integrations,
    started: Instant,
    started_at_ms: i64,
}

impl Services {
    /// Wires the services over a connected, migrated store.
    pub fn new(store: Store, integrations: Integrations) -> Services {
        Services {
            inner: Arc::new(Inner {
                store,
                integrations,
                started: Instant::now(),
                started_at_ms: crate::now_ms(),
            }),
        }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn integrations(&self) -> &Integrations {
        &self.inner.integrations
    }

    pub(crate) fn started(&self) -> Instant {
        self.inner.started
    }

    pub(crate) fn started_at_ms(&self) -> i64 {
        self.inner.started_at_ms
    }
}
