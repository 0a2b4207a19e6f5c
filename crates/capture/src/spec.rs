//! The kiosk's page-source option.

use std::path::Path;

use crate::PageSource;
use crate::camera::CameraStillSource;
use crate::error::CaptureError;
use crate::folder::{FolderSource, ReplayPages};
use crate::sane::{SaneConfig, SaneSource};

/// Parses the kiosk's page-source option:
///
/// - `sane:DEVICE`: a SANE scanner through `scanimage` with the defaults
///   of [`SaneConfig::new`] (gray, 200 DPI, A4), e.g.
///   `sane:epson2:libusb:001:004`. `sane:test` (or `test:0`, `test:1`) is
///   SANE's test device giving an A4 test page
///   ([`SaneSource::test_device`]). Nothing is run until a capture, so a
///   scanner plugged in later is found then.
/// - `camera:SPEC`: stills from a camera, `SPEC` being the camera option
///   of [`motcua_camera::parse_source_spec`] (`v4l2:/dev/video0`,
///   `replay:DIR`); `camera:none` is no source.
/// - `folder:DIR`: the images of a folder or USB stick, in name order,
///   listed now.
/// - `replay:DIR`: the images of a folder, all read now, in a loop.
/// - `none`: no source (`Ok(None)`).
pub fn parse_page_source(spec: &str) -> Result<Option<Box<dyn PageSource>>, CaptureError> {
    let bad = |reason| CaptureError::BadSpec {
        spec: spec.to_owned(),
        reason,
    };
    let spec_trimmed = spec.trim();
    if spec_trimmed == "none" {
        return Ok(None);
    }
    let (kind, rest) = spec_trimmed
        .split_once(':')
        .ok_or_else(|| bad("expected sane:DEVICE, camera:SPEC, folder:DIR, replay:DIR or none"))?;
    if rest.is_empty() {
        return Err(bad("the part after the colon is missing"));
    }
    Ok(Some(match kind {
        "sane" => {
            if is_test_device(rest) {
                Box::new(SaneSource::test_device_with(SaneConfig::new(rest))?)
            } else {
                Box::new(SaneSource::new(SaneConfig::new(rest)))
            }
        }
        "camera" => match motcua_camera::parse_source_spec(rest)? {
            Some(camera) => Box::new(CameraStillSource::new(camera)),
            None => return Ok(None),
        },
        "folder" => Box::new(FolderSource::open(Path::new(rest))?),
        "replay" => Box::new(ReplayPages::from_folder(Path::new(rest))?),
        _ => return Err(bad("the kind must be sane, camera, folder, replay or none")),
    }))
}

/// SANE's test backend: `test`, or one of its devices `test:N`.
fn is_test_device(device: &str) -> bool {
    device == "test"
        || device
            .strip_prefix("test:")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}
