//! `parse_page_source`.

use motcua_capture::{CaptureError, PageSource, SourceKind, parse_page_source};

use crate::{level, png_of, require_scanimage};

fn source(spec: &str) -> Box<dyn PageSource> {
    parse_page_source(spec).unwrap().unwrap()
}

fn bad(spec: &str) -> &'static str {
    match parse_page_source(spec) {
        Err(CaptureError::BadSpec { spec: s, reason }) => {
            assert_eq!(s, spec);
            reason
        }
        Err(other) => panic!("{spec:?}: {other:?}"),
        Ok(_) => panic!("{spec:?} was accepted"),
    }
}

#[test]
fn every_kind_of_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.png"), png_of(90)).unwrap();
    let d = dir.path().display();

    assert!(parse_page_source("none").unwrap().is_none());
    assert!(parse_page_source("  none\n").unwrap().is_none());
    assert!(parse_page_source("camera:none").unwrap().is_none());

    let cases = [
        (
            "sane:test".to_owned(),
            SourceKind::Scanner,
            "SANE scanner \"test\" at 200 dpi".to_owned(),
        ),
        (
            "sane:test:1".to_owned(),
            SourceKind::Scanner,
            "SANE scanner \"test:1\" at 200 dpi".to_owned(),
        ),
        (
            "sane:epson2:libusb:001:004".to_owned(),
            SourceKind::Scanner,
            "SANE scanner \"epson2:libusb:001:004\" at 200 dpi".to_owned(),
        ),
        (
            "camera:v4l2:/dev/video0".to_owned(),
            SourceKind::Camera,
            "camera stills from V4L2 /dev/video0".to_owned(),
        ),
        (
            format!("folder:{d}"),
            SourceKind::Folder,
            format!("folder {d} (1 files)"),
        ),
        (
            format!("replay:{d}"),
            SourceKind::Replay,
            format!("replay of {d} (1 pages)"),
        ),
    ];
    for (spec, kind, describe) in cases {
        let s = source(&spec);
        assert_eq!(s.kind(), kind, "{spec}");
        assert_eq!(s.describe(), describe, "{spec}");
    }

    let mut camera = source(&format!("camera:replay:{d}"));
    assert_eq!(camera.kind(), SourceKind::Camera);
    assert_eq!(level(&camera.capture().unwrap()), 90);
    let mut folder = source(&format!("folder:{d}"));
    assert_eq!(level(&folder.capture().unwrap()), 90);
    let mut replay = source(&format!(" replay:{d} "));
    assert_eq!(level(&replay.capture().unwrap()), 90);
    assert_eq!(level(&replay.capture().unwrap()), 90);
}

#[test]
fn sane_test_through_the_option_scans_a_page() {
    require_scanimage();
    let capture = source("sane:test").capture().unwrap();
    let gray = motcua_scan::decode::decode_gray(&capture.bytes).unwrap();
    assert_eq!((gray.width, gray.height), (1653, 2338));
}

#[test]
fn malformed_options_are_refused() {
    assert!(bad("").contains("expected"));
    assert!(bad("sane").contains("expected"));
    assert!(bad("scanner:test").contains("kind"));
    assert!(bad("sane:").contains("missing"));
    assert!(bad("folder:").contains("missing"));
    assert!(bad("NONE").contains("expected"));
}

#[test]
fn errors_of_the_sources_come_through() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    assert!(matches!(
        parse_page_source(&format!("folder:{}", missing.display())),
        Err(CaptureError::Folder { .. })
    ));
    assert!(matches!(
        parse_page_source(&format!("replay:{}", dir.path().display())),
        Err(CaptureError::NoImages { .. })
    ));
    assert!(matches!(
        parse_page_source("camera:webcam"),
        Err(CaptureError::Camera(
            motcua_camera::CameraError::BadSpec { .. }
        ))
    ));
    assert!(matches!(
        parse_page_source(&format!("camera:replay:{}", dir.path().display())),
        Err(CaptureError::Camera(
            motcua_camera::CameraError::EmptyFolder { .. }
        ))
    ));
}
