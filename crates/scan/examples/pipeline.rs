//! Per-stage timings of the page pipeline.
//!
//! `cargo run --release -p motcua-scan --example pipeline -- [IMG...]`
//!
//! Without arguments, 4000×3000 (12 MP) photos are generated and
//! JPEG-encoded first: a gray page filling the frame (turned 3°, lit
//! unevenly, noisy); a gray A4 page lying in perspective on a darker table;
//! a colour photo, once as chosen (colour) and once forced through the gray
//! path for comparison; and an A4 letter with a red seal and a blue
//! signature under a warm lamp, on a wooden table. Each input runs `RUNS`
//! times; the median of each stage is printed. Files given as arguments run
//! in the automatic mode. With `PIPELINE_OUT=DIR`, the finished pages and a
//! PDF are written there for a look.

use std::time::Duration;

use motcua_scan::colour::{self, Rgb};
use motcua_scan::{Gray, ModeChoice, Options, Timings, pdf, process_timed_with, synth};

const RUNS: usize = 9;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let inputs: Vec<(String, Vec<u8>, ModeChoice)> = if args.is_empty() {
        let photo = synth::photo_like(4000, 3000, 3.0, 7);
        let paper = synth::text_page(2100, 2970, 225, 8);
        let corners = [
            (1100.0, 220.0),
            (2900.0, 280.0),
            (2960.0, 2790.0),
            (1040.0, 2750.0),
        ];
        let mut table = synth::on_table(&paper, 4000, 3000, &corners, 70, 9);
        synth::uneven_light(&mut table, 25);
        let scene = colour_jpeg(&colour::synth::photo(4000, 3000, 10));
        let letter = colour::synth::sealed_letter(2100, 2970, 36.0, [255, 235, 200], 11);
        let desk = colour_jpeg(&colour::synth::on_table(
            &letter,
            4000,
            3000,
            &corners,
            [110, 75, 50],
            12,
        ));
        vec![
            (
                "generated 4000×3000 photo, 3°".into(),
                jpeg(&photo),
                ModeChoice::Auto,
            ),
            (
                "generated 4000×3000 A4 on a table".into(),
                jpeg(&table),
                ModeChoice::Auto,
            ),
            (
                "generated 4000×3000 colour photo".into(),
                scene.clone(),
                ModeChoice::Auto,
            ),
            (
                "the same colour photo, --mode gray".into(),
                scene,
                ModeChoice::Gray,
            ),
            (
                "generated 4000×3000 sealed A4 letter on a table".into(),
                desk,
                ModeChoice::Auto,
            ),
        ]
    } else {
        args.iter()
            .map(|a| match std::fs::read(a) {
                Ok(b) => (a.clone(), b, ModeChoice::Auto),
                Err(e) => {
                    eprintln!("{a}: {e}");
                    std::process::exit(1);
                }
            })
            .collect()
    };
    let out_dir = std::env::var_os("PIPELINE_OUT").map(std::path::PathBuf::from);
    let mut pages = Vec::new();
    for (name, bytes, mode) in &inputs {
        let options = Options { mode: *mode };
        let mut runs: Vec<Timings> = Vec::new();
        let mut last = None;
        for _ in 0..RUNS {
            match process_timed_with(bytes, &options) {
                Ok((page, t)) => {
                    runs.push(t);
                    last = Some(page);
                }
                Err(e) => {
                    eprintln!("{name}: {e}");
                    std::process::exit(1);
                }
            }
        }
        let Some(page) = last else { continue };
        let median = |f: fn(&Timings) -> Duration| -> f64 {
            let mut v: Vec<f64> = runs.iter().map(|t| f(t).as_secs_f64() * 1e3).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!("{name} ({} KB in):", bytes.len() / 1024);
        println!("  decode   {:7.1} ms", median(|t| t.decode));
        println!("  analyse  {:7.1} ms", median(|t| t.analyse));
        println!("  resample {:7.1} ms", median(|t| t.resample));
        println!("  enhance  {:7.1} ms", median(|t| t.enhance));
        println!("  rotate   {:7.1} ms", median(|t| t.rotate));
        println!("  encode   {:7.1} ms", median(|t| t.encode));
        println!(
            "  total    {:7.1} ms (median of {RUNS})",
            median(|t| t.decode + t.analyse + t.resample + t.enhance + t.rotate + t.encode)
        );
        println!(
            "  page {}×{} px, {} DPI, {} KB {}, skew {:.1}°, {:?}, {:?}",
            page.width_px,
            page.height_px,
            page.dpi,
            page.data.len() / 1024,
            page.mode.code(),
            page.skew_deg,
            page.warnings,
            page.measures
        );
        pages.push(page);
    }
    if let Some(dir) = out_dir {
        for (i, p) in pages.iter().enumerate() {
            let _ = std::fs::write(dir.join(format!("thumb{i}.jpg")), &p.thumbnail);
        }
        let images: Vec<_> = pages.iter().map(|p| p.pdf_image()).collect();
        let _ = std::fs::write(dir.join("pages.pdf"), pdf::write(&images));
        for (i, (_, b, _)) in inputs.iter().enumerate() {
            let _ = std::fs::write(dir.join(format!("input{i}.jpg")), b);
        }
    }
}

fn jpeg(g: &Gray) -> Vec<u8> {
    let mut out = Vec::new();
    let enc = jpeg_encoder::Encoder::new(&mut out, 90);
    if let Err(e) = enc.encode(
        &g.data,
        g.width as u16,
        g.height as u16,
        jpeg_encoder::ColorType::Luma,
    ) {
        eprintln!("encoding the generated photo: {e}");
        std::process::exit(1);
    }
    out
}

fn colour_jpeg(img: &Rgb) -> Vec<u8> {
    img.encode_jpeg(90).unwrap_or_else(|e| {
        eprintln!("encoding the generated photo: {e}");
        std::process::exit(1);
    })
}
