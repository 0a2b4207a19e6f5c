//! The kiosk's durable outbox (feature `outbox`): a dossier and its
//! documents are committed to a local SQLite file before the citizen is
//! told anything, then delivered to the backend — now, or by a worker with
//! backoff when the network or the backend is down — and deleted only once
//! the backend has answered with the dossier.
//!
//! - Everything personal (the [`NewDossier`] JSON, each document) is sealed
//!   with XChaCha20-Poly1305 under a key kept in a separate file (32 random
//!   bytes, mode 0600); each blob's associated data names its row, so a blob
//!   moved to another row does not open. A wrong key is refused at
//!   [`Outbox::open`].
//! - The file is opened with WAL, `synchronous=FULL` and `secure_delete=ON`.
//! - Delivery is idempotent end to end: uploads are content-addressed and
//!   resumable, and the dossier is created under the item's
//!   `Idempotency-Key`, so an attempt cut at any point is simply repeated.
//! - A dossier the backend refuses for good (a 4xx other than an upload
//!   offset mismatch, 408 or 429) is kept, marked `needs_helper` with the
//!   problem code, and not retried by the worker; it is never deleted
//!   silently ([`Outbox::discard`] is a helper's explicit decision).
//! - Nothing here logs, and no error or reason string carries personal
//!   data: reasons are codes such as `unreachable`, `http_503` or
//!   `dossier_incomplete`.

mod seal;
mod worker;

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use motcua_protocol::ProblemCode;
use motcua_protocol::dossiers::{
    Dossier, MAX_DOSSIER_COMPONENTS, MAX_UPLOAD_BYTES, MAX_UPLOADS_PER_COMPONENT, NewDossier,
    SubmittedComponent,
};
use rand::RngExt;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use crate::client::{ApiClient, ClientError, is_idempotency_key, sha256_hex};
use seal::{KEY_BYTES, Sealer};
pub use worker::{WorkerHandle, WorkerStats};

/// Prefix of [`Delivery::Queued`]'s reason when the backend refused the
/// dossier for good: `needs_helper:<problem code>`.
pub const NEEDS_HELPER_PREFIX: &str = "needs_helper:";

/// Why the outbox could not do what was asked. No variant carries personal
/// data: at most a local reference, a component id or a file path.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The idempotency key is not 1 to 128 printable ASCII characters.
    #[error("the idempotency key is empty or has characters a header cannot carry")]
    BadIdempotencyKey,
    /// A document is empty or larger than an upload may be.
    #[error("a document is empty or larger than {MAX_UPLOAD_BYTES} bytes")]
    BadDocument,
    /// More components, or more uploads in one component, than a dossier
    /// may name.
    #[error(
        "a dossier names at most {MAX_DOSSIER_COMPONENTS} components of at most \
         {MAX_UPLOADS_PER_COMPONENT} uploads"
    )]
    TooManyDocuments,
    /// The dossier's uploads and the documents held do not match one to one
    /// (or uploads were filled in before [`OutgoingDossier::new`]).
    #[error("the dossier's uploads do not match the documents given")]
    DocumentsMismatch,
    /// The idempotency key is already queued with another dossier.
    #[error("the idempotency key is already queued with another dossier ({0})")]
    IdempotencyKeyReused(String),
    /// The key file cannot be read or made, or is not a key.
    #[error("key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
    /// The outbox holds sealed rows and the key file is gone.
    #[error("the outbox holds sealed rows but its key file {0} is missing")]
    KeyMissing(String),
    /// The key file's key does not open this outbox.
    #[error("the key file does not open this outbox (wrong key)")]
    WrongKey,
    #[error("cannot prepare {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("outbox database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("outbox database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("no dossier {0} in the outbox")]
    NotFound(String),
    /// A row did not open or read back (altered file): it is marked
    /// `needs_helper` (`outbox_corrupt`) and not retried.
    #[error("dossier {0} in the outbox cannot be opened")]
    Corrupt(String),
}

/// A dossier on its way: the body for `POST /v1/dossiers`, its
/// `Idempotency-Key`, and the documents its components' uploads name.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingDossier {
    /// Unique per dossier (e.g. a UUID made when the citizen confirmed),
    /// 1 to 128 printable ASCII characters.
    pub idempotency_key: String,
    /// The components' `uploads` are the SHA-256s of `documents`.
    pub dossier: NewDossier,
    /// Every document's bytes (PDF, JPEG or PNG), each named by an upload.
    pub documents: Vec<Vec<u8>>,
}

impl std::fmt::Debug for OutgoingDossier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingDossier")
            .field("idempotency_key", &self.idempotency_key)
            .field("procedure_code", &self.dossier.procedure_code)
            .field("documents", &self.documents.len())
            .finish_non_exhaustive()
    }
}

impl OutgoingDossier {
    /// A dossier with its files: each `(component_id, bytes)` is appended,
    /// by its SHA-256, to the uploads of that component (added to the
    /// dossier when it is not there yet). The dossier's uploads must be
    /// empty; documents must be 1 byte to [`MAX_UPLOAD_BYTES`].
    pub fn new(
        idempotency_key: String,
        mut dossier: NewDossier,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<Self, OutboxError> {
        if !is_idempotency_key(&idempotency_key) {
            return Err(OutboxError::BadIdempotencyKey);
        }
        if dossier.components.iter().any(|c| !c.uploads.is_empty()) {
            return Err(OutboxError::DocumentsMismatch);
        }
        let mut documents = Vec::with_capacity(files.len());
        for (component_id, bytes) in files {
            if bytes.is_empty() || bytes.len() as u64 > MAX_UPLOAD_BYTES {
                return Err(OutboxError::BadDocument);
            }
            let sha = sha256_hex(&bytes);
            match dossier
                .components
                .iter_mut()
                .find(|c| c.component_id == component_id)
            {
                Some(c) => c.uploads.push(sha),
                None => dossier.components.push(SubmittedComponent {
                    component_id,
                    uploads: vec![sha],
                    on_paper: false,
                }),
            }
            documents.push(bytes);
        }
        let item = Self {
            idempotency_key,
            dossier,
            documents,
        };
        item.check()?;
        Ok(item)
    }

    /// Every upload named has a document and every document is named; the
    /// sizes and counts are within the protocol's limits.
    fn check(&self) -> Result<(), OutboxError> {
        if !is_idempotency_key(&self.idempotency_key) {
            return Err(OutboxError::BadIdempotencyKey);
        }
        let comps = &self.dossier.components;
        if comps.len() > MAX_DOSSIER_COMPONENTS
            || comps
                .iter()
                .any(|c| c.uploads.len() > MAX_UPLOADS_PER_COMPONENT)
        {
            return Err(OutboxError::TooManyDocuments);
        }
        if self
            .documents
            .iter()
            .any(|d| d.is_empty() || d.len() as u64 > MAX_UPLOAD_BYTES)
        {
            return Err(OutboxError::BadDocument);
        }
        let mut named: Vec<&str> = comps
            .iter()
            .flat_map(|c| c.uploads.iter().map(String::as_str))
            .collect();
        let held: Vec<String> = self.documents.iter().map(|d| sha256_hex(d)).collect();
        let mut held: Vec<&str> = held.iter().map(String::as_str).collect();
        named.sort_unstable();
        named.dedup();
        held.sort_unstable();
        held.dedup();
        if named != held {
            return Err(OutboxError::DocumentsMismatch);
        }
        Ok(())
    }
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
// One value per dossier delivered: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Delivery {
    /// The backend holds the dossier; it is gone from the outbox.
    Delivered(Dossier),
    /// Still in the outbox. `reason` is a code, never personal data:
    /// `unreachable`, `timeout`, `http_503`, a problem code such as
    /// `internal`, or `needs_helper:<problem code>` when the backend
    /// refused it for good (then the worker leaves it for a helper).
    Queued { reason: String },
}

impl Delivery {
    /// Whether the dossier waits for a helper rather than for the network.
    pub fn needs_helper(&self) -> bool {
        matches!(self, Self::Queued { reason } if reason.starts_with(NEEDS_HELPER_PREFIX))
    }
}

/// A dossier waiting in the outbox, as the helper console and the device
/// health show it: bookkeeping only, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PendingSummary {
    pub local_ref: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Failed delivery attempts so far.
    pub attempts: u32,
    /// RFC 3339, UTC: when the worker tries again (not while it waits for
    /// a helper).
    pub next_attempt_at: String,
    /// The last attempt's reason code.
    pub last_error: Option<String>,
    /// The problem code of a permanent refusal: the worker no longer
    /// retries it; a helper resolves it ([`Outbox::deliver`] once more, or
    /// [`Outbox::discard`]).
    pub needs_helper: Option<String>,
}

/// Retry timing of the worker: after the n-th failed attempt it waits a
/// random time up to `min(cap, base × 2^(n−1))` ("full jitter").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxOptions {
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

impl Default for OutboxOptions {
    /// 2 seconds, up to 5 minutes.
    fn default() -> Self {
        Self {
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(300),
        }
    }
}

/// The durable outbox. Cheap to clone: clones share one database pool,
/// cipher and worker wake-up.
#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

struct Inner {
    pool: SqlitePool,
    sealer: Sealer,
    /// Derived from the key: makes local references from idempotency keys.
    ref_secret: [u8; 32],
    options: OutboxOptions,
    wake: tokio::sync::Notify,
    /// One delivery at a time per dossier (the worker and the screen may
    /// both try).
    in_flight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

const KEY_CHECK_TEXT: &[u8] = b"motcua-outbox key check v1";
const KEY_CHECK_AAD: &[u8] = b"motcua-outbox v1 key-check";

fn dossier_aad(local_ref: &str, idempotency_key: &str) -> Vec<u8> {
    format!("motcua-outbox v1 dossier {local_ref} {idempotency_key}").into_bytes()
}

fn document_aad(local_ref: &str, position: i64) -> Vec<u8> {
    format!("motcua-outbox v1 document {local_ref} {position}").into_bytes()
}

fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn rfc3339_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// A short local reference: `K-` and 6 uppercase hex digits of a keyed
/// hash of the idempotency key (unpredictable without the key file).
fn local_ref_of(ref_secret: &[u8; 32], idempotency_key: &str, attempt: u32) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"motcua-outbox v1 local-ref\0");
    h.update(ref_secret);
    h.update(attempt.to_be_bytes());
    h.update(idempotency_key.as_bytes());
    let d = h.finalize();
    format!("K-{:02X}{:02X}{:02X}", d[0], d[1], d[2])
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutboxError + '_ {
    move |source| OutboxError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl Outbox {
    /// Opens (or creates) the outbox at `db` with the key in `key_file`.
    ///
    /// A missing key file is created (32 random bytes, mode 0600) when the
    /// outbox is new; when the outbox already holds sealed rows a missing
    /// key is [`OutboxError::KeyMissing`] and a key that does not open them
    /// is [`OutboxError::WrongKey`]. A key file readable by others is
    /// refused.
    pub async fn open(db: &Path, key_file: &Path) -> Result<Outbox, OutboxError> {
        Self::open_with(db, key_file, OutboxOptions::default()).await
    }

    /// [`Outbox::open`] with other retry timing.
    pub async fn open_with(
        db: &Path,
        key_file: &Path,
        options: OutboxOptions,
    ) -> Result<Outbox, OutboxError> {
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        // Made by us first so that it (and SQLite's -wal and -shm, which
        // copy its mode) is the kiosk user's only.
        create_private_file(db)?;
        let connect = SqliteConnectOptions::from_str("sqlite:")?
            .filename(db)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("secure_delete", "ON");
        // One connection: every statement is short (no network inside a
        // transaction), and writers never race for SQLite's lock.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(connect)
            .await?;
        sqlx::migrate!("./outbox-migrations").run(&pool).await?;

        let check: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT sealed FROM outbox_key_check WHERE id = 1")
                .fetch_optional(&pool)
                .await?;
        let key = match read_key(key_file)? {
            Some(key) => key,
            None if check.is_some() => {
                return Err(OutboxError::KeyMissing(key_file.display().to_string()));
            }
            None => create_key(key_file)?,
        };
        let sealer = Sealer::new(&key);
        let ref_secret: [u8; 32] = {
            use sha2::Digest;
            let mut h = sha2::Sha256::new();
            h.update(b"motcua-outbox v1 reference secret\0");
            h.update(key);
            h.finalize().into()
        };
        match check {
            Some(sealed) => {
                if sealer.open(&sealed, KEY_CHECK_AAD).as_deref() != Ok(KEY_CHECK_TEXT) {
                    return Err(OutboxError::WrongKey);
                }
            }
            None => {
                let sealed = sealer
                    .seal(KEY_CHECK_TEXT, KEY_CHECK_AAD)
                    .map_err(|_| OutboxError::WrongKey)?;
                sqlx::query("INSERT INTO outbox_key_check (id, sealed) VALUES (1, ?)")
                    .bind(sealed)
                    .execute(&pool)
                    .await?;
            }
        }
        Ok(Outbox {
            inner: Arc::new(Inner {
                pool,
                sealer,
                ref_secret,
                options,
                wake: tokio::sync::Notify::new(),
                in_flight: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Stores the dossier and its documents, sealed, and returns its local
    /// reference (e.g. `K-7F3A9C`, also sent as the dossier's
    /// `local_reference`). It is committed to disk before this returns. The
    /// same idempotency key with the same dossier gives the same reference
    /// and is stored once; with another dossier it is
    /// [`OutboxError::IdempotencyKeyReused`]. Wakes the worker.
    pub async fn enqueue(&self, item: OutgoingDossier) -> Result<String, OutboxError> {
        item.check()?;
        let OutgoingDossier {
            idempotency_key,
            mut dossier,
            documents,
        } = item;
        let sealer = &self.inner.sealer;
        // IMMEDIATE: it reads then writes, and another process (a CLI on
        // the same outbox) must not slip a write in between.
        let mut tx = self.inner.pool.begin_with("BEGIN IMMEDIATE").await?;
        let existing =
            sqlx::query("SELECT local_ref, sealed FROM outbox_dossiers WHERE idempotency_key = ?")
                .bind(&idempotency_key)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(row) = existing {
            let local_ref: String = row.try_get("local_ref")?;
            let sealed: Vec<u8> = row.try_get("sealed")?;
            let stored = sealer
                .open(&sealed, &dossier_aad(&local_ref, &idempotency_key))
                .ok()
                .and_then(|plain| serde_json::from_slice::<NewDossier>(&plain).ok())
                .ok_or_else(|| OutboxError::Corrupt(local_ref.clone()))?;
            dossier.local_reference = Some(local_ref.clone());
            return if stored == dossier {
                Ok(local_ref)
            } else {
                Err(OutboxError::IdempotencyKeyReused(local_ref))
            };
        }
        // Derived from the key, so that the same dossier enqueued again —
        // even after it was delivered and deleted — is sent under the same
        // reference, and the backend answers it as the same request.
        let mut local_ref = self.local_ref_for(&idempotency_key, 0);
        for attempt in 1..64 {
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM outbox_dossiers WHERE local_ref = ?")
                    .bind(&local_ref)
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_none() {
                break;
            }
            local_ref = self.local_ref_for(&idempotency_key, attempt);
        }
        dossier.local_reference = Some(local_ref.clone());
        let plain =
            serde_json::to_vec(&dossier).map_err(|_| OutboxError::Corrupt(local_ref.clone()))?;
        let sealed = sealer
            .seal(&plain, &dossier_aad(&local_ref, &idempotency_key))
            .map_err(|_| OutboxError::Corrupt(local_ref.clone()))?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO outbox_dossiers
                (local_ref, idempotency_key, sealed, documents, created_ms, next_attempt_ms)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&local_ref)
        .bind(&idempotency_key)
        .bind(sealed)
        .bind(documents.len() as i64)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for (position, doc) in (0i64..).zip(documents.iter()) {
            let sealed = sealer
                .seal(doc, &document_aad(&local_ref, position))
                .map_err(|_| OutboxError::Corrupt(local_ref.clone()))?;
            sqlx::query(
                "INSERT INTO outbox_documents (local_ref, position, sealed) VALUES (?, ?, ?)",
            )
            .bind(&local_ref)
            .bind(position)
            .bind(sealed)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.inner.wake.notify_one();
        Ok(local_ref)
    }

    /// One delivery attempt now: the documents (resumably, skipping what
    /// the backend holds), then the dossier under its idempotency key. On
    /// success the row and its documents are deleted in one transaction;
    /// else the attempt is recorded with its reason and the next attempt
    /// scheduled (or the dossier marked `needs_helper` when refused for
    /// good). Works on a `needs_helper` dossier too: that is how a helper
    /// retries one.
    pub async fn deliver(
        &self,
        client: &ApiClient,
        local_ref: &str,
    ) -> Result<Delivery, OutboxError> {
        let lock = {
            let mut map = self
                .inner
                .in_flight
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry(local_ref.to_owned()).or_default().clone()
        };
        let outcome = {
            let _guard = lock.lock().await;
            self.deliver_locked(client, local_ref).await
        };
        {
            let mut map = self
                .inner
                .in_flight
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if map
                .get(local_ref)
                .is_some_and(|l| Arc::strong_count(l) <= 2)
            {
                map.remove(local_ref);
            }
        }
        outcome
    }

    async fn deliver_locked(
        &self,
        client: &ApiClient,
        local_ref: &str,
    ) -> Result<Delivery, OutboxError> {
        let Some((idempotency_key, dossier, documents, attempts)) = self.load(local_ref).await?
        else {
            return Err(OutboxError::NotFound(local_ref.to_owned()));
        };
        match send(client, &idempotency_key, &dossier, &documents).await {
            Ok(answer) => {
                let mut tx = self.inner.pool.begin().await?;
                sqlx::query("DELETE FROM outbox_documents WHERE local_ref = ?")
                    .bind(local_ref)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM outbox_dossiers WHERE local_ref = ?")
                    .bind(local_ref)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                // Old WAL frames still hold the sealed blobs: fold them
                // into the (zeroed) database and empty the WAL. Best effort.
                let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&self.inner.pool)
                    .await;
                Ok(Delivery::Delivered(answer))
            }
            Err(e) => {
                let failure = classify(&e);
                let attempts = attempts.saturating_add(1);
                let next = now_ms().saturating_add(self.backoff_ms(attempts));
                let needs_helper = failure.permanent.then_some(failure.reason.clone());
                sqlx::query(
                    "UPDATE outbox_dossiers
                        SET attempts = ?, next_attempt_ms = ?, last_error = ?, needs_helper = ?
                      WHERE local_ref = ?",
                )
                .bind(i64::from(attempts))
                .bind(next)
                .bind(&failure.reason)
                .bind(needs_helper)
                .bind(local_ref)
                .execute(&self.inner.pool)
                .await?;
                let reason = if failure.permanent {
                    format!("{NEEDS_HELPER_PREFIX}{}", failure.reason)
                } else {
                    failure.reason
                };
                Ok(Delivery::Queued { reason })
            }
        }
    }

    /// Reads and opens a row: its key, dossier, documents and attempts.
    /// A row that does not open is marked `needs_helper` (`outbox_corrupt`).
    #[allow(clippy::type_complexity)]
    async fn load(
        &self,
        local_ref: &str,
    ) -> Result<Option<(String, NewDossier, Vec<Vec<u8>>, u32)>, OutboxError> {
        let row = sqlx::query(
            "SELECT idempotency_key, sealed, documents, attempts
               FROM outbox_dossiers WHERE local_ref = ?",
        )
        .bind(local_ref)
        .fetch_optional(&self.inner.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let key: String = row.try_get("idempotency_key")?;
        let sealed: Vec<u8> = row.try_get("sealed")?;
        let count: i64 = row.try_get("documents")?;
        let attempts: i64 = row.try_get("attempts")?;
        let blobs: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT position, sealed FROM outbox_documents WHERE local_ref = ? ORDER BY position",
        )
        .bind(local_ref)
        .fetch_all(&self.inner.pool)
        .await?;
        let sealer = &self.inner.sealer;
        let dossier = sealer
            .open(&sealed, &dossier_aad(local_ref, &key))
            .ok()
            .and_then(|plain| serde_json::from_slice::<NewDossier>(&plain).ok());
        let documents: Option<Vec<Vec<u8>>> = blobs
            .iter()
            .map(|(pos, blob)| sealer.open(blob, &document_aad(local_ref, *pos)).ok())
            .collect();
        match (dossier, documents) {
            (Some(dossier), Some(documents)) if documents.len() as i64 == count => Ok(Some((
                key,
                dossier,
                documents,
                u32::try_from(attempts).unwrap_or(u32::MAX),
            ))),
            _ => {
                sqlx::query(
                    "UPDATE outbox_dossiers SET needs_helper = 'outbox_corrupt',
                            last_error = 'outbox_corrupt' WHERE local_ref = ?",
                )
                .bind(local_ref)
                .execute(&self.inner.pool)
                .await?;
                Err(OutboxError::Corrupt(local_ref.to_owned()))
            }
        }
    }

    /// One attempt for every dossier whose next attempt is due (not those
    /// waiting for a helper), oldest first; the number delivered.
    pub async fn deliver_due(&self, client: &ApiClient) -> Result<usize, OutboxError> {
        let mut delivered = 0;
        self.deliver_due_each(client, |d| {
            if matches!(d, Delivery::Delivered(_)) {
                delivered += 1;
            }
        })
        .await?;
        Ok(delivered)
    }

    /// [`Outbox::deliver_due`], telling `each` every outcome as it comes.
    async fn deliver_due_each(
        &self,
        client: &ApiClient,
        mut each: impl FnMut(&Delivery),
    ) -> Result<(), OutboxError> {
        // A next attempt further away than the longest backoff was planned
        // by a clock that has since been set back (a kiosk whose time was
        // wrong until it reached a time server): due now, not in hours.
        let now = now_ms();
        let cap = i64::try_from(self.inner.options.backoff_cap.as_millis()).unwrap_or(i64::MAX);
        let due: Vec<String> = sqlx::query_scalar(
            "SELECT local_ref FROM outbox_dossiers
              WHERE needs_helper IS NULL AND (next_attempt_ms <= ? OR next_attempt_ms > ?)
              ORDER BY next_attempt_ms, created_ms",
        )
        .bind(now)
        .bind(now.saturating_add(cap))
        .fetch_all(&self.inner.pool)
        .await?;
        for local_ref in due {
            match self.deliver(client, &local_ref).await {
                Ok(d) => each(&d),
                // Delivered meanwhile by another caller, or marked for a
                // helper: nothing more to do with it here.
                Err(OutboxError::NotFound(_) | OutboxError::Corrupt(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// When the next dossier is due (ms since the epoch), if any waits for
    /// the network rather than a helper.
    async fn next_due_ms(&self) -> Result<Option<i64>, OutboxError> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(next_attempt_ms) FROM outbox_dossiers WHERE needs_helper IS NULL",
        )
        .fetch_one(&self.inner.pool)
        .await?)
    }

    /// Everything in the outbox, oldest first: bookkeeping only, never
    /// personal data.
    pub async fn pending(&self) -> Result<Vec<PendingSummary>, OutboxError> {
        type Row = (String, i64, i64, i64, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT local_ref, created_ms, attempts, next_attempt_ms, last_error, needs_helper
               FROM outbox_dossiers ORDER BY created_ms, local_ref",
        )
        .fetch_all(&self.inner.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(local_ref, created, attempts, next, last_error, needs_helper)| PendingSummary {
                    local_ref,
                    created_at: rfc3339_ms(created),
                    attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                    next_attempt_at: rfc3339_ms(next),
                    last_error,
                    needs_helper,
                },
            )
            .collect())
    }

    /// Deletes a dossier without delivering it: a helper's explicit
    /// decision (e.g. after taking it on paper at the counter), never the
    /// outbox's own. `false` when there was none.
    pub async fn discard(&self, local_ref: &str) -> Result<bool, OutboxError> {
        let mut tx = self.inner.pool.begin().await?;
        sqlx::query("DELETE FROM outbox_documents WHERE local_ref = ?")
            .bind(local_ref)
            .execute(&mut *tx)
            .await?;
        let gone = sqlx::query("DELETE FROM outbox_dossiers WHERE local_ref = ?")
            .bind(local_ref)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(gone > 0)
    }

    /// Starts the delivery worker on the current Tokio runtime: it delivers
    /// what is due, sleeps until the next dossier is due (each waits a
    /// random backoff after a failure, 2 s growing to 5 min by default),
    /// and wakes early when a dossier is enqueued. Stop it with
    /// [`WorkerHandle::stop`]; dropping the handle aborts it (safe at any
    /// point: an interrupted attempt is repeated).
    pub fn spawn_worker(&self, client: ApiClient) -> WorkerHandle {
        worker::spawn(self.clone(), client)
    }

    fn local_ref_for(&self, idempotency_key: &str, attempt: u32) -> String {
        local_ref_of(&self.inner.ref_secret, idempotency_key, attempt)
    }

    /// Milliseconds to wait after the `attempts`-th failure.
    fn backoff_ms(&self, attempts: u32) -> i64 {
        let base = self.inner.options.backoff_base.as_millis().max(1);
        let cap = self.inner.options.backoff_cap.as_millis().max(base);
        let exp = attempts.saturating_sub(1).min(30);
        let upper = base.saturating_mul(1u128 << exp).min(cap);
        let upper = u64::try_from(upper).unwrap_or(u64::MAX);
        // Full jitter, with a floor so that a run of failures never spins.
        let floor = (u64::try_from(base).unwrap_or(1) / 10).min(upper);
        i64::try_from(rand::rng().random_range(floor..=upper)).unwrap_or(i64::MAX)
    }
}

/// Uploads every document, then submits the dossier.
async fn send(
    client: &ApiClient,
    idempotency_key: &str,
    dossier: &NewDossier,
    documents: &[Vec<u8>],
) -> Result<Dossier, ClientError> {
    for doc in documents {
        client.upload(doc).await?;
    }
    client.create_dossier(idempotency_key, dossier).await
}

/// A failed attempt: its reason code, and whether retrying cannot help.
struct Failure {
    reason: String,
    permanent: bool,
}

fn is_permanent_status(status: u16) -> bool {
    (400..500).contains(&status) && status != 408 && status != 429
}

/// Whether a failed call is worth retrying with the same idempotency key,
/// by the outbox's own rule (see [`classify`]): what the outbox worker
/// retries, a load test or another sender retries too.
pub fn is_transient(e: &ClientError) -> bool {
    !classify(e).permanent
}

/// Network errors, timeouts, 5xx, 408 and 429 are worth retrying, as are
/// upload hiccups (offset or hash mismatch, an incomplete upload) and a
/// revoked kiosk token (a matter of this kiosk, not of the dossier); any
/// other 4xx is a refusal of this dossier, for a helper.
fn classify(e: &ClientError) -> Failure {
    let transient = |reason: &str| Failure {
        reason: reason.to_owned(),
        permanent: false,
    };
    match e {
        ClientError::Unreachable(_) => transient("unreachable"),
        ClientError::Timeout => transient("timeout"),
        ClientError::Decode(_) => transient("bad_answer"),
        ClientError::BadUrl(_) | ClientError::BadToken => transient("client_misconfigured"),
        ClientError::BadCode(_) | ClientError::BadId(_) => Failure {
            reason: "invalid_request".into(),
            permanent: true,
        },
        ClientError::Status { status } => Failure {
            reason: format!("http_{status}"),
            permanent: is_permanent_status(*status),
        },
        ClientError::Problem(p) => {
            let retry_anyway = matches!(
                p.code,
                ProblemCode::UploadOffsetMismatch
                    | ProblemCode::UploadHashMismatch
                    | ProblemCode::UploadIncomplete
                    | ProblemCode::KioskUnauthorized
            );
            Failure {
                reason: p.code.as_str().to_owned(),
                permanent: is_permanent_status(p.status) && !retry_anyway,
            }
        }
    }
}

fn create_private_dir(dir: &Path) -> Result<(), OutboxError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(io_err(dir))
}

fn create_private_file(path: &Path) -> Result<(), OutboxError> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    open.open(path).map(drop).map_err(io_err(path))
}

/// The key in `path`, or `None` when there is no such file.
fn read_key(path: &Path) -> Result<Option<[u8; KEY_BYTES]>, OutboxError> {
    let key_err = |reason: &str| OutboxError::KeyFile {
        path: path.display().to_string(),
        reason: reason.to_owned(),
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(path)(e)),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(key_err("readable by others: it must be mode 0600"));
        }
    }
    if meta.len() != KEY_BYTES as u64 {
        return Err(key_err("not a key (it must hold exactly 32 bytes)"));
    }
    let bytes = std::fs::read(path).map_err(io_err(path))?;
    let key: [u8; KEY_BYTES] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| key_err("not a key (it must hold exactly 32 bytes)"))?;
    Ok(Some(key))
}

/// Writes a fresh key to `path` (mode 0600, synced), or reads the one
/// another process wrote first. The key is written whole to a temporary
/// file and linked into place, so a crash never leaves a partial key.
fn create_key(path: &Path) -> Result<[u8; KEY_BYTES], OutboxError> {
    use std::io::Write;
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d,
        None => Path::new("."),
    };
    create_private_dir(dir)?;
    let key = seal::new_key();
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".{:016x}.tmp", rand::rng().random::<u64>()));
    let tmp = dir.join(tmp_name);
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    let written = open.open(&tmp).and_then(|mut f| {
        f.write_all(&key)?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(&tmp)(e));
    }
    // A hard link never replaces an existing file: the first key wins.
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key(path)?.ok_or_else(|| io_err(path)(e))
        }
        Err(e) => Err(io_err(path)(e)),
    }
}

#[cfg(test)]
mod tests;
