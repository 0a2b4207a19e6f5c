//! Durable state of the server in SQLite (WAL, synchronous=FULL).

use std::path::Path;
use std::str::FromStr;

use motcua_protocol::{HelpRequest, HelpStatus, NewHelpRequest};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored row is corrupt: {0}")]
    Corrupt(String),
}

/// The server's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let opts = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = sqlx::pool::PoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    /// Records a help request and returns it as stored.
    pub async fn insert_help_request(
        &self,
        req: &NewHelpRequest,
        id: &str,
        created_at: &str,
    ) -> Result<HelpRequest, StoreError> {
        sqlx::query(
            "INSERT INTO help_requests (id, kiosk_id, step, procedure_code, created_at, status) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'open')",
        )
        .bind(id)
        .bind(&req.kiosk_id)
        .bind(&req.step)
        .bind(&req.procedure_code)
        .bind(created_at)
        .execute(&self.pool)
        .await?;
        Ok(HelpRequest {
            id: id.to_owned(),
            kiosk_id: req.kiosk_id.clone(),
            step: req.step.clone(),
            procedure_code: req.procedure_code.clone(),
            created_at: created_at.to_owned(),
            status: HelpStatus::Open,
        })
    }

    /// Open help requests, newest first (at most 200).
    pub async fn open_help_requests(&self) -> Result<Vec<HelpRequest>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kiosk_id, step, procedure_code, created_at, status FROM help_requests \
             WHERE status = 'open' ORDER BY created_at DESC, rowid DESC LIMIT 200",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                let status = match status.as_str() {
                    "open" => HelpStatus::Open,
                    "closed" => HelpStatus::Closed,
                    other => return Err(StoreError::Corrupt(format!("help status {other:?}"))),
                };
                Ok(HelpRequest {
                    id: r.try_get("id")?,
                    kiosk_id: r.try_get("kiosk_id")?,
                    step: r.try_get("step")?,
                    procedure_code: r.try_get("procedure_code")?,
                    created_at: r.try_get("created_at")?,
                    status,
                })
            })
            .collect()
    }
}
