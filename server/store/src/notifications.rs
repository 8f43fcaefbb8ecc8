//! Cross-instance notifications: PostgreSQL `LISTEN/NOTIFY`. SQLite is one process, so there
//! the service layer notifies its own subscribers directly.

use sqlx::postgres::PgListener;

use crate::{Store, StoreResult};

/// The channel of the agent wing's live updates (sessions' messages and status).
pub const AGENT_CHANNEL: &str = "switchboard_live";
/// The channel of the desk's live updates (support conversations).
pub const DESK_CHANNEL: &str = "switchboard_desk";
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

    /// Sends `payload` on `channel` to every listening instance, this one included. A no-op
    /// on SQLite.
    pub async fn notify(&self, channel: &str, payload: &str) -> StoreResult<()> {
        if let Store::Postgres(pool) = self {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// Listens for notifications on `channel`; `None` on SQLite.
    pub async fn listen(&self, channel: &str) -> StoreResult<Option<NotificationListener>> {
        match self {
            Store::Sqlite(..) => Ok(None),
            Store::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen(channel).await?;
                Ok(Some(NotificationListener(listener)))
            }
        }
    }
}
