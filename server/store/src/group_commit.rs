//! SQLite's group commit. On SQLite each transaction pays, beside its statements, a trip to the
//! writing connection's thread for its `BEGIN` and another for its `COMMIT`, a WAL write of
//! every page it touched and the pool's check of the connection on its return. Writes that come
//! in bursts from many requests at once (a voice call's session and its LiveKit events) are
//! handed to one task instead, which runs those waiting together in one transaction and pays
//! that once. Each caller is answered with its own outcome once the batch is committed.

use std::future::Future;
use std::pin::Pin;

use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::{StoreError, StoreResult};

/// The most writes one transaction runs: bounds how long a batch holds the writer.
const MAX_BATCH: usize = 64;
/// Writes waiting for the task before callers wait to hand theirs over.
const QUEUE: usize = 1024;

/// What a write's statements make of the connection they run on.
pub(crate) type WriteFuture<'c, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'c>>;

/// One write that can share a transaction. It may run twice (see [`GroupCommit`]), so it must
/// only read what it holds.
pub(crate) trait GroupWrite: Send + Sync + 'static {
    type Output: Send + 'static;

    /// Runs the write's statements inside the batch's transaction.
    fn run<'c>(&'c self, connection: &'c mut SqliteConnection) -> WriteFuture<'c, Self::Output>;
}

/// Hands writes to the group-commit task.
#[derive(Clone, Debug)]
pub(crate) struct GroupCommit {
    writes: mpsc::Sender<Box<dyn Queued>>,
}

impl GroupCommit {
    /// Starts the task on `pool`, SQLite's one writing connection. It ends when the last
    /// handle is dropped.
    pub(crate) fn start(pool: SqlitePool) -> Self {
        let (writes, queue) = mpsc::channel(QUEUE);
        tokio::spawn(commit_batches(pool, queue));
        Self { writes }
    }

    /// Runs `write` in the next batch and waits for that batch's commit. When one write of a
    /// batch fails, the batch is rolled back and each of its writes runs again alone, so only
    /// the failing one fails.
    pub(crate) async fn write<W: GroupWrite>(
        &self,
        pool: &SqlitePool,
        write: W,
    ) -> StoreResult<W::Output> {
        let (answer, answered) = oneshot::channel();
        let queued = Box::new(QueuedWrite {
            write,
            done: None,
            answer,
        });
        // When the task is gone (its runtime ended, or it panicked), the caller writes alone.
        if let Err(mpsc::error::SendError(mut queued)) = self.writes.send(queued).await {
            let failure = queued.run_alone(pool).await.err();
            queued.answer(failure);
        }
        answered.await.map_err(|_| StoreError::WriterStopped)?
    }
}

/// A queued write, its output kept until its batch is committed.
struct QueuedWrite<W: GroupWrite> {
    write: W,
    done: Option<W::Output>,
    answer: oneshot::Sender<StoreResult<W::Output>>,
}

/// [`QueuedWrite`] with its output type erased, so writes of every kind share one queue.
trait Queued: Send {
    /// Runs the write on `connection`, keeping its output.
    fn run<'c>(&'c mut self, connection: &'c mut SqliteConnection) -> WriteFuture<'c, ()>;
    /// Runs the write in a transaction of its own.
    fn run_alone<'c>(&'c mut self, pool: &'c SqlitePool) -> WriteFuture<'c, ()>;
    /// Answers the caller: the kept output, or `failure`.
    fn answer(self: Box<Self>, failure: Option<StoreError>);
}

impl<W: GroupWrite> Queued for QueuedWrite<W> {
    fn run<'c>(&'c mut self, connection: &'c mut SqliteConnection) -> WriteFuture<'c, ()> {
        Box::pin(async move {
            self.done = Some(self.write.run(connection).await?);
            Ok(())
        })
    }

    fn run_alone<'c>(&'c mut self, pool: &'c SqlitePool) -> WriteFuture<'c, ()> {
        Box::pin(async move {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            let done = self.write.run(&mut tx).await?;
            tx.commit().await?;
            self.done = Some(done);
            Ok(())
        })
    }

    fn answer(mut self: Box<Self>, failure: Option<StoreError>) {
        let outcome = match failure {
            Some(err) => Err(err),
            None => self.done.take().ok_or(StoreError::WriterStopped),
        };
        // A caller that stopped waiting (its request was dropped) needs no answer.
        self.answer.send(outcome).ok();
    }
}

async fn commit_batches(pool: SqlitePool, mut queue: mpsc::Receiver<Box<dyn Queued>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match commit_together(&pool, &mut batch).await {
            Ok(()) => {
                for write in batch.drain(..) {
                    write.answer(None);
                }
            }
            Err(err) if batch.len() > 1 => {
                tracing::warn!(error = %err, writes = batch.len(), "a batch of writes failed; running them one by one");
                for mut write in batch.drain(..) {
                    let failure = write.run_alone(&pool).await.err();
                    write.answer(failure);
                }
            }
            Err(err) => {
                if let Some(write) = batch.pop() {
                    write.answer(Some(err));
                }
            }
        }
    }
}

/// Runs `writes` in one transaction, in order: each sees the writes before it.
async fn commit_together(pool: &SqlitePool, writes: &mut [Box<dyn Queued>]) -> StoreResult<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    for write in writes.iter_mut() {
        write.run(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
