//! `motcua vietqr` as a user runs it: the payload on stdout, the PNG on disk,
//! and a one-line reason with nothing else for bad input.

use std::path::Path;
use std::process::{Command, Output};

const EXAMPLE: &str = "00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA530370454061800005802VN62230819thanh toan don hang630470FA";

fn motcua(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("vietqr")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running motcua: {e}"))
}

fn example_args() -> Vec<&'static str> {
    vec![
        "--bin",
        "970436",
        "--account",
        "1017595600",
        "--amount",
        "180000",
        "--purpose",
        "thanh toan don hang",
    ]
}

/// Runs with `args`; `Ok(payload)` expects success with that exact line on
/// stdout, `Err(fragment)` a failure whose one-line stderr contains it.
fn check(args: &[&str], expected: Result<&str, &str>) {
    let out = motcua(args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match expected {
        Ok(payload) => {
            assert!(out.status.success(), "{args:?}: {stderr}");
            assert_eq!(stdout, format!("{payload}\n"), "{args:?}");
        }
        Err(fragment) => {
            assert!(!out.status.success(), "{args:?} succeeded: {stdout}");
            assert_eq!(stdout, "", "{args:?}");
            assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
            assert!(
                stderr.contains(fragment),
                "{args:?}: {stderr:?} lacks {fragment:?}"
            );
        }
    }
}

/// The example's arguments with `flag`'s value replaced.
fn example_with(flag: &str, value: &'static str) -> Vec<&'static str> {
    let mut args = example_args();
    match args.iter().position(|a| *a == flag) {
        Some(i) => args[i + 1] = value,
        None => panic!("no {flag}"),
    }
    args
}

#[test]
fn example_fields_give_the_published_payload() {
    check(&example_args(), Ok(EXAMPLE));
}

#[test]
fn invalid_input_is_refused_with_one_line() {
    let table = [
        (example_with("--bin", "97043"), "6 digits"),
        (example_with("--bin", "9704361"), "6 digits"),
        (example_with("--bin", "97043a"), "digits only"),
        (example_with("--account", "1017-595600"), "digits only"),
        (example_with("--account", "abc"), "digits only"),
        (
            example_with("--account", "12345678901234567890"),
            "at most 19",
        ),
        (example_with("--amount", "0"), "greater than zero"),
        (example_with("--amount", "-5"), "whole number"),
        (example_with("--amount", "12.5"), "whole number"),
        (example_with("--amount", "abc"), "whole number"),
        (example_with("--amount", ""), "whole number"),
        (example_with("--amount", "99999999999999"), "at most 13"),
        (
            example_with("--amount", "999999999999999999999999"),
            "at most 13",
        ),
        (
            example_with("--purpose", "thanh toan le phi ho tich 2025"),
            "at most 25",
        ),
        (example_with("--purpose", "thanh toán"), "without accents"),
        (example_with("--purpose", ""), "empty"),
    ];
    for (args, fragment) in &table {
        check(args, Err(fragment));
    }
    let mut with_reference = example_args();
    with_reference.extend(["--reference", "hồ sơ 1"]);
    check(&with_reference, Err("without accents"));
}

fn read_luma(path: &Path) -> (u32, u32, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
        .unwrap_or_else(|e| panic!("decoding {}: {e}", path.display()))
        .to_luma8();
    (img.width(), img.height(), img.into_raw())
}

#[test]
fn png_decodes_back_to_the_payload() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let png = dir.path().join("qr.png");
    let png_arg = png.to_string_lossy().into_owned();
    let mut args = example_args();
    args.extend(["--reference", "HS-000123"]);
    let mut all: Vec<&str> = args.clone();
    all.extend(["--png", &png_arg]);

    let out = motcua(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout).trim_end().to_owned();

    let (w, h, luma) = read_luma(&png);
    assert_eq!(w, h);
    // ≥ 8 px a module and a 4-module quiet zone: the first 32 rows are white.
    assert!(luma[..(w as usize) * 32].iter().all(|&p| p == 0xFF));
    let result = rxing::helpers::detect_in_luma(luma, w, h, Some(rxing::BarcodeFormat::QR_CODE))
        .unwrap_or_else(|e| panic!("no QR code found in the PNG: {e}"));
    assert_eq!(result.getText(), printed);
    match motcua_core::vietqr::decode(result.getText()) {
        Ok(d) => assert_eq!(d.transfer.reference.as_deref(), Some("HS-000123")),
        Err(e) => panic!("{e}"),
    }

    // Only the PNG is left in the folder: no temporary file.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("qr.png")]);
}

#[test]
fn invalid_input_leaves_no_png() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let png = dir.path().join("qr.png");
    let png_arg = png.to_string_lossy().into_owned();
    let mut args = example_with("--bin", "12345");
    args.extend(["--png", &png_arg]);
    check(&args, Err("6 digits"));
    let left = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .count();
    assert_eq!(left, 0, "files left behind");

    // An unwritable destination: no output, no payload printed.
    let missing = dir.path().join("no-such-folder").join("qr.png");
    let missing_arg = missing.to_string_lossy().into_owned();
    let mut args = example_args();
    args.extend(["--png", &missing_arg]);
    check(&args, Err("writing"));
}
