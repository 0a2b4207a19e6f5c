//! Declarations of the API's paths for the OpenAPI document.
//!
//! The functions are never called: they carry the `#[utoipa::path]`
//! annotations that describe each endpoint. The server implements them.
#![allow(dead_code)]

use crate::{
    AccountLookup, AccountLookupResult, AccountVerified, NewOtpChallenge, NewVouch, OtpChallenge,
    OtpVerify, VouchedAccount,
};
use crate::{AuditPage, StaffCardUnlock, StaffLogin, StaffSession, StaffUnlock};
use crate::{
    BankWebhook, BankWebhookAck, CounterPaymentList, FeeQuote, FeeQuoteRequest, NewPayment, Payment,
};
use crate::{Catalog, Health, HelpRequest, HelpRequestList, NewHelpRequest, Problem, Procedure};
use crate::{DailyFigures, HeartbeatAck, KioskHeartbeat, KioskStateList};
use crate::{
    Dossier, DossierList, DossierLookup, DossierLookupRequest, NewDossier, NewUpload, StatusUpdate,
    UploadState,
};
/// The raw bytes of a document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
struct DocumentBytes(Vec<u8>);

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

/// Name of the kiosk's bearer-token security scheme.
pub const KIOSK_TOKEN_SCHEME: &str = "kiosk_token";
/// Name of the staff-token (`X-Staff-Token` header) security scheme.
pub const STAFF_TOKEN_SCHEME: &str = "staff_token";
/// Name of the console session cookie security scheme.
pub const STAFF_COOKIE_SCHEME: &str = "staff_cookie";
/// Name of the bank webhook's signature (`X-Signature`) security scheme.
pub const BANK_SIGNATURE_SCHEME: &str = "bank_signature";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Một Cửa Kiosk backend API",
        description = "The API a Một Cửa kiosk submits to. Errors are problem documents with a stable `code` and a Vietnamese `message`.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        healthz,
        catalog,
        procedure,
        create_help_request,
        list_help_requests,
        lookup_account,
        request_otp,
        verify_otp,
        vouch_account,
        staff_login,
        staff_logout,
        staff_unlock,
        staff_unlock_card,
        quote_fee,
        create_payment,
        get_payment,
        cancel_payment,
        bank_webhook,
        list_counter_payments,
        confirm_counter_payment,
        declare_upload,
        upload_state,
        append_upload,
        create_dossier,
        lookup_dossier,
        list_dossiers,
        get_dossier,
        get_dossier_document,
        set_dossier_status,
        kiosk_heartbeat,
        console_kiosks,
        console_help_requests,
        answer_help_request,
        console_events,
        console_figures,
        audit_log
    ),
    components(schemas(Problem)),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

/// Declares the security schemes the paths name.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            KIOSK_TOKEN_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The kiosk's token from `motcua server kiosk add`, on every kiosk-facing /v1 route.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            STAFF_TOKEN_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                crate::STAFF_TOKEN_HEADER,
                "A helper's token from POST /v1/staff/unlock (or /v1/staff/sessions).",
            ))),
        );
        components.add_security_scheme(
            STAFF_COOKIE_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::staff::STAFF_SESSION_COOKIE,
                "The console session set by POST /v1/staff/sessions (HttpOnly, SameSite=Strict).",
            ))),
        );
        components.add_security_scheme(
            BANK_SIGNATURE_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                crate::BANK_SIGNATURE_HEADER,
                "`sha256=<hex HMAC-SHA256 of the raw body>` under the secret shared with the bank.",
            ))),
        );
    }
}

/// Liveness and the loaded catalog's size.
#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "The server is up", body = Health)))]
fn healthz() {}

/// The center's whole procedure catalog.
#[utoipa::path(get, path = "/v1/catalog", tag = "catalog",
    security(("kiosk_token" = [])),
    responses(
        (status = 200, description = "The catalog", body = Catalog),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json")
    ))]
fn catalog() {}

/// One procedure by its national code.
#[utoipa::path(get, path = "/v1/procedures/{code}", tag = "catalog",
    security(("kiosk_token" = [])),
    params(("code" = String, Path, description = "National procedure code, e.g. 1.001193")),
    responses(
        (status = 200, description = "The procedure", body = Procedure),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such procedure", body = Problem, content_type = "application/problem+json")
    ))]
fn procedure() {}

/// A kiosk calls a helper.
#[utoipa::path(post, path = "/v1/help-requests", tag = "help",
    security(("kiosk_token" = [])),
    request_body = NewHelpRequest,
    responses(
        (status = 201, description = "Recorded", body = HelpRequest),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json")
    ))]
fn create_help_request() {}

/// Open help requests, newest first.
#[utoipa::path(get, path = "/v1/help-requests", tag = "help",
    security(("kiosk_token" = [])),
    responses(
        (status = 200, description = "Open requests", body = HelpRequestList),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json")
    ))]
fn list_help_requests() {}

/// Whether a citizen already has an account, by ID number. Never returns the
/// name or the phone in clear.
#[utoipa::path(post, path = "/v1/accounts/lookup", tag = "accounts",
    security(("kiosk_token" = [])),
    request_body = AccountLookup,
    responses(
        (status = 200, description = "Found or not; the phone masked", body = AccountLookupResult),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "Not an ID number (`invalid_card`) or malformed", body = Problem, content_type = "application/problem+json")
    ))]
fn lookup_account() {}

/// Sends a 6-digit one-time code by SMS to create or link the account.
/// At most 3 codes per phone per rolling hour, one per 60 seconds.
#[utoipa::path(post, path = "/v1/accounts/otp", tag = "accounts",
    security(("kiosk_token" = [])),
    request_body = NewOtpChallenge,
    responses(
        (status = 201, description = "Code sent; valid 5 minutes", body = OtpChallenge),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`invalid_card`, `invalid_phone` or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_codes` or `resend_too_soon`, with `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`sms_unavailable`: nothing is pending", body = Problem, content_type = "application/problem+json")
    ))]
fn request_otp() {}

/// Checks the code; creates the account or links the existing one.
#[utoipa::path(post, path = "/v1/accounts/verify", tag = "accounts",
    security(("kiosk_token" = [])),
    request_body = OtpVerify,
    responses(
        (status = 201, description = "Account created or linked", body = AccountVerified),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`otp_wrong` with `attempts_left`, or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`otp_locked` after 5 wrong codes", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`otp_used`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`otp_expired`", body = Problem, content_type = "application/problem+json")
    ))]
fn verify_otp() {}

/// A helper vouches for a citizen without a phone; creates or finds the
/// account. Needs the kiosk's token and, in `X-Staff-Token`, the helper's
/// token from `POST /v1/staff/unlock` on the same kiosk; the server records
/// the user that token belongs to.
#[utoipa::path(post, path = "/v1/accounts/vouch", tag = "accounts",
    security(("kiosk_token" = [], "staff_token" = [])),
    request_body = NewVouch,
    responses(
        (status = 201, description = "Account created or found", body = VouchedAccount),
        (status = 400, description = "`invalid_card` or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`, or `staff_unauthorized`: no staff token, or one unknown, expired, or from another kiosk", body = Problem, content_type = "application/problem+json")
    ))]
fn vouch_account() {}

/// A helper logs in to the console with user name and password. The token
/// comes back in the body and as the `motcua_staff` cookie (HttpOnly,
/// SameSite=Strict); it works for 12 hours. After 5 wrong passwords or PINs
/// in a row the account is locked for 15 minutes.
#[utoipa::path(post, path = "/v1/staff/sessions", tag = "staff",
    request_body = StaffLogin,
    responses(
        (status = 201, description = "Logged in", body = StaffSession,
            headers(("Set-Cookie" = String, description = "motcua_staff=<token>; HttpOnly; SameSite=Strict; Path=/v1; Max-Age=43200"))),
        (status = 400, description = "Malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`staff_login_failed`: wrong user or password (never says which)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`staff_locked`, with `Retry-After`", body = Problem, content_type = "application/problem+json")
    ))]
fn staff_login() {}

/// Logs out: ends the staff token given in `X-Staff-Token` or the console
/// cookie (a console session or a kiosk's helper mode) and clears the cookie.
#[utoipa::path(delete, path = "/v1/staff/sessions", tag = "staff",
    security(("staff_token" = []), ("staff_cookie" = [])),
    responses(
        (status = 204, description = "The token no longer works"),
        (status = 401, description = "`staff_unauthorized`: no token given", body = Problem, content_type = "application/problem+json")
    ))]
fn staff_logout() {}

/// A helper unlocks helper mode on the calling kiosk with their 6-digit PIN.
/// The token works for 15 minutes and only on this kiosk. Wrong PINs count
/// towards the same lock as wrong passwords.
#[utoipa::path(post, path = "/v1/staff/unlock", tag = "staff",
    security(("kiosk_token" = [])),
    request_body = StaffUnlock,
    responses(
        (status = 201, description = "Helper mode unlocked", body = StaffSession),
        (status = 400, description = "Malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`, or `staff_login_failed`: wrong user or PIN (never says which)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`staff_locked`, with `Retry-After`", body = Problem, content_type = "application/problem+json")
    ))]
fn staff_unlock() {}

/// A helper unlocks helper mode on the calling kiosk with their staff QR
/// card (`motcua server staff card USER`). The token works for 15 minutes
/// and only on this kiosk. A card reissued or revoked stops working at once;
/// a disabled or locked helper's card is refused.
#[utoipa::path(post, path = "/v1/staff/unlock-card", tag = "staff",
    security(("kiosk_token" = [])),
    request_body = StaffCardUnlock,
    responses(
        (status = 201, description = "Helper mode unlocked", body = StaffSession),
        (status = 400, description = "Malformed, or `invalid_request`: the text is not a staff card's", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`, or `staff_login_failed`: an unknown, revoked or replaced card, or a disabled helper", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`staff_locked`, with `Retry-After`", body = Problem, content_type = "application/problem+json")
    ))]
fn staff_unlock_card() {}

/// The fee of a procedure, computed from the catalog's rule, with the
/// amount in words, the legal basis and, for an exemption, the document the
/// dossier must then include. A free procedure quotes 0 with its condition.
#[utoipa::path(post, path = "/v1/fees/quote", tag = "payments",
    security(("kiosk_token" = [])),
    request_body = FeeQuoteRequest,
    responses(
        (status = 200, description = "The fee", body = FeeQuote),
        (status = 400, description = "Malformed, copies or pages out of range, or pages missing for a per-page fee", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such procedure", body = Problem, content_type = "application/problem+json")
    ))]
fn quote_fee() {}

/// Creates a payment intent for the fee the catalog gives (the kiosk never
/// sets the amount), paid by VietQR transfer or at the counter within 30
/// minutes. The same `Idempotency-Key` from the same kiosk gives the same
/// intent back (200).
#[utoipa::path(post, path = "/v1/payments", tag = "payments",
    security(("kiosk_token" = [])),
    params(("Idempotency-Key" = String, Header, description = "1 to 128 printable ASCII characters, unique per intent the kiosk means to create")),
    request_body = NewPayment,
    responses(
        (status = 201, description = "Created, `pending`", body = Payment),
        (status = 200, description = "The intent this key already created, as it stands now", body = Payment),
        (status = 400, description = "Malformed, no `Idempotency-Key`, copies or pages out of range", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such procedure", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`free_procedure`: the fee is zero, nothing to pay", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`idempotency_key_reused`: the key was used for another request", body = Problem, content_type = "application/problem+json")
    ))]
fn create_payment() {}

/// A payment intent of the calling kiosk, with its receipt once paid.
#[utoipa::path(get, path = "/v1/payments/{id}", tag = "payments",
    security(("kiosk_token" = [])),
    params(("id" = String, Path, description = "The intent's id")),
    responses(
        (status = 200, description = "The intent", body = Payment),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`payment_not_found`: none with this id for this kiosk", body = Problem, content_type = "application/problem+json")
    ))]
fn get_payment() {}

/// Cancels a pending intent of the calling kiosk (a citizen switching from
/// QR to cash cancels the QR intent and creates a counter one). Cancelling
/// a cancelled intent answers it again.
#[utoipa::path(post, path = "/v1/payments/{id}/cancel", tag = "payments",
    security(("kiosk_token" = [])),
    params(("id" = String, Path, description = "The intent's id")),
    responses(
        (status = 200, description = "Cancelled", body = Payment),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`payment_not_found`: none with this id for this kiosk", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`payment_closed`: already paid or expired", body = Problem, content_type = "application/problem+json")
    ))]
fn cancel_payment() {}

/// The bank reports a transfer. The signature is checked on the raw body
/// before anything is read; a replayed `transaction_id` changes nothing.
#[utoipa::path(post, path = "/v1/bank/webhook", tag = "payments",
    security(("bank_signature" = [])),
    request_body = BankWebhook,
    responses(
        (status = 200, description = "Applied (or already applied): the intent is paid", body = BankWebhookAck),
        (status = 400, description = "Malformed (after a good signature), or a `transaction_id` already recorded with another reference or amount", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`bad_signature`: missing or wrong `X-Signature`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`payment_not_found`: no intent with this reference (the transaction is recorded)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`payment_amount_mismatch` (the intent stays pending) or `payment_closed` (expired, cancelled or already paid: to be refunded by hand); the transaction is recorded", body = Problem, content_type = "application/problem+json")
    ))]
fn bank_webhook() {}

/// Counter payments for the console, oldest first: by default the pending
/// ones a clerk may confirm.
#[utoipa::path(get, path = "/v1/counter/payments", tag = "payments",
    security(("staff_token" = []), ("staff_cookie" = [])),
    params(("status" = Option<String>, Query, description = "`pending` (default), `paid`, `expired` or `cancelled`")),
    responses(
        (status = 200, description = "Counter payments", body = CounterPaymentList),
        (status = 400, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`staff_unauthorized`: no console session (a kiosk's helper-mode token is refused)", body = Problem, content_type = "application/problem+json")
    ))]
fn list_counter_payments() {}

/// A clerk confirms a counter payment was received: the intent becomes paid,
/// the clerk is recorded and the receipt issued.
#[utoipa::path(post, path = "/v1/counter/payments/{id}/confirm", tag = "payments",
    security(("staff_token" = []), ("staff_cookie" = [])),
    params(("id" = String, Path, description = "The intent's id")),
    responses(
        (status = 200, description = "Paid, with the receipt", body = Payment),
        (status = 401, description = "`staff_unauthorized`: no console session (a kiosk's helper-mode token is refused)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`payment_not_found`: no counter payment with this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`payment_closed`: already paid, expired or cancelled", body = Problem, content_type = "application/problem+json")
    ))]
fn confirm_counter_payment() {}

/// Declares a document by its SHA-256 and size (content-addressed: the
/// same bytes are never sent twice). The answer's `received` says where to
/// continue with `PATCH`.
#[utoipa::path(post, path = "/v1/uploads", tag = "dossiers",
    security(("kiosk_token" = [])),
    request_body = NewUpload,
    responses(
        (status = 201, description = "Declared, nothing received yet", body = UploadState),
        (status = 200, description = "Declared before: how much is held (all of it when complete)", body = UploadState),
        (status = 400, description = "Malformed, size 0, not a SHA-256, or declared before with another size", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: the size is above 32 MiB", body = Problem, content_type = "application/problem+json")
    ))]
fn declare_upload() {}

/// Where an upload stands: read it after an interruption and continue.
#[utoipa::path(get, path = "/v1/uploads/{sha256}", tag = "dossiers",
    security(("kiosk_token" = [])),
    params(("sha256" = String, Path, description = "64 hex digits")),
    responses(
        (status = 200, description = "The upload", body = UploadState),
        (status = 400, description = "Not a SHA-256", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: never declared", body = Problem, content_type = "application/problem+json")
    ))]
fn upload_state() {}

// A binary string in the document, not the array of numbers `Vec<u8>`
// alone would give.
/// The chunk's raw bytes.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
struct Chunk(Vec<u8>);

/// Appends up to 4 MiB (raw bytes; the content type is not read) at
/// `Upload-Offset`.
/// With the last byte the SHA-256 and the content (PDF, JPEG or PNG by
/// their first bytes) are checked; a refused document is discarded.
#[utoipa::path(patch, path = "/v1/uploads/{sha256}", tag = "dossiers",
    security(("kiosk_token" = [])),
    params(
        ("sha256" = String, Path, description = "64 hex digits"),
        ("Upload-Offset" = u64, Header, description = "Where the chunk starts: the `received` the server last reported")
    ),
    request_body(content = inline(Chunk), content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Appended; `complete` once the last byte arrived and was accepted", body = UploadState),
        (status = 400, description = "No or malformed `Upload-Offset`, or bytes past the declared size", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: never declared", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`upload_offset_mismatch`: nothing changed, read the state and continue from `received`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: the chunk is above 4 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`upload_type_refused`: not a PDF, JPEG or PNG; discarded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`upload_hash_mismatch`: the bytes do not have the SHA-256; discarded, send again from 0", body = Problem, content_type = "application/problem+json")
    ))]
fn append_upload() {}

/// Submits a dossier: checked against the catalog (components, fee), its
/// uploads complete, its fee paid by an intent of this kiosk; numbered
/// `YYMMDD-NNNN`, with a 6-digit lookup secret and the due date (weekends
/// and public holidays skipped). Recorded durably before the answer. The
/// same `Idempotency-Key` and body from the same kiosk gives the same
/// dossier back (200), with the same code and secret.
#[utoipa::path(post, path = "/v1/dossiers", tag = "dossiers",
    security(("kiosk_token" = [])),
    params(("Idempotency-Key" = String, Header, description = "1 to 128 printable ASCII characters, unique per dossier the kiosk means to submit")),
    request_body = NewDossier,
    responses(
        (status = 201, description = "Received: everything the receipt slip prints", body = Dossier),
        (status = 200, description = "The dossier this key already submitted", body = Dossier),
        (status = 400, description = "Malformed, no `Idempotency-Key`, `invalid_card` (ID number), `invalid_phone`, a name or address empty or too long, copies out of range, a component listed twice", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 402, description = "`payment_required`: the fee is not zero and no paid intent of this kiosk for this procedure and amount, unused by another dossier, is named", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such procedure", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`upload_incomplete`: an upload is unknown or not complete", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`dossier_incomplete` (a required component has no upload nor paper mark, or a component is not the procedure's) or `idempotency_key_reused`", body = Problem, content_type = "application/problem+json")
    ))]
fn create_dossier() {}

/// Where a dossier stands, by the code and the secret on the receipt (no
/// personal data). An unknown code and a wrong secret get the same 404;
/// after 10 wrong lookups of one code within 15 minutes its lookups wait.
#[utoipa::path(post, path = "/v1/dossiers/lookup", tag = "dossiers",
    security(("kiosk_token" = [])),
    request_body = DossierLookupRequest,
    responses(
        (status = 200, description = "The dossier's status and history", body = DossierLookup),
        (status = 400, description = "Malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`: unknown code or wrong secret (never says which)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`lookup_locked`, with `Retry-After`", body = Problem, content_type = "application/problem+json")
    ))]
fn lookup_dossier() {}

/// The dossiers a kiosk submitted under its own reference (the one printed
/// while a dossier waited in the kiosk's outbox). Back office only.
#[utoipa::path(get, path = "/v1/dossiers", tag = "dossiers",
    security(("staff_token" = []), ("staff_cookie" = [])),
    params(("local_reference" = String, Query, description = "The kiosk's reference")),
    responses(
        (status = 200, description = "Matching dossiers (at most 50)", body = DossierList),
        (status = 400, description = "No or malformed `local_reference`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`staff_unauthorized`: no console session (a kiosk's helper-mode token is refused)", body = Problem, content_type = "application/problem+json")
    ))]
fn list_dossiers() {}

/// A whole dossier with the applicant, for the back office.
#[utoipa::path(get, path = "/v1/dossiers/{code}", tag = "dossiers",
    security(("staff_token" = []), ("staff_cookie" = [])),
    params(("code" = String, Path, description = "The dossier code, dash optional")),
    responses(
        (status = 200, description = "The dossier", body = Dossier),
        (status = 401, description = "`staff_unauthorized`: no console session (a kiosk's helper-mode token is refused)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json")
    ))]
fn get_dossier() {}

/// The bytes of one of a dossier's documents (PDF, JPEG or PNG, as checked
/// when uploaded), for the back office.
#[utoipa::path(get, path = "/v1/dossiers/{code}/documents/{sha256}", tag = "dossiers",
    security(("staff_token" = []), ("staff_cookie" = [])),
    params(
        ("code" = String, Path, description = "The dossier code, dash optional"),
        ("sha256" = String, Path, description = "The document's SHA-256, 64 hex digits")
    ),
    responses(
        (status = 200, description = "The document", content(
            (DocumentBytes = "application/pdf"),
            (DocumentBytes = "image/jpeg"),
            (DocumentBytes = "image/png")
        )),
        (status = 400, description = "Not a SHA-256", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`staff_unauthorized`: no console session (a kiosk's helper-mode token is refused)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found` or `not_found`: no such dossier, or no such document in it", body = Problem, content_type = "application/problem+json")
    ))]
fn get_dossier_document() {}

/// The back office moves a dossier to another status (received →
/// processing → done, or needs more documents, or returned); a note for
/// the citizen is required with `needs_more_documents` and `returned`.
/// The staff member is recorded, never shown at lookup.
#[utoipa::path(post, path = "/v1/dossiers/{code}/status", tag = "dossiers",
    security(("staff_token" = []), ("staff_cookie" = [])),
    params(("code" = String, Path, description = "The dossier code, dash optional")),
    request_body = StatusUpdate,
    responses(
        (status = 200, description = "Changed: the dossier as a lookup shows it", body = DossierLookup),
        (status = 400, description = "Malformed, a note missing or longer than 500 characters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`staff_unauthorized`: no console session (a kiosk's helper-mode token is refused)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`dossier_status_conflict`: not allowed from the current status", body = Problem, content_type = "application/problem+json")
    ))]
fn set_dossier_status() {}

/// A kiosk reports the screen it shows, its devices and its outbox; the
/// server keeps the latest per kiosk with its own clock.
#[utoipa::path(post, path = "/v1/kiosks/heartbeat", tag = "console",
    security(("kiosk_token" = [])),
    request_body = KioskHeartbeat,
    responses(
        (status = 200, description = "Recorded", body = HeartbeatAck),
        (status = 400, description = "Malformed (a step that is not a screen name, an unknown device state)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`kiosk_unauthorized`: no, unknown or revoked kiosk token", body = Problem, content_type = "application/problem+json")
    ))]
fn kiosk_heartbeat() {}

/// Every kiosk whose token works, with its last heartbeat; `online` when
/// that came within 90 seconds.
#[utoipa::path(get, path = "/v1/console/kiosks", tag = "console",
    security(("staff_token" = []), ("staff_cookie" = [])),
    responses(
        (status = 200, description = "The kiosks, by name", body = KioskStateList),
        (status = 401, description = "`staff_unauthorized`: no console session (a kiosk's or a helper-mode token is refused)", body = Problem, content_type = "application/problem+json")
    ))]
fn console_kiosks() {}

/// Open help requests of every kiosk, newest first.
#[utoipa::path(get, path = "/v1/console/help-requests", tag = "console",
    security(("staff_token" = []), ("staff_cookie" = [])),
    responses(
        (status = 200, description = "Open requests", body = HelpRequestList),
        (status = 401, description = "`staff_unauthorized`: no console session", body = Problem, content_type = "application/problem+json")
    ))]
fn console_help_requests() {}

/// A helper has answered a help request: it is closed (answering a closed
/// one again changes nothing).
#[utoipa::path(post, path = "/v1/help-requests/{id}/answer", tag = "help",
    security(("staff_token" = []), ("staff_cookie" = [])),
    params(("id" = String, Path, description = "The help request's id")),
    responses(
        (status = 200, description = "The request, closed", body = HelpRequest),
        (status = 401, description = "`staff_unauthorized`: no console session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such request", body = Problem, content_type = "application/problem+json")
    ))]
fn answer_help_request() {}

/// Server-Sent Events for the console: one message per change (`event:` the
/// kind, `data:` a `ConsoleEvent` with an opaque id, never personal data),
/// and a keep-alive comment every 15 seconds.
#[utoipa::path(get, path = "/v1/console/events", tag = "console",
    security(("staff_token" = []), ("staff_cookie" = [])),
    responses(
        (status = 200, description = "An endless `text/event-stream`", content_type = "text/event-stream", body = String),
        (status = 401, description = "`staff_unauthorized`: no console session", body = Problem, content_type = "application/problem+json")
    ))]
fn console_events() {}

/// One day's figures (Vietnam time): dossiers received, the shares
/// submitted online, resolved on time, paid online and digitized, and the
/// dossiers received per hour.
#[utoipa::path(get, path = "/v1/console/figures", tag = "console",
    security(("staff_token" = []), ("staff_cookie" = [])),
    params(("date" = Option<String>, Query, description = "YYYY-MM-DD; today in Vietnam when absent")),
    responses(
        (status = 200, description = "The figures", body = DailyFigures),
        (status = 400, description = "A malformed date", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`staff_unauthorized`: no console session", body = Problem, content_type = "application/problem+json")
    ))]
fn console_figures() {}

/// The audit log, for staff: every state change (who, when, what) without
/// personal data, oldest first. Without `since`, the latest `limit`
/// entries; with it, the first `limit` after that cursor (`"0"`: from the
/// beginning). Poll with the answer's `next`.
#[utoipa::path(get, path = "/v1/audit", tag = "console",
    security(("staff_token" = []), ("staff_cookie" = [])),
    params(
        ("since" = Option<String>, Query, description = "A `cursor` or `next` of an earlier answer, or `0`"),
        ("limit" = Option<u32>, Query, description = "1 to 500 entries, 100 when absent")
    ),
    responses(
        (status = 200, description = "A page of entries", body = AuditPage),
        (status = 400, description = "A malformed cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`staff_unauthorized`: no console session (a kiosk's token or helper-mode token is refused)", body = Problem, content_type = "application/problem+json")
    ))]
fn audit_log() {}
