//! `motcua scan` as a user runs it: generated photos in, one PDF out, JSON
//! per page; any unreadable input fails the whole run and leaves no file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use motcua_scan::{Gray, colour, pdf, synth};

fn motcua(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("scan")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running motcua: {e}"))
}

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn write(path: &Path, bytes: &[u8]) -> PathBuf {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    path.to_path_buf()
}

fn jpeg(g: &Gray) -> Vec<u8> {
    motcua_scan::encode_gray(g, 90).unwrap_or_else(|e| panic!("{e}"))
}

fn png(g: &Gray) -> Vec<u8> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&g.data, g.width, g.height, image::ExtendedColorType::L8)
        .unwrap_or_else(|e| panic!("png: {e}"));
    out
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn arg(p: &Path) -> &Path {
    p
}

#[test]
fn two_images_make_a_two_page_pdf_with_json() {
    let d = dir();
    let a = write(
        &d.path().join("a.jpg"),
        &jpeg(&synth::photo_like(1200, 1600, 3.0, 1)),
    );
    let b = write(
        &d.path().join("b.png"),
        &png(&synth::photo_like(900, 1200, -5.0, 2)),
    );
    let out = d.path().join("hoso.pdf");
    let o = motcua(&[&a, &b, Path::new("--out"), &out, Path::new("--json")]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "stderr: {stderr}");
    let json: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("JSON: {e}"));
    let pages = json
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {json}"));
    assert_eq!(pages.len(), 2);
    for (page, (input, skew)) in pages.iter().zip([(&a, 3.0), (&b, -5.0)]) {
        assert_eq!(page["input"], input.display().to_string());
        let num = |k: &str| {
            page[k]
                .as_f64()
                .unwrap_or_else(|| panic!("{k} missing in {page}"))
        };
        assert!(num("width_px") > 0.0 && num("height_px") > 0.0);
        assert!(num("dpi") > 0.0 && num("dpi") <= 200.0);
        assert!(num("bytes") > 1000.0 && num("bytes") <= 150_000.0);
        assert!((num("skew_deg") - skew).abs() <= 0.5, "{page}");
        assert!(["gray", "gray4", "bilevel"].contains(&page["mode"].as_str().unwrap_or("")));
        assert_eq!(page["warnings"], serde_json::json!([]));
    }
    let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    let outline = pdf::outline(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outline.pages, 2);
    assert_eq!(outline.media_boxes, vec![(595.276, 841.89); 2]);
    for (page, size) in pages.iter().zip(&outline.image_sizes) {
        assert_eq!(page["width_px"], size.0);
        assert_eq!(page["height_px"], size.1);
    }
    assert_eq!(listing(d.path()), vec!["a.jpg", "b.png", "hoso.pdf"]);
}

#[test]
fn text_output_names_pages_and_warnings_in_vietnamese() {
    let d = dir();
    let mut dark = synth::text_page(800, 1100, 220, 3);
    synth::scale_brightness(&mut dark, 0.3);
    let a = write(&d.path().join("toi.jpg"), &jpeg(&dark));
    let out = d.path().join("out.pdf");
    let o = motcua(&[&a, Path::new("--out"), &out]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("page 1: "), "{stdout}");
    assert!(stdout.contains("Ảnh quá tối"), "{stdout}");
    assert!(stdout.contains("(1 pages"), "{stdout}");
    assert!(out.is_file());
}

/// Runs with a good image and `bad`, expecting status 1, nothing on stdout,
/// one stderr line naming the bad file and `reason`, and no output file.
fn check_refused(bad_name: &str, bad: &[u8], reason: &str) {
    let d = dir();
    let good = write(
        &d.path().join("good.jpg"),
        &jpeg(&synth::text_page(600, 800, 230, 4)),
    );
    let bad = write(&d.path().join(bad_name), bad);
    let out = d.path().join("out.pdf");
    let o = motcua(&[
        arg(&good),
        &bad,
        Path::new("--out"),
        &out,
        Path::new("--json"),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "stderr: {stderr}");
    assert!(o.stdout.is_empty(), "stdout: {:?}", o.stdout);
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(stderr.contains(bad_name), "{stderr:?}");
    assert!(stderr.contains(reason), "{stderr:?}, want {reason:?}");
    assert!(!out.exists(), "a partial output was left");
    assert_eq!(listing(d.path()), {
        let mut v = vec!["good.jpg".to_string(), bad_name.to_string()];
        v.sort();
        v
    });
}

#[test]
fn a_truncated_jpeg_fails_the_run_and_leaves_no_file() {
    let bytes = jpeg(&synth::text_page(600, 800, 230, 5));
    check_refused("cut.jpg", &bytes[..40], "damaged or truncated JPEG");
}

#[test]
fn a_truncated_png_fails_the_run() {
    let bytes = png(&synth::text_page(600, 800, 230, 6));
    check_refused(
        "cut.png",
        &bytes[..bytes.len() / 2],
        "damaged or truncated PNG",
    );
}

#[test]
fn empty_and_foreign_files_fail_the_run() {
    check_refused("empty.jpg", &[], "the file is empty");
    check_refused("note.txt", "Đơn đề nghị".as_bytes(), "not a JPEG or PNG");
}

#[test]
fn a_decompression_bomb_is_refused() {
    // A PNG header declaring 100000×100000 pixels.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
    check_refused("bomb.png", &png, "above the 50000000-pixel limit");
}

#[test]
fn a_failed_run_keeps_an_existing_output_untouched() {
    let d = dir();
    let out = write(&d.path().join("out.pdf"), b"previous");
    let bad = write(&d.path().join("bad.jpg"), b"\xFF\xD8\xFF");
    let missing = d.path().join("missing.jpg");
    let o = motcua(&[&bad, Path::new("--out"), &out]);
    assert_eq!(o.status.code(), Some(1));
    let o2 = motcua(&[&missing, Path::new("--out"), &out]);
    assert_eq!(o2.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o2.stderr).contains("missing.jpg"));
    assert_eq!(
        std::fs::read(&out).unwrap_or_else(|e| panic!("{e}")),
        b"previous"
    );
    assert_eq!(listing(d.path()), vec!["bad.jpg", "out.pdf"]);
}

/// The `mode` of each page in `--json` output.
fn modes(stdout: &[u8]) -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_slice(stdout).unwrap_or_else(|e| panic!("JSON: {e}"));
    json.as_array()
        .unwrap_or_else(|| panic!("not an array: {json}"))
        .iter()
        .map(|p| p["mode"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_photo_is_kept_in_colour_and_the_mode_can_be_forced() {
    let d = dir();
    let photo = write(
        &d.path().join("anh.jpg"),
        &colour::synth::photo(1200, 900, 1)
            .encode_jpeg(90)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let text = write(
        &d.path().join("don.jpg"),
        &jpeg(&synth::photo_like(1200, 1600, 2.0, 1)),
    );
    let out = d.path().join("hoso.pdf");
    let run = |mode: Option<&str>| -> (Vec<String>, pdf::Outline) {
        let mut args: Vec<&Path> =
            vec![&photo, &text, Path::new("--out"), &out, Path::new("--json")];
        if let Some(m) = mode {
            args.extend([Path::new("--mode"), Path::new(m)]);
        }
        let o = motcua(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
        (
            modes(&o.stdout),
            pdf::outline(&bytes).unwrap_or_else(|e| panic!("{e}")),
        )
    };
    // Auto: the photo in colour, the text page gray, four-level or bilevel, one PDF.
    let (m, outline) = run(None);
    assert_eq!(m[0], "colour");
    assert!(
        ["gray", "gray4", "bilevel"].contains(&m[1].as_str()),
        "{m:?}"
    );
    assert_eq!(outline.pages, 2);
    assert_eq!(outline.encodings[0], pdf::Encoding::ColorJpeg);
    assert_ne!(outline.encodings[1], pdf::Encoding::ColorJpeg);
    assert_eq!(run(Some("auto")).0, m);
    // Forced.
    let (m, outline) = run(Some("gray"));
    assert!(m.iter().all(|m| m != "colour"), "{m:?}");
    assert!(!outline.encodings.contains(&pdf::Encoding::ColorJpeg));
    let (m, outline) = run(Some("colour"));
    assert_eq!(m, ["colour", "colour"]);
    assert_eq!(outline.encodings, [pdf::Encoding::ColorJpeg; 2]);
    assert_eq!(run(Some("color")).0, m);
    // Text output names the mode too.
    let o = motcua(&[&photo, Path::new("--out"), &out]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains(" KB colour,"), "{stdout}");
}

#[test]
fn an_unknown_mode_is_refused_before_any_work() {
    let d = dir();
    let a = write(
        &d.path().join("a.jpg"),
        &jpeg(&synth::text_page(300, 400, 230, 1)),
    );
    let out = d.path().join("out.pdf");
    let o = motcua(&[
        &a,
        Path::new("--out"),
        &out,
        Path::new("--mode"),
        Path::new("sepia"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("auto") && stderr.contains("colour"),
        "{stderr}"
    );
    assert!(!out.exists());
}
