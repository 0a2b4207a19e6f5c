//! The helper console: kiosk heartbeats, the kiosks' state, live events and
//! the day's figures.
//!
//! Nothing here carries personal data: a heartbeat names a screen and the
//! health of devices; an event names a kind and an opaque id (a help
//! request's id, a kiosk's name, a payment's id or a dossier's code), and
//! the console reads what changed through the other routes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest screen name a heartbeat may carry.
pub const HEARTBEAT_STEP_MAX_CHARS: usize = 64;
/// Longest version a heartbeat may carry.
pub const HEARTBEAT_VERSION_MAX_CHARS: usize = 32;
/// A kiosk is online when its last heartbeat is at most this old.
pub const KIOSK_ONLINE_SECONDS: u32 = 90;

/// How one device of a kiosk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    /// Present and working.
    Ok,
    /// Configured but not found (unplugged).
    Missing,
    /// Found but its last use failed.
    Failing,
    /// The kiosk has none configured.
    NotConfigured,
}

impl DeviceState {
    /// The wire name, e.g. `not_configured`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Missing => "missing",
            Self::Failing => "failing",
            Self::NotConfigured => "not_configured",
        }
    }

    /// Reads a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Ok, Self::Missing, Self::Failing, Self::NotConfigured]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// The devices of a kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceHealth {
    /// The document or card camera.
    pub camera: DeviceState,
    /// The flatbed scanner.
    pub scanner: DeviceState,
    /// The receipt printer.
    pub printer: DeviceState,
    /// The backend as the kiosk last reached it (its outbox's view).
    pub backend: DeviceState,
}

/// Body of `POST /v1/kiosks/heartbeat`, sent by a kiosk every 30 seconds or
/// so. No personal data: the screen's name, never what is on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KioskHeartbeat {
    /// The screen shown, e.g. `welcome` or `scan` (ASCII letters, digits,
    /// `-`, `_`, `.`; starting with a letter; at most 3 digits in a row; at
    /// most 64).
    pub step: String,
    pub devices: DeviceHealth,
    /// Submissions waiting in the kiosk's outbox.
    pub outbox_pending: u32,
    /// Of those, the ones that need a helper (refused by the backend).
    pub outbox_needs_helper: u32,
    /// The kiosk app's version (printable ASCII, at most 32).
    pub version: String,
}

/// Answer of `POST /v1/kiosks/heartbeat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HeartbeatAck {
    /// The server's time of receipt, RFC 3339 in UTC.
    pub received_at: String,
}

/// One registered kiosk as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KioskState {
    /// The kiosk's name.
    pub name: String,
    /// Whether its last heartbeat came within [`KIOSK_ONLINE_SECONDS`].
    pub online: bool,
    /// When the last heartbeat came (server clock, RFC 3339 UTC); `None`
    /// when none ever came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<String>,
    /// The last heartbeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<KioskHeartbeat>,
}

/// Answer of `GET /v1/console/kiosks`: every kiosk whose token works, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KioskStateList {
    pub items: Vec<KioskState>,
    /// The server's time the `online` flags were computed at.
    pub now: String,
}

/// What changed, in a console event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsoleEventKind {
    /// A kiosk called a helper (`id`: the help request).
    HelpRequestCreated,
    /// A helper answered a request (`id`: the help request).
    HelpRequestAnswered,
    /// A kiosk sent a heartbeat (`id`: the kiosk's name).
    Heartbeat,
    /// A kiosk created a payment intent (`id`: the payment).
    PaymentCreated,
    /// An intent was paid, by the bank or at the counter (`id`: the payment).
    PaymentConfirmed,
    /// A dossier was received (`id`: its code).
    DossierReceived,
    /// A dossier's status changed (`id`: its code).
    DossierStatusChanged,
    /// Events were missed (the console was too slow): re-read everything.
    Resync,
}

impl ConsoleEventKind {
    /// The wire name, also the SSE `event:` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HelpRequestCreated => "help_request_created",
            Self::HelpRequestAnswered => "help_request_answered",
            Self::Heartbeat => "heartbeat",
            Self::PaymentCreated => "payment_created",
            Self::PaymentConfirmed => "payment_confirmed",
            Self::DossierReceived => "dossier_received",
            Self::DossierStatusChanged => "dossier_status_changed",
            Self::Resync => "resync",
        }
    }
}

/// One event of `GET /v1/console/events` (the `data:` of an SSE message,
/// whose `event:` is the kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConsoleEvent {
    pub kind: ConsoleEventKind,
    /// The opaque id of what changed (empty for `resync`).
    pub id: String,
}

/// A share: `count` of `of`, and the percentage when `of` is not zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Share {
    pub count: u32,
    pub of: u32,
    /// `100 × count / of`, rounded to two decimals; `None` when `of` is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
}

impl Share {
    /// `count` of `of`.
    pub fn new(count: u32, of: u32) -> Self {
        let percent =
            (of > 0).then(|| (f64::from(count) * 10_000.0 / f64::from(of)).round() / 100.0);
        Self { count, of, percent }
    }
}

/// Answer of `GET /v1/console/figures`: one day's figures, in Vietnam time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DailyFigures {
    /// The day, `YYYY-MM-DD` in Vietnam.
    pub date: String,
    /// Dossiers received that day.
    pub dossiers_received: u32,
    /// Of the dossiers received that day, those submitted online. Every
    /// dossier this server holds came through the API from a kiosk, and a
    /// kiosk submission counts as online (the citizen was served without a
    /// paper desk), so this is all of them.
    pub submitted_online: Share,
    /// Resolved on time: of the dossiers done that day or that fell overdue
    /// that day (due that day, past their due time by the end of the day or
    /// now, and not done by then; `returned` ones excepted), those done at
    /// or before their due time.
    pub resolved_on_time: Share,
    /// Paid online: of the intents paid that day, those paid by VietQR
    /// transfer (the others at the counter).
    pub paid_online: Share,
    /// Digitized: of the components of the dossiers received that day, those
    /// with at least one uploaded file (the others were kept on paper).
    pub components_digitized: Share,
    /// Dossiers received in each hour of the day (24 entries, 0 = 00:00 to
    /// 00:59 Vietnam time).
    pub per_hour: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heartbeat_reads_only_known_device_states_and_fields() {
        let good = r#"{"step":"scan","devices":{"camera":"ok","scanner":"missing",
            "printer":"failing","backend":"not_configured"},"outbox_pending":2,
            "outbox_needs_helper":1,"version":"0.1.0"}"#;
        let beat: KioskHeartbeat = serde_json::from_str(good).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(beat.devices.backend, DeviceState::NotConfigured);
        assert_eq!(beat.outbox_needs_helper, 1);
        for bad in [
            good.replace("\"failing\"", "\"broken\""),
            good.replace("\"version\"", "\"name\":\"x\",\"version\""),
            good.replace("2,", "-1,"),
            good.replace("\"step\":\"scan\",", ""),
        ] {
            assert!(
                serde_json::from_str::<KioskHeartbeat>(&bad).is_err(),
                "{bad}"
            );
        }
        for d in [
            DeviceState::Ok,
            DeviceState::Missing,
            DeviceState::Failing,
            DeviceState::NotConfigured,
        ] {
            assert_eq!(DeviceState::parse(d.as_str()), Some(d));
            let wire = serde_json::to_string(&d).unwrap_or_default();
            assert_eq!(wire, format!("\"{}\"", d.as_str()));
        }
    }

    #[test]
    fn shares_round_to_two_decimals_and_have_no_percent_of_nothing() {
        assert_eq!(Share::new(2, 3).percent, Some(66.67));
        assert_eq!(Share::new(0, 0).percent, None);
        assert_eq!(Share::new(5, 5).percent, Some(100.0));
    }

    #[test]
    fn event_kinds_are_named_as_on_the_wire() {
        for k in [
            ConsoleEventKind::HelpRequestCreated,
            ConsoleEventKind::HelpRequestAnswered,
            ConsoleEventKind::Heartbeat,
            ConsoleEventKind::PaymentCreated,
            ConsoleEventKind::PaymentConfirmed,
            ConsoleEventKind::DossierReceived,
            ConsoleEventKind::DossierStatusChanged,
            ConsoleEventKind::Resync,
        ] {
            let wire = serde_json::to_string(&k).unwrap_or_default();
            assert_eq!(wire, format!("\"{}\"", k.as_str()));
        }
    }
}
