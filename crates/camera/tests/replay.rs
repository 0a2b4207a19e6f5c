//! The replay source and the `--camera` option.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use motcua_camera::replay::DEFAULT_FPS;
use motcua_camera::{CameraError, Frame, FrameSource, ReplaySource, parse_source_spec};
use motcua_scan::decode::DecodeError;

/// A small gray JPEG whose every pixel is `value`, so frames can be told
/// apart by their first pixel.
fn jpeg_of(value: u8) -> Vec<u8> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(&[value; 64 * 48], 64, 48, jpeg_encoder::ColorType::Luma)
        .unwrap();
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn level(frame: &Frame) -> u8 {
    frame.luma()[0]
}

#[test]
fn files_play_sorted_by_name_in_a_loop() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b.jpg", &jpeg_of(100));
    write(dir.path(), "a.JPEG", &jpeg_of(50));
    write(dir.path(), "c.jpg", &jpeg_of(200));
    write(dir.path(), "notes.txt", b"not an image");
    std::fs::create_dir(dir.path().join("sub.jpg")).unwrap();
    let mut source = ReplaySource::with_fps(dir.path(), 120).unwrap();
    assert_eq!(source.len(), 3);
    let levels: Vec<u8> = (0..7)
        .map(|_| level(&source.next_frame().unwrap()))
        .collect();
    // JPEG may move a flat level by one.
    let expected = [50, 100, 200, 50, 100, 200, 50];
    for (got, want) in levels.iter().zip(expected) {
        assert!(got.abs_diff(want) <= 1, "{levels:?}");
    }
    assert!(
        source.describe().contains("3 frames"),
        "{}",
        source.describe()
    );
}

#[test]
fn frames_come_at_the_set_rate() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.jpg", &jpeg_of(10));
    write(dir.path(), "b.jpg", &jpeg_of(20));
    let mut source = ReplaySource::with_fps(dir.path(), 50).unwrap();
    let start = Instant::now();
    for _ in 0..11 {
        source.next_frame().unwrap();
    }
    // The first frame at once, then ten intervals of 20 ms.
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(600), "{elapsed:?}");
}

#[test]
fn an_empty_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "readme.txt", b"nothing here");
    let err = ReplaySource::open(dir.path()).err().unwrap();
    assert_eq!(
        err,
        CameraError::EmptyFolder {
            path: dir.path().to_path_buf()
        }
    );
    assert!(
        err.to_string().contains("holds no JPEG or PNG file"),
        "{err}"
    );
}

#[test]
fn a_missing_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = ReplaySource::open(&missing).err().unwrap();
    assert!(
        matches!(&err, CameraError::Io { path, .. } if *path == missing),
        "{err:?}"
    );
}

#[test]
fn a_truncated_jpeg_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.jpg", &jpeg_of(10));
    let whole = motcua_camera::synth::Photo::empty(3).jpeg().unwrap();
    write(dir.path(), "b.jpg", &whole[..whole.len() / 2]);
    let err = ReplaySource::open(dir.path()).err().unwrap();
    match &err {
        CameraError::Decode { path, source } => {
            assert_eq!(path, &dir.path().join("b.jpg"));
            assert!(matches!(source, DecodeError::Damaged { .. }), "{source:?}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(err.to_string().contains("b.jpg"), "{err}");
}

#[test]
fn a_file_that_is_no_image_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.png", b"\x89PNG\r\n\x1a\n and then nothing");
    write(dir.path(), "b.jpg", b"plain text named .jpg");
    write(dir.path(), "c.jpg", b"");
    for (name, expected) in [
        ("a.png", "Damaged"),
        ("b.jpg", "UnknownFormat"),
        ("c.jpg", "Empty"),
    ] {
        let one = tempfile::tempdir().unwrap();
        std::fs::copy(dir.path().join(name), one.path().join(name)).unwrap();
        let err = ReplaySource::open(one.path()).err().unwrap();
        assert!(
            matches!(&err, CameraError::Decode { source, .. } if format!("{source:?}").starts_with(expected)),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn the_camera_option_is_parsed() {
    assert!(parse_source_spec("none").unwrap().is_none());
    assert!(parse_source_spec(" none ").unwrap().is_none());

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.jpg", &jpeg_of(10));
    let spec = format!("replay:{}", dir.path().display());
    let mut replay = parse_source_spec(&spec).unwrap().unwrap();
    assert!(replay.describe().starts_with("replay of "));
    assert_eq!(level(&replay.next_frame().unwrap()).abs_diff(10), 0);

    // A camera is opened on first use: a missing one is not an error yet.
    let mut v4l2 = parse_source_spec("v4l2:/dev/video-motcua-missing-1")
        .unwrap()
        .unwrap();
    assert_eq!(v4l2.describe(), "V4L2 /dev/video-motcua-missing-1");
    let err = v4l2.next_frame().err().unwrap();
    assert!(
        err.to_string().contains("/dev/video-motcua-missing-1"),
        "{err}"
    );

    // A replay folder is checked at once.
    let empty = tempfile::tempdir().unwrap();
    let spec = format!("replay:{}", empty.path().display());
    assert!(matches!(
        parse_source_spec(&spec),
        Err(CameraError::EmptyFolder { .. })
    ));

    for bad in ["", "webcam", "usb:/dev/video0", "v4l2:", "replay:"] {
        assert!(
            matches!(parse_source_spec(bad), Err(CameraError::BadSpec { .. })),
            "{bad:?}"
        );
    }
    assert_eq!(DEFAULT_FPS, 15);
}

/// A colour JPEG of `w × h`, a red field with a blue band.
fn colour_jpeg(w: u16, h: u16) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(usize::from(w) * usize::from(h) * 3);
    for y in 0..h {
        for _ in 0..w {
            rgb.extend_from_slice(if y < h / 3 {
                &[20, 40, 200]
            } else {
                &[200, 30, 30]
            });
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

#[test]
fn a_still_is_the_file_itself_byte_for_byte() {
    use motcua_camera::StillFormat;

    let dir = tempfile::tempdir().unwrap();
    let photo = colour_jpeg(320, 200);
    let png = motcua_camera::still::encode_png(&Frame::from_luma(30, 20, vec![77; 600]).unwrap())
        .unwrap();
    write(dir.path(), "a.jpg", &photo);
    write(dir.path(), "b.png", &png);
    // Through the boxed source the kiosk uses, too.
    let mut source = parse_source_spec(&format!("replay:{}", dir.path().display()))
        .unwrap()
        .unwrap();
    let first = source.still().unwrap();
    assert_eq!(first.bytes, photo, "the JPEG, unchanged (colour kept)");
    assert_eq!(
        (first.format, first.width, first.height),
        (StillFormat::Jpeg, 320, 200)
    );
    let second = source.still().unwrap();
    assert_eq!(second.bytes, png);
    assert_eq!(
        (second.format, second.width, second.height),
        (StillFormat::Png, 30, 20)
    );
    // Stills and frames share the loop: the next frame is the first file's.
    assert_eq!(source.next_frame().unwrap().width(), 320);
    assert_eq!(source.still().unwrap().bytes, png);
    assert_eq!(source.still().unwrap().bytes, photo);
}
