//! Payment intents, receipts and bank transactions in SQLite.
//!
//! Every change of an intent's status is one `BEGIN IMMEDIATE` transaction
//! that reads the intent and writes it conditionally, so a webhook, a
//! counter confirmation and a cancel racing for one intent are serialised.
//! A receipt's number is allocated in the transaction that marks its intent
//! paid: two payments never share a number, and a transaction that rolls
//! back leaves no gap.

use motcua_protocol::{PaymentMethod, PaymentStatus};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::audit::{Action, Actor, Subject, at_secs, record};
use crate::idempotency::{Earlier, earlier};
use crate::store::rfc3339;
use crate::{Store, StoreError};

/// Largest receipt number: 7 digits.
pub const MAX_RECEIPT_NUMBER: u32 = 9_999_999;

use crate::store::Tx;

/// An intent to record.
#[derive(Debug, Clone)]
pub(crate) struct NewPaymentRow {
    pub id: String,
    pub kiosk_name: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub copies: u32,
    pub pages: Option<u32>,
    pub amount: u64,
    pub method: PaymentMethod,
    pub reference: String,
    pub counter_code: Option<String>,
    pub vietqr: Option<VietQrRow>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// What a VietQR intent shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VietQrRow {
    pub payload: String,
    pub bin: String,
    pub account: String,
    pub account_name: String,
    pub sample: bool,
}

/// A recorded intent, with its receipt once paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PaymentRow {
    pub id: String,
    pub kiosk_name: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub copies: u32,
    pub pages: Option<u32>,
    pub amount: u64,
    pub method: PaymentMethod,
    /// As stored: a `pending` intent past `expires_at` is expired all the
    /// same (see [`PaymentRow::status_at`]).
    pub stored_status: PaymentStatus,
    pub reference: String,
    pub counter_code: Option<String>,
    pub vietqr: Option<VietQrRow>,
    pub created_at: i64,
    pub expires_at: i64,
    pub paid_at: Option<i64>,
    pub receipt: Option<ReceiptRow>,
}

impl PaymentRow {
    /// The status at `now`: a pending intent is expired from `expires_at` on.
    pub fn status_at(&self, now: i64) -> PaymentStatus {
        effective(self.stored_status, self.expires_at, now)
    }
}

fn effective(stored: PaymentStatus, expires_at: i64, now: i64) -> PaymentStatus {
    if stored == PaymentStatus::Pending && now >= expires_at {
        PaymentStatus::Expired
    } else {
        stored
    }
}

/// An issued receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReceiptRow {
    pub template: String,
    pub symbol: String,
    pub number: u32,
    pub issued_at: String,
    pub issuer: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub amount: u64,
    pub method: PaymentMethod,
    pub reference: String,
}

/// What the receipt of a payment is issued under.
#[derive(Debug, Clone)]
pub(crate) struct ReceiptSettings<'a> {
    pub template: &'a str,
    /// The symbol (ký hiệu) of the year the receipt is issued in.
    pub symbol: String,
    pub year: i32,
    pub issuer: &'a str,
}

/// What recording an intent did.
#[derive(Debug)]
pub(crate) enum Created {
    New(Box<PaymentRow>),
    /// The kiosk used this idempotency key before, for the same request.
    Existing(Box<PaymentRow>),
    /// The kiosk used this idempotency key before, for another request.
    KeyReused,
    /// The reference or the counter code is taken: draw new ones.
    Collision,
}

/// Who marks an intent paid.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PaidBy<'a> {
    Bank { transaction_id: &'a str },
    Counter { staff_id: &'a str, user: &'a str },
}

/// What an attempt to pay or cancel an intent found.
#[derive(Debug)]
pub(crate) enum Settled {
    /// Done (or, for a cancel, already done).
    Done(Box<PaymentRow>),
    /// No such intent (for this kiosk, or of this method).
    NotFound,
    /// The intent is no longer pending: its status at the time.
    Closed {
        payment_id: String,
        status: PaymentStatus,
    },
}

/// A bank transaction as the webhook reports it.
#[derive(Debug, Clone)]
pub(crate) struct BankTxRow<'a> {
    pub transaction_id: &'a str,
    pub reference: &'a str,
    pub amount: u64,
    pub paid_at: &'a str,
}

/// What a bank transaction did.
#[derive(Debug)]
pub(crate) enum BankOutcome {
    /// The intent is paid by this transaction; `duplicate` when it was
    /// already applied before.
    Applied {
        payment: Box<PaymentRow>,
        duplicate: bool,
    },
    /// Another amount than the intent's: it stays pending.
    AmountMismatch { payment_id: String, expected: u64 },
    /// The intent was no longer pending: the money is to be refunded.
    Closed {
        payment_id: String,
        status: PaymentStatus,
    },
    /// No intent has this reference: the money is to be refunded.
    UnknownReference,
    /// The transaction id was recorded before with another reference or
    /// amount: nothing changes.
    Conflicting,
}

fn i64_of(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt("amount too large".to_owned()))
}

fn u32_of(n: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n} out of range")))
}

fn u64_of(n: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n} out of range")))
}

fn method_of(s: &str) -> Result<PaymentMethod, StoreError> {
    match s {
        "vietqr" => Ok(PaymentMethod::Vietqr),
        "counter" => Ok(PaymentMethod::Counter),
        other => Err(StoreError::Corrupt(format!("payment method {other:?}"))),
    }
}

fn status_of(s: &str) -> Result<PaymentStatus, StoreError> {
    match s {
        "pending" => Ok(PaymentStatus::Pending),
        "paid" => Ok(PaymentStatus::Paid),
        "expired" => Ok(PaymentStatus::Expired),
        "cancelled" => Ok(PaymentStatus::Cancelled),
        other => Err(StoreError::Corrupt(format!("payment status {other:?}"))),
    }
}

const PAYMENT_COLUMNS: &str = "p.id, p.kiosk_name, p.procedure_code, p.procedure_name, p.copies, \
     p.pages, p.amount, p.method, p.status, p.reference, p.counter_code, p.vietqr_payload, \
     p.bank_bin, p.bank_account, p.bank_account_name, p.bank_sample, p.created_at, \
     p.expires_at, p.paid_at, r.template, r.symbol, r.number, r.issued_at, r.issuer, \
     r.procedure_code AS r_procedure_code, r.procedure_name AS r_procedure_name, \
     r.amount AS r_amount, r.method AS r_method, r.reference AS r_reference";

fn select_payments(filter: &str) -> String {
    format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments p LEFT JOIN receipts r ON r.payment_id = p.id \
         WHERE {filter}"
    )
}

fn payment_of(r: &AnyRow) -> Result<PaymentRow, StoreError> {
    let method = method_of(&r.try_get::<String, _>("method")?)?;
    let vietqr = match r.try_get::<Option<String>, _>("vietqr_payload")? {
        Some(payload) => Some(VietQrRow {
            payload,
            bin: r
                .try_get::<Option<String>, _>("bank_bin")?
                .unwrap_or_default(),
            account: r
                .try_get::<Option<String>, _>("bank_account")?
                .unwrap_or_default(),
            account_name: r
                .try_get::<Option<String>, _>("bank_account_name")?
                .unwrap_or_default(),
            sample: r.try_get::<i64, _>("bank_sample")? != 0,
        }),
        None => None,
    };
    let receipt = match r.try_get::<Option<i64>, _>("number")? {
        Some(number) => Some(ReceiptRow {
            template: r.try_get("template")?,
            symbol: r.try_get("symbol")?,
            number: u32_of(number, "receipt number")?,
            issued_at: r.try_get("issued_at")?,
            issuer: r.try_get("issuer")?,
            procedure_code: r.try_get("r_procedure_code")?,
            procedure_name: r.try_get("r_procedure_name")?,
            amount: u64_of(r.try_get("r_amount")?, "receipt amount")?,
            method: method_of(&r.try_get::<String, _>("r_method")?)?,
            reference: r.try_get("r_reference")?,
        }),
        None => None,
    };
    Ok(PaymentRow {
        id: r.try_get("id")?,
        kiosk_name: r.try_get("kiosk_name")?,
        procedure_code: r.try_get("procedure_code")?,
        procedure_name: r.try_get("procedure_name")?,
        copies: u32_of(r.try_get("copies")?, "copies")?,
        pages: r
            .try_get::<Option<i64>, _>("pages")?
            .map(|p| u32_of(p, "pages"))
            .transpose()?,
        amount: u64_of(r.try_get("amount")?, "amount")?,
        method,
        stored_status: status_of(&r.try_get::<String, _>("status")?)?,
        reference: r.try_get("reference")?,
        counter_code: r.try_get("counter_code")?,
        vietqr,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        paid_at: r.try_get("paid_at")?,
        receipt,
    })
}

async fn payment_in(
    tx: &mut Tx<'_>,
    filter: &str,
    value: &str,
) -> Result<Option<PaymentRow>, StoreError> {
    sqlx::query(&select_payments(filter))
        .bind(value)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| payment_of(&r))
        .transpose()
}

/// The intent `id` read inside another store transaction.
pub(crate) async fn payment_in_tx(
    tx: &mut Tx<'_>,
    id: &str,
) -> Result<Option<PaymentRow>, StoreError> {
    payment_in(tx, "p.id = $1", id).await
}

/// Marks pending intents past their expiry as expired.
async fn sweep_expired(tx: &mut Tx<'_>, now: i64) -> Result<(), StoreError> {
    let expired: Vec<String> = sqlx::query_scalar(
        "UPDATE payments SET status = 'expired' WHERE status = 'pending' AND expires_at <= $1 \
         RETURNING id",
    )
    .bind(now)
    .fetch_all(&mut **tx)
    .await?;
    for id in &expired {
        record(
            tx,
            at_secs(now),
            Actor::System,
            Action::PaymentExpired,
            Subject::Payment(id),
            json!({}),
        )
        .await?;
    }
    Ok(())
}

/// Marks the pending intent `id` paid by `by` at `now` and issues its
/// receipt with the next number of the settings' symbol and year. The
/// caller has checked that it is pending and unexpired, inside `tx`.
async fn pay_in(
    tx: &mut Tx<'_>,
    p: &PaymentRow,
    by: PaidBy<'_>,
    now: OffsetDateTime,
    receipt: &ReceiptSettings<'_>,
) -> Result<(), StoreError> {
    let now_s = now.unix_timestamp();
    let (paid_by, transaction, staff_id, user) = match by {
        PaidBy::Bank { transaction_id } => ("bank", Some(transaction_id), None, None),
        PaidBy::Counter { staff_id, user } => ("counter", None, Some(staff_id), Some(user)),
    };
    let done = sqlx::query(
        "UPDATE payments SET status = 'paid', paid_at = $2, paid_by = $3, bank_transaction = $4, \
         confirmed_by = $5, confirmed_by_user = $6 \
         WHERE id = $1 AND status = 'pending' AND expires_at > $2",
    )
    .bind(&p.id)
    .bind(now_s)
    .bind(paid_by)
    .bind(transaction)
    .bind(staff_id)
    .bind(user)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Corrupt(
            "the intent changed inside its own transaction".to_owned(),
        ));
    }
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO receipt_sequences (symbol, year, last_number) VALUES ($1, $2, 1) \
         ON CONFLICT (symbol, year) DO UPDATE SET last_number = receipt_sequences.last_number + 1 \
         RETURNING last_number",
    )
    .bind(&receipt.symbol)
    .bind(receipt.year)
    .fetch_one(&mut **tx)
    .await?;
    if number > i64::from(MAX_RECEIPT_NUMBER) {
        return Err(StoreError::Corrupt(format!(
            "receipt numbers of {} {} are used up",
            receipt.symbol, receipt.year
        )));
    }
    sqlx::query(
        "INSERT INTO receipts (id, payment_id, template, symbol, year, number, issued_at, issuer, \
         procedure_code, procedure_name, amount, method, reference) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(&p.id)
    .bind(receipt.template)
    .bind(&receipt.symbol)
    .bind(receipt.year)
    .bind(number)
    .bind(rfc3339(now)?)
    .bind(receipt.issuer)
    .bind(&p.procedure_code)
    .bind(&p.procedure_name)
    .bind(i64_of(p.amount)?)
    .bind(p.method.as_str())
    .bind(&p.reference)
    .execute(&mut **tx)
    .await?;
    let (actor, action) = match by {
        PaidBy::Bank { .. } => (Actor::Bank, Action::PaymentConfirmedByBank),
        PaidBy::Counter { user, .. } => (Actor::Staff(user), Action::PaymentConfirmedCash),
    };
    record(
        tx,
        now,
        actor,
        action,
        Subject::Payment(&p.id),
        json!({"amount": p.amount, "method": p.method.as_str(), "bank_transaction": transaction}),
    )
    .await?;
    let receipt_id = format!("{}/{number:07}", receipt.symbol);
    record(
        tx,
        now,
        actor,
        Action::ReceiptIssued,
        Subject::Receipt(&receipt_id),
        json!({"payment_id": p.id, "amount": p.amount, "template": receipt.template}),
    )
    .await?;
    Ok(())
}

/// Marks `p` expired in `tx` if it is pending past its expiry; its status at `now`.
async fn close_if_expired(
    tx: &mut Tx<'_>,
    p: &PaymentRow,
    now: i64,
) -> Result<PaymentStatus, StoreError> {
    let status = p.status_at(now);
    if status == PaymentStatus::Expired && p.stored_status == PaymentStatus::Pending {
        let done = sqlx::query(
            "UPDATE payments SET status = 'expired' WHERE id = $1 AND status = 'pending'",
        )
        .bind(&p.id)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 1 {
            record(
                tx,
                at_secs(now),
                Actor::System,
                Action::PaymentExpired,
                Subject::Payment(&p.id),
                json!({}),
            )
            .await?;
        }
    }
    Ok(status)
}

impl Store {
    /// Records an intent, unless the kiosk used its idempotency key before.
    /// Expired intents are swept first, freeing their counter codes.
    pub(crate) async fn create_payment(&self, new: &NewPaymentRow) -> Result<Created, StoreError> {
        let mut tx = self.begin_immediate().await?;
        sweep_expired(&mut tx, new.created_at).await?;
        match earlier(
            &mut tx,
            "payments",
            "id",
            &new.kiosk_name,
            &new.idempotency_key,
            &new.request_hash,
        )
        .await?
        {
            Earlier::Unused => {}
            Earlier::Reused => {
                tx.rollback().await?;
                return Ok(Created::KeyReused);
            }
            Earlier::Same(id) => {
                let found = payment_in(&mut tx, "p.id = $1", &id).await?;
                // Committed, not rolled back: it keeps the sweep of expired intents.
                tx.commit().await?;
                return found
                    .map(|p| Created::Existing(Box::new(p)))
                    .ok_or_else(|| StoreError::Corrupt("an intent vanished".to_owned()));
            }
        }
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM payments WHERE reference = $1 \
             OR ($2 IS NOT NULL AND counter_code = $2 AND status = 'pending')",
        )
        .bind(&new.reference)
        .bind(&new.counter_code)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            tx.rollback().await?;
            return Ok(Created::Collision);
        }
        let q = new.vietqr.as_ref();
        sqlx::query(
            "INSERT INTO payments (id, kiosk_name, idempotency_key, request_hash, procedure_code, \
             procedure_name, copies, pages, amount, method, reference, counter_code, \
             vietqr_payload, bank_bin, bank_account, bank_account_name, bank_sample, created_at, \
             expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19)",
        )
        .bind(&new.id)
        .bind(&new.kiosk_name)
        .bind(&new.idempotency_key)
        .bind(&new.request_hash)
        .bind(&new.procedure_code)
        .bind(&new.procedure_name)
        .bind(i64::from(new.copies))
        .bind(new.pages.map(i64::from))
        .bind(i64_of(new.amount)?)
        .bind(new.method.as_str())
        .bind(&new.reference)
        .bind(&new.counter_code)
        .bind(q.map(|q| &q.payload))
        .bind(q.map(|q| &q.bin))
        .bind(q.map(|q| &q.account))
        .bind(q.map(|q| &q.account_name))
        .bind(i64::from(q.is_some_and(|q| q.sample)))
        .bind(new.created_at)
        .bind(new.expires_at)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            at_secs(new.created_at),
            Actor::Kiosk(&new.kiosk_name),
            Action::PaymentCreated,
            Subject::Payment(&new.id),
            json!({
                "procedure_code": new.procedure_code,
                "amount": new.amount,
                "method": new.method.as_str(),
            }),
        )
        .await?;
        let created = payment_in(&mut tx, "p.id = $1", &new.id).await?;
        tx.commit().await?;
        created
            .map(|p| Created::New(Box::new(p)))
            .ok_or_else(|| StoreError::Corrupt("the new intent vanished".to_owned()))
    }

    /// The intent `id`, if any.
    pub(crate) async fn payment(&self, id: &str) -> Result<Option<PaymentRow>, StoreError> {
        sqlx::query(&select_payments("p.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| payment_of(&r))
            .transpose()
    }

    /// Cancels the pending intent `id` of kiosk `kiosk`. A cancelled intent
    /// is answered as it is; a paid or expired one is closed.
    pub(crate) async fn cancel_payment(
        &self,
        id: &str,
        kiosk: &str,
        now: i64,
    ) -> Result<Settled, StoreError> {
        let mut tx = self.begin_immediate().await?;
        let Some(p) = payment_in(&mut tx, "p.id = $1", id).await? else {
            tx.rollback().await?;
            return Ok(Settled::NotFound);
        };
        if p.kiosk_name != kiosk {
            tx.rollback().await?;
            return Ok(Settled::NotFound);
        }
        let status = close_if_expired(&mut tx, &p, now).await?;
        let outcome = match status {
            PaymentStatus::Pending => {
                sqlx::query(
                    "UPDATE payments SET status = 'cancelled', cancelled_at = $2 \
                     WHERE id = $1 AND status = 'pending'",
                )
                .bind(&p.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                record(
                    &mut tx,
                    at_secs(now),
                    Actor::Kiosk(kiosk),
                    Action::PaymentCancelled,
                    Subject::Payment(&p.id),
                    json!({}),
                )
                .await?;
                let after = payment_in(&mut tx, "p.id = $1", id).await?;
                match after {
                    Some(after) => Settled::Done(Box::new(after)),
                    None => return Err(StoreError::Corrupt("an intent vanished".to_owned())),
                }
            }
            PaymentStatus::Cancelled => Settled::Done(Box::new(p)),
            status => Settled::Closed {
                payment_id: p.id,
                status,
            },
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// A clerk confirms the counter intent `id` paid: it is marked paid with
    /// the clerk recorded, and its receipt issued.
    pub(crate) async fn confirm_counter_payment(
        &self,
        id: &str,
        staff_id: &str,
        user: &str,
        now: OffsetDateTime,
        receipt: &ReceiptSettings<'_>,
    ) -> Result<Settled, StoreError> {
        let now_s = now.unix_timestamp();
        let mut tx = self.begin_immediate().await?;
        let found = payment_in(&mut tx, "p.id = $1", id).await?;
        let Some(p) = found.filter(|p| p.method == PaymentMethod::Counter) else {
            tx.rollback().await?;
            return Ok(Settled::NotFound);
        };
        let status = close_if_expired(&mut tx, &p, now_s).await?;
        if status != PaymentStatus::Pending {
            tx.commit().await?;
            return Ok(Settled::Closed {
                payment_id: p.id,
                status,
            });
        }
        pay_in(
            &mut tx,
            &p,
            PaidBy::Counter { staff_id, user },
            now,
            receipt,
        )
        .await?;
        let paid = payment_in(&mut tx, "p.id = $1", id).await?;
        tx.commit().await?;
        paid.map(|p| Settled::Done(Box::new(p)))
            .ok_or_else(|| StoreError::Corrupt("an intent vanished".to_owned()))
    }

    /// Applies a bank transaction whose signature was checked: records it
    /// once, and pays its intent when the reference and amount match a
    /// pending one. A transaction seen before changes nothing and gets the
    /// answer it got then.
    pub(crate) async fn apply_bank_transaction(
        &self,
        t: &BankTxRow<'_>,
        now: OffsetDateTime,
        receipt: &ReceiptSettings<'_>,
    ) -> Result<BankOutcome, StoreError> {
        let now_s = now.unix_timestamp();
        let mut tx = self.begin_immediate().await?;
        let seen = sqlx::query(
            "SELECT reference, amount, outcome, payment_id FROM bank_transactions \
             WHERE transaction_id = $1",
        )
        .bind(t.transaction_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(seen) = seen {
            let outcome = replayed(&mut tx, &seen, t, now_s).await?;
            tx.rollback().await?;
            return Ok(outcome);
        }
        let found = payment_in(&mut tx, "p.reference = $1", t.reference).await?;
        let (outcome, outcome_code, payment_id) = match found {
            None => (BankOutcome::UnknownReference, "unknown_reference", None),
            Some(p) => {
                let status = close_if_expired(&mut tx, &p, now_s).await?;
                if status != PaymentStatus::Pending {
                    let id = p.id.clone();
                    (
                        BankOutcome::Closed {
                            payment_id: p.id,
                            status,
                        },
                        "closed",
                        Some(id),
                    )
                } else if p.amount != t.amount {
                    let id = p.id.clone();
                    (
                        BankOutcome::AmountMismatch {
                            payment_id: p.id,
                            expected: p.amount,
                        },
                        "amount_mismatch",
                        Some(id),
                    )
                } else {
                    let by = PaidBy::Bank {
                        transaction_id: t.transaction_id,
                    };
                    pay_in(&mut tx, &p, by, now, receipt).await?;
                    let paid = payment_in(&mut tx, "p.id = $1", &p.id)
                        .await?
                        .ok_or_else(|| StoreError::Corrupt("an intent vanished".to_owned()))?;
                    (
                        BankOutcome::Applied {
                            payment: Box::new(paid),
                            duplicate: false,
                        },
                        "applied",
                        Some(p.id),
                    )
                }
            }
        };
        sqlx::query(
            "INSERT INTO bank_transactions (transaction_id, reference, amount, paid_at, \
             received_at, outcome, payment_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(t.transaction_id)
        .bind(t.reference)
        .bind(i64_of(t.amount)?)
        .bind(t.paid_at)
        .bind(now_s)
        .bind(outcome_code)
        .bind(&payment_id)
        .execute(&mut *tx)
        .await?;
        if outcome_code != "applied" {
            record(
                &mut tx,
                now,
                Actor::Bank,
                Action::BankTransactionUnapplied,
                Subject::BankTransaction(t.transaction_id),
                json!({"outcome": outcome_code, "amount": t.amount, "payment_id": payment_id}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// Counter intents whose status at `now` is `status`, oldest first (at
    /// most 500).
    pub(crate) async fn counter_payments(
        &self,
        status: PaymentStatus,
        now: i64,
    ) -> Result<Vec<PaymentRow>, StoreError> {
        let filter = match status {
            PaymentStatus::Pending => "p.status = 'pending' AND p.expires_at > $2",
            PaymentStatus::Expired => {
                "(p.status = 'expired' OR (p.status = 'pending' AND p.expires_at <= $2))"
            }
            PaymentStatus::Paid => "p.status = 'paid' AND $2 IS NOT NULL",
            PaymentStatus::Cancelled => "p.status = 'cancelled' AND $2 IS NOT NULL",
        };
        let sql = select_payments(&format!(
            "p.method = $1 AND {filter} ORDER BY p.created_at ASC, p.rowid ASC LIMIT 500"
        ));
        let rows = sqlx::query(&sql)
            .bind(PaymentMethod::Counter.as_str())
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(payment_of).collect()
    }
}

/// The answer a transaction recorded before gets again; nothing is written.
async fn replayed(
    tx: &mut Tx<'_>,
    seen: &AnyRow,
    t: &BankTxRow<'_>,
    now: i64,
) -> Result<BankOutcome, StoreError> {
    let reference: String = seen.try_get("reference")?;
    let amount = u64_of(seen.try_get("amount")?, "amount")?;
    if reference != t.reference || amount != t.amount {
        return Ok(BankOutcome::Conflicting);
    }
    let outcome: String = seen.try_get("outcome")?;
    let payment_id: Option<String> = seen.try_get("payment_id")?;
    let payment = match &payment_id {
        Some(id) => payment_in(tx, "p.id = $1", id).await?,
        None => None,
    };
    Ok(match (outcome.as_str(), payment) {
        ("applied", Some(p)) => BankOutcome::Applied {
            payment: Box::new(p),
            duplicate: true,
        },
        ("amount_mismatch", Some(p)) => BankOutcome::AmountMismatch {
            payment_id: p.id,
            expected: p.amount,
        },
        ("closed", Some(p)) => {
            let status = p.status_at(now);
            BankOutcome::Closed {
                payment_id: p.id,
                status,
            }
        }
        ("unknown_reference", None) => BankOutcome::UnknownReference,
        (other, _) => {
            return Err(StoreError::Corrupt(format!(
                "bank transaction outcome {other:?} without its intent"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_intent_expires_at_its_time() {
        assert_eq!(
            effective(PaymentStatus::Pending, 100, 99),
            PaymentStatus::Pending
        );
        assert_eq!(
            effective(PaymentStatus::Pending, 100, 100),
            PaymentStatus::Expired
        );
        assert_eq!(
            effective(PaymentStatus::Paid, 100, 500),
            PaymentStatus::Paid
        );
        assert_eq!(
            effective(PaymentStatus::Cancelled, 100, 500),
            PaymentStatus::Cancelled
        );
    }
}
