//! Fees and payments: the fee quote, payment intents (VietQR or counter),
//! the bank's signed webhook, the counter's confirmation, and the
//! electronic receipt issued when an intent is paid.
//!
//! The amount always comes from the catalog's rule through
//! `motcua_core::fee`, never from the kiosk. Logs name intents by their
//! opaque id, kiosks by name, staff by opaque id, and amounts: never a
//! reference, a counter code, a signature, a secret or a person.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_protocol::payments::{IDEMPOTENCY_KEY_MAX_CHARS, PAYMENT_TTL_SECONDS};
use motcua_protocol::{
    BANK_SIGNATURE_HEADER, BankWebhook, BankWebhookAck, ConsoleEventKind, CounterPayment,
    CounterPaymentList, Exemption, FeeQuote, FeeQuoteRequest, IDEMPOTENCY_KEY_HEADER, NewPayment,
    Payment, PaymentMethod, PaymentStatus, ProblemCode, Procedure, Receipt, VietQrPayment,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::api::{ApiJson, ApiPath, ApiQuery, MAX_JSON_BYTES};
use crate::bank::signature_ok;
use crate::payment_store::{
    BankOutcome, BankTxRow, Created, NewPaymentRow, PaymentRow, ReceiptRow, ReceiptSettings,
    Settled, VietQrRow,
};
use crate::staff::ConsoleStaff;
use crate::tokens::hex;
use crate::{ApiError, AppState, AuthedKiosk};

/// The kind of document a receipt is.
pub const RECEIPT_TITLE: &str = "Biên lai thu phí, lệ phí";

/// Longest bank transaction id the webhook accepts.
const TRANSACTION_ID_MAX_CHARS: usize = 128;

/// How many times a fresh reference or counter code is drawn when taken.
const MAX_DRAWS: usize = 8;

pub(crate) fn rfc3339_of(unix: i64) -> Result<String, ApiError> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .ok_or_else(|| ApiError::new(ProblemCode::Internal, "a stored time cannot be written"))
}

fn procedure<'a>(s: &'a AppState, code: &str) -> Result<&'a Procedure, ApiError> {
    motcua_core::catalog::find(&s.catalog, code.trim())
        .ok_or_else(|| ApiError::not_found(format!("no procedure with code {:?}", code.trim())))
}

fn quote_of(
    s: &AppState,
    code: &str,
    copies: Option<u32>,
    pages: Option<u32>,
    exemption: Option<Exemption>,
) -> Result<FeeQuote, ApiError> {
    let p = procedure(s, code)?;
    motcua_core::fee::quote(p, copies, pages, exemption)
        .map_err(|e| ApiError::invalid(e.to_string()))
}

/// `POST /v1/fees/quote`.
pub(crate) async fn quote(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<FeeQuoteRequest>,
) -> Result<Json<FeeQuote>, ApiError> {
    quote_of(
        &s,
        &req.procedure_code,
        req.copies,
        req.pages,
        req.exemption,
    )
    .map(Json)
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `MC` and 8 base-32 characters from 40 random bits.
fn new_reference() -> String {
    use rand::RngExt;
    let mut bytes = [0u8; 5];
    rand::rng().fill(&mut bytes);
    let bits = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut out = String::from("MC");
    for i in (0..8).rev() {
        out.push(char::from(BASE32[((bits >> (i * 5)) & 31) as usize]));
    }
    out
}

/// Six random digits.
fn new_counter_code() -> String {
    use rand::RngExt;
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get(IDEMPOTENCY_KEY_HEADER)
        .ok_or_else(|| ApiError::invalid("the Idempotency-Key header is required"))?
        .to_str()
        .map_err(|_| ApiError::invalid("the Idempotency-Key header is not ASCII"))?
        .trim();
    if key.is_empty()
        || key.len() > IDEMPOTENCY_KEY_MAX_CHARS
        || !key.bytes().all(|b| (0x21..=0x7e).contains(&b))
    {
        return Err(ApiError::invalid(format!(
            "the Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX_CHARS} printable ASCII characters"
        )));
    }
    Ok(key.to_owned())
}

/// Hex SHA-256 of the request as it is understood, so that a key reused
/// for another request is told apart from a retry.
fn request_hash(q: &FeeQuote, req: &NewPayment) -> String {
    let canonical = format!(
        "{}|{}|{}|{}|{}",
        q.procedure_code,
        q.copies,
        req.pages.map(|p| p.to_string()).unwrap_or_default(),
        req.exemption.map(Exemption::as_str).unwrap_or_default(),
        req.method.as_str()
    );
    hex(&Sha256::digest(canonical.as_bytes()))
}

pub(crate) fn receipt_of(r: ReceiptRow) -> Receipt {
    Receipt {
        title: RECEIPT_TITLE.to_owned(),
        template: r.template,
        symbol: r.symbol,
        number: r.number,
        number_text: format!("{:07}", r.number),
        issued_at: r.issued_at,
        issuer: r.issuer,
        procedure_code: r.procedure_code,
        procedure_name: r.procedure_name,
        amount: r.amount,
        amount_text: motcua_core::text::money(r.amount),
        amount_in_words: motcua_core::text::money_in_words(r.amount),
        method: r.method,
        reference: r.reference,
    }
}

fn payment_of(p: PaymentRow, now: i64) -> Result<Payment, ApiError> {
    let status = p.status_at(now);
    Ok(Payment {
        status,
        amount_text: motcua_core::text::money(p.amount),
        amount_in_words: motcua_core::text::money_in_words(p.amount),
        created_at: rfc3339_of(p.created_at)?,
        expires_at: rfc3339_of(p.expires_at)?,
        paid_at: p.paid_at.map(rfc3339_of).transpose()?,
        id: p.id,
        procedure_code: p.procedure_code,
        procedure_name: p.procedure_name,
        copies: p.copies,
        pages: p.pages,
        amount: p.amount,
        method: p.method,
        reference: p.reference,
        vietqr: p.vietqr.map(|q| VietQrPayment {
            payload: q.payload,
            bank_bin: q.bin,
            account_number: q.account,
            account_name: q.account_name,
            sample: q.sample,
        }),
        counter_code: p.counter_code,
        receipt: p.receipt.map(receipt_of),
    })
}

fn vietqr_row(s: &AppState, amount: u64, reference: &str) -> Result<VietQrRow, ApiError> {
    let bank = &s.payments.bank;
    let payload = motcua_core::vietqr::encode(&motcua_core::vietqr::Transfer {
        bin: bank.bin.clone(),
        account: bank.account_number.clone(),
        amount: Some(amount),
        purpose: Some(reference.to_owned()),
        reference: Some(reference.to_owned()),
        service: motcua_core::vietqr::Service::ToAccount,
    })
    .map_err(|e| ApiError::new(ProblemCode::Internal, format!("VietQR: {e}")))?;
    Ok(VietQrRow {
        payload,
        bin: bank.bin.clone(),
        account: bank.account_number.clone(),
        account_name: bank.account_name.clone(),
        sample: s.payments.bank_is_sample,
    })
}

/// `POST /v1/payments`.
pub(crate) async fn create(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewPayment>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let q = quote_of(
        &s,
        &req.procedure_code,
        req.copies,
        req.pages,
        req.exemption,
    )?;
    if q.amount == 0 {
        return Err(ApiError::new(
            ProblemCode::FreeProcedure,
            "the fee is zero (a free procedure or an exemption): nothing to pay",
        ));
    }
    let hash = request_hash(&q, &req);
    let now = s.clock.now().unix_timestamp();
    for _ in 0..MAX_DRAWS {
        let reference = new_reference();
        let vietqr = match req.method {
            PaymentMethod::Vietqr => Some(vietqr_row(&s, q.amount, &reference)?),
            PaymentMethod::Counter => None,
        };
        let new = NewPaymentRow {
            id: uuid::Uuid::new_v4().to_string(),
            kiosk_name: kiosk.name.clone(),
            idempotency_key: key.clone(),
            request_hash: hash.clone(),
            procedure_code: q.procedure_code.clone(),
            procedure_name: q.procedure_name.clone(),
            copies: q.copies,
            pages: q.pages,
            amount: q.amount,
            method: req.method,
            reference,
            counter_code: (req.method == PaymentMethod::Counter).then(new_counter_code),
            vietqr,
            created_at: now,
            expires_at: now + PAYMENT_TTL_SECONDS,
        };
        match s.store.create_payment(&new).await? {
            Created::New(p) => {
                tracing::info!(payment = %p.id, kiosk = %kiosk.name, procedure = %p.procedure_code,
                    amount = p.amount, method = p.method.as_str(), "payment intent created");
                s.events
                    .publish(ConsoleEventKind::PaymentCreated, p.id.clone());
                return Ok((StatusCode::CREATED, Json(payment_of(*p, now)?)).into_response());
            }
            Created::Existing(p) => {
                tracing::info!(payment = %p.id, kiosk = %kiosk.name,
                    "payment intent answered again for its idempotency key");
                return Ok((StatusCode::OK, Json(payment_of(*p, now)?)).into_response());
            }
            Created::KeyReused => {
                tracing::info!(kiosk = %kiosk.name, "idempotency key reused for another request");
                return Err(ApiError::new(
                    ProblemCode::IdempotencyKeyReused,
                    "this Idempotency-Key was used for a different payment request",
                ));
            }
            Created::Collision => continue,
        }
    }
    Err(ApiError::new(
        ProblemCode::Internal,
        "no free reference or counter code could be drawn",
    ))
}

fn not_found() -> ApiError {
    ApiError::new(
        ProblemCode::PaymentNotFound,
        "no payment with this id for this caller",
    )
}

fn closed(status: PaymentStatus) -> ApiError {
    ApiError::new(
        ProblemCode::PaymentClosed,
        format!("the payment is {}", status.as_str()),
    )
}

/// `GET /v1/payments/{id}`: only the kiosk that created it sees it.
pub(crate) async fn get_one(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Payment>, ApiError> {
    let p = s
        .store
        .payment(&id)
        .await?
        .filter(|p| p.kiosk_name == kiosk.name)
        .ok_or_else(not_found)?;
    Ok(Json(payment_of(p, s.clock.now().unix_timestamp())?))
}

/// `POST /v1/payments/{id}/cancel`.
pub(crate) async fn cancel(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Payment>, ApiError> {
    let now = s.clock.now().unix_timestamp();
    match s.store.cancel_payment(&id, &kiosk.name, now).await? {
        Settled::Done(p) => {
            tracing::info!(payment = %p.id, kiosk = %kiosk.name, "payment intent cancelled");
            Ok(Json(payment_of(*p, now)?))
        }
        Settled::NotFound => Err(not_found()),
        Settled::Closed { payment_id, status } => {
            tracing::info!(payment = %payment_id, status = status.as_str(), "cancel refused: payment closed");
            Err(closed(status))
        }
    }
}

/// The receipt settings at `now`: the symbol of the year in Vietnam.
fn receipt_settings(s: &AppState, now: OffsetDateTime) -> ReceiptSettings<'_> {
    let year = now.to_offset(time::macros::offset!(+7)).year();
    ReceiptSettings {
        template: &s.payments.receipt_template,
        symbol: s.payments.receipt_symbol(year),
        year,
        issuer: &s.payments.issuer,
    }
}

fn bad_signature() -> ApiError {
    ApiError::new(
        ProblemCode::BadSignature,
        format!("{BANK_SIGNATURE_HEADER} is missing or does not sign this body"),
    )
}

fn check_webhook(hook: &BankWebhook) -> Result<(), ApiError> {
    let ascii = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| (0x21..=0x7e).contains(&b))
    };
    if !ascii(&hook.reference, motcua_core::vietqr::MAX_TEXT_LEN) {
        return Err(ApiError::invalid(
            "reference must be 1 to 25 printable ASCII characters",
        ));
    }
    if !ascii(&hook.transaction_id, TRANSACTION_ID_MAX_CHARS) {
        return Err(ApiError::invalid(
            "transaction_id must be 1 to 128 printable ASCII characters",
        ));
    }
    if hook.amount == 0 || i64::try_from(hook.amount).is_err() {
        return Err(ApiError::invalid("amount out of range"));
    }
    OffsetDateTime::parse(
        &hook.paid_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map_err(|_| ApiError::invalid("paid_at must be RFC 3339"))?;
    Ok(())
}

/// `POST /v1/bank/webhook`: the signature is checked on the raw bytes
/// before anything is parsed.
pub(crate) async fn bank_webhook(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<BankWebhookAck>, ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_JSON_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                ProblemCode::PayloadTooLarge,
                format!("body exceeds {MAX_JSON_BYTES} bytes"),
            )
        })?;
    let Some(secret) = &s.payments.webhook_secret else {
        tracing::warn!(
            "bank webhook refused: no secret is configured (MOTCUA_BANK_WEBHOOK_SECRET)"
        );
        return Err(bad_signature());
    };
    let signature = headers
        .get(BANK_SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    if !signature_ok(secret.expose(), signature, &bytes) {
        tracing::warn!(
            signed = signature.is_some(),
            "bank webhook refused: missing or wrong signature"
        );
        return Err(bad_signature());
    }
    let mut hook: BankWebhook = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::invalid(format!("webhook body: {e}")))?;
    hook.reference = hook.reference.trim().to_ascii_uppercase();
    check_webhook(&hook)?;
    let now = s.clock.now();
    let t = BankTxRow {
        transaction_id: &hook.transaction_id,
        reference: &hook.reference,
        amount: hook.amount,
        paid_at: &hook.paid_at,
    };
    match s
        .store
        .apply_bank_transaction(&t, now, &receipt_settings(&s, now))
        .await?
    {
        BankOutcome::Applied { payment, duplicate } => {
            let receipt_number = payment.receipt.as_ref().map(|r| r.number).ok_or_else(|| {
                ApiError::new(ProblemCode::Internal, "a paid intent has no receipt")
            })?;
            if duplicate {
                tracing::info!(payment = %payment.id, "bank transaction replayed: nothing changed");
            } else {
                tracing::info!(payment = %payment.id, receipt_number, amount = payment.amount,
                    "bank transfer applied, receipt issued");
                s.events
                    .publish(ConsoleEventKind::PaymentConfirmed, payment.id.clone());
            }
            Ok(Json(BankWebhookAck {
                payment_id: payment.id,
                status: PaymentStatus::Paid,
                duplicate,
                receipt_number,
            }))
        }
        BankOutcome::AmountMismatch {
            payment_id,
            expected,
        } => {
            tracing::warn!(payment = %payment_id, expected, received = hook.amount,
                "bank transfer amount differs from the intent's: it stays pending, a clerk must resolve it");
            Err(ApiError::new(
                ProblemCode::PaymentAmountMismatch,
                format!(
                    "the intent is {expected} đồng, the transfer {}",
                    hook.amount
                ),
            ))
        }
        BankOutcome::Closed { payment_id, status } => {
            tracing::warn!(payment = %payment_id, status = status.as_str(), amount = hook.amount,
                "bank transfer for a closed intent recorded: refund by hand");
            Err(closed(status))
        }
        BankOutcome::UnknownReference => {
            tracing::warn!(
                amount = hook.amount,
                "bank transfer for an unknown reference recorded: refund by hand"
            );
            Err(ApiError::new(
                ProblemCode::PaymentNotFound,
                "no payment has this reference",
            ))
        }
        BankOutcome::Conflicting => {
            tracing::warn!("bank transaction id seen before with another reference or amount");
            Err(ApiError::invalid(
                "this transaction_id was recorded with another reference or amount",
            ))
        }
    }
}

/// Query of `GET /v1/counter/payments`.
#[derive(Debug, Deserialize)]
pub(crate) struct CounterQuery {
    status: Option<String>,
}

/// `GET /v1/counter/payments?status=pending`.
pub(crate) async fn counter_list(
    State(s): State<AppState>,
    _staff: ConsoleStaff,
    ApiQuery(q): ApiQuery<CounterQuery>,
) -> Result<Json<CounterPaymentList>, ApiError> {
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("pending") => PaymentStatus::Pending,
        Some("paid") => PaymentStatus::Paid,
        Some("expired") => PaymentStatus::Expired,
        Some("cancelled") => PaymentStatus::Cancelled,
        Some(_) => {
            return Err(ApiError::invalid(
                "status must be pending, paid, expired or cancelled",
            ));
        }
    };
    let now = s.clock.now().unix_timestamp();
    let rows = s.store.counter_payments(status, now).await?;
    let items = rows
        .into_iter()
        .map(|p| {
            Ok(CounterPayment {
                status: p.status_at(now),
                amount_text: motcua_core::text::money(p.amount),
                created_at: rfc3339_of(p.created_at)?,
                expires_at: rfc3339_of(p.expires_at)?,
                counter_code: p.counter_code.unwrap_or_default(),
                id: p.id,
                kiosk: p.kiosk_name,
                procedure_code: p.procedure_code,
                procedure_name: p.procedure_name,
                amount: p.amount,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Json(CounterPaymentList { items }))
}

/// `POST /v1/counter/payments/{id}/confirm`.
pub(crate) async fn counter_confirm(
    State(s): State<AppState>,
    staff: ConsoleStaff,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Payment>, ApiError> {
    let now = s.clock.now();
    let settings = receipt_settings(&s, now);
    match s
        .store
        .confirm_counter_payment(&id, &staff.staff_id, &staff.user, now, &settings)
        .await?
    {
        Settled::Done(p) => {
            tracing::info!(payment = %p.id, staff = %staff.staff_id,
                receipt_number = p.receipt.as_ref().map(|r| r.number), amount = p.amount,
                "counter payment confirmed, receipt issued");
            s.events
                .publish(ConsoleEventKind::PaymentConfirmed, p.id.clone());
            Ok(Json(payment_of(*p, now.unix_timestamp())?))
        }
        Settled::NotFound => Err(not_found()),
        Settled::Closed { payment_id, status } => {
            tracing::info!(payment = %payment_id, staff = %staff.staff_id, status = status.as_str(),
                "counter confirmation refused: payment closed");
            Err(closed(status))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_mc_and_eight_base32_characters() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let r = new_reference();
            assert_eq!(r.len(), 10, "{r}");
            assert!(r.starts_with("MC"));
            assert!(r[2..].bytes().all(|b| BASE32.contains(&b)), "{r}");
            seen.insert(r);
        }
        assert!(seen.len() > 990, "references repeat too often");
        for _ in 0..100 {
            let c = new_counter_code();
            assert!(c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()), "{c}");
        }
    }

    #[test]
    fn idempotency_keys_are_printable_ascii() {
        let mut h = HeaderMap::new();
        assert!(idempotency_key(&h).is_err());
        for (v, ok) in [
            ("k-1", true),
            (" 2f1c ", true),
            ("", false),
            ("a b", false),
            (&"x".repeat(129), false),
            (&"x".repeat(128), true),
        ] {
            h.insert(
                IDEMPOTENCY_KEY_HEADER,
                axum::http::HeaderValue::from_str(v).unwrap_or_else(|e| panic!("{e}")),
            );
            assert_eq!(idempotency_key(&h).is_ok(), ok, "{v:?}");
        }
    }
}
