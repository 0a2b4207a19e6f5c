//! The kiosk's heartbeat to the helper console: the screen it shows, how
//! its devices are (as the device-health screen reads them) and what waits
//! in its outbox, every 30 seconds and at once when the screen changes. Never personal data: the step is a screen
//! name from the UI's fixed set.

use std::sync::Mutex;
use std::time::Duration;

use motcua_protocol::{DeviceHealth, DeviceState, KioskHeartbeat};
use tauri::{AppHandle, Manager, Runtime};

use crate::Kiosk;
use crate::camera::CameraService;
use crate::printing::ReceiptPrinter;
use crate::scanning::Scanner;

/// How often a heartbeat goes out when nothing changes.
pub const INTERVAL: Duration = Duration::from_secs(30);

/// The screen the UI shows, and the wake-up of the sender.
#[derive(Default)]
pub struct Heartbeat {
    step: Mutex<String>,
    wake: tokio::sync::Notify,
}

/// A screen name: what the UI's router calls a screen (`welcome`, `scan`…).
pub(crate) fn is_screen_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

impl Heartbeat {
    /// Records the screen now shown and sends a heartbeat at once. Anything
    /// but a screen name is ignored.
    pub fn set_step(&self, step: &str) -> bool {
        if !is_screen_name(step) {
            return false;
        }
        if let Ok(mut s) = self.step.lock() {
            step.clone_into(&mut s);
        }
        self.wake.notify_one();
        true
    }

    /// The screen shown (checked by [`Heartbeat::set_step`]); empty before
    /// the UI has said.
    fn step(&self) -> String {
        self.step.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Sends heartbeats for as long as the app runs.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let beat = gather(&app).await;
            let kiosk = app.state::<Kiosk>();
            if let Err(e) = kiosk.client.heartbeat(&beat).await {
                tracing::debug!(error = %e, "heartbeat not sent");
            }
            let heartbeat = app.state::<Heartbeat>();
            let _ = tokio::time::timeout(INTERVAL, heartbeat.wake.notified()).await;
        }
    });
}

async fn gather<R: Runtime>(app: &AppHandle<R>) -> KioskHeartbeat {
    let kiosk = app.state::<Kiosk>();
    let printer = app.state::<ReceiptPrinter>().status().await;
    let pending = kiosk.outbox.pending().await.unwrap_or_default();
    let step = app.state::<Heartbeat>().step();
    KioskHeartbeat {
        step: if step.is_empty() {
            "welcome".to_owned()
        } else {
            step
        },
        devices: DeviceHealth {
            camera: device_state(app.state::<CameraService>().health()),
            scanner: device_state(app.state::<std::sync::Arc<Scanner>>().health()),
            printer: printer_state(printer),
            backend: DeviceState::Ok,
        },
        outbox_pending: u32::try_from(pending.len()).unwrap_or(u32::MAX),
        outbox_needs_helper: u32::try_from(
            pending.iter().filter(|p| p.needs_helper.is_some()).count(),
        )
        .unwrap_or(u32::MAX),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// A device as the device-health screen has it, in the console's coarser words.
fn device_state(status: crate::ipc::DeviceStatus) -> DeviceState {
    use crate::ipc::DeviceStatus as S;
    match status {
        S::Ok | S::PaperLow | S::Unknown => DeviceState::Ok,
        S::Missing => DeviceState::Missing,
        S::Failing | S::OutOfPaper => DeviceState::Failing,
        S::NotConfigured => DeviceState::NotConfigured,
    }
}

fn printer_state(status: motcua_receipt::PrinterStatus) -> DeviceState {
    use motcua_receipt::PrinterStatus as P;
    match status {
        P::Ready | P::PaperLow | P::Unknown => DeviceState::Ok,
        P::OutOfPaper => DeviceState::Failing,
        P::Offline => DeviceState::Missing,
        P::NotConfigured => DeviceState::NotConfigured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_screen_names_become_the_step() {
        let h = Heartbeat::default();
        assert!(h.set_step("scan"));
        assert!(h.set_step("review"));
        assert_eq!(h.step(), "review");
        for bad in [
            "",
            "001089012345",
            "Nguyễn",
            "scan page",
            "0912345678",
            &"a".repeat(33),
        ] {
            assert!(!h.set_step(bad), "{bad:?}");
        }
        assert_eq!(h.step(), "review", "refused steps change nothing");
    }
}
