//! Pages from files: the images of a folder or USB stick ([`FolderSource`])
//! and a fixed list played in a loop ([`ReplayPages`]).
//!
//! A file is an image when its first bytes say JPEG or PNG, whatever its
//! name; anything else (documents, videos, the `._*` files other systems
//! leave on a stick) is passed over. Files are told apart in errors by
//! their position in name order, never by name: a citizen's file names are
//! personal data.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use motcua_scan::{DecodeError, LimitError, MAX_FILE_BYTES};

use crate::error::{CaptureError, one_line};
use crate::format::{declared_dpi, sniff};
use crate::{Capture, PageSource, SourceKind};

/// Most entries a folder may hold for a source to list it.
pub const MAX_ENTRIES: usize = 10_000;
/// Most pages a replay keeps in memory.
pub const MAX_REPLAY_PAGES: usize = 64;
/// Most bytes, all pages together, a replay keeps in memory.
pub const MAX_REPLAY_BYTES: u64 = 256 * 1024 * 1024;

/// The files of a folder, one page per capture, in name order.
///
/// The folder is listed when opened; each capture reads the next file
/// that is a JPEG or PNG image and decodes it once to make sure the image
/// pipeline will accept it. A file too large or damaged is refused with an
/// error, and the capture after it goes on with the next file; once every
/// file has been looked at, captures give [`CaptureError::Exhausted`].
#[derive(Debug)]
pub struct FolderSource {
    folder: PathBuf,
    entries: Vec<PathBuf>,
    next: usize,
    taken: usize,
    skipped: usize,
}

impl FolderSource {
    /// Lists `folder` (at most [`MAX_ENTRIES`] entries).
    pub fn open(folder: &Path) -> Result<Self, CaptureError> {
        Ok(Self {
            folder: folder.to_path_buf(),
            entries: list(folder, MAX_ENTRIES)?,
            next: 0,
            taken: 0,
            skipped: 0,
        })
    }

    /// How many files are still to be looked at (not all may be images).
    pub fn remaining(&self) -> usize {
        self.entries.len() - self.next
    }

    /// How many images were given so far.
    pub fn taken(&self) -> usize {
        self.taken
    }

    /// How many files were passed over as not JPEG or PNG.
    pub fn skipped(&self) -> usize {
        self.skipped
    }
}

impl PageSource for FolderSource {
    fn capture(&mut self) -> Result<Capture, CaptureError> {
        while let Some(path) = self.entries.get(self.next) {
            self.next += 1;
            let position = self.next;
            let bytes = match read_image(path) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => {
                    self.skipped += 1;
                    continue;
                }
                Err(FileProblem::Io(reason)) => {
                    return Err(CaptureError::FileUnreadable {
                        folder: self.folder.clone(),
                        position,
                        reason,
                    });
                }
                Err(FileProblem::Refused(source)) => {
                    return Err(CaptureError::FileRefused {
                        folder: self.folder.clone(),
                        position,
                        source,
                    });
                }
            };
            // Decoded once here so that a damaged image is refused with its
            // position, not later by the pipeline.
            if let Err(source) = motcua_scan::decode::decode_gray(&bytes) {
                return Err(CaptureError::FileRefused {
                    folder: self.folder.clone(),
                    position,
                    source,
                });
            }
            self.taken += 1;
            return Ok(Capture {
                source_dpi: declared_dpi(&bytes),
                bytes,
            });
        }
        Err(CaptureError::Exhausted {
            folder: self.folder.clone(),
            taken: self.taken,
            skipped: self.skipped,
        })
    }

    fn describe(&self) -> String {
        format!(
            "folder {} ({} files)",
            self.folder.display(),
            self.entries.len()
        )
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Folder
    }
}

/// A fixed list of pages, given in a loop: for tests and demonstrations.
#[derive(Debug, Clone)]
pub struct ReplayPages {
    pages: Vec<Capture>,
    next: usize,
    label: String,
}

impl ReplayPages {
    /// Plays `pages` (any bytes: a test may replay a damaged file on
    /// purpose). An error when the list is empty.
    pub fn new(pages: Vec<Vec<u8>>) -> Result<Self, CaptureError> {
        if pages.is_empty() {
            return Err(CaptureError::EmptyReplay);
        }
        let label = format!("replay of {} pages", pages.len());
        Ok(Self {
            pages: pages
                .into_iter()
                .map(|bytes| Capture {
                    source_dpi: declared_dpi(&bytes),
                    bytes,
                })
                .collect(),
            next: 0,
            label,
        })
    }

    /// Plays the JPEG and PNG images of `folder` in name order, all read
    /// now (at most [`MAX_REPLAY_PAGES`] pages and [`MAX_REPLAY_BYTES`]),
    /// so a bad folder is refused at once. Other files are passed over;
    /// an image over the size limit is refused. Images are not decoded:
    /// damaged ones reach the pipeline, as in a test of its errors.
    pub fn from_folder(folder: &Path) -> Result<Self, CaptureError> {
        let mut pages = Vec::new();
        let mut total = 0u64;
        for (i, path) in list(folder, MAX_ENTRIES)?.iter().enumerate() {
            let position = i + 1;
            let bytes = match read_image(path) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue,
                Err(FileProblem::Io(reason)) => {
                    return Err(CaptureError::FileUnreadable {
                        folder: folder.to_path_buf(),
                        position,
                        reason,
                    });
                }
                Err(FileProblem::Refused(source)) => {
                    return Err(CaptureError::FileRefused {
                        folder: folder.to_path_buf(),
                        position,
                        source,
                    });
                }
            };
            total += bytes.len() as u64;
            if pages.len() == MAX_REPLAY_PAGES || total > MAX_REPLAY_BYTES {
                return Err(CaptureError::ReplayTooLarge {
                    folder: folder.to_path_buf(),
                    max_pages: MAX_REPLAY_PAGES,
                    max_bytes: MAX_REPLAY_BYTES,
                });
            }
            pages.push(bytes);
        }
        if pages.is_empty() {
            return Err(CaptureError::NoImages {
                folder: folder.to_path_buf(),
            });
        }
        let mut replay = Self::new(pages)?;
        replay.label = format!("replay of {} ({} pages)", folder.display(), replay.len());
        Ok(replay)
    }

    /// How many pages the loop has.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Always false: an empty replay is refused.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

impl PageSource for ReplayPages {
    fn capture(&mut self) -> Result<Capture, CaptureError> {
        let page = self
            .pages
            .get(self.next)
            .cloned()
            .ok_or(CaptureError::EmptyReplay)?;
        self.next = (self.next + 1) % self.pages.len();
        Ok(page)
    }

    fn describe(&self) -> String {
        self.label.clone()
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Replay
    }
}

/// The files (and links) of `folder`, sorted by name; sub-folders are left
/// out. An error when there are more than `max`.
fn list(folder: &Path, max: usize) -> Result<Vec<PathBuf>, CaptureError> {
    let io = |e: io::Error| CaptureError::Folder {
        folder: folder.to_path_buf(),
        reason: one_line(e),
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.file_type().map_err(io)?.is_dir() {
            continue;
        }
        if entries.len() == max {
            return Err(CaptureError::TooManyFiles {
                folder: folder.to_path_buf(),
                max,
            });
        }
        entries.push(entry.path());
    }
    entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(entries)
}

/// Why one file gave no page.
enum FileProblem {
    /// It could not be opened or read.
    Io(String),
    /// It is an image, but too large.
    Refused(DecodeError),
}

/// Reads a file when it is a JPEG or PNG image: `Ok(None)` when it is not
/// (or is not a regular file), an error when it is too large or
/// unreadable. The size is checked before the file is read, and the read
/// stops past the limit should the file grow meanwhile.
fn read_image(path: &Path) -> Result<Option<Vec<u8>>, FileProblem> {
    let io = |e: io::Error| FileProblem::Io(one_line(e));
    // Checked before opening: opening a named pipe would wait for a writer.
    if !std::fs::metadata(path).map_err(io)?.is_file() {
        return Ok(None);
    }
    let mut file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Ok(None);
    }
    let mut magic = Vec::with_capacity(8);
    (&mut file).take(8).read_to_end(&mut magic).map_err(io)?;
    if sniff(&magic).is_none() {
        return Ok(None);
    }
    let too_large = |bytes| FileProblem::Refused(LimitError::FileTooLarge { bytes }.into());
    motcua_scan::check_file_size(meta.len()).map_err(|_| too_large(meta.len()))?;
    let mut bytes = magic;
    bytes.reserve(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_listing_is_sorted_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["c", "a", "b"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        std::fs::create_dir(dir.path().join("0-folder")).unwrap();
        let names: Vec<_> = list(dir.path(), 3)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a", "b", "c"], "sub-folders are not counted");
        std::fs::write(dir.path().join("d"), "d").unwrap();
        assert_eq!(
            list(dir.path(), 3).unwrap_err(),
            CaptureError::TooManyFiles {
                folder: dir.path().to_path_buf(),
                max: 3
            }
        );
    }
}
