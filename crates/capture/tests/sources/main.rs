//! The page sources through the public API: SANE with the real `test`
//! device and a stand-in program, folders, replays and the option parser.

#![allow(clippy::unwrap_used)]

mod folder;
mod sane;
mod spec;

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The stand-in for `scanimage` (see the script's header).
pub fn fake_program() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fake-scanimage")
}

/// Fails with the fix when the real `scanimage` is missing: these tests
/// use the real SANE `test` driver, installed by scripts/setup.sh.
pub fn require_scanimage() {
    let ok = std::process::Command::new("scanimage")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "scanimage is missing: apt-get install sane-utils libsane1 (scripts/setup.sh does)"
    );
}

/// The state letter of a process (`R`, `S`, `Z`...), `None` when it is gone.
pub fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ")?.1.chars().next()
}

/// Waits (at most 5 s) until a process is dead: gone, or a zombie left to
/// a parent that is not ours. Returns whether it died.
pub fn dies(pid: u32) -> bool {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        match process_state(pid) {
            None | Some('Z') => return true,
            Some(_) if Instant::now() >= until => return false,
            Some(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// The process ids a stand-in wrote to `file`.
pub fn pids(file: &std::path::Path) -> Vec<u32> {
    std::fs::read_to_string(file)
        .unwrap()
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect()
}

/// A small gray JPEG whose every pixel is `level`, declaring `dpi`.
pub fn jpeg_of(level: u8, dpi: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.set_density(jpeg_encoder::PixelDensity::dpi(dpi));
    encoder
        .encode(&[level; 64 * 48], 64, 48, jpeg_encoder::ColorType::Luma)
        .unwrap();
    out
}

/// A small gray PNG whose every pixel is `level`.
pub fn png_of(level: u8) -> Vec<u8> {
    let frame = motcua_camera::Frame::from_luma(64, 48, vec![level; 64 * 48]).unwrap();
    motcua_capture::camera::encode_png(&frame).unwrap()
}

/// The gray level of a captured image's first pixel.
pub fn level(capture: &motcua_capture::Capture) -> u8 {
    motcua_scan::decode::decode_gray(&capture.bytes)
        .unwrap()
        .data[0]
}
