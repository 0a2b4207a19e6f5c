//! Where frames come from: the [`FrameSource`] trait and the `--camera`
//! option that picks one.

use std::path::Path;

use crate::error::CameraError;
use crate::frame::Frame;
use crate::replay::ReplaySource;
use crate::still::Still;
use crate::v4l2::V4l2Source;

/// Something that yields camera frames one at a time.
///
/// `next_frame` blocks until the next frame is due or has arrived, but
/// never much longer than a frame interval or a short timeout (a second at
/// most): the worker checks for `stop` between calls. After an error the
/// source may be asked again; a source that lost its device reopens it
/// then.
///
/// `still` takes one picture at the best quality the source has (a
/// document page): a V4L2 camera switches to its largest size for it, a
/// replay gives the original file. It is bounded too (a few seconds at
/// most), and `next_frame` goes on with the preview afterwards.
pub trait FrameSource: Send {
    /// The next frame.
    fn next_frame(&mut self) -> Result<Frame, CameraError>;

    /// A still picture. By default the next frame, as a lossless gray PNG
    /// ([`Still::png_of`]).
    fn still(&mut self) -> Result<Still, CameraError> {
        Still::png_of(&self.next_frame()?)
    }

    /// A short description for diagnostics, e.g. `V4L2 /dev/video0`.
    fn describe(&self) -> String;
}

impl FrameSource for Box<dyn FrameSource> {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        (**self).next_frame()
    }

    fn still(&mut self) -> Result<Still, CameraError> {
        (**self).still()
    }

    fn describe(&self) -> String {
        (**self).describe()
    }
}

/// Parses the kiosk's `--camera` option:
///
/// - `replay:/path/to/dir`: the JPEG/PNG files of a folder, in a loop at
///   [`crate::replay::DEFAULT_FPS`]; the folder is read and every file
///   decoded now, so a bad folder is refused at start-up;
/// - `v4l2:/dev/video0`: a V4L2 camera, opened when the first frame is
///   asked for (a camera plugged in later is found by the worker's retry);
/// - `none`: no camera (`Ok(None)`).
pub fn parse_source_spec(spec: &str) -> Result<Option<Box<dyn FrameSource>>, CameraError> {
    let bad = |reason| CameraError::BadSpec {
        spec: spec.to_owned(),
        reason,
    };
    let spec_trimmed = spec.trim();
    if spec_trimmed == "none" {
        return Ok(None);
    }
    let (kind, rest) = spec_trimmed
        .split_once(':')
        .ok_or_else(|| bad("expected replay:FOLDER, v4l2:DEVICE or none"))?;
    if rest.is_empty() {
        return Err(bad("the path after the colon is missing"));
    }
    match kind {
        "replay" => Ok(Some(Box::new(ReplaySource::open(Path::new(rest))?))),
        "v4l2" => Ok(Some(Box::new(V4l2Source::new(Path::new(rest))))),
        _ => Err(bad("the kind must be replay, v4l2 or none")),
    }
}
