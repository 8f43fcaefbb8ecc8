//! Cross-instance notifications: PostgreSQL `LISTEN/NOTIFY`. SQLite is one process, so there
//! the service layer notifies its own subscribers directly.

use sqlx::postgres::PgListener;

use crate::{Store, StoreResult};

/// The channel every instance listens on.
const CHANNEL: &str = "switchboard_live";
/// PostgreSQL refuses payloads of 8000 bytes or more.
pub const MAX_NOTIFICATION_BYTES: usize = 7_900;

/// A subscription to every instance's notifications.
pub struct NotificationListener(PgListener);

impl NotificationListener {
    /// The next payload. After a lost connection it reconnects, and notifications sent
    /// meanwhile are lost.
    pub async fn recv(&mut self) -> StoreResult<String> {
        Ok(self.0.recv().await?.payload().to_owned())
    }
}

impl Store {
    /// Whether notifications travel through the database (to every instance).
    pub fn notifications_cross_instances(&self) -> bool {
        self.is_shared()
    }

    /// Whether several server instances may use this database at once: PostgreSQL. (A SQLite
    /// file belongs to one process.)
    pub fn is_shared(&self) -> bool {
        matches!(self, Store::Postgres(_))
    }

    /// Sends `payload` to every listening instance, this one included. A no-op on SQLite.
    pub async fn notify(&self, payload: &str) -> StoreResult<()> {
        if let Store::Postgres(pool) = self {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// Listens for notifications; `None` on SQLite.
    pub async fn listen(&self) -> StoreResult<Option<NotificationListener>> {
        match self {
            Store::Sqlite(..) => Ok(None),
            Store::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen(CHANNEL).await?;
                Ok(Some(NotificationListener(listener)))
            }
        }
    }
}
