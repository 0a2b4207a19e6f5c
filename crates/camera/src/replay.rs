//! A source that plays the images of a folder in a loop, like a camera:
//! for tests, demonstrations and kiosks without a camera attached.
//!
//! A still from a replay is the original file of the next frame, byte for
//! byte: a folder of 12 MP phone photos gives the page pipeline the real
//! photos, in colour, while the preview and the QR finder see them decoded
//! to luma as before.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use motcua_scan::decode::DecodeError;

use crate::error::{CameraError, one_line};
use crate::frame::Frame;
use crate::source::FrameSource;
use crate::still::{Still, StillFormat, header_size};

/// Frames per second of a replay unless told otherwise.
pub const DEFAULT_FPS: u32 = 15;
/// Largest number of images a replay folder may hold: all are decoded and
/// kept in memory (about 0.9 MB each at 1280×720), beside their files'
/// bytes (for stills; a compressed file is smaller than its decoded luma).
pub const MAX_FILES: usize = 240;

/// Plays the JPEG and PNG files of a folder, sorted by name, in a loop at a
/// fixed rate. Every file is read and decoded when the source is opened,
/// so a damaged file is refused then, naming it, and playing never fails.
pub struct ReplaySource {
    folder: PathBuf,
    frames: Vec<Frame>,
    /// Each frame's file as read, for stills; shared, so a still is not a
    /// second copy kept.
    files: Vec<Arc<[u8]>>,
    next: usize,
    interval: Duration,
    deadline: Option<Instant>,
}

impl ReplaySource {
    /// Opens `folder` to play at [`DEFAULT_FPS`].
    pub fn open(folder: &Path) -> Result<Self, CameraError> {
        Self::with_fps(folder, DEFAULT_FPS)
    }

    /// Opens `folder` to play at `fps` frames per second (1 to 120).
    pub fn with_fps(folder: &Path, fps: u32) -> Result<Self, CameraError> {
        let io = |e: std::io::Error| CameraError::Io {
            path: folder.to_path_buf(),
            reason: one_line(e),
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(folder).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if is_image_name(&path) && path.is_file() {
                paths.push(path);
            }
        }
        if paths.is_empty() {
            return Err(CameraError::EmptyFolder {
                path: folder.to_path_buf(),
            });
        }
        if paths.len() > MAX_FILES {
            return Err(CameraError::TooManyFiles {
                path: folder.to_path_buf(),
                count: paths.len(),
                max: MAX_FILES,
            });
        }
        paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        let (frames, files) = paths
            .iter()
            .map(|path| load(path))
            .collect::<Result<(Vec<_>, Vec<_>), _>>()?;
        Ok(Self {
            folder: folder.to_path_buf(),
            frames,
            files,
            next: 0,
            interval: Duration::from_secs(1) / fps.clamp(1, 120),
            deadline: None,
        })
    }

    /// How many frames the loop has.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Always false: an empty folder is refused when opened.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Sleeps until the next frame is due; the first frame is due at once.
    /// A replay that fell behind (a slow consumer) starts again from now
    /// rather than catching up in a burst.
    fn wait_turn(&mut self) {
        if let Some(due) = self.deadline {
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        let now = Instant::now();
        let next = self.deadline.unwrap_or(now) + self.interval;
        self.deadline = Some(if next < now {
            now + self.interval
        } else {
            next
        });
    }
}

impl FrameSource for ReplaySource {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        self.wait_turn();
        let frame =
            self.frames
                .get(self.next)
                .cloned()
                .ok_or_else(|| CameraError::EmptyFolder {
                    path: self.folder.clone(),
                })?;
        self.next = (self.next + 1) % self.frames.len();
        Ok(frame)
    }

    /// The next frame's file, unchanged (a JPEG or a PNG, as the folder
    /// holds it), without waiting for its turn; the loop moves on by one,
    /// so stills of a folder go through its files in order.
    fn still(&mut self) -> Result<Still, CameraError> {
        let missing = || CameraError::EmptyFolder {
            path: self.folder.clone(),
        };
        let file = self.files.get(self.next).ok_or_else(missing)?;
        let frame = self.frames.get(self.next).ok_or_else(missing)?;
        // The file was decoded when opened, so its header is a JPEG's or a
        // PNG's; EXIF may have turned the frame, so the size is the file's.
        let (format, (width, height)) =
            header_size(file).unwrap_or((StillFormat::Png, (frame.width(), frame.height())));
        let still = Still {
            bytes: file.to_vec(),
            format,
            width,
            height,
        };
        self.next = (self.next + 1) % self.frames.len();
        Ok(still)
    }

    fn describe(&self) -> String {
        format!(
            "replay of {} ({} frames)",
            self.folder.display(),
            self.frames.len()
        )
    }
}

fn is_image_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["jpg", "jpeg", "png"].contains(&e.to_ascii_lowercase().as_str()))
}

/// Reads and decodes one file, its size checked before it is read; the
/// frame and the file's bytes.
fn load(path: &Path) -> Result<(Frame, Arc<[u8]>), CameraError> {
    let io = |e: std::io::Error| CameraError::Io {
        path: path.to_path_buf(),
        reason: one_line(e),
    };
    let decode = |source: DecodeError| CameraError::Decode {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    motcua_scan::check_file_size(size).map_err(|e| decode(e.into()))?;
    let bytes = std::fs::read(path).map_err(io)?;
    let frame = Frame::decode(&bytes).map_err(decode)?;
    Ok((frame, Arc::from(bytes)))
}
