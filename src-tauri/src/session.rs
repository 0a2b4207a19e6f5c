//! The citizen's session on the Rust side: what the kiosk holds about the
//! person at the screen, in memory only, and its wipe. The UI ends a session
//! on "Xong" and on the idle timeout; both call [`Session::wipe`].

use std::sync::Mutex;

use motcua_core::cccd::CitizenCard;

use crate::scanning::Scans;

/// What the kiosk knows about the citizen at the screen.
#[derive(Debug, Default)]
struct Held {
    card: Option<CitizenCard>,
    /// The pending one-time-code challenge.
    challenge: Option<String>,
    /// The citizen's public-service account, once found or created.
    account: Option<String>,
    /// Helper mode: the staff token from a PIN unlock, for this session only.
    staff: Option<StaffToken>,
    /// The pages scanned for each dossier component.
    scans: Scans,
    /// The payment under way: its id, and the request and idempotency key
    /// it was made with (the same request again reuses the key).
    payment: Option<HeldPayment>,
    /// The exemption from the fee the citizen claimed, with the document
    /// that proves it.
    exemption: Option<motcua_protocol::AppliedExemption>,
    /// The mobile number the one-time code went to.
    phone: Option<String>,
    /// The dossier's idempotency key, from the moment it is first drafted:
    /// sending again (a retry, a second tap) can never file it twice.
    dossier_key: Option<String>,
    /// The receipt slip printed for this session's dossier, for a reprint.
    print_job: Option<motcua_receipt::PrintJob>,
}

/// A payment intent this session made.
#[derive(Debug, Clone)]
pub struct HeldPayment {
    pub id: Option<String>,
    pub key: String,
    pub request: motcua_protocol::NewPayment,
    /// The intent as the backend last gave it.
    pub last: Option<motcua_protocol::Payment>,
}

/// A helper's token from a PIN unlock. Its `Debug` hides the secret.
#[derive(Clone)]
pub struct StaffToken {
    pub token: String,
    pub display_name: String,
}

impl std::fmt::Debug for StaffToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaffToken(..)")
    }
}

/// The current session. Never written to disk, never logged.
#[derive(Debug, Default)]
pub struct Session {
    held: Mutex<Held>,
}

impl Session {
    /// Keeps the card just read (replacing any earlier one).
    pub fn set_card(&self, card: CitizenCard) {
        if let Ok(mut h) = self.held.lock() {
            h.card = Some(card);
        }
    }

    /// The card read in this session, if any.
    pub fn card(&self) -> Option<CitizenCard> {
        self.held.lock().ok().and_then(|h| h.card.clone())
    }

    pub fn set_challenge(&self, id: String) {
        if let Ok(mut h) = self.held.lock() {
            h.challenge = Some(id);
        }
    }

    pub fn challenge(&self) -> Option<String> {
        self.held.lock().ok().and_then(|h| h.challenge.clone())
    }

    /// The account is verified: the challenge is spent.
    pub fn set_account(&self, id: String) {
        if let Ok(mut h) = self.held.lock() {
            h.account = Some(id);
            h.challenge = None;
        }
    }

    pub fn account(&self) -> Option<String> {
        self.held.lock().ok().and_then(|h| h.account.clone())
    }

    /// A helper unlocked helper mode for this session.
    pub fn set_staff(&self, staff: StaffToken) {
        if let Ok(mut h) = self.held.lock() {
            h.staff = Some(staff);
        }
    }

    pub fn staff(&self) -> Option<StaffToken> {
        self.held.lock().ok().and_then(|h| h.staff.clone())
    }

    /// Ends helper mode, keeping the citizen's data.
    pub fn take_staff(&self) -> Option<StaffToken> {
        self.held.lock().ok().and_then(|mut h| h.staff.take())
    }

    /// Works on this session's scanned pages.
    pub fn with_scans<R>(&self, f: impl FnOnce(&mut Scans) -> R) -> R {
        let mut h = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut h.scans)
    }

    /// The payment this session made, if any.
    pub fn payment(&self) -> Option<HeldPayment> {
        self.held.lock().ok().and_then(|h| h.payment.clone())
    }

    pub fn set_payment(&self, payment: Option<HeldPayment>) {
        if let Ok(mut h) = self.held.lock() {
            h.payment = payment;
        }
    }

    /// The exemption claimed (`None`: none, or taken back).
    pub fn set_exemption(&self, exemption: Option<motcua_protocol::AppliedExemption>) {
        if let Ok(mut h) = self.held.lock() {
            h.exemption = exemption;
        }
    }

    pub fn exemption(&self) -> Option<motcua_protocol::AppliedExemption> {
        self.held.lock().ok().and_then(|h| h.exemption.clone())
    }

    /// Keeps the payment's latest state as the backend gave it.
    pub fn saw_payment(&self, payment: &motcua_protocol::Payment) {
        if let Ok(mut h) = self.held.lock()
            && let Some(held) = h.payment.as_mut()
            && held.id.as_deref() == Some(payment.id.as_str())
        {
            held.last = Some(payment.clone());
        }
    }

    pub fn set_phone(&self, phone: String) {
        if let Ok(mut h) = self.held.lock() {
            h.phone = Some(phone);
        }
    }

    pub fn phone(&self) -> Option<String> {
        self.held.lock().ok().and_then(|h| h.phone.clone())
    }

    /// This session's dossier key, made on first use and the same until the
    /// session is wiped.
    pub fn dossier_key(&self) -> String {
        let mut h = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        h.dossier_key
            .get_or_insert_with(|| uuid::Uuid::new_v4().to_string())
            .clone()
    }

    pub fn set_print_job(&self, job: motcua_receipt::PrintJob) {
        if let Ok(mut h) = self.held.lock() {
            h.print_job = Some(job);
        }
    }

    pub fn print_job(&self) -> Option<motcua_receipt::PrintJob> {
        self.held.lock().ok().and_then(|h| h.print_job.clone())
    }

    /// Pages kept across every component (what a per-page fee counts).
    pub fn page_count(&self) -> u32 {
        self.with_scans(|s| s.page_count())
    }

    /// Whether the session holds nothing of anyone.
    pub fn is_empty(&self) -> bool {
        self.held
            .lock()
            .map(|h| {
                h.card.is_none()
                    && h.phone.is_none()
                    && h.dossier_key.is_none()
                    && h.print_job.is_none()
                    && h.challenge.is_none()
                    && h.account.is_none()
                    && h.staff.is_none()
            })
            .unwrap_or(false)
    }

    /// Forgets everything of the citizen. A poisoned lock (a panic while
    /// holding it) is recovered so the wipe still happens.
    pub fn wipe(&self) {
        let mut h = match self.held.lock() {
            Ok(h) => h,
            Err(poisoned) => poisoned.into_inner(),
        };
        *h = Held::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipe_forgets_the_card() {
        let s = Session::default();
        assert!(s.is_empty());
        let card = motcua_core::cccd::parse(
            "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        s.set_card(card);
        s.set_challenge("c-1".into());
        assert!(!s.is_empty());
        s.set_phone("0912345678".into());
        let key = s.dossier_key();
        assert_eq!(s.dossier_key(), key, "one key per session");
        s.set_account("a-1".into());
        assert_eq!(s.challenge(), None, "a verified challenge is kept");
        assert_eq!(s.account().as_deref(), Some("a-1"));
        assert_eq!(
            s.card().map(|c| c.full_name).as_deref(),
            Some("NGUYỄN VĂN AN")
        );
        s.set_staff(StaffToken {
            token: "secret-token".into(),
            display_name: "Lan".into(),
        });
        assert!(!format!("{:?}", s.staff()).contains("secret"));
        s.wipe();
        assert!(s.is_empty());
        assert!(s.card().is_none());
        assert!(s.staff().is_none(), "helper mode ends with the session");
        assert!(s.phone().is_none());
        assert_ne!(
            s.dossier_key(),
            key,
            "the next citizen's dossier is another"
        );
    }
}
