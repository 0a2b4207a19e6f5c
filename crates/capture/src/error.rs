//! The one error type of the page sources.

use std::path::PathBuf;

use motcua_camera::CameraError;
use motcua_scan::DecodeError;

/// The Debian package that provides `scanimage`.
pub const SANE_PACKAGE: &str = "sane-utils";

/// Why a source gave no page. Messages name programs, devices and folders,
/// never a file of a citizen's folder (files are told by their position in
/// name order) and never what a page shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// The page-source option is not one of the accepted forms.
    #[error("page source option {spec:?} not understood: {reason}")]
    BadSpec { spec: String, reason: &'static str },

    /// The scanner program (`scanimage`) is not installed or not on `PATH`.
    #[error("the scanner program {} was not found: install the Debian package {SANE_PACKAGE}", program.display())]
    ScannerProgramMissing { program: PathBuf },
    /// The scanner program exists but could not be started.
    #[error("the scanner program {} could not be started: {reason}", program.display())]
    Spawn { program: PathBuf, reason: String },
    /// SANE could not open the device: no such scanner, or it is unplugged
    /// or switched off. `reason` is SANE's own words.
    #[error(
        "scanner {device:?} not found or not reachable ({reason}): is it plugged in and switched on?"
    )]
    DeviceNotFound { device: String, reason: String },
    /// The private SANE configuration of the test device could not be
    /// written.
    #[error("the private SANE configuration could not be written: {0}")]
    PrivateConfig(String),
    /// The scan failed after the device was opened.
    #[error("scanner {device:?} failed ({problem:?}, exit code {exit_code:?}): {message}")]
    ScannerFailed {
        device: String,
        /// What kind of failure, for the UI's wording.
        problem: ScannerProblem,
        /// The exit code of `scanimage` (a SANE status for scan failures),
        /// `None` when it was ended by a signal.
        exit_code: Option<i32>,
        /// The first meaningful line of `scanimage`'s error output.
        message: String,
    },
    /// The scan took longer than allowed; the process was killed.
    #[error("scanner {device:?} gave no page within {waited_ms} ms; the scan was stopped")]
    Timeout { device: String, waited_ms: u64 },
    /// The scanner program succeeded but wrote nothing.
    #[error("scanner {device:?} returned an empty image")]
    EmptyOutput { device: String },
    /// The scanner program wrote something that is neither PNG nor JPEG.
    #[error("scanner {device:?} returned data that is not a PNG or JPEG image")]
    NotAnImage { device: String },
    /// The scanner program wrote more than a page may hold; it was stopped.
    #[error("scanner {device:?} returned more than {limit} bytes; the scan was stopped")]
    OutputTooLarge { device: String, limit: u64 },

    /// The camera gave no frame.
    #[error(transparent)]
    Camera(#[from] CameraError),
    /// A camera frame could not be encoded as PNG.
    #[error("the camera frame could not be encoded: {0}")]
    Encode(String),

    /// A folder could not be listed.
    #[error("cannot read the folder {}: {reason}", folder.display())]
    Folder { folder: PathBuf, reason: String },
    /// A folder holds more entries than a source lists.
    #[error("the folder {} holds more than the {max} entries a source lists", folder.display())]
    TooManyFiles { folder: PathBuf, max: usize },
    /// A folder (for a replay) holds no JPEG or PNG file.
    #[error("the folder {} holds no JPEG or PNG image", folder.display())]
    NoImages { folder: PathBuf },
    /// A replay with no page.
    #[error("a replay needs at least one page")]
    EmptyReplay,
    /// A replay folder holds more than a replay keeps in memory.
    #[error("the folder {} holds more than {max_pages} images or {max_bytes} bytes, too much for a replay", folder.display())]
    ReplayTooLarge {
        folder: PathBuf,
        max_pages: usize,
        max_bytes: u64,
    },
    /// Every image of the folder has been given.
    #[error("no more images in {} ({taken} given, {skipped} other files skipped)", folder.display())]
    Exhausted {
        folder: PathBuf,
        /// Images given so far (0: the folder had none).
        taken: usize,
        /// Files passed over because they are not JPEG or PNG images.
        skipped: usize,
    },
    /// One file of a folder could not be read; the next capture goes on
    /// with the following file.
    #[error("file {position} of {} could not be read: {reason}", folder.display())]
    FileUnreadable {
        folder: PathBuf,
        /// 1-based position of the file in name order.
        position: usize,
        reason: String,
    },
    /// One image of a folder is too large, or damaged; the next capture
    /// goes on with the following file.
    #[error("image {position} of {} refused: {source}", folder.display())]
    FileRefused {
        folder: PathBuf,
        /// 1-based position of the file in name order.
        position: usize,
        #[source]
        source: DecodeError,
    },
}

/// What went wrong with a scan, from `scanimage`'s exit code (a SANE
/// status), so the UI can say it in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScannerProblem {
    /// `SANE_STATUS_DEVICE_BUSY`: another program is using the scanner.
    Busy,
    /// `SANE_STATUS_JAMMED`: the paper is jammed in the feeder.
    Jammed,
    /// `SANE_STATUS_NO_DOCS`: the document feeder is empty.
    NoDocument,
    /// `SANE_STATUS_COVER_OPEN`: the scanner's cover is open.
    CoverOpen,
    /// `SANE_STATUS_ACCESS_DENIED`: the kiosk may not use the device.
    AccessDenied,
    /// Anything else: an I/O error, a bad option, a crash.
    Other,
}

impl ScannerProblem {
    /// The problem behind an exit code of `scanimage`, which exits with
    /// the SANE status of a failed scan (and 1 for its own failures).
    pub fn from_exit_code(code: Option<i32>) -> Self {
        match code {
            Some(3) => Self::Busy,
            Some(6) => Self::Jammed,
            Some(7) => Self::NoDocument,
            Some(8) => Self::CoverOpen,
            Some(11) => Self::AccessDenied,
            _ => Self::Other,
        }
    }

    /// The stable name used in logs and by the UI.
    pub fn code(self) -> &'static str {
        match self {
            Self::Busy => "busy",
            Self::Jammed => "jammed",
            Self::NoDocument => "no_document",
            Self::CoverOpen => "cover_open",
            Self::AccessDenied => "access_denied",
            Self::Other => "other",
        }
    }
}

/// One line of an error's text, whatever the library's message looks like.
pub(crate) fn one_line(e: impl std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
