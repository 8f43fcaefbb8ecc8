//! The machinery both wings' live updates share: one in-process broadcast per instance, a
//! switch that ends every stream when the server stops, and on PostgreSQL one relay per
//! instance that `LISTEN`s on a channel and turns each notification into local broadcasts.
//! What is broadcast, and who receives what, is each wing's (`agent::live`, `desk::live`).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use store::Store;
use tokio::sync::{broadcast, watch};

/// Updates a slow subscriber may fall behind by before it skips ahead.
const CHANNEL_CAPACITY: usize = 4_096;

#[derive(Debug)]
pub(crate) struct Hub<T> {
    sender: broadcast::Sender<Arc<T>>,
    relay_started: AtomicBool,
    /// Turns true when the server stops, ending every stream so shutdown need not wait on them.
    closing: watch::Sender<bool>,
}

impl<T> Default for Hub<T> {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(CHANNEL_CAPACITY).0,
            relay_started: AtomicBool::new(false),
            closing: watch::channel(false).0,
        }
    }
}

/// A subscription to a hub's updates.
#[derive(Debug)]
pub(crate) struct Receiver<T> {
    receiver: broadcast::Receiver<Arc<T>>,
    closing: watch::Receiver<bool>,
}

impl<T: Send + Sync + 'static> Hub<T> {
    pub(crate) fn subscribe(&self) -> Receiver<T> {
        Receiver {
            receiver: self.sender.subscribe(),
            closing: self.closing.subscribe(),
        }
    }

    /// A local broadcast; no subscriber is not an error.
    pub(crate) fn send(&self, item: T) {
        let _ = self.sender.send(Arc::new(item));
    }

    pub(crate) fn sender(&self) -> broadcast::Sender<Arc<T>> {
        self.sender.clone()
    }

    /// Ends every stream: the server is stopping.
    pub(crate) fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Starts this instance's relay of `channel`'s notifications, once (PostgreSQL only):
    /// `relay` turns each payload into broadcasts on `sender`.
    pub(crate) async fn ensure_relay<F, Fut>(&self, store: &Store, channel: &'static str, relay: F)
    where
        F: Fn(Store, broadcast::Sender<Arc<T>>, String) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        if !store.notifications_cross_instances() || self.relay_started.swap(true, Ordering::SeqCst)
        {
            return;
        }
        match store.listen(channel).await {
            Ok(Some(mut listener)) => {
                let (store, sender) = (store.clone(), self.sender());
                tokio::spawn(async move {
                    loop {
                        match listener.recv().await {
                            Ok(payload) => relay(store.clone(), sender.clone(), payload).await,
                            Err(error) => {
                                tracing::warn!(%error, channel, "live updates: listener failed; retrying");
                                tokio::time::sleep(Duration::from_secs(1)).await;
                            }
                        }
                    }
                });
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(%error, channel, "live updates: cannot listen; will retry");
                self.relay_started.store(false, Ordering::SeqCst);
            }
        }
    }
}

impl<T> Receiver<T> {
    /// The next update `keep` accepts; `None` when the server shuts down. A subscriber too slow
    /// to keep up skips the updates it missed.
    pub(crate) async fn next_where(&mut self, keep: impl Fn(&T) -> bool) -> Option<Arc<T>> {
        loop {
            if *self.closing.borrow() {
                return None;
            }
            let received = tokio::select! {
                received = self.receiver.recv() => received,
                _ = self.closing.changed() => return None,
            };
            match received {
                Ok(item) if keep(&item) => return Some(item),
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}
