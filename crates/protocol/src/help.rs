use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest kiosk id, step name or procedure code a help request may carry.
pub const HELP_FIELD_MAX_CHARS: usize = 64;

/// Body of `POST /v1/help-requests`: a kiosk asks for a helper.
///
/// It carries no personal data: only where the kiosk is and at which step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHelpRequest {
    /// The calling kiosk's id. Kept for compatibility: the reference
    /// server checks it but records the name the kiosk authenticated as
    /// (its bearer token's kiosk).
    pub kiosk_id: String,
    /// The journey step the citizen is on, e.g. `procedure-detail`.
    pub step: String,
    /// The procedure chosen so far, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<String>,
}

/// Whether a helper has dealt with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HelpStatus {
    Open,
    Closed,
}

/// A recorded help request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HelpRequest {
    /// Server-assigned id.
    pub id: String,
    pub kiosk_id: String,
    pub step: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<String>,
    /// When the server recorded it, RFC 3339 in UTC.
    pub created_at: String,
    pub status: HelpStatus,
}

/// Answer of `GET /v1/help-requests`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HelpRequestList {
    pub items: Vec<HelpRequest>,
}
