//! The store's error type: database failures classified by kind, never by constraint name
//! (SQLite reports none).

use sqlx::error::ErrorKind;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("row not found")]
    NotFound,
    #[error("unique constraint violated")]
    UniqueViolation,
    #[error("foreign key constraint violated")]
    ForeignKeyViolation,
    #[error("check or not-null constraint violated")]
    CheckViolation,
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("cannot create database directory {path}")]
    CreateDirectory {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// A task that writes for its callers stopped before answering (it panicked, or its
    /// runtime is shutting down).
    #[error("the database writer stopped before answering")]
    WriterStopped,
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) => match db.kind() {
                ErrorKind::UniqueViolation => StoreError::UniqueViolation,
                ErrorKind::ForeignKeyViolation => StoreError::ForeignKeyViolation,
                ErrorKind::NotNullViolation | ErrorKind::CheckViolation => {
                    StoreError::CheckViolation
                }
                _ => StoreError::Database(err),
            },
            _ => StoreError::Database(err),
        }
    }
}
