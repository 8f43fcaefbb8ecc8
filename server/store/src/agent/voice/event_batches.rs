//! SQLite's group commit of LiveKit events. Events come in bursts: six to ten per call, from
//! every call at once. On SQLite each transaction pays, beside its statements, a trip to the
//! writing connection's thread for its `BEGIN` and another for its `COMMIT`, a WAL write of
//! every page it touched and the pool's check of the connection on its return. One task records
//! the events waiting together in one transaction and pays those once; each caller is answered
//! with its own outcome once the batch is committed.

use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::{LivekitEventClaim, LivekitEventOutcome, WritesFor, record_event_sqlite};
use crate::{StoreError, StoreResult};

/// The most events one transaction records: bounds how long the batch holds the writer.
const MAX_BATCH: usize = 64;
/// Events waiting for the batch task before callers wait to hand theirs over.
const QUEUE: usize = 1024;

/// Hands events to the batch task.
#[derive(Clone, Debug)]
pub(crate) struct LivekitEventBatches {
    events: mpsc::Sender<QueuedEvent>,
}

struct QueuedEvent {
    claim: LivekitEventClaim,
    writes_for: Box<WritesFor>,
    outcome: oneshot::Sender<StoreResult<LivekitEventOutcome>>,
}

impl LivekitEventBatches {
    /// Starts the batch task on `pool`, SQLite's one writing connection. It ends when the last
    /// handle is dropped.
    pub(crate) fn start(pool: SqlitePool) -> Self {
        let (events, queue) = mpsc::channel(QUEUE);
        tokio::spawn(record_batches(pool, queue));
        Self { events }
    }

    /// Records one event in the next batch and waits for that batch's commit.
    pub(crate) async fn record(
        &self,
        pool: &SqlitePool,
        claim: LivekitEventClaim,
        writes_for: Box<WritesFor>,
    ) -> StoreResult<LivekitEventOutcome> {
        let (outcome, recorded) = oneshot::channel();
        let event = QueuedEvent {
            claim,
            writes_for,
            outcome,
        };
        match self.events.send(event).await {
            Ok(()) => recorded.await.map_err(|_| StoreError::WriterStopped)?,
            // The task is gone (its runtime ended, or it panicked): the caller records its
            // event itself.
            Err(mpsc::error::SendError(event)) => record_alone(pool, &event).await,
        }
    }
}

async fn record_batches(pool: SqlitePool, mut queue: mpsc::Receiver<QueuedEvent>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match record_together(&pool, &batch).await {
            Ok(outcomes) => {
                for (event, outcome) in batch.drain(..).zip(outcomes) {
                    // A caller that stopped waiting (its request was dropped) needs no answer.
                    event.outcome.send(Ok(outcome)).ok();
                }
            }
            // One event that fails rolls back its batch: each is then recorded alone, so that
            // only the failing one fails.
            Err(err) if batch.len() > 1 => {
                tracing::warn!(error = %err, events = batch.len(), "a batch of LiveKit events failed; recording them one by one");
                for event in batch.drain(..) {
                    let outcome = record_alone(&pool, &event).await;
                    event.outcome.send(outcome).ok();
                }
            }
            Err(err) => {
                if let Some(event) = batch.pop() {
                    event.outcome.send(Err(err)).ok();
                }
            }
        }
    }
}

async fn record_alone(pool: &SqlitePool, event: &QueuedEvent) -> StoreResult<LivekitEventOutcome> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let outcome = record_event_sqlite(&mut tx, &event.claim, &*event.writes_for).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Records `events` in one transaction, in order: each sees the writes of those before it.
async fn record_together(
    pool: &SqlitePool,
    events: &[QueuedEvent],
) -> StoreResult<Vec<LivekitEventOutcome>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(events.len());
    for event in events {
        outcomes.push(record_event_sqlite(&mut tx, &event.claim, &*event.writes_for).await?);
    }
    tx.commit().await?;
    Ok(outcomes)
}
