//! Declarations of the API's paths for the OpenAPI document.
//!
//! The functions are never called: they carry the `#[utoipa::path]`
//! annotations that describe each endpoint. The server implements them.
#![allow(dead_code)]

use crate::{
    AccountLookup, AccountLookupResult, AccountVerified, NewOtpChallenge, NewVouch, OtpChallenge,
    OtpVerify, VouchedAccount,
};
use crate::{Catalog, Health, HelpRequest, HelpRequestList, NewHelpRequest, Problem, Procedure};

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
        vouch_account
    ),
    components(schemas(Problem))
)]
pub struct ApiDoc;

/// Liveness and the loaded catalog's size.
#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "The server is up", body = Health)))]
fn healthz() {}

/// The center's whole procedure catalog.
#[utoipa::path(get, path = "/v1/catalog", tag = "catalog",
    responses((status = 200, description = "The catalog", body = Catalog)))]
fn catalog() {}

/// One procedure by its national code.
#[utoipa::path(get, path = "/v1/procedures/{code}", tag = "catalog",
    params(("code" = String, Path, description = "National procedure code, e.g. 1.001193")),
    responses(
        (status = 200, description = "The procedure", body = Procedure),
        (status = 404, description = "No such procedure", body = Problem, content_type = "application/problem+json")
    ))]
fn procedure() {}

/// A kiosk calls a helper.
#[utoipa::path(post, path = "/v1/help-requests", tag = "help",
    request_body = NewHelpRequest,
    responses(
        (status = 201, description = "Recorded", body = HelpRequest),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json")
    ))]
fn create_help_request() {}

/// Open help requests, newest first.
#[utoipa::path(get, path = "/v1/help-requests", tag = "help",
    responses((status = 200, description = "Open requests", body = HelpRequestList)))]
fn list_help_requests() {}

/// Whether a citizen already has an account, by ID number. Never returns the
/// name or the phone in clear.
#[utoipa::path(post, path = "/v1/accounts/lookup", tag = "accounts",
    request_body = AccountLookup,
    responses(
        (status = 200, description = "Found or not; the phone masked", body = AccountLookupResult),
        (status = 400, description = "Not an ID number (`invalid_card`) or malformed", body = Problem, content_type = "application/problem+json")
    ))]
fn lookup_account() {}

/// Sends a 6-digit one-time code by SMS to create or link the account.
/// At most 3 codes per phone per rolling hour, one per 60 seconds.
#[utoipa::path(post, path = "/v1/accounts/otp", tag = "accounts",
    request_body = NewOtpChallenge,
    responses(
        (status = 201, description = "Code sent; valid 5 minutes", body = OtpChallenge),
        (status = 400, description = "`invalid_card`, `invalid_phone` or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_codes` or `resend_too_soon`, with `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`sms_unavailable`: nothing is pending", body = Problem, content_type = "application/problem+json")
    ))]
fn request_otp() {}

/// Checks the code; creates the account or links the existing one.
#[utoipa::path(post, path = "/v1/accounts/verify", tag = "accounts",
    request_body = OtpVerify,
    responses(
        (status = 201, description = "Account created or linked", body = AccountVerified),
        (status = 400, description = "`otp_wrong` with `attempts_left`, or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`otp_locked` after 5 wrong codes", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`otp_used`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`otp_expired`", body = Problem, content_type = "application/problem+json")
    ))]
fn verify_otp() {}

/// A helper vouches for a citizen without a phone; creates or finds the
/// account. Staff authentication is not yet enforced: `staff_user` is recorded.
#[utoipa::path(post, path = "/v1/accounts/vouch", tag = "accounts",
    request_body = NewVouch,
    responses(
        (status = 201, description = "Account created or found", body = VouchedAccount),
        (status = 400, description = "`invalid_card` or malformed", body = Problem, content_type = "application/problem+json")
    ))]
fn vouch_account() {}
