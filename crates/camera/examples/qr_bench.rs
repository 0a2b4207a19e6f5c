//! Median time to look for a QR code in one 1280×720 camera frame: this
//! crate's finder against plain rxing (`rxing::helpers::detect_in_luma_slice`,
//! full size, which runs both of rxing's QR readers with TRY_HARDER), over
//! generated photos with and without an ID card's QR code. Also what the
//! worker spends per frame besides: decoding the camera's JPEG and making
//! the preview.
//!
//! `cargo run --release -p motcua-camera --example qr_bench [frames] [rounds]`

use std::time::Instant;

use motcua_camera::synth::Photo;
use motcua_camera::{Frame, QrFinder};
use motcua_scan::synth::Rng;

const PAYLOAD: &str = "001089012345|012345678|Nguyễn Văn An|15031989|Nam|Số 1 phố Hàng Bạc, Hoàn Kiếm, Hà Nội|01012021";

/// One way of looking for a QR code's text in a frame.
type Find = dyn Fn(&Frame) -> Option<String>;

struct Sample {
    jpeg: Vec<u8>,
    frame: Frame,
    has_qr: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map_or(Ok(40), |a| a.parse())?;
    let rounds: usize = args.next().map_or(Ok(5), |a| a.parse())?;

    let mut rng = Rng::new(2024);
    let mut between =
        |lo: f64, hi: f64| lo + (hi - lo) * f64::from(rng.range(0, 10_001)) / 10_000.0;
    let mut samples = Vec::new();
    for i in 0..count {
        let seed = i as u64;
        let photo = match i % 4 {
            0 => Photo::empty(seed),
            1 => Photo::card_without_qr(seed).turned(between(-20.0, 20.0)),
            _ => Photo::of_card(PAYLOAD, seed)
                .turned(between(-25.0, 25.0))
                .tilted(between(-15.0, 15.0), between(-20.0, 20.0))
                .sized(between(580.0, 900.0)),
        };
        let jpeg = photo.jpeg()?;
        let frame = Frame::decode(&jpeg)?;
        samples.push(Sample {
            jpeg,
            frame,
            has_qr: photo.card.is_some_and(|c| c.qr.is_some()),
        });
    }
    let with_qr = samples.iter().filter(|s| s.has_qr).count();
    println!(
        "{} generated 1280×720 frames ({with_qr} with an ID card QR, {} without), {rounds} rounds",
        samples.len(),
        samples.len() - with_qr
    );

    let finders: [(&str, &Find); 3] = [
        ("motcua QrFinder::default()", &|f| {
            QrFinder::default().find(f)
        }),
        ("QrFinder, 640 px pass first", &|f| {
            QrFinder {
                fast_side: Some(640),
                ..QrFinder::default()
            }
            .find(f)
        }),
        ("plain rxing, full size", &|f| {
            rxing::helpers::detect_in_luma_slice(
                f.luma(),
                f.width(),
                f.height(),
                Some(rxing::BarcodeFormat::QR_CODE),
            )
            .ok()
            .map(|r| r.getText().to_owned())
        }),
    ];
    println!(
        "{:30} {:>10} {:>10} {:>10} {:>8}",
        "ms per frame (median)", "all", "QR", "no QR", "read"
    );
    for (name, find) in finders {
        let (mut all, mut qr, mut none, mut read, mut wrong) = (vec![], vec![], vec![], 0, 0);
        for _ in 0..rounds {
            for s in &samples {
                let start = Instant::now();
                let text = find(&s.frame);
                let ms = start.elapsed().as_secs_f64() * 1e3;
                all.push(ms);
                if s.has_qr {
                    qr.push(ms);
                    read += usize::from(text.as_deref() == Some(PAYLOAD));
                } else {
                    none.push(ms);
                    wrong += usize::from(text.is_some());
                }
            }
        }
        println!(
            "{name:30} {:>10.2} {:>10.2} {:>10.2} {:>5}/{}{}",
            median(all),
            median(qr),
            median(none),
            read / rounds,
            with_qr,
            if wrong > 0 { "  FALSE READS!" } else { "" }
        );
    }

    let (mut decode, mut preview) = (vec![], vec![]);
    for _ in 0..rounds {
        for s in &samples {
            let start = Instant::now();
            let frame = Frame::decode(&s.jpeg)?;
            decode.push(start.elapsed().as_secs_f64() * 1e3);
            let start = Instant::now();
            frame.preview()?;
            preview.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    println!(
        "worker, per frame: decode JPEG to luma {:.2} ms, preview JPEG {:.2} ms (median)",
        median(decode),
        median(preview)
    );
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
