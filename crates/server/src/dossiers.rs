//! Dossiers (hồ sơ): submitted once by a kiosk under an `Idempotency-Key`,
//! numbered `YYMMDD-NNNN` by the day received in Vietnam, due on the date
//! the holiday calendar gives, looked up by code and secret, and moved
//! through their statuses by the back office.
//!
//! Logs name dossiers by code, kiosks by name, staff by opaque id, and
//! uploads by a hash prefix: never a name, an ID number, a phone, an
//! address or a lookup secret.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_protocol::dossiers::{
    LOOKUP_SECRET_DIGITS, MAX_DOSSIER_COMPONENTS, MAX_UPLOADS_PER_COMPONENT,
};
use motcua_protocol::{
    Applicant, ConsoleEventKind, Dossier, DossierList, DossierLookup, DossierLookupRequest,
    DossierStatus, FeeRule, NewDossier, ProblemCode, Procedure, ProcessingTime, Receipt,
    ReceivedComponent, StatusChange, StatusUpdate, SubmittedComponent,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::api::{ApiJson, ApiPath, ApiQuery, check_text_max};
use crate::dossier_store::{Changed, DossierRow, NewDossierRow, Submitted};
use crate::staff::ConsoleStaff;
use crate::tokens::{hex, same};
use crate::uploads::{is_sha256, short};
use crate::{ApiError, AppState, AuthedKiosk};

/// Environment variable naming the agency printed on the receipt slip.
pub const ENV_AGENCY: &str = "MOTCUA_AGENCY";
/// The agency when [`ENV_AGENCY`] is unset.
pub const DEFAULT_AGENCY: &str = "UBND xã mẫu (dữ liệu mẫu)";
/// Environment variable naming a holiday file (else
/// `<data dir>/holidays-vn.toml`, else the bundled one).
pub const ENV_HOLIDAYS: &str = "MOTCUA_HOLIDAYS";
/// Wrong lookups of one code counted over this window…
pub const LOOKUP_WINDOW_SECONDS: i64 = 15 * 60;
/// …lock its lookups once they reach this many.
pub const LOOKUP_MAX_FAILURES: u32 = 10;
/// The hour (Vietnam) a result is due on its due day.
pub const DUE_HOUR: u8 = 17;

const NAME_MAX_CHARS: usize = 100;
const ADDRESS_MAX_CHARS: usize = 200;
const EMAIL_MAX_CHARS: usize = 254;
const NOTE_MAX_CHARS: usize = 500;
const REFERENCE_MAX_CHARS: usize = 64;

fn procedure<'a>(s: &'a AppState, code: &str) -> Result<&'a Procedure, ApiError> {
    motcua_core::catalog::find(&s.catalog, code.trim())
        .ok_or_else(|| ApiError::not_found(format!("no procedure with code {:?}", code.trim())))
}

fn incomplete(detail: String) -> ApiError {
    ApiError::new(ProblemCode::DossierIncomplete, detail)
}

fn not_found() -> ApiError {
    ApiError::new(
        ProblemCode::DossierNotFound,
        "no dossier with this code and secret",
    )
}

/// The processing time in short words for the slip.
pub fn processing_words(p: &ProcessingTime) -> String {
    match p {
        ProcessingTime::SameDay { .. } => "Trong ngày".to_owned(),
        ProcessingTime::WorkingDays { days } => format!("{days} ngày làm việc"),
    }
}

/// A short, printable ASCII token (account ids, local references).
fn check_token(name: &str, value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty()
        || v.len() > REFERENCE_MAX_CHARS
        || !v.bytes().all(|b| (0x21..=0x7e).contains(&b))
    {
        return Err(ApiError::invalid(format!(
            "{name} must be 1 to {REFERENCE_MAX_CHARS} printable ASCII characters"
        )));
    }
    Ok(v.to_owned())
}

fn check_applicant(a: &Applicant) -> Result<Applicant, ApiError> {
    let full_name = check_text_max("applicant.full_name", &a.full_name, NAME_MAX_CHARS)?;
    let full_name = full_name.split_whitespace().collect::<Vec<_>>().join(" ");
    let id_number = a.id_number.trim().to_owned();
    motcua_core::cccd::check_id_number_shape(&id_number).map_err(|e| {
        ApiError::new(
            ProblemCode::InvalidCard,
            format!("applicant.id_number refused ({}): {e}", e.code()),
        )
    })?;
    let date_of_birth = match a.date_of_birth.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(d, &format)
                .map_err(|_| ApiError::invalid("applicant.date_of_birth must be YYYY-MM-DD"))?;
            Some(d.to_owned())
        }
    };
    let address = check_text_max("applicant.address", &a.address, ADDRESS_MAX_CHARS)?;
    let phone = match a.phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(
            motcua_core::phone::normalize_mobile(p)
                .map_err(|e| ApiError::new(ProblemCode::InvalidPhone, e.to_string()))?,
        ),
    };
    let email = match a.email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(e) => {
            let ok = e.len() <= EMAIL_MAX_CHARS
                && e.split_once('@')
                    .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
                && !e.chars().any(|c| c.is_whitespace() || c.is_control());
            if !ok {
                return Err(ApiError::invalid(
                    "applicant.email is not an e-mail address",
                ));
            }
            Some(motcua_core::text::nfc(e))
        }
    };
    Ok(Applicant {
        full_name,
        id_number,
        date_of_birth,
        address,
        phone,
        email,
    })
}

/// The components checked against the procedure (and the exemption's
/// document): what the slip lists, in catalog order, and the files.
#[allow(clippy::type_complexity)]
fn check_components(
    p: &Procedure,
    exemption_document: Option<&motcua_protocol::Component>,
    submitted: &[SubmittedComponent],
) -> Result<
    (
        Vec<SubmittedComponent>,
        Vec<ReceivedComponent>,
        Vec<(String, u32, String)>,
    ),
    ApiError,
> {
    if submitted.len() > MAX_DOSSIER_COMPONENTS {
        return Err(ApiError::invalid(format!(
            "at most {MAX_DOSSIER_COMPONENTS} components"
        )));
    }
    let known: Vec<&motcua_protocol::Component> =
        p.components.iter().chain(exemption_document).collect();
    let mut seen = HashSet::new();
    let mut clean = Vec::new();
    for c in submitted {
        let id = c.component_id.trim();
        if !known.iter().any(|k| k.id == id) {
            return Err(incomplete(format!(
                "component {id:?} is not one of the procedure's"
            )));
        }
        if !seen.insert(id.to_owned()) {
            return Err(ApiError::invalid(format!(
                "component {id:?} is listed twice"
            )));
        }
        if c.uploads.len() > MAX_UPLOADS_PER_COMPONENT {
            return Err(ApiError::invalid(format!(
                "at most {MAX_UPLOADS_PER_COMPONENT} uploads per component"
            )));
        }
        let uploads = c
            .uploads
            .iter()
            .map(|u| {
                let u = u.trim().to_ascii_lowercase();
                if is_sha256(&u) {
                    Ok(u)
                } else {
                    Err(ApiError::invalid("an upload is named by 64 hex digits"))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        clean.push(SubmittedComponent {
            component_id: id.to_owned(),
            uploads,
            on_paper: c.on_paper,
        });
    }
    let mut received = Vec::new();
    let mut files = Vec::new();
    for k in &known {
        let given = clean
            .iter()
            .find(|c| c.component_id == k.id && (c.on_paper || !c.uploads.is_empty()));
        match given {
            Some(c) => {
                for (i, sha) in c.uploads.iter().enumerate() {
                    files.push((
                        k.id.clone(),
                        u32::try_from(i).unwrap_or(u32::MAX),
                        sha.clone(),
                    ));
                }
                received.push(ReceivedComponent {
                    component_id: k.id.clone(),
                    name: k.name.clone(),
                    files: u32::try_from(c.uploads.len()).unwrap_or(u32::MAX),
                    on_paper: c.on_paper,
                });
            }
            None if k.required => {
                return Err(incomplete(format!(
                    "required component {:?} has neither uploads nor a paper mark",
                    k.id
                )));
            }
            None => {}
        }
    }
    Ok((clean, received, files))
}

fn time_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ProblemCode::Internal, format!("time: {e}"))
}

fn rfc3339(t: OffsetDateTime) -> Result<String, ApiError> {
    t.format(&time::format_description::well_known::Rfc3339)
        .map_err(time_error)
}

fn iso_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Six random digits.
fn new_secret() -> String {
    use rand::RngExt;
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, what, "stored dossier cannot be read");
    ApiError::new(ProblemCode::Internal, "a stored dossier cannot be read")
}

fn history_of(d: &DossierRow) -> Vec<StatusChange> {
    d.history
        .iter()
        .map(|h| StatusChange {
            status: h.status,
            label: h.status.label_vi().to_owned(),
            at: h.at.clone(),
            note: h.note.clone(),
        })
        .collect()
}

fn dossier_of(d: DossierRow) -> Result<Dossier, ApiError> {
    let applicant: Applicant =
        serde_json::from_str(&d.applicant_json).map_err(|e| corrupt("applicant", e))?;
    let components: Vec<ReceivedComponent> =
        serde_json::from_str(&d.components_json).map_err(|e| corrupt("components", e))?;
    let receipt: Option<Receipt> = d
        .receipt_json
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| corrupt("receipt", e))?;
    let history = history_of(&d);
    Ok(Dossier {
        code: d.code,
        lookup_secret: d.lookup_secret,
        procedure_code: d.procedure_code,
        procedure_name: d.procedure_name,
        agency: d.agency,
        applicant,
        copies: d.copies,
        components,
        processing_time: d.processing_time,
        received_at: d.received_at,
        due_at: d.due_at,
        due_date: d.due_date,
        result_place: d.result_place,
        status: d.status,
        history,
        receipt,
        local_reference: d.local_reference,
    })
}

fn lookup_of(d: DossierRow) -> DossierLookup {
    let history = history_of(&d);
    DossierLookup {
        code: d.code,
        procedure_code: d.procedure_code,
        procedure_name: d.procedure_name,
        status: d.status,
        status_label: d.status.label_vi().to_owned(),
        received_at: d.received_at,
        due_at: d.due_at,
        due_date: d.due_date,
        result_place: d.result_place,
        history,
    }
}

/// `YYMMDD-N…` from what a citizen typed or a QR held (the dash optional,
/// spaces ignored); `None` when it cannot be a code.
pub(crate) fn canonical_code(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let ok = (10..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("{}-{}", &digits[..6], &digits[6..]))
}

/// `POST /v1/dossiers`.
pub(crate) async fn create(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewDossier>,
) -> Result<Response, ApiError> {
    let key = crate::payments::idempotency_key(&headers)?;
    let p = procedure(&s, &req.procedure_code)?;
    let applicant = check_applicant(&req.applicant)?;
    let account_id = req
        .account_id
        .as_deref()
        .map(|a| check_token("account_id", a))
        .transpose()?;
    let local_reference = req
        .local_reference
        .as_deref()
        .map(|r| check_token("local_reference", r))
        .transpose()?;
    let payment_id = req
        .payment_id
        .as_deref()
        .map(|r| check_token("payment_id", r))
        .transpose()?;
    // A per-page fee is priced on the pages the kiosk paid for; without a
    // payment one page tells whether anything is owed at all.
    let pages = match (&p.fee, &payment_id) {
        (FeeRule::PerPage { .. }, Some(id)) => Some(
            s.store
                .payment(id)
                .await?
                .filter(|pay| pay.kiosk_name == kiosk.name)
                .and_then(|pay| pay.pages)
                .unwrap_or(1),
        ),
        (FeeRule::PerPage { .. }, None) => Some(1),
        _ => None,
    };
    let quote = motcua_core::fee::quote(p, req.copies, pages, req.exemption)
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    let exemption_document = quote.exemption.as_ref().map(|e| &e.required_document);
    let (components, received, files) = check_components(p, exemption_document, &req.components)?;
    let clean = NewDossier {
        procedure_code: p.code.clone(),
        applicant: applicant.clone(),
        account_id: account_id.clone(),
        copies: Some(quote.copies),
        exemption: req.exemption,
        payment_id: payment_id.clone(),
        components,
        local_reference: local_reference.clone(),
    };
    let canonical = serde_json::to_string(&clean).map_err(|e| corrupt("request", e))?;
    let request_hash = hex(&Sha256::digest(canonical.as_bytes()));
    let now = s.clock.now();
    let local = now.to_offset(motcua_core::calendar::VIETNAM_OFFSET);
    let due = s.calendar.due(now, &p.processing);
    if !s.calendar.covers(due.year()) {
        tracing::warn!(
            year = due.year(),
            "due date outside the holiday file's years: only weekends skipped"
        );
    }
    let due_at = time::PrimitiveDateTime::new(
        due,
        time::Time::from_hms(DUE_HOUR, 0, 0).map_err(time_error)?,
    )
    .assume_offset(motcua_core::calendar::VIETNAM_OFFSET)
    .to_offset(time::UtcOffset::UTC);
    let row = NewDossierRow {
        kiosk_name: kiosk.name.clone(),
        idempotency_key: key,
        request_hash,
        day: format!(
            "{:02}{:02}{:02}",
            local.year().rem_euclid(100),
            u8::from(local.month()),
            local.day()
        ),
        lookup_secret: new_secret(),
        procedure_code: p.code.clone(),
        procedure_name: p.name.clone(),
        agency: s.agency.to_string(),
        applicant_json: serde_json::to_string(&applicant).map_err(|e| corrupt("applicant", e))?,
        account_id,
        copies: quote.copies,
        exemption: quote.exemption.as_ref().map(|e| e.kind.as_str().to_owned()),
        amount: quote.amount,
        payment_id,
        components_json: serde_json::to_string(&received).map_err(|e| corrupt("components", e))?,
        files,
        processing_time: processing_words(&p.processing),
        received_at: rfc3339(now.to_offset(time::UtcOffset::UTC))?,
        due_at: rfc3339(due_at)?,
        due_date: iso_date(due),
        result_place: p.result_place.clone(),
        local_reference,
        created_at: now.unix_timestamp(),
    };
    match s.store.submit_dossier(&row).await? {
        Submitted::New(d) => {
            tracing::info!(dossier = %d.code, kiosk = %kiosk.name, procedure = %d.procedure_code,
                files = row.files.len(), amount = quote.amount, due = %d.due_date, "dossier received");
            s.events
                .publish(ConsoleEventKind::DossierReceived, d.code.clone());
            Ok((StatusCode::CREATED, Json(dossier_of(*d)?)).into_response())
        }
        Submitted::Existing(d) => {
            tracing::info!(dossier = %d.code, kiosk = %kiosk.name,
                "dossier answered again for its idempotency key");
            Ok((StatusCode::OK, Json(dossier_of(*d)?)).into_response())
        }
        Submitted::KeyReused => {
            tracing::info!(kiosk = %kiosk.name, "idempotency key reused for another dossier");
            Err(ApiError::new(
                ProblemCode::IdempotencyKeyReused,
                "this Idempotency-Key was used for a different dossier",
            ))
        }
        Submitted::UploadIncomplete(sha) => {
            tracing::info!(kiosk = %kiosk.name, upload = short(&sha), "dossier refused: upload incomplete");
            Err(ApiError::new(
                ProblemCode::UploadIncomplete,
                format!("upload {sha} is unknown or not complete"),
            ))
        }
        Submitted::PaymentRequired(why) => {
            tracing::info!(kiosk = %kiosk.name, procedure = %p.code, amount = quote.amount, why,
                "dossier refused: fee not paid");
            Err(ApiError::new(
                ProblemCode::PaymentRequired,
                format!("the fee is {} đồng: {why}", quote.amount),
            ))
        }
    }
}

/// `POST /v1/dossiers/lookup`: the same 404 for an unknown code and a wrong
/// secret; wrong lookups of one code lock it for a while.
pub(crate) async fn lookup(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiJson(req): ApiJson<DossierLookupRequest>,
) -> Result<Json<DossierLookup>, ApiError> {
    let Some(code) = canonical_code(&req.code) else {
        tracing::info!(kiosk = %kiosk.name, "dossier lookup with a malformed code");
        return Err(not_found());
    };
    let secret = req.secret.trim();
    let now = s.clock.now().unix_timestamp();
    let since = now - LOOKUP_WINDOW_SECONDS;
    let locked = |oldest: Option<i64>| {
        let until = oldest.unwrap_or(now) + LOOKUP_WINDOW_SECONDS;
        let wait = u64::try_from(until.saturating_sub(now)).unwrap_or(0).max(1);
        ApiError::new(
            ProblemCode::LookupLocked,
            format!("too many wrong lookups of this code; wait {wait} seconds"),
        )
        .with_retry_after(wait)
    };
    // The attempt is counted before the secret is compared, so parallel
    // guesses cannot get past the limit; a right one is then forgotten.
    let attempt = match s
        .store
        .take_lookup_attempt(&code, now, since, LOOKUP_MAX_FAILURES)
        .await?
    {
        Ok(attempt) => attempt,
        Err(oldest) => {
            tracing::info!(dossier = %code, kiosk = %kiosk.name, "dossier lookup refused: locked");
            return Err(locked(oldest));
        }
    };
    let well_formed =
        secret.len() == LOOKUP_SECRET_DIGITS && secret.bytes().all(|b| b.is_ascii_digit());
    let found = s.store.dossier(&code).await?;
    match found {
        Some(d) if well_formed && same(&d.lookup_secret, secret) => {
            s.store.forget_lookup_attempt(attempt.id).await?;
            tracing::info!(dossier = %d.code, kiosk = %kiosk.name, "dossier looked up");
            Ok(Json(lookup_of(d)))
        }
        _ => {
            tracing::info!(dossier = %code, kiosk = %kiosk.name, failures = attempt.counted,
                "dossier lookup refused: unknown code or wrong secret");
            if attempt.counted >= LOOKUP_MAX_FAILURES {
                return Err(locked(Some(attempt.oldest)));
            }
            Err(not_found())
        }
    }
}

fn staff_code(raw: &str) -> Result<String, ApiError> {
    canonical_code(raw)
        .ok_or_else(|| ApiError::new(ProblemCode::DossierNotFound, "no dossier with this code"))
}

/// `GET /v1/dossiers/{code}` (staff).
pub(crate) async fn get_one(
    State(s): State<AppState>,
    _staff: ConsoleStaff,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<Dossier>, ApiError> {
    let code = staff_code(&raw)?;
    let d =
        s.store.dossier(&code).await?.ok_or_else(|| {
            ApiError::new(ProblemCode::DossierNotFound, "no dossier with this code")
        })?;
    Ok(Json(dossier_of(d)?))
}

/// `GET /v1/dossiers/{code}/documents/{sha256}` (staff): the bytes of one
/// of the dossier's documents, from the object store.
pub(crate) async fn document(
    State(s): State<AppState>,
    staff: ConsoleStaff,
    ApiPath((raw, sha)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let code = staff_code(&raw)?;
    let sha = sha.trim().to_ascii_lowercase();
    if !is_sha256(&sha) {
        return Err(ApiError::invalid("the document is named by 64 hex digits"));
    }
    let not_found = || ApiError::not_found("this dossier has no such document");
    let media_type = s
        .store
        .dossier_document(&code, &sha)
        .await?
        .ok_or_else(not_found)?;
    let bytes = s.objects.get(&sha).await.map_err(|e| {
        tracing::error!(error = %e, upload = short(&sha), "document read failure");
        ApiError::new(ProblemCode::Internal, "document storage failure")
    })?;
    let Some(bytes) = bytes else {
        tracing::error!(dossier = %code, upload = short(&sha), "a complete document is missing from the object store");
        return Err(ApiError::new(
            ProblemCode::Internal,
            "document storage failure",
        ));
    };
    tracing::info!(dossier = %code, upload = short(&sha), staff = %staff.staff_id, "document read");
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, media_type),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
            (
                axum::http::header::HeaderName::from_static("x-content-type-options"),
                "nosniff".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Query of `GET /v1/dossiers`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    local_reference: Option<String>,
}

/// `GET /v1/dossiers?local_reference=…` (staff).
pub(crate) async fn list(
    State(s): State<AppState>,
    _staff: ConsoleStaff,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<DossierList>, ApiError> {
    let Some(reference) = q.local_reference.as_deref() else {
        return Err(ApiError::invalid("local_reference is required"));
    };
    let reference = check_token("local_reference", reference)?;
    let items = s
        .store
        .dossiers_by_local_reference(&reference)
        .await?
        .into_iter()
        .map(dossier_of)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(DossierList { items }))
}

/// `POST /v1/dossiers/{code}/status` (staff).
pub(crate) async fn set_status(
    State(s): State<AppState>,
    staff: ConsoleStaff,
    ApiPath(raw): ApiPath<String>,
    ApiJson(req): ApiJson<StatusUpdate>,
) -> Result<Json<DossierLookup>, ApiError> {
    let code = staff_code(&raw)?;
    let note = match req.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => Some(check_text_max("note", n, NOTE_MAX_CHARS)?),
    };
    if note.is_none()
        && matches!(
            req.status,
            DossierStatus::NeedsMoreDocuments | DossierStatus::Returned
        )
    {
        return Err(ApiError::invalid(format!(
            "a note for the citizen is required with {}",
            req.status.as_str()
        )));
    }
    let at = rfc3339(s.clock.now().to_offset(time::UtcOffset::UTC))?;
    match s
        .store
        .change_dossier_status(
            &code,
            req.status,
            note.as_deref(),
            &staff.staff_id,
            &staff.user,
            &at,
        )
        .await?
    {
        Changed::Done(d) => {
            tracing::info!(dossier = %d.code, staff = %staff.staff_id, status = d.status.as_str(),
                "dossier status changed");
            s.events
                .publish(ConsoleEventKind::DossierStatusChanged, d.code.clone());
            Ok(Json(lookup_of(*d)))
        }
        Changed::NotFound => Err(ApiError::new(
            ProblemCode::DossierNotFound,
            "no dossier with this code",
        )),
        Changed::Conflict(current) => {
            tracing::info!(dossier = %code, staff = %staff.staff_id, from = current.as_str(),
                to = req.status.as_str(), "dossier status change refused");
            Err(ApiError::new(
                ProblemCode::DossierStatusConflict,
                format!(
                    "a dossier cannot go from {} to {}",
                    current.as_str(),
                    req.status.as_str()
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_with_or_without_their_dash() {
        for (raw, want) in [
            ("261126-0001", Some("261126-0001")),
            ("2611260001", Some("261126-0001")),
            (" 261126 0042 ", Some("261126-0042")),
            ("261126-10000", Some("261126-10000")),
            ("261126-001", None),
            ("26112a-0001", None),
            ("", None),
            ("261126-000000000000001", None),
        ] {
            assert_eq!(canonical_code(raw).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn processing_times_in_short_words() {
        assert_eq!(
            processing_words(&ProcessingTime::SameDay {
                cutoff: Some("15:00".into())
            }),
            "Trong ngày"
        );
        assert_eq!(
            processing_words(&ProcessingTime::WorkingDays { days: 3 }),
            "3 ngày làm việc"
        );
    }

    #[test]
    fn secrets_are_six_digits() {
        for _ in 0..100 {
            let s = new_secret();
            assert!(s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()), "{s}");
        }
    }
}
