//! Wire types of the Một Cửa backend API, version 1.
//!
//! This crate is the contract between a kiosk and any backend that serves it:
//! the reference server in `motcua-server`, or a center's own system behind the
//! same API. Every type here is serialised as JSON; [`openapi`] builds the
//! OpenAPI 3 document from these types and the path declarations in [`paths`].
//!
//! It holds no behaviour beyond (de)serialisation and small invariants of the
//! wire format, so both sides can depend on it without pulling anything else.

pub mod accounts;
pub mod audit;
mod catalog;
pub mod console;
pub mod dossiers;
pub mod help;
pub mod paths;
pub mod payments;
mod problem;
pub mod staff;

pub use accounts::{
    AccountLookup, AccountLookupResult, AccountVerified, NewOtpChallenge, NewVouch, OtpChallenge,
    OtpVerify, Sex, VouchedAccount,
};
pub use audit::{AuditActorKind, AuditEntry, AuditPage};
pub use catalog::{Catalog, Component, FeeRule, Field, Procedure, ProcessingTime};
pub use console::{
    ConsoleEvent, ConsoleEventKind, DailyFigures, DeviceHealth, DeviceState, HeartbeatAck,
    KioskHeartbeat, KioskState, KioskStateList, Share,
};
pub use dossiers::{
    Applicant, Dossier, DossierList, DossierLookup, DossierLookupRequest, DossierStatus,
    NewDossier, NewUpload, ReceivedComponent, StatusChange, StatusUpdate, SubmittedComponent,
    UploadState,
};
pub use help::{HelpRequest, HelpRequestList, HelpStatus, NewHelpRequest};
pub use payments::{
    AppliedExemption, BANK_SIGNATURE_HEADER, BankWebhook, BankWebhookAck, CounterPayment,
    CounterPaymentList, Exemption, FeeQuote, FeeQuoteRequest, NewPayment, Payment, PaymentMethod,
    PaymentStatus, Receipt, VietQrPayment,
};
pub use problem::{Problem, ProblemCode};
pub use staff::{
    STAFF_CARD_PREFIX, STAFF_TOKEN_HEADER, StaffCardUnlock, StaffLogin, StaffSession, StaffUnlock,
    parse_staff_card, staff_card_text,
};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The API version prefix every versioned path starts with.
pub const API_PREFIX: &str = "/v1";

/// Header carrying the caller's idempotency key on state-changing requests.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// Answer of `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `"ok"` when the server answers at all.
    pub status: String,
    /// The server's version (its crate version).
    pub version: String,
    /// How many procedures the loaded catalog holds.
    pub procedures: u32,
}

/// The OpenAPI 3 document of this API, generated from the types of this crate.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    paths::ApiDoc::openapi()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_declares_the_tokens_on_every_kiosk_path_and_none_on_the_open_ones() {
        let doc = serde_json::to_value(super::openapi()).unwrap_or_default();
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["kiosk_token"]["type"], "http");
        assert_eq!(schemes["kiosk_token"]["scheme"], "bearer");
        assert_eq!(schemes["staff_token"]["in"], "header");
        assert_eq!(schemes["staff_token"]["name"], "X-Staff-Token");
        assert_eq!(schemes["staff_cookie"]["in"], "cookie");
        assert_eq!(schemes["bank_signature"]["in"], "header");
        assert_eq!(schemes["bank_signature"]["name"], "X-Signature");
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        assert!(paths.len() >= 10, "{paths:?}");
        for (path, item) in &paths {
            for (method, op) in item.as_object().into_iter().flatten() {
                let security = op["security"].as_array().cloned().unwrap_or_default();
                let names: Vec<&str> = security
                    .iter()
                    .filter_map(|s| s.as_object())
                    .flat_map(|o| o.keys().map(String::as_str))
                    .collect();
                let open = path == "/healthz" || path == "/v1/staff/sessions";
                match (path.as_str(), method.as_str()) {
                    ("/v1/staff/sessions", "delete") => {
                        assert_eq!(names, ["staff_token", "staff_cookie"], "{method} {path}")
                    }
                    _ if path.starts_with("/v1/counter/")
                        || path.starts_with("/v1/console/")
                        || path == "/v1/help-requests/{id}/answer"
                        || path == "/v1/dossiers/{code}"
                        || path == "/v1/dossiers/{code}/documents/{sha256}"
                        || path == "/v1/audit"
                        || path == "/v1/dossiers/{code}/status"
                        || (path == "/v1/dossiers" && method == "get") =>
                    {
                        assert_eq!(names, ["staff_token", "staff_cookie"], "{method} {path}");
                        assert!(op["responses"]["401"].is_object(), "{method} {path}");
                    }
                    ("/v1/bank/webhook", _) => {
                        assert_eq!(names, ["bank_signature"], "{method} {path}");
                        assert!(op["responses"]["401"].is_object(), "{method} {path}");
                    }
                    ("/v1/accounts/vouch", _) => {
                        assert_eq!(security.len(), 1, "both tokens at once");
                        assert_eq!(names, ["kiosk_token", "staff_token"], "{method} {path}")
                    }
                    _ if open => assert!(names.is_empty(), "{method} {path}: {names:?}"),
                    _ => {
                        assert_eq!(names, ["kiosk_token"], "{method} {path}");
                        assert!(
                            op["responses"]["401"].is_object(),
                            "{method} {path} lacks its 401"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_upload_and_dossier_paths_declare_every_refusal() {
        let doc = serde_json::to_value(super::openapi()).unwrap_or_default();
        for (method, path, statuses) in [
            (
                "post",
                "/v1/uploads",
                &["200", "201", "400", "401", "413"][..],
            ),
            ("get", "/v1/uploads/{sha256}", &["200", "400", "401", "404"]),
            (
                "patch",
                "/v1/uploads/{sha256}",
                &["200", "400", "401", "404", "409", "413", "415", "422"],
            ),
            (
                "post",
                "/v1/dossiers",
                &[
                    "200", "201", "400", "401", "402", "404", "409", "413", "422",
                ],
            ),
            (
                "post",
                "/v1/dossiers/lookup",
                &["200", "400", "401", "404", "429"],
            ),
            ("get", "/v1/dossiers", &["200", "400", "401"]),
            ("get", "/v1/dossiers/{code}", &["200", "401", "404"]),
            (
                "post",
                "/v1/dossiers/{code}/status",
                &["200", "400", "401", "404", "409"],
            ),
        ] {
            let op = &doc["paths"][path][method];
            assert!(op.is_object(), "{method} {path} missing");
            for s in statuses {
                assert!(op["responses"][s].is_object(), "{method} {path} lacks {s}");
            }
        }
        let params = doc["paths"]["/v1/uploads/{sha256}"]["patch"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            params
                .iter()
                .any(|p| p["name"] == crate::dossiers::UPLOAD_OFFSET_HEADER && p["in"] == "header"),
            "{params:?}"
        );
        // The chunk is raw bytes, as the client sends them: a binary
        // string, not a JSON array of numbers.
        let chunk = &doc["paths"]["/v1/uploads/{sha256}"]["patch"]["requestBody"]["content"];
        let schema = &chunk["application/octet-stream"]["schema"];
        assert_eq!(
            (&schema["type"], &schema["format"]),
            (&serde_json::json!("string"), &serde_json::json!("binary")),
            "{chunk}"
        );
        let key = &doc["paths"]["/v1/dossiers"]["post"]["parameters"][0];
        assert_eq!(key["name"], "Idempotency-Key");
        for schema in [
            "NewUpload",
            "UploadState",
            "NewDossier",
            "Dossier",
            "DossierList",
            "DossierLookup",
            "DossierLookupRequest",
            "StatusUpdate",
            "DossierStatus",
        ] {
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "schema {schema} missing"
            );
        }
    }

    #[test]
    fn the_payment_paths_and_their_schemas_are_in_the_document() {
        let doc = serde_json::to_value(super::openapi()).unwrap_or_default();
        for path in [
            "/v1/fees/quote",
            "/v1/payments",
            "/v1/payments/{id}",
            "/v1/payments/{id}/cancel",
            "/v1/bank/webhook",
            "/v1/counter/payments",
            "/v1/counter/payments/{id}/confirm",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} missing");
        }
        for schema in [
            "FeeQuoteRequest",
            "FeeQuote",
            "AppliedExemption",
            "Component",
            "NewPayment",
            "Payment",
            "VietQrPayment",
            "Receipt",
            "BankWebhook",
            "BankWebhookAck",
            "CounterPaymentList",
            "Exemption",
            "PaymentStatus",
        ] {
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "schema {schema} missing"
            );
        }
        let key = &doc["paths"]["/v1/payments"]["post"]["parameters"][0];
        assert_eq!(key["name"], "Idempotency-Key");
        assert_eq!(key["in"], "header");
    }

    #[test]
    fn the_console_paths_declare_their_refusals_and_schemas() {
        let doc = serde_json::to_value(super::openapi()).unwrap_or_default();
        for (method, path, statuses) in [
            ("post", "/v1/kiosks/heartbeat", &["200", "400", "401"][..]),
            ("get", "/v1/console/kiosks", &["200", "401"]),
            ("get", "/v1/console/help-requests", &["200", "401"]),
            (
                "post",
                "/v1/help-requests/{id}/answer",
                &["200", "401", "404"],
            ),
            ("get", "/v1/console/events", &["200", "401"]),
            ("get", "/v1/console/figures", &["200", "400", "401"]),
        ] {
            let op = &doc["paths"][path][method];
            assert!(op.is_object(), "{method} {path} missing");
            for s in statuses {
                assert!(op["responses"][s].is_object(), "{method} {path} lacks {s}");
            }
        }
        for schema in [
            "KioskHeartbeat",
            "DeviceHealth",
            "DeviceState",
            "HeartbeatAck",
            "KioskStateList",
            "KioskState",
            "DailyFigures",
            "Share",
        ] {
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "schema {schema} missing"
            );
        }
    }
}
