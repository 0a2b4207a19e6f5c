//! The audit log: every state change, who made it and when, without
//! personal data. Staff read it with `GET /v1/audit`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Most entries one page of `GET /v1/audit` holds.
pub const AUDIT_PAGE_MAX: u32 = 500;
/// Entries per page when `limit` is not given.
pub const AUDIT_PAGE_DEFAULT: u32 = 100;

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditActorKind {
    /// A kiosk (`actor_id`: its name).
    Kiosk,
    /// A helper or clerk (`actor_id`: their user name).
    Staff,
    /// The bank, through its signed webhook (`actor_id`: `bank`).
    Bank,
    /// The server itself or its command line (`actor_id`: `system`).
    System,
}

/// One recorded change. It never holds a citizen's name, ID number, phone
/// or address: subjects are opaque ids, dossier codes or hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Opaque id of the entry.
    pub id: String,
    /// When, RFC 3339 UTC with milliseconds.
    pub at: String,
    pub actor_kind: AuditActorKind,
    pub actor_id: String,
    /// What happened, a stable code such as `dossier.created`.
    pub action: String,
    /// What it happened to: `dossier`, `payment`, `receipt`, `account`,
    /// `otp_challenge`, `upload`, `help_request`, `kiosk`, `staff`.
    pub subject_kind: String,
    /// The subject's id: a dossier code, payment id, account id, SHA-256…
    pub subject_id: String,
    /// A few facts of the change (statuses, amounts, a kiosk's name), never
    /// personal data.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// Give this as `since` to read the entries after this one.
    pub cursor: String,
}

/// Answer of `GET /v1/audit`: entries oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// The cursor to ask with next (`since`) for the entries after these;
    /// the same as asked when nothing new came.
    pub next: Option<String>,
}
