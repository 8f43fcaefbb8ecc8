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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use sqlx::sqlite::SqlitePoolOptions;

    use super::*;

    /// Inserts one number into `numbers`.
    struct InsertNumber(i64);

    impl GroupWrite for InsertNumber {
        type Output = i64;

        fn run<'c>(&'c self, connection: &'c mut SqliteConnection) -> WriteFuture<'c, i64> {
            Box::pin(async move {
                sqlx::query("INSERT INTO numbers (n) VALUES ($1)")
                    .bind(self.0)
                    .execute(connection)
                    .await?;
                Ok(self.0)
            })
        }
    }

    async fn numbers_pool() -> SqlitePool {
        // One connection: every connection to `:memory:` is a database of its own.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE numbers (n INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    async fn numbers(pool: &SqlitePool) -> Vec<i64> {
        sqlx::query_scalar("SELECT n FROM numbers ORDER BY n")
            .fetch_all(pool)
            .await
            .unwrap()
    }

    #[test]
    fn a_write_runs_alone_when_the_task_is_gone() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let pool = runtime.block_on(numbers_pool());
        // The task's runtime ends before the task ever runs, dropping its queue.
        let group_commit = {
            let other = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let _entered = other.enter();
            GroupCommit::start(pool.clone())
        };

        runtime.block_on(async {
            assert_eq!(group_commit.write(&pool, InsertNumber(7)).await.unwrap(), 7);
            let clash = group_commit.write(&pool, InsertNumber(7)).await;
            assert!(
                matches!(clash, Err(StoreError::UniqueViolation)),
                "{clash:?}"
            );
            assert_eq!(numbers(&pool).await, [7]);
        });
    }

    #[tokio::test]
    async fn writes_queued_together_each_get_their_own_outcome() {
        let pool = numbers_pool().await;
        let group_commit = GroupCommit::start(pool.clone());
        // Queued before the task first runs (this runtime has one thread), so one batch holds
        // them all, and the clash rolls it back.
        let [one, two, one_again, three] = write_all(&group_commit, &pool, [1, 2, 1, 3]).await;
        assert_eq!(two.unwrap(), 2);
        assert_eq!(three.unwrap(), 3);
        // Whichever 1 came second clashed.
        let (written, clash) = if one.is_ok() {
            (one, one_again)
        } else {
            (one_again, one)
        };
        assert_eq!(written.unwrap(), 1);
        assert!(
            matches!(clash, Err(StoreError::UniqueViolation)),
            "{clash:?}"
        );
        assert_eq!(numbers(&pool).await, [1, 2, 3]);
    }

    /// Writes `numbers` from tasks of their own; their outcomes, in the order of `numbers`.
    async fn write_all<const N: usize>(
        group_commit: &GroupCommit,
        pool: &SqlitePool,
        numbers: [i64; N],
    ) -> [StoreResult<i64>; N] {
        let mut writes = tokio::task::JoinSet::new();
        for (position, n) in numbers.into_iter().enumerate() {
            let (group_commit, pool) = (group_commit.clone(), pool.clone());
            writes
                .spawn(async move { (position, group_commit.write(&pool, InsertNumber(n)).await) });
        }
        let mut outcomes: Vec<_> = writes.join_all().await;
        outcomes.sort_by_key(|(position, _)| *position);
        let outcomes: Vec<_> = outcomes.into_iter().map(|(_, outcome)| outcome).collect();
        outcomes.try_into().unwrap()
    }
}
