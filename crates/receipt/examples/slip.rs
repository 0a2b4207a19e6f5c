//! Renders a sample slip for a look:
//! `cargo run -p motcua-receipt --example slip -- OUT [80|58|a4|queued]`.
//! OUT ending in `.pdf` gets a PDF (80 mm, or A4 with `a4`), else a PNG of
//! the raster.

use motcua_protocol::{
    Applicant, Dossier, DossierStatus, PaymentMethod, Receipt, ReceivedComponent,
};
use motcua_receipt::{QueuedComponent, QueuedSlip, RenderOptions, Slip, pdf_80mm, pdf_a4, render};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.first().map(String::as_str).unwrap_or("slip.png");
    let variant = args.get(1).map(String::as_str).unwrap_or("80");
    let slip = if variant == "queued" {
        Slip::queued(&sample_queued(), "Kiosk 1 – UBND xã Đông Sơn")?
    } else {
        Slip::received(&sample_dossier(), "Kiosk 1 – UBND xã Đông Sơn")?
    };
    let opts = match variant {
        "58" => RenderOptions::ROLL_58MM,
        "a4" => RenderOptions::A4,
        _ => RenderOptions::ROLL_80MM,
    };
    let bm = render(&slip, &opts)?;
    if out.ends_with(".pdf") {
        let pdf = if variant == "a4" {
            pdf_a4(&slip)?
        } else {
            pdf_80mm(&bm)?
        };
        std::fs::write(out, pdf)?;
        println!("{out}");
        return Ok(());
    }
    let img =
        image::GrayImage::from_raw(bm.width(), bm.height(), bm.to_luma()).ok_or("image size")?;
    img.save(out)?;
    println!("{out}: {}×{}", bm.width(), bm.height());
    Ok(())
}

fn sample_dossier() -> Dossier {
    Dossier {
        code: "261126-0001".into(),
        lookup_secret: "042917".into(),
        procedure_code: "2.000635".into(),
        procedure_name: "Cấp bản sao trích lục hộ tịch".into(),
        agency: "UBND xã Đông Sơn".into(),
        applicant: Applicant {
            full_name: "NGUYỄN THỊ HỒNG NHUNG".into(),
            id_number: "001089012345".into(),
            date_of_birth: None,
            address: "Số 5, thôn Phúc Thịnh, xã Đông Sơn, tỉnh Thanh Hóa".into(),
            phone: Some("0912 345 678".into()),
            email: Some("nhung.nguyen@example.vn".into()),
        },
        copies: 2,
        components: vec![
            ReceivedComponent {
                component_id: "to-khai".into(),
                name: "Tờ khai cấp bản sao trích lục hộ tịch".into(),
                files: 2,
                on_paper: false,
            },
            ReceivedComponent {
                component_id: "cccd".into(),
                name: "Bản sao Căn cước công dân của người yêu cầu".into(),
                files: 0,
                on_paper: true,
            },
        ],
        processing_time: "Trong ngày làm việc".into(),
        received_at: "2026-11-26T03:52:10Z".into(),
        due_at: "2026-11-26T10:00:00Z".into(),
        due_date: "2026-11-26".into(),
        result_place: "Bộ phận Một cửa, UBND xã Đông Sơn (quầy số 2)".into(),
        status: DossierStatus::Received,
        history: vec![],
        receipt: Some(Receipt {
            title: "Biên lai thu phí, lệ phí".into(),
            template: "01BLP0-001".into(),
            symbol: "AA-26E".into(),
            number: 1,
            number_text: "0000001".into(),
            issued_at: "2026-11-26T03:50:00Z".into(),
            issuer: "UBND xã Đông Sơn".into(),
            procedure_code: "2.000635".into(),
            procedure_name: "Cấp bản sao trích lục hộ tịch".into(),
            amount: 16000,
            amount_text: "16.000 đồng".into(),
            amount_in_words: "Mười sáu nghìn đồng".into(),
            method: PaymentMethod::Vietqr,
            reference: "MC7K2Q9XTA".into(),
        }),
        local_reference: None,
    }
}

fn sample_queued() -> QueuedSlip {
    QueuedSlip {
        agency: "UBND xã Đông Sơn".into(),
        local_reference: "K1-261126-0007".into(),
        procedure_name: "Đăng ký khai sinh".into(),
        applicant_name: "Lê Văn Ễnh".into(),
        applicant_address: "Xóm Mới, xã Đông Sơn".into(),
        applicant_phone: None,
        applicant_email: None,
        components: vec![QueuedComponent {
            name: "Giấy chứng sinh".into(),
            files: 1,
            on_paper: false,
        }],
        copies: 1,
        created_at: "2026-11-26T03:52:10Z".into(),
        receipt: None,
    }
}
