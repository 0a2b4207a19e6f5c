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

/// What a staff QR card's text starts with: `MOTCUA:CB:` then the card's
/// secret, 64 lowercase hex digits (from `motcua server staff card USER`).
pub const STAFF_CARD_PREFIX: &str = "MOTCUA:CB:";

/// Hex digits in a staff card's secret.
pub const STAFF_CARD_SECRET_CHARS: usize = 64;

/// The secret of a staff QR card's text, if `text` is one (surrounding
/// white space and a reader's line ending are ignored); `None` for any
/// other QR — a citizen's ID card, a receipt's, a bank's.
pub fn parse_staff_card(text: &str) -> Option<&str> {
    let secret = text.trim().strip_prefix(STAFF_CARD_PREFIX)?;
    (secret.len() == STAFF_CARD_SECRET_CHARS
        && secret
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(secret)
}

/// The QR text of a staff card whose secret is `secret`.
pub fn staff_card_text(secret: &str) -> String {
    format!("{STAFF_CARD_PREFIX}{secret}")
}

/// Body of `POST /v1/staff/unlock-card`: a helper unlocks helper mode on
/// the calling kiosk with their staff QR card, read by its camera or QR
/// reader.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffCardUnlock {
    /// The card's QR text, `MOTCUA:CB:` and 64 hex digits.
    pub card: String,
}

impl std::fmt::Debug for StaffCardUnlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffCardUnlock")
            .field("card", &"..")
            .finish()
    }
}

/// Answer of `POST /v1/staff/sessions`, `POST /v1/staff/unlock` and
/// `POST /v1/staff/unlock-card`.
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
        let card = format!(
            "{:?}",
            StaffCardUnlock {
                card: staff_card_text(&"ab".repeat(32))
            }
        );
        assert!(!card.contains("abab"), "{card}");
    }

    #[test]
    fn only_a_staff_card_text_is_a_staff_card() {
        let secret = "0123456789abcdef".repeat(4);
        let text = staff_card_text(&secret);
        assert_eq!(parse_staff_card(&text), Some(secret.as_str()));
        assert_eq!(
            parse_staff_card(&format!(" {text}\r\n")),
            Some(secret.as_str())
        );
        for other in [
            "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5|20042021",
            "MOTCUA:HS:261126-0001:042917",
            "MOTCUA:CB:",
            &format!("MOTCUA:CB:{}", &secret[1..]),
            &format!("MOTCUA:CB:{}0", secret),
            &format!("MOTCUA:CB:{}", secret.to_uppercase()),
            &format!("motcua:cb:{secret}"),
            "",
        ] {
            assert_eq!(parse_staff_card(other), None, "{other:?}");
        }
    }
}
