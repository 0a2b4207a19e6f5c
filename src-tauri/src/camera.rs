//! The kiosk camera, while the identify screen is open: a `motcua-camera`
//! worker whose previews and QR texts go to the screen through a Tauri
//! channel. The QR text is read by the same command as a USB reader's
//! (`read_card`), so both paths meet in one place. On the scan screen the
//! same worker previews the page and takes full-resolution stills of it
//! ([`CameraService::still`]).

use std::sync::Mutex;

use motcua_camera::{Camera, CameraError, CameraEvent, Still};

/// The configured camera (`--camera`), and the worker while one runs.
pub struct CameraService {
    /// `replay:DIR`, `v4l2:DEVICE` or `none`.
    spec: String,
    running: Mutex<Option<Camera>>,
}

/// Which camera a screen wants.
#[derive(Debug, Clone, Copy, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum CameraPurpose {
    /// The ID card's QR (identify screen).
    Card,
    /// Document pages (scan screen, when pages are photographed).
    Page,
}

/// What a screen hears from a camera.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CameraView {
    /// What the camera sees now: a small gray JPEG.
    Frame {
        #[serde(rename = "jpegBase64")]
        jpeg_base64: String,
        width: u32,
        height: u32,
    },
    /// A QR code's text, to read as a card (it may not be one).
    Qr { text: String },
    /// The camera stopped giving pictures; it is being retried.
    Trouble,
    /// Pictures come again.
    Recovered,
}

impl From<CameraEvent> for CameraView {
    fn from(e: CameraEvent) -> Self {
        use base64::Engine as _;
        match e {
            CameraEvent::Preview(p) => Self::Frame {
                jpeg_base64: base64::engine::general_purpose::STANDARD.encode(&p.jpeg),
                width: p.width,
                height: p.height,
            },
            CameraEvent::Qr(text) => Self::Qr { text },
            CameraEvent::SourceFailed(e) => {
                // The error names the device and the failure, never a picture or a QR.
                tracing::warn!(error = %e, "camera failed; retrying");
                Self::Trouble
            }
            CameraEvent::SourceRecovered => {
                tracing::info!("camera recovered");
                Self::Recovered
            }
        }
    }
}

impl CameraService {
    /// Checks `spec` now, so a wrong `--camera` stops the kiosk at start
    /// rather than on the first citizen's identify screen.
    pub fn new(spec: &str) -> Result<Self, motcua_camera::CameraError> {
        motcua_camera::parse_source_spec(spec)?;
        Ok(Self {
            spec: spec.to_owned(),
            running: Mutex::new(None),
        })
    }

    /// No camera.
    pub fn none() -> Self {
        Self {
            spec: "none".to_owned(),
            running: Mutex::new(None),
        }
    }

    /// Whether a camera is configured.
    pub fn configured(&self) -> bool {
        self.spec.trim() != "none"
    }

    /// How the camera is, for the device-health screen: not configured,
    /// missing (its device or replay folder is not there), or there.
    pub fn health(&self) -> crate::ipc::DeviceStatus {
        use crate::ipc::DeviceStatus;
        let spec = self.spec.trim();
        if spec == "none" {
            return DeviceStatus::NotConfigured;
        }
        let path = spec
            .strip_prefix("v4l2:")
            .or_else(|| spec.strip_prefix("replay:"))
            .unwrap_or(spec);
        if std::path::Path::new(path).exists() {
            DeviceStatus::Ok
        } else {
            DeviceStatus::Missing
        }
    }

    /// Starts the camera (stopping one already running), sending what it
    /// sees to `send`. `Ok(false)` when no camera is configured.
    pub fn watch(
        &self,
        mut send: impl FnMut(CameraView) + Send + 'static,
    ) -> Result<bool, motcua_camera::CameraError> {
        self.stop();
        let Some(source) = motcua_camera::parse_source_spec(&self.spec)? else {
            return Ok(false);
        };
        tracing::info!(source = %source.describe(), "camera on");
        let camera = Camera::start(source, move |event| send(CameraView::from(event)))?;
        if let Ok(mut running) = self.running.lock() {
            *running = Some(camera);
        }
        Ok(true)
    }

    /// Stops the camera, if it runs, and waits for its threads.
    pub fn stop(&self) {
        let camera = self.running.lock().ok().and_then(|mut r| r.take());
        if let Some(camera) = camera {
            camera.stop();
            tracing::info!("camera off");
        }
    }

    /// A full-resolution still from the running camera (a document page):
    /// taken by its capture thread between two frames, the preview going
    /// on afterwards. Blocking, at most the worker's still timeout (10 s):
    /// call from a blocking thread. An error when no camera runs.
    pub fn still(&self) -> Result<Still, CameraError> {
        let taker = self
            .running
            .lock()
            .ok()
            .and_then(|r| r.as_ref().map(Camera::still_taker))
            .ok_or_else(|| CameraError::Device {
                device: "document camera".into(),
                reason: "the camera is off".to_owned(),
            })?;
        // The lock is not held while waiting: the camera may be stopped
        // meanwhile, and the wait then ends at once.
        taker.still()
    }

    pub fn is_running(&self) -> bool {
        self.running.lock().map(|r| r.is_some()).unwrap_or(false)
    }
}

impl Drop for CameraService {
    fn drop(&mut self) {
        self.stop();
    }
}
