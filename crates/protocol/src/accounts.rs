//! Citizen public-service accounts: lookup, creation with an SMS one-time
//! code, and a helper's vouching for a citizen without a phone.
//!
//! Answers never carry a name or a phone number in clear: a lookup returns a
//! masked phone (`09xx xxx 678`) only.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest reason a helper may give when vouching (characters).
pub const VOUCH_REASON_MAX_CHARS: usize = 500;

/// How many wrong codes a challenge takes before it is locked.
pub const OTP_MAX_ATTEMPTS: u32 = 5;

/// Sex as printed on the citizen ID card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

/// Body of `POST /v1/accounts/lookup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountLookup {
    /// The 12-digit personal ID number.
    pub id_number: String,
}

/// Answer of `POST /v1/accounts/lookup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountLookupResult {
    /// Whether an account exists for that ID number.
    pub found: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The account's phone with all but the first two and last three digits
    /// hidden, e.g. `09xx xxx 678`; absent when the account has no phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_phone: Option<String>,
}

/// The identity fields of the citizen ID card, as read from its QR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOtpChallenge {
    /// The 12-digit personal ID number.
    pub id_number: String,
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    pub sex: Sex,
    pub address: String,
    /// Vietnamese mobile number: `0` and 9 digits, or with `+84`/`84`.
    pub phone: String,
}

/// Answer of `POST /v1/accounts/otp`: a code was sent by SMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OtpChallenge {
    pub challenge_id: String,
    /// When the code stops working, RFC 3339 in UTC.
    pub expires_at: String,
    /// How long to wait before asking for another code for the same phone.
    pub resend_after_seconds: u64,
}

/// Body of `POST /v1/accounts/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OtpVerify {
    pub challenge_id: String,
    /// The 6 digits the citizen received.
    pub code: String,
}

/// Answer of `POST /v1/accounts/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountVerified {
    pub account_id: String,
    /// `false` when the ID number already had an account, now linked.
    pub created: bool,
}

/// Body of `POST /v1/accounts/vouch`: a helper vouches for a citizen who has
/// no phone. The helper is not named here: the request carries their staff
/// token from `POST /v1/staff/unlock` in the `X-Staff-Token` header, and the
/// server records the user that token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVouch {
    pub id_number: String,
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    pub sex: Sex,
    pub address: String,
    /// Why the citizen is vouched for, e.g. "Không có điện thoại".
    pub reason: String,
}

/// Answer of `POST /v1/accounts/vouch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VouchedAccount {
    pub account_id: String,
    /// `false` when the citizen already had an account (the vouch is
    /// recorded on it).
    pub created: bool,
}
