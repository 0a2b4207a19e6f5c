//! Uploads and dossiers: the documents a kiosk sends, content-addressed and
//! resumable, and the dossier (hồ sơ) that names them, submitted once under
//! an `Idempotency-Key`, with its due date, status history and lookup.
//!
//! Uploads (a small, resumable protocol in the spirit of tus):
//! 1. `POST /v1/uploads` with [`NewUpload`] (the SHA-256 and size) declares
//!    a document; the answer's [`UploadState::received`] says how many bytes
//!    the server already holds (all of them when the same bytes were sent
//!    before: nothing is sent twice).
//! 2. `PATCH /v1/uploads/{sha256}` with header [`UPLOAD_OFFSET_HEADER`] equal
//!    to `received` and up to [`MAX_CHUNK_BYTES`] of the next bytes appends
//!    them. A wrong offset is refused (`upload_offset_mismatch`) and changes
//!    nothing: read the state with `GET /v1/uploads/{sha256}` and go on.
//! 3. When the last byte arrives the server checks the SHA-256 (a mismatch,
//!    `upload_hash_mismatch`, discards the bytes) and the content (only PDF,
//!    JPEG and PNG by their first bytes, else `upload_type_refused`).
//!
//! A dossier answer carries the applicant's data only back to the kiosk that
//! sent it; a lookup ([`DossierLookup`]) never carries personal data.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Exemption, Receipt};

/// Largest document an upload may declare: 32 MiB.
pub const MAX_UPLOAD_BYTES: u64 = 32 * 1024 * 1024;

/// Largest body of one `PATCH /v1/uploads/{sha256}`: 4 MiB.
pub const MAX_CHUNK_BYTES: u64 = 4 * 1024 * 1024;

/// Header of `PATCH /v1/uploads/{sha256}`: where the chunk starts.
pub const UPLOAD_OFFSET_HEADER: &str = "Upload-Offset";

/// Most components a dossier may name, and most uploads per component.
pub const MAX_DOSSIER_COMPONENTS: usize = 30;
pub const MAX_UPLOADS_PER_COMPONENT: usize = 20;

/// Digits of a lookup secret.
pub const LOOKUP_SECRET_DIGITS: usize = 6;

/// Body of `POST /v1/uploads`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUpload {
    /// SHA-256 of the whole document, 64 lowercase hex digits.
    pub sha256: String,
    /// Size of the whole document in bytes, 1 to [`MAX_UPLOAD_BYTES`].
    pub size: u64,
}

/// Where an upload stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UploadState {
    pub sha256: String,
    pub size: u64,
    /// Bytes the server holds, from the start: send the rest from here.
    pub received: u64,
    /// All bytes arrived, the hash matched and the content is accepted.
    pub complete: bool,
    /// When complete: `application/pdf`, `image/jpeg` or `image/png`, as
    /// read from the content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// The applicant (người nộp hồ sơ), as on the ID card and as the citizen
/// confirmed or corrected it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub full_name: String,
    /// The 12-digit personal ID number.
    pub id_number: String,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    pub address: String,
    /// Vietnamese mobile number, when the citizen has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// One component of a submitted dossier: the uploads that make it, or a
/// helper's mark that it was handed in on paper at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmittedComponent {
    /// The catalog's component id (or the id of the document an exemption
    /// requires).
    pub component_id: String,
    /// SHA-256 of each complete upload, in order.
    #[serde(default)]
    pub uploads: Vec<String>,
    /// Handed in on paper at the counter (nộp bản giấy tại quầy).
    #[serde(default)]
    pub on_paper: bool,
}

/// Body of `POST /v1/dossiers` (with an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDossier {
    pub procedure_code: String,
    pub applicant: Applicant,
    /// The citizen's public-service account, when one was made or found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Copies (bản) or sets (bộ) requested; 1 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<Exemption>,
    /// The paid payment intent, when the fee is not zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    pub components: Vec<SubmittedComponent>,
    /// The kiosk's own reference, printed on a receipt given while the
    /// dossier waited in the kiosk's outbox: the console can find it by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_reference: Option<String>,
}

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// Đã tiếp nhận.
    Received,
    /// Đang giải quyết.
    Processing,
    /// Cần bổ sung giấy tờ.
    NeedsMoreDocuments,
    /// Đã có kết quả.
    Done,
    /// Trả lại hồ sơ.
    Returned,
}

impl DossierStatus {
    pub const ALL: [DossierStatus; 5] = [
        Self::Received,
        Self::Processing,
        Self::NeedsMoreDocuments,
        Self::Done,
        Self::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Processing => "processing",
            Self::NeedsMoreDocuments => "needs_more_documents",
            Self::Done => "done",
            Self::Returned => "returned",
        }
    }

    /// The status in plain Vietnamese, for the screen and the voice.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Received => "Đã tiếp nhận",
            Self::Processing => "Đang giải quyết",
            Self::NeedsMoreDocuments => "Cần bổ sung giấy tờ",
            Self::Done => "Đã có kết quả",
            Self::Returned => "Trả lại hồ sơ",
        }
    }

    /// Whether the back office may move a dossier from `self` to `next`.
    /// `done` and `returned` are final.
    pub fn may_become(self, next: DossierStatus) -> bool {
        use DossierStatus::*;
        match self {
            Received => matches!(next, Processing | NeedsMoreDocuments | Done | Returned),
            Processing => matches!(next, NeedsMoreDocuments | Done | Returned),
            NeedsMoreDocuments => matches!(next, Processing | Returned),
            Done | Returned => false,
        }
    }
}

/// One entry of a dossier's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusChange {
    pub status: DossierStatus,
    /// The status in plain Vietnamese.
    pub label: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// What the back office told the citizen (e.g. which document to bring).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A component as the server received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReceivedComponent {
    pub component_id: String,
    /// The component's name from the catalog.
    pub name: String,
    /// Files received for it (0 when handed in on paper).
    pub files: u32,
    pub on_paper: bool,
}

/// Answer of `POST /v1/dossiers`: everything the receipt slip (Mẫu 01)
/// prints. Only the kiosk that submitted it gets this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Dossier {
    /// The dossier code, e.g. `261126-0001` (date received and the day's
    /// number); digits and one dash, so a numeric pad can type it.
    pub code: String,
    /// Digits only, 6: with the code, what a lookup needs.
    pub lookup_secret: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// The agency receiving it, as printed on the slip.
    pub agency: String,
    pub applicant: Applicant,
    pub copies: u32,
    pub components: Vec<ReceivedComponent>,
    /// The statutory processing time in words, e.g. "3 ngày làm việc".
    pub processing_time: String,
    /// RFC 3339, UTC.
    pub received_at: String,
    /// When the result is due, RFC 3339, UTC: the end of the due working
    /// day, weekends and public holidays skipped.
    pub due_at: String,
    /// The due day, `YYYY-MM-DD`, in Vietnam.
    pub due_date: String,
    /// Where to collect the result.
    pub result_place: String,
    pub status: DossierStatus,
    pub history: Vec<StatusChange>,
    /// The fee receipt, when a fee was paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_reference: Option<String>,
}

/// Answer of `GET /v1/dossiers?local_reference=…` (back office, staff
/// only): the dossiers a kiosk submitted under that reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DossierList {
    pub items: Vec<Dossier>,
}

/// Body of `POST /v1/dossiers/lookup`: the code and the secret from the
/// receipt (the code's dash is optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DossierLookupRequest {
    pub code: String,
    pub secret: String,
}

/// Answer of `POST /v1/dossiers/lookup` and of a status update: where a
/// dossier stands, without any personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DossierLookup {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub status: DossierStatus,
    /// The status in plain Vietnamese.
    pub status_label: String,
    pub received_at: String,
    pub due_at: String,
    pub due_date: String,
    pub result_place: String,
    /// Oldest first.
    pub history: Vec<StatusChange>,
}

/// Body of `POST /v1/dossiers/{code}/status` (back office, staff only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusUpdate {
    pub status: DossierStatus,
    /// Shown to the citizen at lookup; at most 500 characters, required
    /// with `needs_more_documents` and `returned`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The content of the QR printed on the receipt slip: what the kiosk's
/// "Tra cứu hồ sơ" reads back. `MOTCUA:HS:<code>:<secret>`.
pub fn lookup_qr_text(code: &str, secret: &str) -> String {
    format!("{LOOKUP_QR_PREFIX}{code}:{secret}")
}

/// Prefix of [`lookup_qr_text`].
pub const LOOKUP_QR_PREFIX: &str = "MOTCUA:HS:";

/// Reads a receipt QR's text back into the lookup it asks for; `None` for
/// any other QR (an ID card, a bank QR, a foreign code).
pub fn parse_lookup_qr(text: &str) -> Option<DossierLookupRequest> {
    let rest = text.trim().strip_prefix(LOOKUP_QR_PREFIX)?;
    let (code, secret) = rest.rsplit_once(':')?;
    let code_ok = !code.is_empty()
        && code.len() <= 20
        && code.chars().all(|c| c.is_ascii_digit() || c == '-');
    let secret_ok =
        secret.len() == LOOKUP_SECRET_DIGITS && secret.chars().all(|c| c.is_ascii_digit());
    (code_ok && secret_ok).then(|| DossierLookupRequest {
        code: code.to_owned(),
        secret: secret.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_use_their_wire_names_and_final_ones_stay_final() {
        for s in DossierStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap_or_default(), s.as_str());
            assert!(!s.may_become(s), "{s:?} to itself");
        }
        assert!(DossierStatus::Received.may_become(DossierStatus::Processing));
        assert!(DossierStatus::NeedsMoreDocuments.may_become(DossierStatus::Processing));
        assert!(!DossierStatus::Done.may_become(DossierStatus::Processing));
        assert!(!DossierStatus::Returned.may_become(DossierStatus::Received));
        assert!(!DossierStatus::Processing.may_become(DossierStatus::Received));
    }

    #[test]
    fn the_lookup_qr_round_trips_and_refuses_other_codes() {
        let text = lookup_qr_text("261126-0001", "042917");
        assert_eq!(text, "MOTCUA:HS:261126-0001:042917");
        assert_eq!(
            parse_lookup_qr(&text),
            Some(DossierLookupRequest {
                code: "261126-0001".into(),
                secret: "042917".into()
            })
        );
        for foreign in [
            "",
            "001089012345|123456789|Nguyễn Văn A|01011990|Nam|Hà Nội|01012021",
            "00020101021238570010A000000727",
            "MOTCUA:HS:261126-0001:42917",
            "MOTCUA:HS::042917",
            "MOTCUA:HS:26x126-0001:042917",
            "MOTCUA:HS:261126-0001:0429170",
        ] {
            assert_eq!(parse_lookup_qr(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn a_dossier_body_refuses_unknown_fields_and_defaults_its_lists() {
        let ok: Result<NewDossier, _> = serde_json::from_str(
            r#"{"procedure_code":"1.001193","applicant":{"full_name":"A","id_number":"001089012345","address":"X"},
               "components":[{"component_id":"to-khai","on_paper":true}]}"#,
        );
        assert!(
            matches!(&ok, Ok(d) if d.components[0].uploads.is_empty() && d.copies.is_none()),
            "{ok:?}"
        );
        let extra: Result<NewDossier, _> = serde_json::from_str(
            r#"{"procedure_code":"1.001193","applicant":{"full_name":"A","id_number":"1","address":"X"},
               "components":[],"status":"done"}"#,
        );
        assert!(extra.is_err(), "a kiosk never sets the status");
    }
}
