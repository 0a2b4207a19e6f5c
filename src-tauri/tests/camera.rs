//! The kiosk's camera service over a replay source of generated photos:
//! previews reach the screen as JPEG, the card's QR text arrives once, and
//! the camera stops when asked. (The Tauri channel itself is exercised by
//! the real-app E2E test.)

use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use motcua_kiosk::camera::{CameraService, CameraView};

const CARD: &str = "001089012345||Nguyễn Văn An|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021";

fn replay_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    motcua_camera::synth::write_replay_folder(dir.path(), CARD, 6, 11)
        .unwrap_or_else(|e| panic!("replay folder: {e}"));
    dir
}

#[test]
fn a_replayed_card_gives_previews_and_its_qr_text_once() {
    let dir = replay_dir();
    let service = CameraService::new(&format!("replay:{}", dir.path().display()))
        .unwrap_or_else(|e| panic!("camera: {e}"));
    assert!(service.configured());
    let (tx, rx) = mpsc::channel();
    let started = service
        .watch(move |v| {
            let _ = tx.send(v);
        })
        .unwrap_or_else(|e| panic!("watch: {e}"));
    assert!(started);
    assert!(service.is_running());

    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut previews, mut qrs) = (0, Vec::new());
    // Two loops of the six frames: the card shows in both, yet is read once.
    while Instant::now() < deadline && (previews < 12 || qrs.is_empty()) {
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok(CameraView::Frame {
                jpeg_base64,
                width,
                height,
            }) => {
                let jpeg = base64::engine::general_purpose::STANDARD
                    .decode(jpeg_base64)
                    .unwrap_or_else(|e| panic!("preview is not base64: {e}"));
                assert!(jpeg.starts_with(&[0xFF, 0xD8]), "preview is not a JPEG");
                assert!(
                    width <= 640 && height <= 640 && width > 0,
                    "{width}×{height}"
                );
                previews += 1;
            }
            Ok(CameraView::Qr { text }) => qrs.push(text),
            Ok(other) => panic!("unexpected {other:?}"),
            Err(e) => panic!("no camera event: {e}"),
        }
    }
    assert!(previews >= 12, "only {previews} previews");
    assert_eq!(qrs, vec![CARD.to_owned()], "the QR text, once");
    let card = motcua_core::cccd::parse(&qrs[0]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(card.full_name, "Nguyễn Văn An");

    service.stop();
    assert!(!service.is_running());
    // Stopped: whatever was in flight drains, then nothing more comes.
    while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
    assert!(
        rx.recv_timeout(Duration::from_millis(500)).is_err(),
        "events after stop"
    );
}

#[test]
fn no_camera_and_a_wrong_camera_are_told_apart() {
    let none = CameraService::new("none").unwrap_or_else(|e| panic!("{e}"));
    assert!(!none.configured());
    assert_eq!(none.watch(|_| {}).ok(), Some(false));
    assert!(!none.is_running());

    for spec in ["replay:/nonexistent/frames", "webcam", "v4l2:"] {
        assert!(CameraService::new(spec).is_err(), "{spec} accepted");
    }
}

#[test]
fn a_still_is_a_replayed_file_unchanged_and_the_preview_goes_on() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let paths = motcua_camera::synth::write_replay_folder(dir.path(), CARD, 3, 5)
        .unwrap_or_else(|e| panic!("replay folder: {e}"));
    let files: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let service = CameraService::new(&format!("replay:{}", dir.path().display()))
        .unwrap_or_else(|e| panic!("camera: {e}"));
    assert!(service.still().is_err(), "a still with the camera off");

    let (tx, rx) = mpsc::channel();
    service
        .watch(move |v| {
            let _ = tx.send(v);
        })
        .unwrap_or_else(|e| panic!("watch: {e}"));
    let next_preview = || loop {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(CameraView::Frame { .. }) => return,
            Ok(_) => continue,
            Err(e) => panic!("no preview: {e}"),
        }
    };
    next_preview();
    for _ in 0..2 {
        let still = service.still().unwrap_or_else(|e| panic!("still: {e}"));
        assert!(
            files.contains(&still.bytes),
            "the still is not one of the files, unchanged"
        );
        assert_eq!(still.format, motcua_camera::StillFormat::Jpeg);
        // Previews made after the still arrive: drain what came before.
        while rx.try_recv().is_ok() {}
        next_preview();
    }
    service.stop();
    assert!(service.still().is_err(), "a still after the stop");
}
