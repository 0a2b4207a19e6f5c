//! The slip end to end: model, raster, ESC/POS and back, QR, PDFs.

mod fixture;

use motcua_protocol::dossiers::lookup_qr_text;
use motcua_receipt::{
    BAND_ROWS, Bitmap, Line, ReceiptError, RenderOptions, Slip, decode_escpos, encode_escpos,
    pdf_80mm, pdf_a4, render, vietnam_time_text,
};
use unicode_normalization::{UnicodeNormalization, is_nfc};

fn received() -> Slip {
    Slip::received(&fixture::dossier(), "Kiosk 1").unwrap_or_else(|e| panic!("{e}"))
}

fn rendered(slip: &Slip, opts: &RenderOptions) -> Bitmap {
    render(slip, opts).unwrap_or_else(|e| panic!("{e}"))
}

fn read_qr(bm: &Bitmap) -> String {
    let result = rxing::helpers::detect_in_luma(
        bm.to_luma(),
        bm.width(),
        bm.height(),
        Some(rxing::BarcodeFormat::QR_CODE),
    )
    .unwrap_or_else(|e| panic!("no QR code found: {e}"));
    result.getText().to_owned()
}

#[test]
fn the_received_slip_holds_the_fields_of_mau_01() {
    let text = received().text();
    for want in [
        "UBND XÃ ĐÔNG SƠN",
        "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
        "GIẤY TIẾP NHẬN HỒ SƠ",
        "VÀ HẸN TRẢ KẾT QUẢ",
        "Nơi tiếp nhận: Kiosk 1",
        "Ngày 26 tháng 11 năm 2026",
        "Mã hồ sơ\n261126-0001",
        "Mã tra cứu: 042917",
        "Người nộp: NGUYỄN VĂN AN",
        "Địa chỉ: Số 5, Đông Sơn, Thanh Hóa",
        "Điện thoại: 0912345678",
        "Nội dung yêu cầu giải quyết: Cấp bản sao trích lục hộ tịch",
        "1. Tờ khai (2 tệp)",
        "2. Bản sao Căn cước (nộp bản giấy tại quầy)",
        "Số lượng hồ sơ: 2 bộ",
        "Thời gian giải quyết: Trong ngày làm việc",
        "Thời gian nhận hồ sơ: 10 giờ 52 phút, ngày 26/11/2026",
        "Thời gian trả kết quả: 17 giờ 00 phút, ngày 26/11/2026",
        "Nơi trả kết quả: Bộ phận Một cửa, quầy số 2",
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "Mẫu số: 01BLP0-001",
        "Ký hiệu: AA-26E",
        "Số: 0000042",
        "Số tiền: 16.000 đồng",
        "Bằng chữ: Mười sáu nghìn đồng",
        "Hình thức thanh toán: Nộp tại quầy",
        "mang theo khi đến nhận kết quả",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains("Email"), "no email line without an email");
    assert!(
        !text.contains("001089012345"),
        "the ID number is not printed"
    );
    assert_eq!(
        received().qr_texts(),
        vec![lookup_qr_text("261126-0001", "042917")]
    );
}

#[test]
fn without_a_fee_there_is_no_receipt_and_an_email_is_printed() {
    let mut d = fixture::dossier();
    d.receipt = None;
    d.applicant.email = Some("an@example.vn".into());
    let text = Slip::received(&d, "K")
        .map(|s| s.text())
        .unwrap_or_default();
    assert!(text.contains("Email: an@example.vn"), "{text}");
    assert!(!text.contains("BIÊN LAI"), "{text}");
}

#[test]
fn the_queued_slip_says_it_waits_shows_the_local_reference_and_no_qr() {
    let slip = Slip::queued(&fixture::queued(), "Kiosk 1").unwrap_or_else(|e| panic!("{e}"));
    let text = slip.text();
    assert!(
        text.contains("Hồ sơ đã được lưu và sẽ tự động gửi khi có kết nối"),
        "{text}"
    );
    assert!(text.contains("Số tham chiếu\nK1-261126-0007"), "{text}");
    // 17:30 UTC is half past midnight the next day in Vietnam.
    assert!(text.contains("0 giờ 30 phút, ngày 27/11/2026"), "{text}");
    assert!(!text.contains("Mã hồ sơ"), "{text}");
    assert!(!text.contains("Mã tra cứu"), "{text}");
    assert!(slip.qr_texts().is_empty());
    assert!(!slip.lines().iter().any(|l| matches!(l, Line::Qr { .. })));
    // With a receipt paid before the connection failed, it is printed.
    let mut q = fixture::queued();
    q.receipt = Some(fixture::receipt());
    let text = Slip::queued(&q, "K").map(|s| s.text()).unwrap_or_default();
    assert!(text.contains("Số: 0000042"), "{text}");
}

#[test]
fn decomposed_input_prints_as_nfc() {
    let mut d = fixture::dossier();
    d.applicant.full_name = "Nguyễn Thị Ệ Hồng".nfd().collect();
    d.procedure_name = d.procedure_name.nfd().collect();
    let slip = Slip::received(&d, "Kiosk 1").unwrap_or_else(|e| panic!("{e}"));
    let text = slip.text();
    assert!(is_nfc(&text));
    assert!(text.contains("Người nộp: Nguyễn Thị Ệ Hồng"), "{text}");
}

#[test]
fn times_are_printed_in_vietnam_time_and_bad_ones_refused() {
    assert_eq!(
        vietnam_time_text("2026-11-26T03:52:10Z").as_deref(),
        Ok("10 giờ 52 phút, ngày 26/11/2026")
    );
    assert_eq!(
        vietnam_time_text("2026-12-31T20:05:00+03:00").as_deref(),
        Ok("0 giờ 05 phút, ngày 01/01/2027")
    );
    let mut d = fixture::dossier();
    d.due_at = "26/11/2026".into();
    assert_eq!(
        Slip::received(&d, "K"),
        Err(ReceiptError::BadTime("due_at"))
    );
}

#[test]
fn render_escpos_decode_gives_the_same_bitmap_and_the_lookup_qr() {
    for opts in [RenderOptions::ROLL_80MM, RenderOptions::ROLL_58MM] {
        let bm = rendered(&received(), &opts);
        assert_eq!(bm.width(), opts.width);
        assert!(bm.height() > BAND_ROWS, "more than one band is tested");
        let job = encode_escpos(&bm);
        assert_eq!(&job[..2], b"\x1b@");
        assert_eq!(
            &job[job.len() - 3..],
            b"\x1dV\x01",
            "ends with a partial cut"
        );
        let back = decode_escpos(&job).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, bm);
        assert_eq!(read_qr(&back), lookup_qr_text("261126-0001", "042917"));
    }
}

#[test]
fn the_qr_has_modules_of_at_least_4_dots_and_a_quiet_zone() {
    let bm = rendered(&received(), &RenderOptions::ROLL_58MM);
    // Find the QR's finder: the first row whose leftmost black run starts
    // the 7-module square; measure its module from the run's length.
    let mut found = false;
    for y in 0..bm.height() {
        let xs: Vec<u32> = (0..bm.width()).filter(|&x| bm.get(x, y)).collect();
        let Some(&x0) = xs.first() else { continue };
        let run = (x0..bm.width()).take_while(|&x| bm.get(x, y)).count() as u32;
        if run >= 28 && run.is_multiple_of(7) && run < 100 {
            let module = run / 7;
            assert!(module >= 4, "module {module}");
            // 4 modules of quiet zone above and left.
            assert!(x0 >= 4 * module);
            for yy in y.saturating_sub(4 * module)..y {
                for xx in x0 - 4 * module..x0 + run {
                    assert!(!bm.get(xx, yy), "quiet zone at {xx},{yy}");
                }
            }
            found = true;
            break;
        }
    }
    assert!(found, "no QR finder found");
}

#[test]
fn long_names_and_addresses_wrap_within_the_paper() {
    let mut d = fixture::dossier();
    d.applicant.full_name =
        "Tôn Nữ Thị Hoàng Phương Quỳnh Như Ngọc Diễm Thùy Trang Khánh Linh Nguyễn Phước".into();
    d.applicant.address = format!("{} {}", "Thôn Đông Sơn Thượng, ".repeat(8), "X".repeat(90));
    d.components[0].name = "Giấy tờ chứng minh nơi cư trú hợp pháp ".repeat(5);
    let short = rendered(&received(), &RenderOptions::ROLL_58MM);
    let slip = Slip::received(&d, "Kiosk 1").unwrap_or_else(|e| panic!("{e}"));
    for opts in [RenderOptions::ROLL_58MM, RenderOptions::ROLL_80MM] {
        let bm = rendered(&slip, &opts);
        let m = opts.margin;
        for y in 0..bm.height() {
            for x in (0..m).chain(opts.width - m..opts.width) {
                assert!(
                    !bm.get(x, y),
                    "ink in the margin at {x},{y} ({})",
                    opts.width
                );
            }
        }
        if opts.width == 384 {
            assert!(
                bm.height() > short.height() + 300,
                "the long texts took more lines"
            );
        }
    }
}

#[test]
fn stacked_marks_are_not_clipped_at_the_top_of_a_line() {
    // Every visual line is separated by blank rows: a mark cut by the line
    // above would touch it. The header's first line is all capitals with
    // stacked marks.
    let mut d = fixture::dossier();
    d.agency = "ỄỖỆẶỚỮ ỄỖỆẶỚỮ".into();
    let bm = rendered(
        &Slip::received(&d, "K").unwrap_or_else(|e| panic!("{e}")),
        &RenderOptions::ROLL_80MM,
    );
    let first_ink = (0..bm.height()).find(|&y| !bm.row_is_blank(y));
    assert!(matches!(first_ink, Some(y) if y >= 8), "{first_ink:?}");
}

#[test]
fn malformed_escpos_is_refused_without_panicking() {
    let bm = rendered(&received(), &RenderOptions::ROLL_58MM);
    let job = encode_escpos(&bm);
    // Every truncation.
    for n in 0..job.len() - 1 {
        if n > 600 && n % 97 != 0 && n < job.len() - 600 {
            continue;
        }
        assert!(decode_escpos(&job[..n]).is_err(), "truncated at {n}");
    }
    // Extra bytes after the cut, wrong start, wrong mode, a width change.
    let mut extra = job.clone();
    extra.push(0);
    assert!(decode_escpos(&extra).is_err());
    assert!(decode_escpos(&job[1..]).is_err());
    let mut mode = job.clone();
    mode[5] = 1;
    assert!(decode_escpos(&mode).is_err());
    let small = Bitmap::new(16, 300);
    let mut widths = encode_escpos(&small);
    let second = 2 + 8 + 2 * 255;
    assert_eq!(&widths[second..second + 3], b"\x1dv0");
    widths[second + 4] = 3;
    assert!(decode_escpos(&widths).is_err());
    // Zero sizes, no raster, a foreign command in the middle.
    assert!(decode_escpos(b"\x1b@\x1dv0\x00\x00\x00\x01\x00\x1dV\x01").is_err());
    assert!(decode_escpos(b"\x1b@\x1dV\x01").is_err());
    assert!(decode_escpos(b"\x1b@\x1b\x74\x10\x1dV\x01").is_err());
    // Noise.
    let mut x: u32 = 12345;
    for len in 0..300 {
        let mut v = vec![0x1b, b'@', 0x1d, b'v', b'0', 0];
        for _ in 0..len {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            v.push((x >> 16) as u8);
        }
        let _ = decode_escpos(&v);
    }
    // And the good job still decodes, with a feed-and-cut ending too.
    let mut alt = job[..job.len() - 3].to_vec();
    alt.extend_from_slice(b"\x1dV\x42\x03");
    assert!(decode_escpos(&alt).is_ok());
}

fn media_boxes(pdf: &[u8]) -> Vec<(f32, f32)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox [")
        .filter_map(|(i, m)| {
            let rest = &text[i + m.len()..];
            let inner = &rest[..rest.find(']')?];
            let nums: Vec<f32> = inner
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            match nums[..] {
                [0.0, 0.0, w, h] => Some((w, h)),
                _ => None,
            }
        })
        .collect()
}

/// `pdfinfo` (poppler-utils) reads the file without complaint.
fn pdfinfo(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("slip.pdf");
    std::fs::write(&path, pdf).unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("pdfinfo (apt poppler-utils): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_80mm_pdf_is_80mm_wide_and_as_tall_as_the_raster() {
    let bm = rendered(&received(), &RenderOptions::ROLL_80MM);
    let pdf = pdf_80mm(&bm).unwrap_or_else(|e| panic!("{e}"));
    assert!(pdf.starts_with(b"%PDF-"));
    let boxes = media_boxes(&pdf);
    assert_eq!(boxes.len(), 1);
    let (w, h) = boxes[0];
    assert!((w - 226.77).abs() < 0.05, "{w}");
    let expected = (80.0 - 8.0) * 72.0 / 25.4 * bm.height() as f32 / 576.0 + 8.0 * 72.0 / 25.4;
    assert!((h - expected).abs() < 0.1, "{h} vs {expected}");
    let info = pdfinfo(&pdf);
    assert!(info.contains("Pages:           1"), "{info}");
    assert_eq!(
        pdf_80mm(&Bitmap::new(576, 0)),
        Err(ReceiptError::EmptyImage)
    );
}

#[test]
fn the_a4_pdf_has_a4_pages_and_a_long_slip_takes_several() {
    let pdf = pdf_a4(&received()).unwrap_or_else(|e| panic!("{e}"));
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(media_boxes(&pdf), vec![(595.28, 841.89)]);
    assert!(pdfinfo(&pdf).contains("Pages:           1"));

    let mut d = fixture::dossier();
    d.components = (0u32..30)
        .map(|i| motcua_protocol::ReceivedComponent {
            component_id: format!("c{i}"),
            name: format!("Thành phần hồ sơ số {i} có tên rất dài để xuống dòng nhiều lần"),
            files: 1,
            on_paper: i.is_multiple_of(2),
        })
        .collect();
    let long = Slip::received(&d, "K").unwrap_or_else(|e| panic!("{e}"));
    let pdf = pdf_a4(&long).unwrap_or_else(|e| panic!("{e}"));
    let boxes = media_boxes(&pdf);
    assert!(boxes.len() >= 2, "{}", boxes.len());
    assert!(boxes.iter().all(|b| *b == (595.28, 841.89)));
    let info = pdfinfo(&pdf);
    assert!(
        info.contains(&format!("Pages:           {}", boxes.len())),
        "{info}"
    );
}
