//! Reading the ID card's QR code from generated camera photos.

#![allow(clippy::unwrap_used)]

use motcua_camera::synth::{HEIGHT, Photo, WIDTH};
use motcua_camera::{Frame, QrFinder, find_qr};

/// A synthetic person, consistent with the ID number's rules: born in Hà
/// Nội (001), a man of the 1900s (0), in 1989.
const CCCD: &str = "001089012345|012345678|Nguyễn Văn An|15031989|Nam|Số 1 phố Hàng Bạc, Hoàn Kiếm, Hà Nội|01012021";

fn frame_of(photo: &Photo) -> Frame {
    let jpeg = photo.jpeg().unwrap();
    Frame::decode(&jpeg).unwrap()
}

#[test]
fn a_generated_photo_is_a_1280x720_colour_jpeg() {
    let jpeg = Photo::of_card(CCCD, 1).jpeg().unwrap();
    assert!(jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
    let frame = Frame::decode(&jpeg).unwrap();
    assert_eq!((frame.width(), frame.height()), (WIDTH, HEIGHT));
    // Deterministic.
    assert_eq!(jpeg, Photo::of_card(CCCD, 1).jpeg().unwrap());
    assert_ne!(jpeg, Photo::of_card(CCCD, 2).jpeg().unwrap());
}

#[test]
fn the_qr_is_read_at_several_angles_and_perspectives() {
    // (turn, tilt about the horizontal axis, about the vertical axis,
    // apparent card width, shift down)
    let cases: &[(f64, f64, f64, f64, f64)] = &[
        (0.0, 0.0, 0.0, 700.0, 40.0),
        (8.0, 0.0, 0.0, 700.0, 40.0),
        (-15.0, 0.0, 0.0, 700.0, 40.0),
        (22.0, 5.0, 0.0, 680.0, 60.0),
        (30.0, 0.0, 0.0, 640.0, 80.0),
        (-30.0, 0.0, 0.0, 640.0, 80.0),
        (0.0, 20.0, 0.0, 700.0, 40.0),
        (0.0, 0.0, 25.0, 700.0, 40.0),
        (0.0, 0.0, -20.0, 780.0, 40.0),
        (0.0, 0.0, -25.0, 900.0, 40.0),
        (12.0, -15.0, 18.0, 720.0, 40.0),
        (-20.0, 12.0, -12.0, 660.0, 60.0),
        (3.0, 0.0, 0.0, 980.0, 120.0),
    ];
    let mut failures = Vec::new();
    for (i, &(turn, tilt_x, tilt_y, width, down)) in cases.iter().enumerate() {
        let photo = Photo::of_card(CCCD, 100 + i as u64)
            .turned(turn)
            .tilted(tilt_x, tilt_y)
            .sized(width)
            .shifted(0.0, down);
        let found = find_qr(&frame_of(&photo));
        if found.as_deref() != Some(CCCD) {
            failures.push((turn, tilt_x, tilt_y, width, found));
        }
    }
    assert!(failures.is_empty(), "not read: {failures:?}");
}

#[test]
fn a_cccd_payload_round_trips_byte_for_byte_and_parses() {
    let text = find_qr(&frame_of(&Photo::of_card(CCCD, 7).turned(10.0))).unwrap();
    assert_eq!(text.as_bytes(), CCCD.as_bytes());
    let card = motcua_core::cccd::parse(&text).unwrap();
    assert_eq!(card.id_number, "001089012345");
    assert_eq!(card.old_id_number.as_deref(), Some("012345678"));
    assert_eq!(card.full_name, "Nguyễn Văn An");
    assert_eq!(card.address, "Số 1 phố Hàng Bạc, Hoàn Kiếm, Hà Nội");
}

#[test]
fn vietnamese_text_survives_in_every_shape_of_payload() {
    // Upper case, letters with two marks, đ/Đ, an empty old number, more
    // than seven fields, and a name alone.
    let payloads = [
        "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021",
        "079301000123||Trần Thị Ngọc Hường|02022001|Nữ|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|11112022",
        "038095001234|123456789|ĐẶNG QUỐC HUỲNH|09091995|Nam|Thôn Đồng Tiến, xã Quảng Hợp, Quảng Xương, Thanh Hóa|05052021|Phụ huynh|Ghi chú",
        "Nguyễn Thị Ánh Tuyết — ễ ổ ặ ự ỹ",
    ];
    for (i, payload) in payloads.iter().enumerate() {
        let photo = Photo::of_card(payload, 300 + i as u64).turned(-6.0);
        let text = find_qr(&frame_of(&photo));
        assert_eq!(text.as_deref(), Some(*payload), "payload {i}");
    }
}

#[test]
fn frames_without_a_qr_give_none() {
    let finders = [
        QrFinder::default(),
        QrFinder {
            fast_side: Some(640),
            try_harder: false,
        },
    ];
    for seed in 0..4 {
        for photo in [Photo::empty(seed), Photo::card_without_qr(seed)] {
            let frame = frame_of(&photo);
            for finder in &finders {
                assert_eq!(finder.find(&frame), None, "seed {seed}, {finder:?}");
            }
        }
    }
    let flat = Frame::from_luma(WIDTH, HEIGHT, vec![128; (WIDTH * HEIGHT) as usize]).unwrap();
    assert_eq!(find_qr(&flat), None);
    let tiny = Frame::from_luma(1, 1, vec![0]).unwrap();
    assert_eq!(find_qr(&tiny), None);
}

#[test]
fn the_shrunk_first_pass_reads_a_card_held_close() {
    let finder = QrFinder {
        fast_side: Some(640),
        try_harder: false,
    };
    let close = Photo::of_card(CCCD, 11).sized(1150.0).shifted(-40.0, 150.0);
    let frame = frame_of(&close);
    assert_eq!(finder.find(&frame).as_deref(), Some(CCCD));
    // The same pass alone on the shrunk copy reads it too: the full frame
    // was not needed.
    let small = frame.gray().fit_within(640).unwrap();
    assert_eq!(
        QrFinder {
            fast_side: None,
            try_harder: false
        }
        .find_in_gray(&small)
        .as_deref(),
        Some(CCCD)
    );
}

#[test]
fn a_preview_is_a_small_gray_jpeg() {
    let frame = frame_of(&Photo::of_card(CCCD, 5));
    let preview = frame.preview().unwrap();
    assert_eq!((preview.width, preview.height), (640, 360));
    assert!(preview.jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
    let back = Frame::decode(&preview.jpeg).unwrap();
    assert_eq!((back.width(), back.height()), (640, 360));
    assert!(preview.jpeg.len() < 80_000, "{} bytes", preview.jpeg.len());
    // Never enlarged.
    let small = Frame::from_luma(320, 200, vec![200; 320 * 200]).unwrap();
    let p = small.preview().unwrap();
    assert_eq!((p.width, p.height), (320, 200));
    // Debug shows the size, never the bytes.
    assert_eq!(
        format!("{p:?}"),
        format!("Preview(320×200, {} bytes)", p.jpeg.len())
    );
}

#[test]
fn a_frame_must_match_its_size() {
    assert!(Frame::from_luma(4, 4, vec![0; 15]).is_err());
    assert!(Frame::from_luma(0, 4, vec![]).is_err());
    assert!(Frame::from_luma(4, 4, vec![0; 16]).is_ok());
}
