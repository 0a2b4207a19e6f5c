//! The citizen's session on the Rust side: what the kiosk holds about the
//! person at the screen, in memory only, and its wipe. The UI ends a session
//! on "Xong" and on the idle timeout; both call [`Session::wipe`].

use std::sync::Mutex;

use motcua_core::cccd::CitizenCard;

/// What the kiosk knows about the citizen at the screen.
#[derive(Debug, Default)]
struct Held {
    card: Option<CitizenCard>,
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

    /// Whether the session holds nothing of anyone.
    pub fn is_empty(&self) -> bool {
        self.held.lock().map(|h| h.card.is_none()).unwrap_or(false)
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
        assert!(!s.is_empty());
        assert_eq!(
            s.card().map(|c| c.full_name).as_deref(),
            Some("NGUYỄN VĂN AN")
        );
        s.wipe();
        assert!(s.is_empty());
        assert!(s.card().is_none());
    }
}
