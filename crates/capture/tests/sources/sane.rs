//! `SaneSource`: the real SANE `test` device, and a stand-in program for
//! failures the real driver cannot be made to show.

use std::path::Path;
use std::time::{Duration, Instant};

use motcua_capture::sane::{A4_MM, DEFAULT_RESOLUTION, TEST_PICTURE};
use motcua_capture::{
    CaptureError, PageSource, SaneConfig, SaneSource, ScannerProblem, SourceKind,
};

use crate::{dies, fake_program, pids, process_state, require_scanimage};

/// The columns where a row of the image turns from dark to light.
fn rising_edges(gray: &motcua_scan::Gray, y: u32) -> Vec<u32> {
    (1..gray.width)
        .filter(|&x| gray.get(x - 1, y) < 128 && gray.get(x, y) >= 128)
        .collect()
}

#[test]
fn the_test_device_scans_an_a4_page_that_the_pipeline_accepts() {
    require_scanimage();
    let mut source = SaneSource::test_device().unwrap();
    assert_eq!(source.kind(), SourceKind::Scanner);
    assert_eq!(source.describe(), "SANE scanner \"test\" at 200 dpi");
    let capture = source.capture().unwrap();
    assert!(capture.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(capture.source_dpi, Some(DEFAULT_RESOLUTION));

    // 210 × 297 mm at 200 dpi (the driver truncates).
    let gray = motcua_scan::decode::decode_gray(&capture.bytes).unwrap();
    assert_eq!((gray.width, gray.height), (1653, 2338));
    // The grid's squares are 10 mm: 78.7 pixels at 200 dpi, so the
    // resolution asked for is the one scanned.
    let edges = rising_edges(&gray, 5);
    assert!(edges.len() >= 9, "{edges:?}");
    let period = f64::from(edges[edges.len() - 1] - edges[0]) / (edges.len() - 1) as f64;
    assert!((period - 2.0 * 78.74).abs() < 2.0, "period {period}");

    let page = motcua_scan::process(&capture.bytes).unwrap();
    // A4 proportions at the pipeline's 200 dpi, inside the 10 mm margins.
    let ratio = f64::from(page.height_px) / f64::from(page.width_px);
    assert!((ratio - 297.0 / 210.0).abs() < 0.01, "ratio {ratio}");
    assert_eq!(page.dpi, 200);
    assert_eq!((page.width_px, page.height_px), (1496, 2116));
    assert!(!page.data.is_empty() && page.data.len() < 200_000);
    assert!(!page.thumbnail.is_empty());
    assert!(page.warnings.is_empty(), "{:?}", page.warnings);
}

#[test]
fn resolution_and_area_follow_the_config() {
    require_scanimage();
    let mut config = SaneConfig::new("test:1");
    config.resolution_dpi = 100;
    config.area_mm = Some((100, 50));
    let mut source = SaneSource::test_device_with(config).unwrap();
    let capture = source.capture().unwrap();
    assert_eq!(capture.source_dpi, Some(100));
    let gray = motcua_scan::decode::decode_gray(&capture.bytes).unwrap();
    assert_eq!((gray.width, gray.height), (393, 196));
    // Captures may be repeated: the source runs the scanner each time.
    assert_eq!(source.capture().unwrap(), capture);
}

#[test]
fn the_command_line_asks_for_a_gray_a4_png() {
    let source = SaneSource::test_device().unwrap();
    let line: Vec<String> = source
        .command_line()
        .into_iter()
        .map(|a| a.into_string().unwrap())
        .collect();
    assert_eq!(
        line,
        [
            "scanimage",
            "-d",
            "test",
            "--format=png",
            "--resolution",
            "200",
            "--mode",
            "Gray",
            "-x",
            "210",
            "-y",
            "297",
            "--test-picture",
            TEST_PICTURE,
        ]
    );
    assert_eq!(A4_MM, (210, 297));
    // The private configuration lists the test backend and allows A4.
    let dir = source.config().config_dir.clone().unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("dll.conf")).unwrap(),
        "test\n"
    );
    let test_conf = std::fs::read_to_string(dir.join("test.conf")).unwrap();
    assert!(test_conf.contains("geometry_max 300.0"), "{test_conf}");
    drop(source);
    assert!(!dir.exists(), "the private configuration is removed");

    let mut plain = SaneConfig::new("epson2:libusb:001:004");
    plain.mode = None;
    plain.area_mm = None;
    plain.extra_args = vec!["--source".into(), "ADF".into()];
    assert_eq!(
        plain.args(),
        [
            "-d",
            "epson2:libusb:001:004",
            "--format=png",
            "--resolution",
            "200",
            "--source",
            "ADF"
        ]
    );
    assert_eq!(plain.config_dir, None);
}

#[test]
fn an_unknown_device_is_not_found() {
    require_scanimage();
    let mut source = SaneSource::new(SaneConfig::new("motcua-no-such-scanner"));
    match source.capture().unwrap_err() {
        CaptureError::DeviceNotFound { device, reason } => {
            assert_eq!(device, "motcua-no-such-scanner");
            assert_eq!(reason, "Invalid argument");
        }
        other => panic!("{other:?}"),
    }
}

/// Scans a small area with the test device told to fail its read with
/// `status`.
///
/// The test backend cancels its reader thread asynchronously after an
/// injected error, and now and then (1 to 3 % of runs on a loaded machine)
/// that leaves `scanimage` waiting on a lock forever, or aborting with exit
/// code 0 and no output. That is the driver, and exactly what the timeout
/// is for; such a run is tried again, at most three times.
fn injected_error(status: &str) -> CaptureError {
    let mut attempt = 1;
    loop {
        let mut config = SaneConfig::new("test");
        config.resolution_dpi = 50;
        config.area_mm = Some((20, 20));
        config.timeout = Duration::from_secs(5);
        config.extra_args = vec!["--read-return-value".into(), status.into()];
        let err = SaneSource::test_device_with(config)
            .unwrap()
            .capture()
            .unwrap_err();
        match err {
            CaptureError::Timeout { .. } | CaptureError::EmptyOutput { .. } if attempt < 3 => {
                attempt += 1;
            }
            err => return err,
        }
    }
}

#[test]
fn scanner_statuses_are_told_apart() {
    require_scanimage();
    let cases = [
        (
            "SANE_STATUS_JAMMED",
            ScannerProblem::Jammed,
            6,
            "Document feeder jammed",
        ),
        (
            "SANE_STATUS_NO_DOCS",
            ScannerProblem::NoDocument,
            7,
            "Document feeder out of documents",
        ),
        (
            "SANE_STATUS_COVER_OPEN",
            ScannerProblem::CoverOpen,
            8,
            "Scanner cover is open",
        ),
        (
            "SANE_STATUS_DEVICE_BUSY",
            ScannerProblem::Busy,
            3,
            "Device busy",
        ),
        (
            "SANE_STATUS_IO_ERROR",
            ScannerProblem::Other,
            9,
            "Error during device I/O",
        ),
    ];
    for (status, problem, code, words) in cases {
        assert_eq!(
            injected_error(status),
            CaptureError::ScannerFailed {
                device: "test".into(),
                problem,
                exit_code: Some(code),
                message: format!("scanimage: sane_read: {words}"),
            },
            "{status}"
        );
    }
}

#[test]
fn an_option_the_driver_refuses_is_a_scanner_failure_with_its_words() {
    require_scanimage();
    let mut config = SaneConfig::new("test");
    config.mode = Some("Lineart".into());
    let mut source = SaneSource::test_device_with(config).unwrap();
    let err = source.capture().unwrap_err();
    assert_eq!(
        err,
        CaptureError::ScannerFailed {
            device: "test".into(),
            problem: ScannerProblem::Other,
            exit_code: Some(1),
            message: "scanimage: setting of option --mode failed (Invalid argument)".into(),
        }
    );
}

#[test]
fn a_slow_real_scan_is_stopped_at_the_timeout() {
    require_scanimage();
    let mut config = SaneConfig::new("test");
    // The driver waits 200 ms before each 32 KB buffer: an A4 page at
    // 200 dpi would take over 20 s.
    config.extra_args = vec![
        "--read-delay=yes".into(),
        "--read-delay-duration".into(),
        "200000".into(),
    ];
    config.timeout = Duration::from_millis(800);
    let mut source = SaneSource::test_device_with(config).unwrap();
    let start = Instant::now();
    let err = source.capture().unwrap_err();
    let took = start.elapsed();
    match err {
        CaptureError::Timeout { device, waited_ms } => {
            assert_eq!(device, "test");
            assert!((800..3000).contains(&waited_ms), "{waited_ms}");
        }
        other => panic!("{other:?}"),
    }
    assert!(took < Duration::from_secs(4), "{took:?}");
}

/// A source running the stand-in program as `device`.
fn fake(device: &str) -> SaneConfig {
    let mut config = SaneConfig::new(device);
    config.program = fake_program();
    config
}

fn pid_file(dir: &Path) -> std::path::PathBuf {
    dir.join("pids")
}

#[test]
fn a_missing_program_names_the_package_to_install() {
    let mut config = SaneConfig::new("test");
    config.program = "/nonexistent/motcua/scanimage".into();
    let err = SaneSource::new(config).capture().unwrap_err();
    assert_eq!(
        err,
        CaptureError::ScannerProgramMissing {
            program: "/nonexistent/motcua/scanimage".into()
        }
    );
    assert!(err.to_string().contains("sane-utils"), "{err}");
}

#[test]
fn a_hung_scan_is_killed_with_its_children_and_reaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = fake("hang");
    config.extra_args = vec![pid_file(dir.path()).display().to_string()];
    config.timeout = Duration::from_millis(1000);
    let start = Instant::now();
    let err = SaneSource::new(config).capture().unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(err, CaptureError::Timeout { ref device, waited_ms } if device == "hang" && waited_ms >= 1000),
        "{err:?}"
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
    let [script, child] = pids(&pid_file(dir.path()))[..] else {
        panic!("two process ids expected");
    };
    // Our own child is reaped: not even a zombie is left.
    assert_eq!(process_state(script), None, "the script was not reaped");
    // Its child, holding the output pipe, is killed too.
    assert!(dies(child), "the script's child still runs");
}

#[test]
fn output_held_open_after_exit_times_out_and_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = fake("leave-child");
    config.extra_args = vec![pid_file(dir.path()).display().to_string()];
    config.timeout = Duration::from_millis(800);
    let err = SaneSource::new(config).capture().unwrap_err();
    assert!(matches!(err, CaptureError::Timeout { .. }), "{err:?}");
    let [child] = pids(&pid_file(dir.path()))[..] else {
        panic!("one process id expected");
    };
    assert!(dies(child), "the child holding the output still runs");
}

#[test]
fn a_failure_reports_its_meaningful_line() {
    let err = SaneSource::new(fake("fail")).capture().unwrap_err();
    assert_eq!(
        err,
        CaptureError::ScannerFailed {
            device: "fail".into(),
            problem: ScannerProblem::Other,
            exit_code: Some(9),
            message: "scanimage: sane_read: Error during device I/O".into(),
        }
    );
    let err = SaneSource::new(fake("silent-fail")).capture().unwrap_err();
    assert!(
        matches!(err, CaptureError::ScannerFailed { ref message, exit_code: Some(1), .. } if message == "(no error message)"),
        "{err:?}"
    );
}

#[test]
fn empty_and_foreign_output_are_refused() {
    assert_eq!(
        SaneSource::new(fake("empty")).capture().unwrap_err(),
        CaptureError::EmptyOutput {
            device: "empty".into()
        }
    );
    // PNM, scanimage's default format, is not read by the image pipeline.
    assert_eq!(
        SaneSource::new(fake("pnm")).capture().unwrap_err(),
        CaptureError::NotAnImage {
            device: "pnm".into()
        }
    );
}

#[test]
fn output_over_the_cap_is_refused() {
    let mut config = fake("flood");
    config.max_bytes = 1000;
    assert_eq!(
        SaneSource::new(config).capture().unwrap_err(),
        CaptureError::OutputTooLarge {
            device: "flood".into(),
            limit: 1000
        }
    );
}

#[test]
fn a_scan_still_writing_past_the_cap_is_stopped_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = fake("flood-hang");
    config.max_bytes = 1000;
    config.timeout = Duration::from_secs(60);
    config.extra_args = vec![pid_file(dir.path()).display().to_string()];
    let start = Instant::now();
    let err = SaneSource::new(config).capture().unwrap_err();
    assert!(
        matches!(err, CaptureError::OutputTooLarge { limit: 1000, .. }),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    let [script] = pids(&pid_file(dir.path()))[..] else {
        panic!("one process id expected");
    };
    assert_eq!(process_state(script), None, "the scan was not reaped");
}
