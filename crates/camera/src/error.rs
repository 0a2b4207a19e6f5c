//! The one error type of the camera sources and the worker.

use std::path::PathBuf;

use motcua_scan::DecodeError;

/// Why a camera source could not give a frame, or a frame could not be
/// used. Messages name files and devices, never what a frame shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CameraError {
    /// The `--camera` option is not one of the accepted forms.
    #[error("camera option {spec:?} not understood: {reason}")]
    BadSpec { spec: String, reason: &'static str },
    /// A replay folder with no JPEG or PNG file in it.
    #[error("the replay folder {} holds no JPEG or PNG file", path.display())]
    EmptyFolder { path: PathBuf },
    /// A replay folder with more files than a replay source keeps in memory.
    #[error("the replay folder {} holds {count} images, more than the {max} a replay plays", path.display())]
    TooManyFiles {
        path: PathBuf,
        count: usize,
        max: usize,
    },
    /// A file or folder could not be read.
    #[error("cannot read {}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    /// A file is not an image this crate decodes, or is damaged.
    #[error("{}: {source}", path.display())]
    Decode {
        path: PathBuf,
        #[source]
        source: DecodeError,
    },
    /// The camera device could not be opened, configured or read.
    #[error("camera {}: {reason}", device.display())]
    Device { device: PathBuf, reason: String },
    /// The camera offers no pixel format this crate converts.
    #[error("camera {} offers neither MJPEG nor YUYV (it offers: {offered})", device.display())]
    UnsupportedFormat { device: PathBuf, offered: String },
    /// The camera gave no frame for too long.
    #[error("camera {} gave no frame for {waited_ms} ms", device.display())]
    Timeout { device: PathBuf, waited_ms: u64 },
    /// A frame whose bytes do not match its declared size or format.
    #[error("unusable frame: {0}")]
    BadFrame(String),
    /// The preview JPEG could not be made.
    #[error("the preview could not be made: {0}")]
    Preview(String),
    /// A still could not be encoded.
    #[error("the still could not be encoded: {0}")]
    Encode(String),
    /// A still was asked for and none came in time (a stuck camera).
    #[error("the camera gave no still within {waited_ms} ms")]
    StillTimeout { waited_ms: u64 },
    /// The camera worker was stopped while a still was awaited.
    #[error("the camera was stopped")]
    Stopped,
    /// The worker thread could not be started.
    #[error("the camera thread could not be started: {0}")]
    Spawn(String),
}

/// One line of an error's text, whatever the library's message looks like.
pub(crate) fn one_line(e: impl std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
