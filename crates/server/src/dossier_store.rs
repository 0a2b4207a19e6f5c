//! Uploads and dossiers in SQLite.
//!
//! A dossier is recorded in one `BEGIN IMMEDIATE` transaction that checks
//! the kiosk's idempotency key, its uploads and its payment, takes the next
//! number of the day and writes the dossier, its files and its first status:
//! two racing submissions are serialised, the second finds the first.

use motcua_protocol::{DossierStatus, PaymentStatus};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Action, Actor, Subject, at_rfc3339, at_secs, record};
use crate::idempotency::{Earlier, earlier};
use crate::{Store, StoreError};

/// A declared upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UploadRow {
    pub sha256: String,
    pub size: u64,
    pub complete: bool,
    pub media_type: Option<String>,
}

fn upload_of(r: &AnyRow) -> Result<UploadRow, StoreError> {
    let size: i64 = r.try_get("size")?;
    Ok(UploadRow {
        sha256: r.try_get("sha256")?,
        size: u64::try_from(size).map_err(|_| StoreError::Corrupt("upload size".to_owned()))?,
        complete: r.try_get::<i64, _>("complete")? != 0,
        media_type: r.try_get("media_type")?,
    })
}

/// A dossier to record, checked and normalised by the handler.
#[derive(Debug, Clone)]
pub(crate) struct NewDossierRow {
    pub kiosk_name: String,
    pub idempotency_key: String,
    pub request_hash: String,
    /// `YYMMDD` of the day received in Vietnam.
    pub day: String,
    pub lookup_secret: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub agency: String,
    pub applicant_json: String,
    pub account_id: Option<String>,
    pub copies: u32,
    pub exemption: Option<String>,
    /// The fee the dossier owes (0: no payment is looked at).
    pub amount: u64,
    pub payment_id: Option<String>,
    pub components_json: String,
    /// `(component_id, position, sha256)`.
    pub files: Vec<(String, u32, String)>,
    pub processing_time: String,
    pub received_at: String,
    pub due_at: String,
    pub due_date: String,
    pub result_place: String,
    pub local_reference: Option<String>,
    pub created_at: i64,
}

/// A recorded dossier, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DossierRow {
    pub code: String,
    pub kiosk_name: String,
    pub lookup_secret: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub agency: String,
    pub applicant_json: String,
    pub copies: u32,
    pub receipt_json: Option<String>,
    pub components_json: String,
    pub processing_time: String,
    pub received_at: String,
    pub due_at: String,
    pub due_date: String,
    pub result_place: String,
    pub status: DossierStatus,
    pub local_reference: Option<String>,
    pub history: Vec<HistoryRow>,
}

/// One status change as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HistoryRow {
    pub status: DossierStatus,
    pub note: Option<String>,
    pub at: String,
}

/// What recording a dossier did.
#[derive(Debug)]
pub(crate) enum Submitted {
    New(Box<DossierRow>),
    /// The kiosk used this key before for the same request.
    Existing(Box<DossierRow>),
    /// The kiosk used this key before for another request.
    KeyReused,
    /// An upload is unknown or not complete: its SHA-256.
    UploadIncomplete(String),
    /// The fee is not zero and the payment is missing, not this kiosk's,
    /// not for this procedure and amount, not paid, or used: why.
    PaymentRequired(&'static str),
}

/// What a status change did.
#[derive(Debug)]
pub(crate) enum Changed {
    Done(Box<DossierRow>),
    NotFound,
    Conflict(DossierStatus),
}

pub(crate) fn status_of(s: &str) -> Result<DossierStatus, StoreError> {
    DossierStatus::ALL
        .into_iter()
        .find(|d| d.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("dossier status {s:?}")))
}

use crate::store::Tx;

const DOSSIER_COLUMNS: &str = "code, kiosk_name, lookup_secret, procedure_code, procedure_name, \
     agency, applicant_json, copies, receipt_json, components_json, processing_time, \
     received_at, due_at, due_date, result_place, status, local_reference";

async fn history_in(
    conn: &mut sqlx::AnyConnection,
    code: &str,
) -> Result<Vec<HistoryRow>, StoreError> {
    let rows =
        sqlx::query("SELECT status, note, at FROM dossier_history WHERE code = $1 ORDER BY id")
            .bind(code)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryRow {
                status: status_of(&r.try_get::<String, _>("status")?)?,
                note: r.try_get("note")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

async fn dossier_in(
    conn: &mut sqlx::AnyConnection,
    code: &str,
) -> Result<Option<DossierRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE code = $1"
    ))
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let copies: i64 = r.try_get("copies")?;
    Ok(Some(DossierRow {
        code: r.try_get("code")?,
        kiosk_name: r.try_get("kiosk_name")?,
        lookup_secret: r.try_get("lookup_secret")?,
        procedure_code: r.try_get("procedure_code")?,
        procedure_name: r.try_get("procedure_name")?,
        agency: r.try_get("agency")?,
        applicant_json: r.try_get("applicant_json")?,
        copies: u32::try_from(copies).map_err(|_| StoreError::Corrupt("copies".to_owned()))?,
        receipt_json: r.try_get("receipt_json")?,
        components_json: r.try_get("components_json")?,
        processing_time: r.try_get("processing_time")?,
        received_at: r.try_get("received_at")?,
        due_at: r.try_get("due_at")?,
        due_date: r.try_get("due_date")?,
        result_place: r.try_get("result_place")?,
        status: status_of(&r.try_get::<String, _>("status")?)?,
        local_reference: r.try_get("local_reference")?,
        history: history_in(conn, code).await?,
    }))
}

/// Checks the payment of a dossier that owes `new.amount`, inside `tx`;
/// the receipt to keep, or why it is refused.
async fn payment_check(
    tx: &mut Tx<'_>,
    new: &NewDossierRow,
) -> Result<Result<Option<String>, &'static str>, StoreError> {
    if new.amount == 0 {
        return Ok(Ok(None));
    }
    let Some(id) = &new.payment_id else {
        return Ok(Err("the fee is not zero and no payment_id is given"));
    };
    let Some(p) = crate::payment_store::payment_in_tx(tx, id).await? else {
        return Ok(Err("no such payment"));
    };
    if p.kiosk_name != new.kiosk_name {
        return Ok(Err("no such payment"));
    }
    if p.procedure_code != new.procedure_code {
        return Ok(Err("the payment is for another procedure"));
    }
    if p.status_at(new.created_at) != PaymentStatus::Paid {
        return Ok(Err("the payment is not paid"));
    }
    if p.amount != new.amount {
        return Ok(Err("the payment is for another amount"));
    }
    let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossiers WHERE payment_id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if used > 0 {
        return Ok(Err("the payment was used by another dossier"));
    }
    let Some(receipt) = p.receipt else {
        return Err(StoreError::Corrupt(
            "a paid intent has no receipt".to_owned(),
        ));
    };
    let receipt = crate::payments::receipt_of(receipt);
    serde_json::to_string(&receipt)
        .map(|s| Ok(Some(s)))
        .map_err(|e| StoreError::Corrupt(format!("receipt: {e}")))
}

impl Store {
    /// Declares an upload, or finds it; whether it was new.
    pub(crate) async fn declare_upload(
        &self,
        sha256: &str,
        size: u64,
        kiosk: &str,
        now: i64,
    ) -> Result<(UploadRow, bool), StoreError> {
        let size_i = i64::try_from(size).map_err(|_| StoreError::Corrupt("size".to_owned()))?;
        let inserted = sqlx::query(
            "INSERT INTO uploads (sha256, size, kiosk_name, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(size_i)
        .bind(kiosk)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        let row = self
            .upload(sha256)
            .await?
            .ok_or_else(|| StoreError::Corrupt("an upload vanished".to_owned()))?;
        Ok((row, inserted))
    }

    /// The upload `sha256`, if declared.
    pub(crate) async fn upload(&self, sha256: &str) -> Result<Option<UploadRow>, StoreError> {
        sqlx::query("SELECT sha256, size, complete, media_type FROM uploads WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| upload_of(&r))
            .transpose()
    }

    /// Marks an upload complete with its checked media type.
    pub(crate) async fn complete_upload(
        &self,
        sha256: &str,
        media_type: &str,
        size: u64,
        kiosk: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE uploads SET complete = 1, media_type = $2, completed_at = $3 \
             WHERE sha256 = $1 AND complete = 0",
        )
        .bind(sha256)
        .bind(media_type)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            record(
                &mut tx,
                at_secs(now),
                Actor::Kiosk(kiosk),
                Action::UploadCompleted,
                Subject::Upload(sha256),
                json!({"size": size, "media_type": media_type}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records a dossier unless the key was used, an upload is not
    /// complete or the fee is not paid.
    pub(crate) async fn submit_dossier(
        &self,
        new: &NewDossierRow,
    ) -> Result<Submitted, StoreError> {
        let mut tx = self.begin_immediate().await?;
        match earlier(
            &mut tx,
            "dossiers",
            "code",
            &new.kiosk_name,
            &new.idempotency_key,
            &new.request_hash,
        )
        .await?
        {
            Earlier::Unused => {}
            Earlier::Reused => {
                tx.rollback().await?;
                return Ok(Submitted::KeyReused);
            }
            Earlier::Same(code) => {
                let found = dossier_in(&mut tx, &code).await?;
                tx.rollback().await?;
                return found
                    .map(|d| Submitted::Existing(Box::new(d)))
                    .ok_or_else(|| StoreError::Corrupt("a dossier vanished".to_owned()));
            }
        }
        for (_, _, sha) in &new.files {
            let complete: Option<i64> =
                sqlx::query_scalar("SELECT complete FROM uploads WHERE sha256 = $1")
                    .bind(sha)
                    .fetch_optional(&mut *tx)
                    .await?;
            if complete != Some(1) {
                tx.rollback().await?;
                return Ok(Submitted::UploadIncomplete(sha.clone()));
            }
        }
        let receipt_json = match payment_check(&mut tx, new).await? {
            Ok(r) => r,
            Err(why) => {
                tx.rollback().await?;
                return Ok(Submitted::PaymentRequired(why));
            }
        };
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_sequences (day, last_number) VALUES ($1, 1) \
             ON CONFLICT (day) DO UPDATE SET last_number = dossier_sequences.last_number + 1 \
             RETURNING last_number",
        )
        .bind(&new.day)
        .fetch_one(&mut *tx)
        .await?;
        let code = format!("{}-{number:04}", new.day);
        sqlx::query(
            "INSERT INTO dossiers (code, day, number, kiosk_name, idempotency_key, request_hash, \
             lookup_secret, procedure_code, procedure_name, agency, applicant_json, account_id, \
             copies, exemption, payment_id, receipt_json, components_json, processing_time, \
             received_at, due_at, due_date, result_place, local_reference, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, $18, $19, $20, $21, $22, $23, $24)",
        )
        .bind(&code)
        .bind(&new.day)
        .bind(number)
        .bind(&new.kiosk_name)
        .bind(&new.idempotency_key)
        .bind(&new.request_hash)
        .bind(&new.lookup_secret)
        .bind(&new.procedure_code)
        .bind(&new.procedure_name)
        .bind(&new.agency)
        .bind(&new.applicant_json)
        .bind(&new.account_id)
        .bind(i64::from(new.copies))
        .bind(&new.exemption)
        .bind(receipt_json.as_ref().and(new.payment_id.as_ref()))
        .bind(&receipt_json)
        .bind(&new.components_json)
        .bind(&new.processing_time)
        .bind(&new.received_at)
        .bind(&new.due_at)
        .bind(&new.due_date)
        .bind(&new.result_place)
        .bind(&new.local_reference)
        .bind(new.created_at)
        .execute(&mut *tx)
        .await?;
        for (component, position, sha) in &new.files {
            sqlx::query(
                "INSERT INTO dossier_files (code, component_id, position, sha256) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&code)
            .bind(component)
            .bind(i64::from(*position))
            .bind(sha)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("INSERT INTO dossier_history (code, status, at) VALUES ($1, 'received', $2)")
            .bind(&code)
            .bind(&new.received_at)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            at_rfc3339(&new.received_at)?,
            Actor::Kiosk(&new.kiosk_name),
            Action::DossierCreated,
            Subject::Dossier(&code),
            json!({
                "procedure_code": new.procedure_code,
                "files": new.files.len(),
                "payment_id": receipt_json.as_ref().and(new.payment_id.as_ref()),
                "account_id": new.account_id,
            }),
        )
        .await?;
        let created = dossier_in(&mut tx, &code).await?;
        tx.commit().await?;
        created
            .map(|d| Submitted::New(Box::new(d)))
            .ok_or_else(|| StoreError::Corrupt("the new dossier vanished".to_owned()))
    }

    /// The dossier `code`, if any.
    pub(crate) async fn dossier(&self, code: &str) -> Result<Option<DossierRow>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        dossier_in(&mut conn, code).await
    }

    /// The media type of the document `sha256` if it is a complete upload
    /// in a component of the dossier `code`; `None` if not.
    pub(crate) async fn dossier_document(
        &self,
        code: &str,
        sha256: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT u.media_type FROM dossier_files f JOIN uploads u ON u.sha256 = f.sha256 \
             WHERE f.code = $1 AND f.sha256 = $2 AND u.complete = 1 LIMIT 1",
        )
        .bind(code)
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Dossiers with the kiosk's `local_reference` (at most 50).
    pub(crate) async fn dossiers_by_local_reference(
        &self,
        local_reference: &str,
    ) -> Result<Vec<DossierRow>, StoreError> {
        let codes: Vec<String> = sqlx::query_scalar(
            "SELECT code FROM dossiers WHERE local_reference = $1 ORDER BY created_at, code LIMIT 50",
        )
        .bind(local_reference)
        .fetch_all(&self.pool)
        .await?;
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::with_capacity(codes.len());
        for code in codes {
            if let Some(d) = dossier_in(&mut conn, &code).await? {
                out.push(d);
            }
        }
        Ok(out)
    }

    /// Moves the dossier `code` to `next` if its status allows, recording
    /// the staff member.
    pub(crate) async fn change_dossier_status(
        &self,
        code: &str,
        next: DossierStatus,
        note: Option<&str>,
        staff_id: &str,
        staff_user: &str,
        at: &str,
    ) -> Result<Changed, StoreError> {
        let mut tx = self.begin_immediate().await?;
        let current: Option<String> =
            sqlx::query_scalar("SELECT status FROM dossiers WHERE code = $1")
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(current) = current else {
            tx.rollback().await?;
            return Ok(Changed::NotFound);
        };
        let current = status_of(&current)?;
        if !current.may_become(next) {
            tx.rollback().await?;
            return Ok(Changed::Conflict(current));
        }
        sqlx::query("UPDATE dossiers SET status = $2 WHERE code = $1")
            .bind(code)
            .bind(next.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO dossier_history (code, status, note, at, staff_id) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(code)
        .bind(next.as_str())
        .bind(note)
        .bind(at)
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            at_rfc3339(at)?,
            Actor::Staff(staff_user),
            Action::DossierStatusChanged,
            Subject::Dossier(code),
            json!({"from": current.as_str(), "to": next.as_str(), "note": note.is_some()}),
        )
        .await?;
        let after = dossier_in(&mut tx, code).await?;
        tx.commit().await?;
        after
            .map(|d| Changed::Done(Box::new(d)))
            .ok_or_else(|| StoreError::Corrupt("a dossier vanished".to_owned()))
    }

    /// Takes one lookup attempt of `code` at `now`, in one `BEGIN
    /// IMMEDIATE` transaction with the count, so parallel guesses cannot
    /// slip past the limit: `Ok(id)` of the attempt (counted as wrong until
    /// [`Store::forget_lookup_attempt`]) with how many are counted now and
    /// when the earliest of them was, or, when `max` attempts since `since`
    /// are already counted, `Err(oldest)`. Attempts older than `since` are
    /// forgotten.
    pub(crate) async fn take_lookup_attempt(
        &self,
        code: &str,
        now: i64,
        since: i64,
        max: u32,
    ) -> Result<Result<LookupAttempt, Option<i64>>, StoreError> {
        let mut tx = self.begin_immediate().await?;
        sqlx::query("DELETE FROM dossier_lookup_failures WHERE at <= $1")
            .bind(since)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM dossier_lookup_failures \
             WHERE code = $1",
        )
        .bind(code)
        .fetch_one(&mut *tx)
        .await?;
        let n: i64 = row.try_get("n")?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        if n >= i64::from(max) {
            tx.rollback().await?;
            return Ok(Err(oldest));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_lookup_failures (code, at) VALUES ($1, $2) RETURNING rowid",
        )
        .bind(code)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(LookupAttempt {
            id,
            counted: u32::try_from(n + 1).unwrap_or(u32::MAX),
            oldest: oldest.unwrap_or(now).min(now),
        }))
    }

    /// A lookup attempt turned out right: it does not count.
    pub(crate) async fn forget_lookup_attempt(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM dossier_lookup_failures WHERE rowid = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A lookup attempt taken by [`Store::take_lookup_attempt`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct LookupAttempt {
    pub id: i64,
    /// Attempts of the code counted in the window, this one included.
    pub counted: u32,
    /// When the earliest of them was.
    pub oldest: i64,
}
