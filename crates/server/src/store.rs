//! Durable state of the server: SQLite by default (WAL, synchronous=FULL),
//! or PostgreSQL for a center or province that outgrows one machine.
//!
//! One pool of sqlx's `Any` driver serves both; every query is written once,
//! in SQL both dialects accept (`$1` placeholders, quoted `"user"`), except
//! where [`Dialect`] picks the text (JSON and time functions). The schemas
//! come from `migrations/` (SQLite, as shipped) and `migrations-postgres/`
//! (the same numbers, tables and columns). Read-check-write transactions
//! start with [`Store::begin_immediate`]: `BEGIN IMMEDIATE` on SQLite, a
//! transaction-scoped advisory lock on PostgreSQL, so both serialise them
//! the same way and sequences (receipt numbers, dossier codes) stay gap-free.

use std::path::Path;
use std::str::FromStr;

use crate::audit::{Action, Actor, Subject, at_rfc3339, at_secs, record};
use motcua_protocol::{HelpRequest, HelpStatus, NewHelpRequest};
use serde_json::json;
use sqlx::Row;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored row is corrupt: {0}")]
    Corrupt(String),
    #[error("time cannot be written: {0}")]
    Time(String),
    #[error("database URL: {0}")]
    Url(String),
}

/// `t` in RFC 3339, as the tables hold times written for people.
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> Result<String, StoreError> {
    t.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| StoreError::Time(e.to_string()))
}

/// Which database a [`Store`] runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A transaction of the store's pool.
pub(crate) type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// The key of the PostgreSQL advisory lock that [`Store::begin_immediate`]
/// takes: one for the whole database, as SQLite's write lock is.
const WRITE_LOCK_KEY: i64 = 0x6d6f_7463_7561; // "motcua"

/// Connections of a PostgreSQL pool (SQLite keeps 4: one writer at a time).
const POSTGRES_CONNECTIONS: u32 = 16;

/// The database URL with its password replaced, fit for logs and errors.
pub fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

/// The server's database.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) dialect: Dialect,
}

impl Store {
    /// Opens (creating if needed) and migrates the SQLite database at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let file = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        let url = file.to_url_lossy();
        Self::open_sqlite(url.as_str()).await
    }

    /// Connects to and migrates the database of `url`: `postgres://` or
    /// `postgresql://` (PostgreSQL), or `sqlite:` (a SQLite file).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = AnyConnectOptions::from_str(url)?;
            let pool = AnyPoolOptions::new()
                .max_connections(POSTGRES_CONNECTIONS)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // Commits wait for the WAL flush, whatever the
                        // cluster's default; times are compared as UTC.
                        sqlx::query("SET synchronous_commit = on")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("SET TIME ZONE 'UTC'")
                            .execute(&mut *conn)
                            .await?;
                        Ok(())
                    })
                })
                .connect_with(opts)
                .await?;
            sqlx::migrate!("./migrations-postgres").run(&pool).await?;
            Ok(Self {
                pool,
                dialect: Dialect::Postgres,
            })
        } else if url.starts_with("sqlite:") {
            let mut opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
            if !url.contains("mode=") {
                opts = opts.create_if_missing(true);
            }
            let url = opts.to_url_lossy();
            Self::open_sqlite(url.as_str()).await
        } else {
            Err(StoreError::Url(format!(
                "{}: only postgres://, postgresql:// and sqlite: are supported",
                redacted_url(url)
            )))
        }
    }

    async fn open_sqlite(url: &str) -> Result<Self, StoreError> {
        let opts = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL persists in the file; the rest is per connection.
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self {
            pool,
            dialect: Dialect::Sqlite,
        })
    }

    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The pool, for tools and tests that read the tables directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes every connection (waits for those in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a transaction that reads, checks and writes as if alone:
    /// `BEGIN IMMEDIATE` on SQLite (the write lock taken first); on
    /// PostgreSQL, a transaction holding the database's advisory write lock
    /// until it ends, so such transactions run one after another there too.
    pub(crate) async fn begin_immediate(&self) -> Result<Tx<'static>, StoreError> {
        match self.dialect {
            Dialect::Sqlite => Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?),
            Dialect::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
        }
    }

    /// Records a help request and returns it as stored.
    pub async fn insert_help_request(
        &self,
        req: &NewHelpRequest,
        id: &str,
        created_at: &str,
    ) -> Result<HelpRequest, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO help_requests (id, kiosk_id, step, procedure_code, created_at, status) \
             VALUES ($1, $2, $3, $4, $5, 'open')",
        )
        .bind(id)
        .bind(&req.kiosk_id)
        .bind(&req.step)
        .bind(&req.procedure_code)
        .bind(created_at)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            at_rfc3339(created_at)?,
            Actor::Kiosk(&req.kiosk_id),
            Action::HelpRequestCreated,
            Subject::HelpRequest(id),
            // Not the step: it is free text from the kiosk.
            json!({"procedure_code": req.procedure_code}),
        )
        .await?;
        tx.commit().await?;
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

/// Identity fields of an account or a challenge, checked and NFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityRow {
    pub id_number: String,
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// `male` or `female`.
    pub sex: String,
    pub address: String,
}

/// An account as the lookup sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: String,
    pub phone: Option<String>,
}

/// A new one-time-code challenge to record.
#[derive(Debug, Clone)]
pub struct NewChallengeRow {
    pub id: String,
    pub identity: IdentityRow,
    pub phone: String,
    pub code_hash: String,
    pub salt: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A recorded challenge, without the identity fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeRow {
    pub id: String,
    pub code_hash: String,
    pub salt: String,
    pub expires_at: i64,
    pub attempts: u32,
    pub status: ChallengeStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeStatus {
    Pending,
    Used,
    Locked,
}

impl ChallengeStatus {
    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "pending" => Ok(Self::Pending),
            "used" => Ok(Self::Used),
            "locked" => Ok(Self::Locked),
            other => Err(StoreError::Corrupt(format!("challenge status {other:?}"))),
        }
    }
}

/// What consuming a challenge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consumed {
    /// The account of the ID number, created or verified.
    Account { account_id: String, created: bool },
    /// The challenge was used, locked or never existed.
    NotPending,
    /// The ID number's account has another phone; nothing changed.
    OtherPhone,
}

/// Accounts and one-time-code challenges. Every function takes the time it
/// acts at from the caller, so the rules are testable without sleeping.
impl Store {
    /// The account of an ID number, if any.
    pub async fn account_by_id_number(
        &self,
        id_number: &str,
    ) -> Result<Option<AccountRow>, StoreError> {
        let row = sqlx::query("SELECT id, phone FROM accounts WHERE id_number = $1")
            .bind(id_number)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(AccountRow {
                id: r.try_get("id")?,
                phone: r.try_get("phone")?,
            })
        })
        .transpose()
    }

    /// Records a challenge if `allow` agrees, atomically with reading the
    /// creation times (oldest first) of the challenges for the same phone
    /// created after `window_start`. `allow`'s error is returned as is and
    /// nothing is written.
    pub async fn issue_challenge<E>(
        &self,
        new: &NewChallengeRow,
        window_start: i64,
        allow: impl FnOnce(&[i64]) -> Result<(), E>,
    ) -> Result<Result<(), E>, StoreError> {
        let mut tx = self.begin_immediate().await?;
        let recent: Vec<i64> = sqlx::query_scalar(
            "SELECT created_at FROM otp_challenges WHERE phone = $1 AND created_at > $2 \
             ORDER BY created_at ASC",
        )
        .bind(&new.phone)
        .bind(window_start)
        .fetch_all(&mut *tx)
        .await?;
        if let Err(e) = allow(&recent) {
            tx.rollback().await?;
            return Ok(Err(e));
        }
        let i = &new.identity;
        sqlx::query(
            "INSERT INTO otp_challenges (id, id_number, full_name, date_of_birth, sex, address, \
             phone, code_hash, salt, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&new.id)
        .bind(&i.id_number)
        .bind(&i.full_name)
        .bind(&i.date_of_birth)
        .bind(&i.sex)
        .bind(&i.address)
        .bind(&new.phone)
        .bind(&new.code_hash)
        .bind(&new.salt)
        .bind(new.created_at)
        .bind(new.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Deletes challenges created at or before `before`, with the identity
    /// and phone they hold. Returns how many went.
    pub async fn purge_challenges(&self, before: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM otp_challenges WHERE created_at <= $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Records in the audit log that the code of the pending challenge
    /// `id` was sent for kiosk `kiosk` (not the code): a challenge exists
    /// for the log only once its SMS went. `false` if it is not pending.
    pub(crate) async fn record_otp_issued(
        &self,
        id: &str,
        kiosk: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_immediate().await?;
        let expires: Option<i64> = sqlx::query_scalar(
            "SELECT expires_at FROM otp_challenges WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(expires) = expires else {
            tx.rollback().await?;
            return Ok(false);
        };
        record(
            &mut tx,
            at_secs(now),
            Actor::Kiosk(kiosk),
            Action::OtpIssued,
            Subject::OtpChallenge(id),
            json!({"expires_at": expires}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Removes a challenge whose code could not be sent: it was never
    /// usable and does not count against the phone's limits.
    pub async fn delete_challenge(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM otp_challenges WHERE id = $1 AND status = 'pending'")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn challenge(&self, id: &str) -> Result<Option<ChallengeRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, code_hash, salt, expires_at, attempts, status FROM otp_challenges \
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            let attempts: i64 = r.try_get("attempts")?;
            Ok(ChallengeRow {
                id: r.try_get("id")?,
                code_hash: r.try_get("code_hash")?,
                salt: r.try_get("salt")?,
                expires_at: r.try_get("expires_at")?,
                attempts: u32::try_from(attempts)
                    .map_err(|_| StoreError::Corrupt("negative attempts".to_owned()))?,
                status: ChallengeStatus::parse(&status)?,
            })
        })
        .transpose()
    }

    /// Counts one wrong code against a pending challenge, locking it at
    /// `max_attempts`. Returns the attempts and status after the update, or
    /// `None` when the challenge was no longer pending.
    pub async fn record_wrong_code(
        &self,
        id: &str,
        max_attempts: u32,
    ) -> Result<Option<(u32, ChallengeStatus)>, StoreError> {
        let row = sqlx::query(
            "UPDATE otp_challenges SET attempts = attempts + 1, \
             status = CASE WHEN attempts + 1 >= $2 THEN 'locked' ELSE status END \
             WHERE id = $1 AND status = 'pending' RETURNING attempts, status",
        )
        .bind(id)
        .bind(i64::from(max_attempts))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let attempts: i64 = r.try_get("attempts")?;
            let status: String = r.try_get("status")?;
            Ok((
                u32::try_from(attempts)
                    .map_err(|_| StoreError::Corrupt("negative attempts".to_owned()))?,
                ChallengeStatus::parse(&status)?,
            ))
        })
        .transpose()
    }

    /// Consumes a pending challenge and creates the account of its ID number
    /// (with id `new_account_id`), or verifies the existing one on its own
    /// phone or gives a phone to one that had none. An account never moves
    /// to another phone here, even when two codes raced for one ID number.
    pub async fn consume_challenge(
        &self,
        id: &str,
        new_account_id: &str,
        kiosk: &str,
        now: &str,
    ) -> Result<Consumed, StoreError> {
        let mut tx = self.begin_immediate().await?;
        let row = sqlx::query(
            "SELECT id_number, full_name, date_of_birth, sex, address, phone FROM otp_challenges \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(Consumed::NotPending);
        };
        let identity = IdentityRow {
            id_number: row.try_get("id_number")?,
            full_name: row.try_get("full_name")?,
            date_of_birth: row.try_get("date_of_birth")?,
            sex: row.try_get("sex")?,
            address: row.try_get("address")?,
        };
        let phone: String = row.try_get("phone")?;
        let existing = account_id_of(&mut tx, &identity.id_number).await?;
        let (account_id, created) = match existing {
            Some(account_id) => {
                let updated = sqlx::query(
                    "UPDATE accounts SET phone = $2, verified_by = 'otp', updated_at = $3 \
                     WHERE id = $1 AND (phone IS NULL OR phone = '' OR phone = $2)",
                )
                .bind(&account_id)
                .bind(&phone)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(Consumed::OtherPhone);
                }
                (account_id, false)
            }
            None => {
                insert_account(&mut tx, new_account_id, &identity, Some(&phone), "otp", now)
                    .await?;
                (new_account_id.to_owned(), true)
            }
        };
        // Still pending: on PostgreSQL a wrong code counted meanwhile (not
        // in this transaction's lock) may have locked it.
        let used = sqlx::query(
            "UPDATE otp_challenges SET status = 'used', account_id = $2 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(&account_id)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(Consumed::NotPending);
        }
        record(
            &mut tx,
            at_rfc3339(now)?,
            Actor::Kiosk(kiosk),
            if created {
                Action::AccountCreated
            } else {
                Action::AccountVerified
            },
            Subject::Account(&account_id),
            json!({"verified_by": "otp", "challenge": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(Consumed::Account {
            account_id,
            created,
        })
    }

    /// Records a helper's vouching, creating the account (id
    /// `new_account_id`, no phone) unless the ID number already has one.
    /// Returns the account id and whether it was created.
    pub async fn vouch(
        &self,
        identity: &IdentityRow,
        staff_user: &str,
        reason: &str,
        new_account_id: &str,
        vouch_id: &str,
        now: &str,
    ) -> Result<(String, bool), StoreError> {
        let mut tx = self.begin_immediate().await?;
        let existing = account_id_of(&mut tx, &identity.id_number).await?;
        let (account_id, created) = match existing {
            Some(id) => (id, false),
            None => {
                insert_account(&mut tx, new_account_id, identity, None, "vouch", now).await?;
                (new_account_id.to_owned(), true)
            }
        };
        sqlx::query(
            "INSERT INTO account_vouches (id, account_id, staff_user, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(vouch_id)
        .bind(&account_id)
        .bind(staff_user)
        .bind(reason)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            at_rfc3339(now)?,
            Actor::Staff(staff_user),
            Action::AccountVouched,
            Subject::Account(&account_id),
            json!({"created": created, "vouch": vouch_id}),
        )
        .await?;
        tx.commit().await?;
        Ok((account_id, created))
    }

    /// How many rows each account table holds: accounts, challenges, vouches.
    pub async fn account_counts(&self) -> Result<(i64, i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM accounts) AS a, \
             (SELECT COUNT(*) FROM otp_challenges) AS c, \
             (SELECT COUNT(*) FROM account_vouches) AS v",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("a")?, row.try_get("c")?, row.try_get("v")?))
    }
}

/// The id of the account of `id_number`, read inside the caller's transaction.
async fn account_id_of(tx: &mut Tx<'_>, id_number: &str) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM accounts WHERE id_number = $1")
            .bind(id_number)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

async fn insert_account(
    tx: &mut Tx<'_>,
    id: &str,
    identity: &IdentityRow,
    phone: Option<&str>,
    verified_by: &str,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO accounts (id, id_number, full_name, date_of_birth, sex, address, phone, \
         verified_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(id)
    .bind(&identity.id_number)
    .bind(&identity.full_name)
    .bind(&identity.date_of_birth)
    .bind(&identity.sex)
    .bind(&identity.address)
    .bind(phone)
    .bind(verified_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redacted_url;

    #[test]
    fn a_database_url_is_shown_without_its_password() {
        assert_eq!(
            redacted_url("postgres://motcua:bí:mật@db.tinh.local:5432/motcua?sslmode=require"),
            "postgres://motcua:***@db.tinh.local:5432/motcua?sslmode=require"
        );
        assert_eq!(
            redacted_url("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(
            redacted_url("sqlite:/var/lib/motcua/motcua.sqlite3"),
            "sqlite:/var/lib/motcua/motcua.sqlite3"
        );
    }
}
