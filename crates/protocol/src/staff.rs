//! Kiosk and staff authentication.
//!
//! Every kiosk-facing `/v1` route takes the kiosk's token as
//! `Authorization: Bearer <token>`; `/healthz` and `/openapi.json` stay open.
//! A helper logs in to the console with a password
//! (`POST /v1/staff/sessions`) or unlocks helper mode on a kiosk with a
//! 6-digit PIN (`POST /v1/staff/unlock`); either answers a [`StaffSession`]
//! whose token goes in the [`STAFF_TOKEN_HEADER`] header where a helper's
//! authority is needed (vouching for a citizen).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The header that carries a staff token (from `/v1/staff/unlock` or
/// `/v1/staff/sessions`).
pub const STAFF_TOKEN_HEADER: &str = "X-Staff-Token";

/// The cookie that carries a console session's token (HttpOnly,
/// SameSite=Strict).
pub const STAFF_SESSION_COOKIE: &str = "motcua_staff";

/// How long a console session lasts.
pub const STAFF_SESSION_SECONDS: i64 = 12 * 60 * 60;

/// How long helper mode on a kiosk lasts after a PIN unlock.
pub const STAFF_UNLOCK_SECONDS: i64 = 15 * 60;

/// Consecutive wrong passwords or PINs that lock a staff account.
pub const STAFF_MAX_FAILURES: u32 = 5;

/// How long a staff account stays locked after too many failures.
pub const STAFF_LOCK_SECONDS: i64 = 15 * 60;

/// Body of `POST /v1/staff/sessions`: a helper logs in to the console.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffLogin {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for StaffLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffLogin")
            .field("user", &self.user)
            .field("password", &"..")
            .finish()
    }
}

/// Body of `POST /v1/staff/unlock`: a helper unlocks helper mode on the
/// calling kiosk with their PIN.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffUnlock {
    pub user: String,
    /// Exactly 6 digits.
    pub pin: String,
}

impl std::fmt::Debug for StaffUnlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffUnlock")
            .field("user", &self.user)
            .field("pin", &"..")
            .finish()
    }
}

/// Answer of `POST /v1/staff/sessions` and `POST /v1/staff/unlock`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StaffSession {
    /// The staff token, shown once: send it as `X-Staff-Token`.
    pub token: String,
    pub user: String,
    pub display_name: String,
    /// When the token stops working, RFC 3339 in UTC.
    pub expires_at: String,
}

impl std::fmt::Debug for StaffSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffSession")
            .field("token", &"..")
            .field("user", &self.user)
            .field("display_name", &self.display_name)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let shown = format!(
            "{:?} {:?} {:?}",
            StaffLogin {
                user: "lan".into(),
                password: "hunter2-hunter2".into()
            },
            StaffUnlock {
                user: "lan".into(),
                pin: "482916".into()
            },
            StaffSession {
                token: "abcdef0123".into(),
                user: "lan".into(),
                display_name: "Lan".into(),
                expires_at: "2026-01-01T00:00:00Z".into()
            }
        );
        for secret in ["hunter2", "482916", "abcdef0123"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
