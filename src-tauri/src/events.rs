//! The kiosk's events: every user action and every error the citizen sees,
//! logged from one table of stable codes (`screen.shown`, `help.called`,
//! `staff.unlocked`, `error.otp_wrong`…) through `tracing` (target
//! `motcua::event`), never with personal data: an event carries its code
//! and at most a screen name (checked: no digits runs, so no ID number or
//! phone fits), a `&'static str` detail and a count.
//!
//! Who may log what is in the table too: the UI reports its own actions
//! through the `log_event` command (codes marked [`Source::Ui`], and
//! [`Source::Helper`] only while helper mode is unlocked); the codes marked
//! [`Source::Kiosk`] are logged by the Rust side alone, where the thing
//! happened, so the UI cannot claim them.

use crate::ipc::ErrorCode;

/// Who logs an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The UI reports it (a tap, a screen shown, an error shown).
    Ui,
    /// The UI reports it, only in helper mode (a helper's action).
    Helper,
    /// Only the Rust side logs it, where it happens.
    Kiosk,
}

macro_rules! event_table {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $source:ident; )*) => {
        /// Every event the kiosk logs. The codes are stable: the console,
        /// log searches and the UI depend on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Event {
            $( $(#[$doc])* $variant, )*
        }

        impl Event {
            /// The whole table, in order.
            pub const ALL: &'static [Event] = &[$(Event::$variant),*];

            /// The stable code, e.g. `screen.shown`.
            pub const fn code(self) -> &'static str {
                match self { $(Event::$variant => $code,)* }
            }

            /// Who may log it.
            pub const fn source(self) -> Source {
                match self { $(Event::$variant => Source::$source,)* }
            }
        }
    };
}

event_table! {
    // The citizen's actions, reported by the UI.
    /// A screen was shown (`screen` names it).
    ScreenShown = "screen.shown", Ui;
    /// "Nghe": the screen read aloud.
    ListenPressed = "listen.pressed", Ui;
    /// The text size changed.
    TextSizeChanged = "prefs.text_size", Ui;
    /// The contrast mode changed.
    ContrastChanged = "prefs.contrast", Ui;
    /// "Quay lại".
    BackPressed = "nav.back", Ui;
    /// The idle warning and its countdown appeared.
    IdleWarned = "idle.warned", Ui;
    /// "Tôi vẫn đang làm".
    IdleExtended = "idle.extended", Ui;
    /// The countdown ran out: the session is wiped.
    SessionTimedOut = "session.timed_out", Ui;
    /// "Xong": the citizen is done.
    SessionFinished = "session.finished", Ui;

    // A helper's actions in helper mode, reported by the UI.
    /// The helper panel was opened.
    HelperPanelOpened = "helper.panel_opened", Helper;
    /// The helper skipped the current step.
    HelperSkipStep = "helper.skip_step", Helper;
    /// The device-health screen was opened.
    HelperDevicesShown = "helper.devices_shown", Helper;
    /// The helper restarted the session (confirmed): wiped, back to welcome.
    SessionRestarted = "session.restarted", Helper;

    // What happened on the Rust side.
    /// "Gọi cán bộ hỗ trợ": a help request reached the backend.
    HelpCalled = "help.called", Kiosk;
    /// A citizen ID card's QR was read.
    CardRead = "card.read", Kiosk;
    /// Helper mode was unlocked (`detail`: `pin` or `card`).
    StaffUnlocked = "staff.unlocked", Kiosk;
    /// An unlock was refused (`detail`: `pin`, `card`, `citizen_card` or
    /// `foreign_qr`).
    StaffUnlockRefused = "staff.unlock_refused", Kiosk;
    /// The helper left helper mode.
    StaffLeft = "staff.left", Kiosk;
    /// The citizen's account was verified by SMS code.
    AccountVerified = "account.verified", Kiosk;
    /// A helper vouched for the citizen's account.
    AccountVouched = "account.vouched", Kiosk;
    /// A page was captured and cleaned (a draft).
    ScanPageCaptured = "scan.page_captured", Kiosk;
    /// "Dùng trang này" (`count`: the component's pages).
    ScanPageKept = "scan.page_kept", Kiosk;
    /// "Chụp lại".
    ScanPageRetaken = "scan.page_retaken", Kiosk;
    /// A page was removed.
    ScanPageRemoved = "scan.page_removed", Kiosk;
    /// A helper marked a component handed in on paper, or took it back
    /// (`detail`: `on` or `off`).
    ComponentOnPaper = "component.on_paper", Kiosk;
    /// A payment intent was started (`detail`: `vietqr` or `counter`).
    PaymentStarted = "payment.started", Kiosk;
    /// The dossier was saved in the outbox.
    DossierSaved = "dossier.saved", Kiosk;
    /// The backend received the dossier.
    DossierDelivered = "dossier.delivered", Kiosk;
    /// The dossier waits in the outbox (`detail`: `retrying` or
    /// `needs_helper`).
    DossierQueued = "dossier.queued", Kiosk;
    /// The slip was printed.
    ReceiptPrinted = "receipt.printed", Kiosk;
    /// The slip did not print.
    ReceiptNotPrinted = "receipt.not_printed", Kiosk;
    /// The slip was printed again (`detail`: `printed` or `failed`).
    ReceiptReprinted = "receipt.reprinted", Kiosk;
    /// A dossier's status was looked up (`detail`: `qr` or `typed`).
    LookupDone = "lookup.done", Kiosk;
    /// The session was wiped.
    SessionEnded = "session.ended", Kiosk;
    /// The UI reported an event that is not in this table, or not its to
    /// report (`detail` says which; the code itself is never logged).
    EventRefused = "event.refused", Kiosk;

    // Errors the citizen was shown, reported by the UI: one per error code
    // of `ipc::ErrorCode`, and the UI's own two.
    ErrorBackendUnreachable = "error.backend_unreachable", Ui;
    ErrorNotFound = "error.not_found", Ui;
    ErrorInvalidRequest = "error.invalid_request", Ui;
    ErrorBackendError = "error.backend_error", Ui;
    ErrorSpeechUnavailable = "error.speech_unavailable", Ui;
    ErrorCardForeign = "error.card_foreign", Ui;
    ErrorCardUnreadable = "error.card_unreadable", Ui;
    ErrorCardInvalid = "error.card_invalid", Ui;
    ErrorNoCard = "error.no_card", Ui;
    ErrorInvalidPhone = "error.invalid_phone", Ui;
    ErrorOtpWrong = "error.otp_wrong", Ui;
    ErrorOtpLocked = "error.otp_locked", Ui;
    ErrorOtpExpired = "error.otp_expired", Ui;
    ErrorOtpUsed = "error.otp_used", Ui;
    ErrorTooManyCodes = "error.too_many_codes", Ui;
    ErrorResendTooSoon = "error.resend_too_soon", Ui;
    ErrorSmsUnavailable = "error.sms_unavailable", Ui;
    ErrorAccountHasOtherPhone = "error.account_has_other_phone", Ui;
    ErrorCameraUnavailable = "error.camera_unavailable", Ui;
    ErrorStaffDenied = "error.staff_denied", Ui;
    ErrorStaffLocked = "error.staff_locked", Ui;
    ErrorStaffRequired = "error.staff_required", Ui;
    ErrorStaffCardForeign = "error.staff_card_foreign", Ui;
    ErrorStaffCardCitizen = "error.staff_card_citizen", Ui;
    ErrorStaffCardRefused = "error.staff_card_refused", Ui;
    ErrorScannerUnavailable = "error.scanner_unavailable", Ui;
    ErrorScanUnreadable = "error.scan_unreadable", Ui;
    ErrorTooManyPages = "error.too_many_pages", Ui;
    ErrorPaymentClosed = "error.payment_closed", Ui;
    ErrorDossierNotFound = "error.dossier_not_found", Ui;
    ErrorLookupLocked = "error.lookup_locked", Ui;
    ErrorLookupForeign = "error.lookup_foreign", Ui;
    ErrorSaveFailed = "error.save_failed", Ui;
    /// A command did not answer in time (the UI's own).
    ErrorTimeout = "error.timeout", Ui;
    /// A command failed in a way the UI has no code for (the UI's own).
    ErrorInternal = "error.internal", Ui;
}

impl From<ErrorCode> for Event {
    /// The event of an error code: every code has one (this match is
    /// exhaustive, so a new code cannot be forgotten).
    fn from(code: ErrorCode) -> Self {
        use ErrorCode as E;
        match code {
            E::BackendUnreachable => Self::ErrorBackendUnreachable,
            E::NotFound => Self::ErrorNotFound,
            E::InvalidRequest => Self::ErrorInvalidRequest,
            E::BackendError => Self::ErrorBackendError,
            E::SpeechUnavailable => Self::ErrorSpeechUnavailable,
            E::CardForeign => Self::ErrorCardForeign,
            E::CardUnreadable => Self::ErrorCardUnreadable,
            E::CardInvalid => Self::ErrorCardInvalid,
            E::NoCard => Self::ErrorNoCard,
            E::InvalidPhone => Self::ErrorInvalidPhone,
            E::OtpWrong => Self::ErrorOtpWrong,
            E::OtpLocked => Self::ErrorOtpLocked,
            E::OtpExpired => Self::ErrorOtpExpired,
            E::OtpUsed => Self::ErrorOtpUsed,
            E::TooManyCodes => Self::ErrorTooManyCodes,
            E::ResendTooSoon => Self::ErrorResendTooSoon,
            E::SmsUnavailable => Self::ErrorSmsUnavailable,
            E::AccountHasOtherPhone => Self::ErrorAccountHasOtherPhone,
            E::CameraUnavailable => Self::ErrorCameraUnavailable,
            E::StaffDenied => Self::ErrorStaffDenied,
            E::StaffLocked => Self::ErrorStaffLocked,
            E::StaffRequired => Self::ErrorStaffRequired,
            E::StaffCardForeign => Self::ErrorStaffCardForeign,
            E::StaffCardCitizen => Self::ErrorStaffCardCitizen,
            E::StaffCardRefused => Self::ErrorStaffCardRefused,
            E::ScannerUnavailable => Self::ErrorScannerUnavailable,
            E::ScanUnreadable => Self::ErrorScanUnreadable,
            E::TooManyPages => Self::ErrorTooManyPages,
            E::PaymentClosed => Self::ErrorPaymentClosed,
            E::DossierNotFound => Self::ErrorDossierNotFound,
            E::LookupLocked => Self::ErrorLookupLocked,
            E::LookupForeign => Self::ErrorLookupForeign,
            E::SaveFailed => Self::ErrorSaveFailed,
        }
    }
}

impl Event {
    /// The event whose code is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// Every code, in table order (exported to the UI's bindings as
    /// `EVENT_CODES`).
    pub fn codes() -> Vec<&'static str> {
        Self::ALL.iter().map(|e| e.code()).collect()
    }
}

/// What an event may carry besides its code: nothing personal by
/// construction (a checked screen name, a detail fixed at compile time, a
/// count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fields<'a> {
    /// The screen, as the UI's router names it; dropped unless it is one.
    pub screen: Option<&'a str>,
    /// A word from the code, e.g. `pin` or `card`.
    pub detail: Option<&'static str>,
    pub count: Option<u32>,
}

impl<'a> Fields<'a> {
    pub fn detail(detail: &'static str) -> Self {
        Self {
            detail: Some(detail),
            ..Self::default()
        }
    }

    pub fn screen(screen: &'a str) -> Self {
        Self {
            screen: Some(screen),
            ..Self::default()
        }
    }
}

/// The `tracing` target of events.
pub const TARGET: &str = "motcua::event";

/// Logs `event` with `fields`.
pub fn emit(event: Event, fields: Fields<'_>) {
    let screen = fields
        .screen
        .filter(|s| crate::heartbeat::is_screen_name(s));
    let code = event.code();
    if code.starts_with("error.") || event == Event::EventRefused {
        tracing::warn!(target: TARGET, event = code, screen, detail = fields.detail, count = fields.count, "event");
    } else {
        tracing::info!(target: TARGET, event = code, screen, detail = fields.detail, count = fields.count, "event");
    }
}

/// Logs `event` with no fields.
pub fn emit_plain(event: Event) {
    emit(event, Fields::default());
}

/// Why the UI's report was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("unknown event code")]
    Unknown,
    #[error("only the kiosk itself logs this event")]
    NotTheUis,
    #[error("a helper's event outside helper mode")]
    NotInHelperMode,
    #[error("not a screen name")]
    BadScreen,
}

/// Checks and logs an event the UI reports; a refusal is logged as
/// `event.refused` (without the code sent, which could be anything).
pub fn report(code: &str, screen: Option<&str>, helper_mode: bool) -> Result<Event, Refused> {
    let checked = match Event::from_code(code) {
        None => Err(Refused::Unknown),
        Some(e) if e.source() == Source::Kiosk => Err(Refused::NotTheUis),
        Some(e) if e.source() == Source::Helper && !helper_mode => Err(Refused::NotInHelperMode),
        Some(_) if screen.is_some_and(|s| !crate::heartbeat::is_screen_name(s)) => {
            Err(Refused::BadScreen)
        }
        Some(e) => Ok(e),
    };
    match checked {
        Ok(e) => {
            emit(
                e,
                Fields {
                    screen,
                    ..Fields::default()
                },
            );
            Ok(e)
        }
        Err(why) => {
            let detail = match why {
                Refused::Unknown => "unknown",
                Refused::NotTheUis => "kiosk_only",
                Refused::NotInHelperMode => "not_helper_mode",
                Refused::BadScreen => "bad_screen",
            };
            emit(Event::EventRefused, Fields::detail(detail));
            Err(why)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_dotted_lowercase_and_stable() {
        let mut seen = std::collections::HashSet::new();
        for e in Event::ALL {
            let code = e.code();
            assert!(seen.insert(code), "{code} twice");
            let (group, name) = code.split_once('.').unwrap_or_default();
            assert!(!group.is_empty() && !name.is_empty(), "{code}");
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'),
                "{code}"
            );
            assert_eq!(Event::from_code(code), Some(*e));
        }
        assert_eq!(Event::from_code("screen.shown"), Some(Event::ScreenShown));
        assert_eq!(
            Event::from_code("staff.unlocked"),
            Some(Event::StaffUnlocked)
        );
        assert_eq!(Event::from_code("Screen.Shown"), None);
    }

    #[test]
    fn every_error_code_has_its_event_named_after_it() {
        let mut errors = 0;
        for e in Event::ALL {
            let Some(name) = e.code().strip_prefix("error.") else {
                continue;
            };
            assert_eq!(e.source(), Source::Ui, "{name}");
            if name == "timeout" || name == "internal" {
                continue;
            }
            let code: ErrorCode = serde_json::from_value(serde_json::Value::String(name.into()))
                .unwrap_or_else(|err| panic!("error.{name} names no ErrorCode: {err}"));
            assert_eq!(Event::from(code), *e, "{name}");
            errors += 1;
        }
        assert!(errors >= 30, "{errors}");
    }

    #[test]
    fn the_ui_reports_only_its_own_events_and_helpers_only_in_helper_mode() {
        assert_eq!(
            report("screen.shown", Some("scan"), false),
            Ok(Event::ScreenShown)
        );
        assert_eq!(
            report("error.otp_wrong", None, false),
            Ok(Event::ErrorOtpWrong)
        );
        assert_eq!(
            report("staff.unlocked", None, true),
            Err(Refused::NotTheUis)
        );
        assert_eq!(
            report("helper.skip_step", Some("scan"), false),
            Err(Refused::NotInHelperMode)
        );
        assert_eq!(
            report("helper.skip_step", Some("scan"), true),
            Ok(Event::HelperSkipStep)
        );
        for bad in ["", "screen.gone", "001089012345", "NGUYỄN VĂN AN"] {
            assert_eq!(report(bad, None, true), Err(Refused::Unknown), "{bad:?}");
        }
        assert_eq!(
            report("screen.shown", Some("0912345678"), false),
            Err(Refused::BadScreen)
        );
    }
}
