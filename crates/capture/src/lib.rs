//! Where the pages of a citizen's document come from, for the kiosk's
//! scanning step: every source gives one page at a time as an encoded
//! image that [`motcua_scan::process`] accepts (PNG or JPEG).
//!
//! - [`SaneSource`]: a SANE scanner through the `scanimage` program (Debian
//!   package `sane-utils`), run with a timeout and a size cap. SANE's
//!   `test` device is a real driver and serves the tests
//!   ([`SaneSource::test_device`]).
//! - [`CameraStillSource`]: the still of any
//!   [`motcua_camera::FrameSource`] (full resolution, JPEG or PNG as the
//!   camera gave it): a document photographed by the kiosk camera.
//! - [`FolderSource`]: the images of a folder (a USB stick's mount point),
//!   in name order, one per capture.
//! - [`ReplayPages`]: a fixed list of images given in a loop, for tests and
//!   demonstrations.
//! - [`parse_page_source`] reads the kiosk's page-source option
//!   (`sane:DEVICE`, `camera:SPEC`, `folder:DIR`, `replay:DIR`, `none`).
//!
//! This crate does the device and file I/O so that `motcua-scan` stays
//! pure. It never depends on Tauri, the network or the server, and logs
//! nothing: errors name programs, devices and folders, never a citizen's
//! file or what a page shows.

pub mod camera;
pub mod error;
pub mod folder;
pub mod format;
pub mod sane;
pub mod spec;

use std::fmt;

pub use camera::CameraStillSource;
pub use error::{CaptureError, SANE_PACKAGE, ScannerProblem};
pub use folder::{FolderSource, ReplayPages};
pub use sane::{SaneConfig, SaneSource};
pub use spec::parse_page_source;

/// One captured page: an encoded image, ready for
/// [`motcua_scan::process`].
#[derive(Clone, PartialEq, Eq)]
pub struct Capture {
    /// A whole PNG or JPEG file (checked from its first bytes).
    pub bytes: Vec<u8>,
    /// The resolution the image was taken at, when known: a scanner's, or
    /// the density an image file declares. `None` for camera photos.
    pub source_dpi: Option<u32>,
}

impl fmt::Debug for Capture {
    /// Never the bytes: they are a citizen's document.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Capture({} bytes, {:?}, {:?} dpi)",
            self.bytes.len(),
            format::sniff(&self.bytes),
            self.source_dpi
        )
    }
}

/// What kind of thing a source is, so the UI can word its instructions
/// ("put the page on the glass", "hold the page under the camera", ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A flatbed or sheet-fed scanner.
    Scanner,
    /// A camera above the desk.
    Camera,
    /// A folder or USB stick of images.
    Folder,
    /// Recorded pages played back (tests, demonstrations).
    Replay,
}

impl SourceKind {
    /// The stable name used in logs and by the UI.
    pub fn code(self) -> &'static str {
        match self {
            Self::Scanner => "scanner",
            Self::Camera => "camera",
            Self::Folder => "folder",
            Self::Replay => "replay",
        }
    }
}

/// Something that gives pages one at a time.
///
/// `capture` blocks until a page is there or the source gives up; it
/// never blocks forever (a scanner has a timeout, a camera a frame
/// timeout, files are read at once). After an error the source may be
/// asked again.
pub trait PageSource: Send {
    /// The next page.
    fn capture(&mut self) -> Result<Capture, CaptureError>;

    /// A short description for diagnostics, e.g. `SANE scanner "test"`.
    /// Names the device or folder, never a file in it.
    fn describe(&self) -> String;

    /// What kind of source this is.
    fn kind(&self) -> SourceKind;
}

impl PageSource for Box<dyn PageSource> {
    fn capture(&mut self) -> Result<Capture, CaptureError> {
        (**self).capture()
    }

    fn describe(&self) -> String {
        (**self).describe()
    }

    fn kind(&self) -> SourceKind {
        (**self).kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_stable_codes() {
        let codes: Vec<&str> = [
            SourceKind::Scanner,
            SourceKind::Camera,
            SourceKind::Folder,
            SourceKind::Replay,
        ]
        .into_iter()
        .map(SourceKind::code)
        .collect();
        assert_eq!(codes, ["scanner", "camera", "folder", "replay"]);
    }

    #[test]
    fn a_capture_never_shows_its_bytes() {
        let capture = Capture {
            bytes: b"\x89PNG\r\n\x1a\nsecret".to_vec(),
            source_dpi: Some(200),
        };
        assert_eq!(
            format!("{capture:?}"),
            "Capture(14 bytes, Some(Png), Some(200) dpi)"
        );
    }
}
