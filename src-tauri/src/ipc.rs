//! IPC views: what the UI receives. Separate from the wire and domain types;
//! texts are already in the citizen's words (from `motcua_core::catalog`).

use motcua_core::cccd::{CardError, CardErrorKind, CitizenCard, Sex};
use motcua_core::client::ClientError;
use motcua_core::{catalog, keyboard};
use motcua_protocol::{Catalog, Procedure};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KioskInfo {
    pub kiosk_id: String,
    pub backend_url: String,
    pub embedded: bool,
    pub version: String,
    /// Seconds without a touch before the "are you still there?" countdown.
    pub idle_seconds: u32,
    /// Length of that countdown, at least 30 seconds.
    pub countdown_seconds: u32,
    /// What captures pages: `scanner`, `camera`, `folder`, `replay`; none
    /// when papers go to the counter.
    pub scanner: Option<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CatalogView {
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldView {
    pub code: String,
    pub name: String,
    pub procedures: Vec<ProcedureSummary>,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProcedureSummary {
    pub code: String,
    pub name: String,
    pub fee_text: String,
    pub time_text: String,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProcedureView {
    pub code: String,
    pub name: String,
    pub field_name: String,
    pub summary: String,
    pub components: Vec<ComponentView>,
    pub fee_text: String,
    pub fee_in_words: Option<String>,
    /// When a free procedure is free ("khi đăng ký đúng hạn").
    pub fee_condition: Option<String>,
    pub fee_basis: String,
    pub time_text: String,
    pub result_place: String,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ComponentView {
    pub id: String,
    pub name: String,
    pub note: Option<String>,
    pub required: bool,
}

/// The citizen's card as the confirmation screen shows it. Lives only in the
/// UI's memory for the session; never logged, never stored by the kiosk.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CardView {
    pub id_number: String,
    pub full_name: String,
    /// `dd/mm/yyyy`.
    pub date_of_birth: String,
    /// "Nam" or "Nữ", as on the card.
    pub sex: String,
    pub address: String,
    /// `dd/mm/yyyy`.
    pub issue_date: String,
}

fn date_vi(d: time::Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

impl From<CitizenCard> for CardView {
    fn from(c: CitizenCard) -> Self {
        Self {
            id_number: c.id_number,
            full_name: c.full_name,
            date_of_birth: date_vi(c.date_of_birth),
            sex: match c.sex {
                Sex::Male => "Nam",
                Sex::Female => "Nữ",
            }
            .to_owned(),
            address: c.address,
            issue_date: date_vi(c.issue_date),
        }
    }
}

impl From<CardError> for CommandError {
    fn from(e: CardError) -> Self {
        let code = match e.kind() {
            CardErrorKind::Foreign => ErrorCode::CardForeign,
            CardErrorKind::Unreadable => ErrorCode::CardUnreadable,
            CardErrorKind::Invalid => ErrorCode::CardInvalid,
        };
        // The Display of a CardError names the rule broken, never a value.
        tracing::info!(reason = e.code(), "card QR refused");
        Self::new(code, e.to_string())
    }
}

/// One key of the on-screen keyboard, or of a physical keyboard (Telex).
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum KeyPress {
    /// A letter, digit or punctuation key: one character.
    Char(String),
    Tone(ToneKey),
    Mark(MarkKey),
    Space,
    Backspace,
    /// A key of a physical keyboard, read as Telex: one character.
    Telex(String),
}

#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ToneKey {
    /// Thanh ngang: takes the tone off.
    None,
    Sac,
    Huyen,
    Hoi,
    Nga,
    Nang,
}

#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum MarkKey {
    Circumflex,
    Breve,
    Horn,
    Stroke,
}

impl KeyPress {
    /// The core's key, or `None` when a character key holds anything but
    /// exactly one character.
    pub fn to_key(&self) -> Option<keyboard::Key> {
        fn one(s: &str) -> Option<char> {
            let mut chars = s.chars();
            let c = chars.next()?;
            chars.next().is_none().then_some(c)
        }
        Some(match self {
            KeyPress::Char(s) => keyboard::Key::Char(one(s)?),
            KeyPress::Telex(s) => keyboard::Key::Telex(one(s)?),
            KeyPress::Space => keyboard::Key::Space,
            KeyPress::Backspace => keyboard::Key::Backspace,
            KeyPress::Tone(t) => keyboard::Key::Tone(match t {
                ToneKey::None => keyboard::Tone::None,
                ToneKey::Sac => keyboard::Tone::Sac,
                ToneKey::Huyen => keyboard::Tone::Huyen,
                ToneKey::Hoi => keyboard::Tone::Hoi,
                ToneKey::Nga => keyboard::Tone::Nga,
                ToneKey::Nang => keyboard::Tone::Nang,
            }),
            KeyPress::Mark(m) => keyboard::Key::Mark(match m {
                MarkKey::Circumflex => keyboard::Mark::Circumflex,
                MarkKey::Breve => keyboard::Mark::Breve,
                MarkKey::Horn => keyboard::Mark::Horn,
                MarkKey::Stroke => keyboard::Mark::Stroke,
            }),
        })
    }
}

/// The text after a key press.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Composed {
    /// The whole text, NFC.
    pub text: String,
    /// False when the key changed nothing (a tone with no vowel to carry it).
    pub changed: bool,
}

/// Whether the citizen already has a public-service account.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatus {
    pub found: bool,
    /// The account's phone with most digits hidden (`09xx xxx 678`).
    pub masked_phone: Option<String>,
}

/// A one-time code was sent by SMS.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CodeSent {
    /// Seconds before another code may be asked for.
    pub resend_after_seconds: u32,
}

/// A page just captured and cleaned, waiting for "Dùng trang này" or
/// "Chụp lại".
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    /// The cleaned page, small (a JPEG: gray, or colour for a colour page).
    pub thumbnail_base64: String,
    /// What the citizen could fix by taking it again (codes: `blurred`,
    /// `too_dark`, `glare`, `nothing_found`, `page_cut_off`).
    pub warnings: Vec<String>,
}

/// A component's pages so far.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ComponentPagesView {
    /// Each kept page's thumbnail (JPEG, base64), in order.
    pub pages: Vec<String>,
    /// A helper marked it handed in on paper at the counter.
    pub on_paper: bool,
}

impl ComponentPagesView {
    pub fn new(c: Option<&crate::scanning::ComponentPages>) -> Self {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        match c {
            None => Self {
                pages: Vec::new(),
                on_paper: false,
            },
            Some(c) => Self {
                pages: c.pages.iter().map(|p| b64.encode(&p.thumbnail)).collect(),
                on_paper: c.on_paper,
            },
        }
    }
}

/// The fee for this dossier, computed by the backend from the catalog.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FeeView {
    /// Nothing to pay: the payment step is skipped.
    pub free: bool,
    pub amount_text: String,
    pub amount_in_words: String,
    pub rule_text: String,
    pub legal_basis: String,
    pub copies: u32,
    /// The fee depends on the number of copies: ask how many.
    pub asks_copies: bool,
    /// The exemption claimed, and the document the dossier then needs.
    pub exemption: Option<ExemptionView>,
}

/// An exemption from the fee, as the backend applied it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionView {
    /// Who is exempt, e.g. "Người thuộc hộ nghèo".
    pub label: String,
    /// The document proving it: a component to scan.
    pub document: ComponentView,
}

/// A payment under way, or paid.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    /// `vietqr` or `counter`.
    pub method: String,
    /// `pending`, `paid`, `expired` or `cancelled`.
    pub status: String,
    pub amount_text: String,
    pub amount_in_words: String,
    /// The transfer content, also printed on the receipt.
    pub reference: String,
    /// VietQR: the QR's modules, row by row, `1` dark and `0` light.
    pub qr_modules: Option<String>,
    pub qr_width: Option<u32>,
    pub account_name: Option<String>,
    pub account_number: Option<String>,
    /// A sample bank account (the center has not set its own): never to
    /// be paid into.
    pub sample_account: bool,
    /// Counter: the 6-digit code the citizen tells the clerk.
    pub counter_code: Option<String>,
    pub receipt: Option<ReceiptView>,
}

/// The electronic receipt (biên lai điện tử).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptView {
    pub title: String,
    /// Mẫu số.
    pub template: String,
    /// Ký hiệu.
    pub symbol: String,
    /// Số, 7 digits.
    pub number: String,
    /// `dd/mm/yyyy hh:mm`, Vietnam time.
    pub issued_at: String,
    pub issuer: String,
    pub procedure_name: String,
    pub amount_text: String,
    pub amount_in_words: String,
    pub reference: String,
}

impl PaymentView {
    pub fn from_payment(p: &motcua_protocol::Payment) -> Self {
        let qr = p
            .vietqr
            .as_ref()
            .and_then(|v| motcua_core::vietqr::QrMatrix::of(&v.payload).ok());
        Self {
            method: match p.method {
                motcua_protocol::PaymentMethod::Vietqr => "vietqr",
                motcua_protocol::PaymentMethod::Counter => "counter",
            }
            .to_owned(),
            status: match p.status {
                motcua_protocol::PaymentStatus::Pending => "pending",
                motcua_protocol::PaymentStatus::Paid => "paid",
                motcua_protocol::PaymentStatus::Expired => "expired",
                motcua_protocol::PaymentStatus::Cancelled => "cancelled",
            }
            .to_owned(),
            amount_text: p.amount_text.clone(),
            amount_in_words: p.amount_in_words.clone(),
            reference: p.reference.clone(),
            qr_width: qr.as_ref().and_then(|q| u32::try_from(q.width).ok()),
            qr_modules: qr.map(|q| q.dark.iter().map(|&d| if d { '1' } else { '0' }).collect()),
            account_name: p.vietqr.as_ref().map(|v| v.account_name.clone()),
            account_number: p.vietqr.as_ref().map(|v| v.account_number.clone()),
            sample_account: p.vietqr.as_ref().is_some_and(|v| v.sample),
            counter_code: p.counter_code.clone(),
            receipt: p.receipt.as_ref().map(|r| ReceiptView {
                title: r.title.clone(),
                template: r.template.clone(),
                symbol: r.symbol.clone(),
                number: r.number_text.clone(),
                issued_at: local_time(&r.issued_at),
                issuer: r.issuer.clone(),
                procedure_name: r.procedure_name.clone(),
                amount_text: r.amount_text.clone(),
                amount_in_words: r.amount_in_words.clone(),
                reference: r.reference.clone(),
            }),
        }
    }
}

/// An RFC 3339 time as `dd/mm/yyyy hh:mm` in Vietnam (UTC+7); as given
/// when it does not parse.
fn local_time(rfc3339: &str) -> String {
    let Ok(t) =
        time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
    else {
        return rfc3339.to_owned();
    };
    let t = t.to_offset(time::macros::offset!(+7));
    format!(
        "{:02}/{:02}/{:04} {:02}:{:02}",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// The citizen as the dossier names them, for "Kiểm tra lại thông tin".
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApplicantView {
    pub full_name: String,
    pub id_number: String,
    pub address: String,
    pub phone: Option<String>,
}

/// A component as it will be sent.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewComponent {
    pub name: String,
    pub pages: u32,
    pub on_paper: bool,
}

/// Everything the dossier will hold, to check before "Gửi hồ sơ".
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewView {
    pub procedure_name: String,
    pub applicant: ApplicantView,
    /// Components with pages or a paper mark, in catalog order.
    pub components: Vec<ReviewComponent>,
    pub copies: u32,
    /// Paid: the amount (`8.000 đồng`) and the receipt's number.
    pub paid_amount: Option<String>,
    pub receipt_number: Option<String>,
    /// Exempt from the fee: the group, e.g. "Người thuộc hộ nghèo".
    pub exemption: Option<String>,
    /// Required components with neither pages nor a paper mark.
    pub missing: Vec<String>,
}

/// Whether the receipt slip came out of the printer.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrintView {
    pub printed: bool,
    /// When not: what happened, in plain Vietnamese.
    pub message: Option<String>,
}

/// The outcome of "Gửi hồ sơ".
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SubmitView {
    /// The backend has the dossier (else it waits in the kiosk's outbox and
    /// will be sent by itself).
    pub delivered: bool,
    /// Not delivered because the backend refused it for good (a helper must
    /// look; the outbox keeps it and does not retry by itself).
    pub needs_helper: bool,
    pub code: Option<String>,
    pub lookup_secret: Option<String>,
    /// The kiosk's own reference, printed on a receipt given while queued.
    pub local_reference: String,
    pub procedure_name: String,
    /// e.g. "10 giờ 52 phút, ngày 26/11/2026".
    pub received_at: String,
    /// e.g. "Thứ Sáu, ngày 27/11/2026".
    pub due: Option<String>,
    pub result_place: String,
    pub print: PrintView,
}

/// One step of a dossier's history.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    pub label: String,
    pub at: String,
    pub note: Option<String>,
}

/// A dossier found by "Tra cứu hồ sơ": its status, never personal data.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LookupView {
    pub code: String,
    pub procedure_name: String,
    /// `received`, `processing`, `needs_more_documents`, `done`, `returned`.
    pub status: String,
    pub status_label: String,
    pub received_at: String,
    pub due: String,
    pub result_place: String,
    /// Oldest first.
    pub history: Vec<HistoryView>,
}

impl LookupView {
    pub fn from_lookup(d: &motcua_protocol::DossierLookup) -> Self {
        Self {
            code: d.code.clone(),
            procedure_name: d.procedure_name.clone(),
            status: d.status.as_str().to_owned(),
            status_label: d.status_label.clone(),
            received_at: spoken_time(&d.received_at),
            due: due_day(&d.due_date),
            result_place: d.result_place.clone(),
            history: d
                .history
                .iter()
                .map(|h| HistoryView {
                    label: h.label.clone(),
                    at: spoken_time(&h.at),
                    note: h.note.clone(),
                })
                .collect(),
        }
    }
}

/// An RFC 3339 time as the slip prints it, "10 giờ 52 phút, ngày
/// 26/11/2026" in Vietnam; as given when it does not parse.
pub fn spoken_time(rfc3339: &str) -> String {
    motcua_receipt::vietnam_time_text(rfc3339).unwrap_or_else(|_| rfc3339.to_owned())
}

/// A `YYYY-MM-DD` day with its weekday, "Thứ Sáu, ngày 27/11/2026"; as
/// given when it does not parse.
pub fn due_day(iso: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let Ok(d) = time::Date::parse(iso, &format) else {
        return iso.to_owned();
    };
    let weekday = match d.weekday() {
        time::Weekday::Monday => "Thứ Hai",
        time::Weekday::Tuesday => "Thứ Ba",
        time::Weekday::Wednesday => "Thứ Tư",
        time::Weekday::Thursday => "Thứ Năm",
        time::Weekday::Friday => "Thứ Sáu",
        time::Weekday::Saturday => "Thứ Bảy",
        time::Weekday::Sunday => "Chủ nhật",
    };
    format!(
        "{weekday}, ngày {:02}/{:02}/{:04}",
        d.day(),
        u8::from(d.month()),
        d.year()
    )
}

/// Helper mode is on.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StaffView {
    pub display_name: String,
}

/// The account now exists and is this session's.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountReady {
    /// `false` when an existing account was linked rather than created.
    pub created: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HelpCall {
    pub request_id: String,
    pub created_at: String,
}

/// What went wrong, for the UI: it shows the catalogue's text for `code`;
/// `detail` is English for the log and never carries personal data.
#[derive(Debug, Clone, Serialize, Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{code:?}: {detail}")]
pub struct CommandError {
    pub code: ErrorCode,
    pub detail: String,
    /// For `otp_wrong`: tries left on this code.
    pub attempts_left: Option<u32>,
    /// For `resend_too_soon` and `too_many_codes`: seconds to wait.
    pub retry_after_seconds: Option<u32>,
}

impl CommandError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            attempts_left: None,
            retry_after_seconds: None,
        }
    }
}

/// Stable error codes the UI's string catalogue has a message for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The backend cannot be reached or did not answer in time.
    BackendUnreachable,
    /// The thing asked for does not exist.
    NotFound,
    /// The request was refused as malformed.
    InvalidRequest,
    /// The backend failed.
    BackendError,
    /// The voice (espeak-ng) cannot be started.
    SpeechUnavailable,
    /// The QR read is not a citizen ID card's: show the front of the card.
    CardForeign,
    /// The card's QR was read incompletely: read it again.
    CardUnreadable,
    /// The card's data breaks the card's rules: a helper must look.
    CardInvalid,
    /// No card has been read in this session yet.
    NoCard,
    /// The phone number is not a Vietnamese mobile number.
    InvalidPhone,
    /// The one-time code is wrong (`attempts_left` says how many tries remain).
    OtpWrong,
    /// Too many wrong codes: ask for a new one.
    OtpLocked,
    /// The code has expired: ask for a new one.
    OtpExpired,
    /// The code was already used: ask for a new one.
    OtpUsed,
    /// Too many codes for this phone this hour.
    TooManyCodes,
    /// A new code was asked for too soon (`retry_after_seconds`).
    ResendTooSoon,
    /// The SMS could not be sent.
    SmsUnavailable,
    /// The account already has another phone: a helper must change it.
    AccountHasOtherPhone,
    /// The camera cannot be opened; the USB QR reader still works.
    CameraUnavailable,
    /// The helper's user name or PIN is wrong (never says which).
    StaffDenied,
    /// Too many wrong PINs: the helper's account is locked for a while.
    StaffLocked,
    /// Helper mode is needed (not unlocked, or expired): the PIN again.
    StaffRequired,
    /// The QR shown on the helper screen is not a staff card's.
    StaffCardForeign,
    /// The QR shown on the helper screen is a citizen's ID card, not a
    /// staff card.
    StaffCardCitizen,
    /// The staff card is unknown, revoked or replaced, or its helper
    /// disabled.
    StaffCardRefused,
    /// No scanner, or it failed (off, jammed, cover open, no answer).
    ScannerUnavailable,
    /// What was captured is not a usable image.
    ScanUnreadable,
    /// The component already holds the most pages it may.
    TooManyPages,
    /// The payment was closed (paid, expired or cancelled) or never existed
    /// in this session.
    PaymentClosed,
    /// No dossier with this code and lookup secret.
    DossierNotFound,
    /// Too many wrong lookup secrets for this code: wait a while.
    LookupLocked,
    /// The QR shown is not a receipt's lookup QR.
    LookupForeign,
    /// The dossier could not be saved on the kiosk (its outbox failed).
    SaveFailed,
}

impl From<crate::scanning::ScansError> for CommandError {
    fn from(e: crate::scanning::ScansError) -> Self {
        use crate::scanning::ScansError;
        let code = match e {
            ScansError::Full => ErrorCode::TooManyPages,
            ScansError::BadComponent(_) | ScansError::NoDraft | ScansError::NoPage(_) => {
                ErrorCode::InvalidRequest
            }
        };
        Self::new(code, e.to_string())
    }
}

impl From<motcua_capture::CaptureError> for CommandError {
    fn from(e: motcua_capture::CaptureError) -> Self {
        use motcua_capture::CaptureError as E;
        let code = match e {
            E::NotAnImage { .. } | E::FileRefused { .. } | E::Encode(_) => {
                ErrorCode::ScanUnreadable
            }
            _ => ErrorCode::ScannerUnavailable,
        };
        // Capture errors name the device or a file's position, never a citizen's file.
        tracing::warn!(error = %e, "page capture failed");
        Self::new(code, e.to_string())
    }
}

impl From<motcua_scan::ScanError> for CommandError {
    fn from(e: motcua_scan::ScanError) -> Self {
        tracing::info!(error = %e, "captured image refused");
        Self::new(ErrorCode::ScanUnreadable, e.to_string())
    }
}

impl From<ClientError> for CommandError {
    fn from(e: ClientError) -> Self {
        use motcua_protocol::ProblemCode;
        let code = match &e {
            ClientError::Unreachable(_) | ClientError::Timeout => ErrorCode::BackendUnreachable,
            ClientError::BadCode(_) | ClientError::BadId(_) => ErrorCode::InvalidRequest,
            ClientError::Problem(p) => match p.code {
                ProblemCode::NotFound => ErrorCode::NotFound,
                ProblemCode::InvalidRequest
                | ProblemCode::MethodNotAllowed
                | ProblemCode::PayloadTooLarge => ErrorCode::InvalidRequest,
                ProblemCode::InvalidCard => ErrorCode::CardInvalid,
                ProblemCode::InvalidPhone => ErrorCode::InvalidPhone,
                ProblemCode::OtpWrong => ErrorCode::OtpWrong,
                ProblemCode::OtpLocked => ErrorCode::OtpLocked,
                ProblemCode::OtpExpired => ErrorCode::OtpExpired,
                ProblemCode::OtpUsed => ErrorCode::OtpUsed,
                ProblemCode::TooManyCodes => ErrorCode::TooManyCodes,
                ProblemCode::ResendTooSoon => ErrorCode::ResendTooSoon,
                ProblemCode::SmsUnavailable => ErrorCode::SmsUnavailable,
                ProblemCode::AccountHasOtherPhone => ErrorCode::AccountHasOtherPhone,
                // The kiosk's token was refused (revoked, or the backend was
                // set up anew): nothing the citizen can do, a helper must look.
                ProblemCode::Internal | ProblemCode::KioskUnauthorized => ErrorCode::BackendError,
                ProblemCode::StaffLoginFailed => ErrorCode::StaffDenied,
                ProblemCode::StaffLocked => ErrorCode::StaffLocked,
                ProblemCode::StaffUnauthorized => ErrorCode::StaffRequired,
                ProblemCode::PaymentNotFound | ProblemCode::PaymentClosed => {
                    ErrorCode::PaymentClosed
                }
                // The kiosk never sends these: a bank's or a mistake of ours.
                ProblemCode::PaymentAmountMismatch
                | ProblemCode::BadSignature
                | ProblemCode::FreeProcedure
                | ProblemCode::IdempotencyKeyReused => ErrorCode::BackendError,
                // Dossier submission goes through the outbox, which retries
                // or keeps these for a helper; the citizen is never stuck on them.
                ProblemCode::UploadOffsetMismatch
                | ProblemCode::UploadHashMismatch
                | ProblemCode::UploadTypeRefused
                | ProblemCode::UploadIncomplete
                | ProblemCode::DossierIncomplete
                | ProblemCode::PaymentRequired
                | ProblemCode::DossierStatusConflict => ErrorCode::BackendError,
                ProblemCode::DossierNotFound => ErrorCode::DossierNotFound,
                ProblemCode::LookupLocked => ErrorCode::LookupLocked,
            },
            ClientError::BadUrl(_)
            | ClientError::BadToken
            | ClientError::Status { .. }
            | ClientError::Decode(_) => ErrorCode::BackendError,
        };
        let (attempts_left, retry_after_seconds) = match &e {
            ClientError::Problem(p) => (
                p.attempts_left,
                p.retry_after_seconds
                    .map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
            ),
            _ => (None, None),
        };
        tracing::warn!(error = %e, "backend call failed");
        Self {
            attempts_left,
            retry_after_seconds,
            ..Self::new(code, e.to_string())
        }
    }
}

impl CatalogView {
    pub fn from_catalog(c: &Catalog) -> Self {
        let fields = c
            .fields
            .iter()
            .map(|f| FieldView {
                code: f.code.clone(),
                name: f.name.clone(),
                procedures: c
                    .procedures
                    .iter()
                    .filter(|p| p.field == f.code)
                    .map(ProcedureSummary::from_procedure)
                    .collect(),
            })
            .filter(|f: &FieldView| !f.procedures.is_empty())
            .collect();
        Self { fields }
    }
}

impl ProcedureSummary {
    pub fn from_procedure(p: &Procedure) -> Self {
        Self {
            code: p.code.clone(),
            name: p.name.clone(),
            fee_text: catalog::fee_text(&p.fee),
            time_text: catalog::processing_text(&p.processing),
        }
    }
}

impl ProcedureView {
    pub fn from_procedure(p: &Procedure, field_name: String) -> Self {
        Self {
            code: p.code.clone(),
            name: p.name.clone(),
            field_name,
            summary: p.summary.clone(),
            components: p
                .components
                .iter()
                .map(|c| ComponentView {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    note: c.note.clone(),
                    required: c.required,
                })
                .collect(),
            fee_text: catalog::fee_text(&p.fee),
            fee_in_words: catalog::fee_in_words(&p.fee),
            fee_condition: catalog::fee_condition(&p.fee).map(str::to_owned),
            fee_basis: p.fee_basis.clone(),
            time_text: catalog::processing_text(&p.processing),
            result_place: p.result_place.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_read_as_a_person_says_them() {
        assert_eq!(due_day("2026-11-27"), "Thứ Sáu, ngày 27/11/2026");
        assert_eq!(due_day("2026-11-29"), "Chủ nhật, ngày 29/11/2026");
        assert_eq!(due_day("27/11/2026"), "27/11/2026", "kept when unreadable");
        assert_eq!(
            spoken_time("2026-11-26T03:52:00Z"),
            "10 giờ 52 phút, ngày 26/11/2026"
        );
        assert_eq!(spoken_time("yesterday"), "yesterday");
    }
}

/// How one device of the kiosk is, for the device-health screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DeviceStatus {
    /// Present and working.
    Ok,
    /// The kiosk has none configured.
    NotConfigured,
    /// Configured but not found (unplugged, switched off, unreachable).
    Missing,
    /// Found, but its last use failed.
    Failing,
    /// The printer's paper is running low (it still prints).
    PaperLow,
    /// The printer is out of paper.
    OutOfPaper,
    /// It cannot tell (a printer that does not answer status queries).
    Unknown,
}

/// The kiosk's devices and its backend, for the helper's device-health
/// screen. Nothing personal: states and counts.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeviceHealthView {
    /// The ID-card camera.
    pub camera: DeviceStatus,
    /// The page source (scanner, document camera, folder).
    pub scanner: DeviceStatus,
    /// What kind of page source: `scanner`, `camera`, `folder`, `replay`.
    pub scanner_kind: Option<String>,
    /// The receipt printer, as its paper sensor says.
    pub printer: DeviceStatus,
    /// The backend API.
    pub backend: DeviceStatus,
    /// Dossiers waiting in the outbox.
    pub outbox_pending: u32,
    /// Of those, the ones the backend refused: a helper must look.
    pub outbox_needs_helper: u32,
}
