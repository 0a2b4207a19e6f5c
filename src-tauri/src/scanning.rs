//! Scanning the citizen's papers: the page source (`--scanner`: a SANE
//! scanner, the camera, a folder or a replay), and the pages of each dossier
//! component, held in memory for this session only. The image work is
//! `motcua_scan`'s; the device work is `motcua_capture`'s.

use std::collections::BTreeMap;
use std::sync::Mutex;

use motcua_capture::{CaptureError, PageSource, SourceKind};
use motcua_scan::Page;

use crate::camera::CameraService;

/// Most pages one component may hold: more is a mistake, not a document.
pub const MAX_PAGES: usize = 20;

const LAST_FAILED: u8 = 1;
const LAST_MISSING: u8 = 2;

/// The configured page source, opened on first use and kept open. A
/// camera (`camera:SPEC`) is run as a [`CameraService`] instead, so the scan
/// screen can show its live picture; a capture is then a full-resolution
/// still from it ([`CameraService::still`]).
pub struct Scanner {
    spec: String,
    kind: Option<SourceKind>,
    source: Mutex<Option<Box<dyn PageSource>>>,
    camera: Option<CameraService>,
    /// How the last capture went on the device's side: 0 fine (or none
    /// yet), [`LAST_FAILED`] or [`LAST_MISSING`].
    last_failed: std::sync::atomic::AtomicU8,
}

impl Scanner {
    /// Opens `spec` now, so a wrong `--scanner` stops the kiosk at start.
    pub fn new(spec: &str) -> Result<Self, CaptureError> {
        if let Some(camera_spec) = spec.trim().strip_prefix("camera:") {
            let camera = CameraService::new(camera_spec).map_err(CaptureError::Camera)?;
            return Ok(Self {
                spec: spec.to_owned(),
                kind: camera.configured().then_some(SourceKind::Camera),
                source: Mutex::new(None),
                camera: Some(camera),
                last_failed: Default::default(),
            });
        }
        let source = motcua_capture::parse_page_source(spec)?;
        Ok(Self {
            spec: spec.to_owned(),
            kind: source.as_ref().map(|s| s.kind()),
            source: Mutex::new(source),
            camera: None,
            last_failed: Default::default(),
        })
    }

    /// The document camera, when pages are photographed.
    pub fn camera(&self) -> Option<&CameraService> {
        self.camera.as_ref().filter(|c| c.configured())
    }

    /// No scanner: papers go to the counter.
    pub fn none() -> Self {
        Self {
            spec: "none".to_owned(),
            kind: None,
            source: Mutex::new(None),
            camera: None,
            last_failed: Default::default(),
        }
    }

    /// What kind of source captures pages, if any.
    pub fn kind(&self) -> Option<SourceKind> {
        self.kind
    }

    /// How the page source is, for the device-health screen: not
    /// configured, failing (its last capture failed on the device's side),
    /// missing (a camera's device or a folder not there), or there.
    pub fn health(&self) -> crate::ipc::DeviceStatus {
        use crate::ipc::DeviceStatus;
        if self.kind.is_none() {
            return DeviceStatus::NotConfigured;
        }
        match self.last_failed.load(std::sync::atomic::Ordering::Relaxed) {
            LAST_FAILED => return DeviceStatus::Failing,
            LAST_MISSING => return DeviceStatus::Missing,
            _ => {}
        }
        if let Some(camera) = &self.camera {
            return camera.health();
        }
        let spec = self.spec.trim();
        match spec
            .strip_prefix("folder:")
            .or_else(|| spec.strip_prefix("replay:"))
        {
            Some(dir) if !std::path::Path::new(dir).is_dir() => DeviceStatus::Missing,
            _ => DeviceStatus::Ok,
        }
    }

    /// Captures one page image. Blocking: call from a blocking thread.
    pub fn capture(&self) -> Result<Vec<u8>, CaptureError> {
        let result = self.capture_inner();
        let last = match &result {
            Ok(_)
            | Err(
                CaptureError::NotAnImage { .. }
                | CaptureError::FileRefused { .. }
                | CaptureError::Encode(_),
            ) => 0,
            Err(
                CaptureError::DeviceNotFound { .. } | CaptureError::ScannerProgramMissing { .. },
            ) => LAST_MISSING,
            Err(_) => LAST_FAILED,
        };
        self.last_failed
            .store(last, std::sync::atomic::Ordering::Relaxed);
        result
    }

    fn capture_inner(&self) -> Result<Vec<u8>, CaptureError> {
        if let Some(camera) = self.camera() {
            // Full resolution, as the camera encoded it (colour MJPEG from
            // a V4L2 camera, the original file from a replay).
            return Ok(camera.still()?.bytes);
        }
        let mut guard = self
            .source
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.is_none() && self.kind.is_some() {
            // A source that failed is opened again (a scanner plugged back in).
            *guard = motcua_capture::parse_page_source(&self.spec)?;
        }
        let source = guard.as_mut().ok_or_else(|| CaptureError::BadSpec {
            spec: self.spec.clone(),
            reason: "no page source is configured",
        })?;
        match source.capture() {
            Ok(capture) => Ok(capture.bytes),
            Err(e) => {
                if matches!(
                    e,
                    CaptureError::Timeout { .. } | CaptureError::ScannerFailed { .. }
                ) {
                    *guard = None;
                }
                Err(e)
            }
        }
    }
}

/// The pages of one dossier component.
#[derive(Debug, Default)]
pub struct ComponentPages {
    /// Pages the citizen chose to use, in order.
    pub pages: Vec<Page>,
    /// The last capture, waiting for "Dùng trang này" or "Chụp lại".
    pub draft: Option<Page>,
    /// A helper marked it handed in on paper at the counter.
    pub on_paper: bool,
}

/// Every component's pages in this session. Memory only.
#[derive(Debug, Default)]
pub struct Scans {
    components: BTreeMap<String, ComponentPages>,
}

/// What went wrong with a page operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScansError {
    #[error("component id {0:?} is not a catalog component id")]
    BadComponent(String),
    #[error("the component already holds {MAX_PAGES} pages")]
    Full,
    #[error("there is no page waiting to be kept")]
    NoDraft,
    #[error("there is no page {0}")]
    NoPage(u32),
}

/// A catalog component id: short, lower-case ASCII, digits and `-`/`_`.
fn check_component(id: &str) -> Result<(), ScansError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ScansError::BadComponent(id.chars().take(64).collect()))
    }
}

impl Scans {
    pub fn get(&self, component: &str) -> Option<&ComponentPages> {
        self.components.get(component)
    }

    /// Whether another page may be captured for `component`.
    pub fn check_room(&self, component: &str) -> Result<(), ScansError> {
        check_component(component)?;
        match self.components.get(component) {
            Some(c) if c.pages.len() >= MAX_PAGES => Err(ScansError::Full),
            _ => Ok(()),
        }
    }

    /// Holds `page` as the component's draft (replacing an earlier draft).
    pub fn set_draft(&mut self, component: &str, page: Page) -> Result<(), ScansError> {
        self.check_room(component)?;
        self.components
            .entry(component.to_owned())
            .or_default()
            .draft = Some(page);
        Ok(())
    }

    /// "Dùng trang này": the draft becomes the component's next page.
    pub fn keep(&mut self, component: &str) -> Result<&ComponentPages, ScansError> {
        self.check_room(component)?;
        let c = self
            .components
            .get_mut(component)
            .ok_or(ScansError::NoDraft)?;
        let page = c.draft.take().ok_or(ScansError::NoDraft)?;
        c.pages.push(page);
        Ok(c)
    }

    /// "Chụp lại": the draft is thrown away.
    pub fn discard(&mut self, component: &str) {
        if let Some(c) = self.components.get_mut(component) {
            c.draft = None;
        }
    }

    /// Removes page `index` (0-based) of `component`.
    pub fn remove(&mut self, component: &str, index: u32) -> Result<&ComponentPages, ScansError> {
        check_component(component)?;
        let c = self
            .components
            .get_mut(component)
            .ok_or(ScansError::NoPage(index))?;
        let i = usize::try_from(index).map_err(|_| ScansError::NoPage(index))?;
        if i >= c.pages.len() {
            return Err(ScansError::NoPage(index));
        }
        c.pages.remove(i);
        Ok(c)
    }

    /// A helper marks `component` handed in on paper (or takes it back).
    pub fn set_on_paper(
        &mut self,
        component: &str,
        on_paper: bool,
    ) -> Result<&ComponentPages, ScansError> {
        check_component(component)?;
        let c = self.components.entry(component.to_owned()).or_default();
        c.on_paper = on_paper;
        Ok(c)
    }

    pub fn is_empty(&self) -> bool {
        self.components.is_empty()
    }

    /// Pages kept across every component.
    pub fn page_count(&self) -> u32 {
        let n: usize = self.components.values().map(|c| c.pages.len()).sum();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// All pages of every component, for the end of a session.
    pub fn clear(&mut self) {
        self.components.clear();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn page() -> Page {
        let photo = motcua_scan::synth::text_page(420, 594, 230, 3);
        let jpeg = motcua_scan::encode_gray(&photo, 90).unwrap();
        motcua_scan::process(&jpeg).unwrap()
    }

    #[test]
    fn draft_keep_remove_and_limits() {
        let mut s = Scans::default();
        assert_eq!(s.keep("to-khai").err(), Some(ScansError::NoDraft));
        s.set_draft("to-khai", page()).unwrap();
        assert_eq!(s.keep("to-khai").unwrap().pages.len(), 1);
        assert_eq!(
            s.keep("to-khai").err(),
            Some(ScansError::NoDraft),
            "a draft is kept once"
        );
        s.set_draft("to-khai", page()).unwrap();
        s.discard("to-khai");
        assert_eq!(s.keep("to-khai").err(), Some(ScansError::NoDraft));
        assert_eq!(s.remove("to-khai", 1).err(), Some(ScansError::NoPage(1)));
        assert!(s.remove("to-khai", 0).unwrap().pages.is_empty());
        for bad in ["", "Tờ khai", "../x", &"a".repeat(65)] {
            assert!(matches!(
                s.set_draft(bad, page()),
                Err(ScansError::BadComponent(_))
            ));
        }
        let p = page();
        for _ in 0..MAX_PAGES {
            s.set_draft("ban-sao", p.clone()).unwrap();
            s.keep("ban-sao").unwrap();
        }
        assert_eq!(s.set_draft("ban-sao", p).err(), Some(ScansError::Full));
        assert!(s.set_on_paper("giay-to-khac", true).unwrap().on_paper);
        s.clear();
        assert!(s.is_empty());
    }
}
