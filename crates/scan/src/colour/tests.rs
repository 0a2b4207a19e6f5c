//! Colour pages on generated images: the auto rule, forced modes, geometry
//! and colour fidelity, size budgets, mixed PDFs, damaged files.

use super::synth;
use super::*;
use crate::decode::{DecodeError, decode_colour, decode_gray};
use crate::{LimitError, ModeChoice, Options, PAGE_BUDGET, process, process_with};

/// A warm desk lamp: white paper comes out cream.
const WARM: [u8; 3] = [255, 235, 200];

fn jpeg(img: &Rgb) -> Vec<u8> {
    img.encode_jpeg(90).unwrap_or_else(|e| panic!("{e}"))
}

fn run(bytes: &[u8]) -> Page {
    process(bytes).unwrap_or_else(|e| panic!("{e}"))
}

fn run_with(bytes: &[u8], mode: ModeChoice) -> Page {
    process_with(bytes, &Options { mode }).unwrap_or_else(|e| panic!("{e}"))
}

/// A colour page's pixels.
fn rgb_of(jpeg: &[u8]) -> Rgb {
    let d = decode_colour(jpeg).unwrap_or_else(|e| panic!("{e}"));
    let chroma = d.chroma.unwrap_or_else(|| panic!("no chroma"));
    Rgb::from_planes(&d.luma, &chroma).unwrap_or_else(|| panic!("sizes differ"))
}

/// Mean colour of the `w`×`h` box at (`x`, `y`).
fn mean(img: &Rgb, x: u32, y: u32, w: u32, h: u32) -> [f64; 3] {
    let mut sum = [0.0; 3];
    for yy in y..y + h {
        for xx in x..x + w {
            let p = img.get(xx, yy);
            for c in 0..3 {
                sum[c] += f64::from(p[c]);
            }
        }
    }
    sum.map(|s| s / f64::from(w * h))
}

fn png_rgb(img: &Rgb) -> Vec<u8> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            &img.data,
            img.width,
            img.height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap_or_else(|e| panic!("png: {e}"));
    out
}

#[test]
fn ycbcr_conversions_round_trip() {
    for r in (0..=255).step_by(15) {
        for g in (0..=255).step_by(15) {
            for b in (0..=255).step_by(15) {
                let [y, cb, cr] = rgb_to_ycbcr(r, g, b);
                let back = ycbcr_to_rgb(y, cb, cr);
                for (a, b) in back.iter().zip([r, g, b]) {
                    assert!(a.abs_diff(b) <= 2, "{:?} → {back:?}", [r, g, b]);
                }
            }
        }
    }
    assert_eq!(rgb_to_ycbcr(128, 128, 128), [128, 128, 128]);
}

#[test]
fn chroma_is_halved_by_averaging_at_any_size() {
    for (w, h) in [(1, 1), (2, 2), (3, 1), (5, 3), (16, 9)] {
        let mut img = Rgb::filled(w, h, [200, 40, 40]);
        img.set(0, 0, [40, 40, 200]);
        let (luma, chroma) = img.to_planes();
        assert_eq!((luma.width, luma.height), (w, h));
        assert_eq!((chroma.cb.width, chroma.cb.height), chroma_size(w, h));
        let back = Rgb::from_planes(&luma, &chroma).unwrap_or_else(|| panic!("sizes"));
        // Far from the odd pixel, colours come back.
        let p = back.get(w - 1, h - 1);
        if w > 2 || h > 2 {
            assert!(p[0] > 150 && p[2] < 90, "{p:?} at {w}×{h}");
        }
    }
    let bad = Chroma::neutral(4, 4);
    assert!(Rgb::from_planes(&Gray::filled(5, 4, 0), &bad).is_none());
    assert!(encode(&Gray::filled(5, 4, 0), &bad, 80).is_err());
}

#[test]
fn the_split_on_two_threads_matches_pixel_by_pixel() {
    // Large enough to be split on two threads, odd both ways.
    let (w, h) = (723u32, 601u32);
    let mut rng = crate::synth::Rng::new(5);
    let data: Vec<u8> = (0..3 * w * h).map(|_| rng.range(0, 256) as u8).collect();
    for rgb in [false, true] {
        let (luma, chroma) = split(&data, w, h, rgb);
        let ycc = |x: u32, y: u32| -> [u8; 3] {
            let i = 3 * (y * w + x) as usize;
            let p = [data[i], data[i + 1], data[i + 2]];
            if rgb {
                rgb_to_ycbcr(p[0], p[1], p[2])
            } else {
                p
            }
        };
        for y in 0..h {
            for x in 0..w {
                assert_eq!(luma.get(x, y), ycc(x, y)[0], "luma ({x},{y}) rgb {rgb}");
            }
        }
        let (cw, ch) = chroma_size(w, h);
        for cy in 0..ch {
            for cx in 0..cw {
                let (x1, y1) = ((2 * cx + 1).min(w - 1), (2 * cy + 1).min(h - 1));
                let px = [(2 * cx, 2 * cy), (x1, 2 * cy), (2 * cx, y1), (x1, y1)];
                for (c, plane) in [(1, &chroma.cb), (2, &chroma.cr)] {
                    let sum: u16 = px.iter().map(|&(x, y)| u16::from(ycc(x, y)[c])).sum();
                    let want = ((sum + 2) / 4) as u8;
                    assert_eq!(plane.get(cx, cy), want, "({cx},{cy}) plane {c} rgb {rgb}");
                }
            }
        }
    }
}

#[test]
fn colour_files_decode_to_luma_and_chroma_gray_files_to_luma() {
    let photo = synth::photo(160, 120, 1);
    // Colour JPEG and PNG: chroma, and for a JPEG the same luma (its Y) as
    // decode_gray. (For a PNG, `image`'s gray weighs colours a little
    // differently from BT.601.)
    for (file, max_diff) in [(jpeg(&photo), 1), (png_rgb(&photo), 20)] {
        let d = decode_colour(&file).unwrap_or_else(|e| panic!("{e}"));
        let c = d.chroma.as_ref().unwrap_or_else(|| panic!("no chroma"));
        assert_eq!((c.cb.width, c.cb.height), (80, 60));
        let gray = decode_gray(&file).unwrap_or_else(|e| panic!("{e}"));
        let diff = d
            .luma
            .data
            .iter()
            .zip(&gray.data)
            .map(|(&a, &b)| a.abs_diff(b))
            .max();
        assert!(diff <= Some(max_diff), "luma differs by {diff:?}");
        let back = Rgb::from_planes(&d.luma, c).unwrap_or_else(|| panic!("sizes"));
        let sky = mean(&back, 10, 5, 40, 10);
        assert!(sky[2] > sky[0] + 60.0, "the sky is not blue: {sky:?}");
    }
    // Gray files: no chroma.
    let g = crate::synth::text_page(100, 80, 230, 1);
    let gray_jpeg = crate::encode_gray(&g, 90).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        decode_colour(&gray_jpeg).map(|d| d.chroma),
        Ok(None),
        "gray JPEG"
    );
    let gray_png = {
        use image::ImageEncoder;
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&g.data, g.width, g.height, image::ExtendedColorType::L8)
            .unwrap_or_else(|e| panic!("png: {e}"));
        out
    };
    assert_eq!(decode_colour(&gray_png).map(|d| d.chroma), Ok(None));
}

#[test]
fn exif_orientation_turns_the_chroma_with_the_luma() {
    // A red left half, stored turned (as a phone held upright stores it)
    // with Orientation 6: once upright, the red is at the top.
    let mut img = Rgb::filled(64, 48, [40, 80, 200]);
    synth::fill_rect(&mut img, 0, 0, 32, 48, [210, 30, 30]);
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 92);
    let mut app1 = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    app1.extend_from_slice(&6u16.to_le_bytes());
    app1.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    enc.add_app_segment(1, app1)
        .unwrap_or_else(|e| panic!("{e}"));
    enc.encode(&img.data, 64, 48, jpeg_encoder::ColorType::Rgb)
        .unwrap_or_else(|e| panic!("{e}"));
    let back = rgb_of(&out);
    assert_eq!((back.width, back.height), (48, 64));
    let top = mean(&back, 8, 4, 32, 20);
    let bottom = mean(&back, 8, 40, 32, 20);
    assert!(top[0] > 150.0 && top[2] < 90.0, "top {top:?}");
    assert!(bottom[2] > 150.0 && bottom[0] < 90.0, "bottom {bottom:?}");
}

#[test]
fn a_jpeg_zune_would_misread_is_read_in_gray() {
    // One scan per component with 4:2:0 chroma (what jpeg-encoder writes
    // with optimised tables): zune-jpeg 0.5.15 turns its chroma into green
    // bands, so only its luma is used.
    let photo = synth::photo(96, 64, 2);
    let encode_with = |optimised: bool, sampling, progressive: bool| {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
        enc.set_optimized_huffman_tables(optimised);
        enc.set_sampling_factor(sampling);
        enc.set_progressive(progressive);
        enc.encode(&photo.data, 96, 64, jpeg_encoder::ColorType::Rgb)
            .unwrap_or_else(|e| panic!("{e}"));
        out
    };
    use jpeg_encoder::SamplingFactor::{F_1_1, F_2_2};
    let misread = encode_with(true, F_2_2, false);
    let d = decode_colour(&misread).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.chroma, None);
    assert_eq!(
        d.luma,
        decode_gray(&misread).unwrap_or_else(|e| panic!("{e}"))
    );
    assert_ne!(run(&misread).mode, Mode::Colour);
    // Interleaved, unsubsampled or progressive files keep their colour.
    for file in [
        encode_with(false, F_2_2, false),
        encode_with(true, F_1_1, false),
        encode_with(true, F_2_2, true),
    ] {
        let back = rgb_of(&file);
        let sky = mean(&back, 10, 4, 40, 8);
        assert!(sky[2] > sky[1] && sky[1] > sky[0], "sky {sky:?}");
    }
}

#[test]
fn gray_pages_stay_gray_under_a_warm_lamp_and_with_a_blue_signature() {
    // A letter with its (thin, blue ballpoint) signature and no seal.
    let letter = synth::sealed_letter(2400, 3400, 0.0, WARM, 8);
    let p = run(&jpeg(&letter));
    assert_ne!(p.mode, Mode::Colour);
    // A dense page, turned, under the lamp.
    let text = crate::synth::photo_like(1400, 1980, 2.0, 5);
    let p = run(&jpeg(&synth::lit(&Rgb::from_gray(&text), WARM)));
    assert_ne!(p.mode, Mode::Colour);
    // The chroma measure itself: next to nothing coloured.
    let d = decode_colour(&jpeg(&letter)).unwrap_or_else(|e| panic!("{e}"));
    let c = d.chroma.unwrap_or_else(|| panic!("no chroma"));
    let m = measure(&c, (d.luma.width, d.luma.height), None, &d.luma);
    assert!(m.colour_share < MIN_COLOUR_SHARE / 4.0, "{m:?}");
    assert!(m.cast.0 < -10.0 && m.cast.1 > 5.0, "warm cast {m:?}");
}

#[test]
fn a_red_seal_makes_a_colour_page_within_the_text_budget() {
    for seal_mm in [36.0, 25.0, 20.0] {
        let mut letter = synth::sealed_letter(2400, 3400, seal_mm, WARM, 8);
        // The lamp on the upper left: the seal, lower right, in its shade.
        synth::uneven_light(&mut letter, 30);
        let p = run(&jpeg(&letter));
        assert_eq!(p.mode, Mode::Colour, "{seal_mm} mm seal");
        assert_eq!(p.dpi, 200);
        assert_eq!((p.width_px, p.height_px), crate::target_size(2400, 3400));
        assert!(p.data.len() <= PAGE_BUDGET, "{} bytes", p.data.len());
        // The seal is red; the paper is white (the lamp's cast removed).
        let back = rgb_of(&p.data);
        let (sx, sy) = (back.width * 55 / 100, back.height * 62 / 100);
        let (w, h) = (back.width / 4, back.height / 8);
        let mut red = 0;
        for y in sy..sy + h {
            for x in sx..sx + w {
                let [r, g, b] = back.get(x, y);
                if r > 150 && g < 110 && b < 110 {
                    red += 1;
                }
            }
        }
        assert!(red > 500, "{red} red pixels around the seal");
        let paper = mean(&back, 20, back.height - 60, 200, 40);
        for c in paper {
            assert!(c > 245.0, "paper {paper:?}");
        }
    }
}

#[test]
fn photos_and_id_cards_are_colour_within_their_budget() {
    // A full A4 photo at 200 DPI, and a photo from a phone.
    for (w, h) in [(1496, 2115), (2000, 1500)] {
        let p = run(&jpeg(&synth::photo(w, h, 3)));
        assert_eq!(p.mode, Mode::Colour);
        // No text lines: left as taken, not turned by a spurious skew.
        assert_eq!(p.skew_deg, 0.0);
        assert!(p.data.len() <= COLOUR_PAGE_BUDGET, "{} bytes", p.data.len());
        // A colour thumbnail.
        let thumb = rgb_of(&p.thumbnail);
        assert_eq!(thumb.width.max(thumb.height), crate::THUMBNAIL_SIDE);
        let sky = mean(&thumb, thumb.width / 10, 2, thumb.width / 3, 5);
        assert!(sky[2] > sky[0] + 40.0, "thumbnail sky {sky:?}");
    }
    // An ID card on a dark wooden table, in perspective: found, cut out,
    // and its colours kept.
    let card = synth::id_card(1284, 810, 4);
    let corners = [
        (420.0, 300.0),
        (1650.0, 340.0),
        (1630.0, 1130.0),
        (400.0, 1090.0),
    ];
    let frame = synth::on_table(&card, 2000, 1500, &corners, [90, 60, 40], 5);
    let p = run(&jpeg(&frame));
    assert_eq!(p.mode, Mode::Colour);
    assert!(p.data.len() <= COLOUR_PAGE_BUDGET, "{} bytes", p.data.len());
    let aspect = f64::from(p.width_px) / f64::from(p.height_px);
    assert!((aspect - 1284.0 / 810.0).abs() < 0.05, "aspect {aspect}");
    let back = rgb_of(&p.data);
    let (bw, bh) = (back.width, back.height);
    // The emblem is red (top left), the portrait's backdrop blue.
    let emblem = mean(&back, bw * 12 / 100 - 5, bh * 9 / 100, 10, 6);
    assert!(emblem[0] > 150.0 && emblem[1] < 90.0, "emblem {emblem:?}");
    let backdrop = mean(&back, bw * 6 / 100, bh * 40 / 100, 8, 8);
    assert!(backdrop[2] > backdrop[0] + 80.0, "backdrop {backdrop:?}");
    // No table at the edges.
    let edge = mean(&back, 0, bh / 2, 3, 20);
    assert!(edge.iter().all(|&c| c > 150.0), "edge {edge:?}");
}

#[test]
fn a_gray_page_on_a_brown_table_stays_gray() {
    // The table's colour is cropped away before chroma is measured.
    let paper = crate::synth::text_page(1400, 1980, 225, 21);
    let corners = [
        (700.0, 260.0),
        (2250.0, 330.0),
        (2300.0, 2480.0),
        (640.0, 2440.0),
    ];
    let frame = synth::on_table(
        &Rgb::from_gray(&paper),
        3000,
        2800,
        &corners,
        [110, 70, 40],
        22,
    );
    let p = run(&jpeg(&frame));
    assert_ne!(p.mode, Mode::Colour);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn forced_modes_are_honoured() {
    let photo = jpeg(&synth::photo(1200, 900, 6));
    assert_eq!(run(&photo).mode, Mode::Colour);
    assert_ne!(run_with(&photo, ModeChoice::Gray).mode, Mode::Colour);
    assert_eq!(run_with(&photo, ModeChoice::Colour).mode, Mode::Colour);
    // A gray file forced into colour: a colour JPEG with neutral chroma.
    let g = crate::synth::photo_like(1200, 1600, 1.0, 7);
    let gray_jpeg = crate::encode_gray(&g, 90).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(run(&gray_jpeg).mode, Mode::Colour);
    let p = run_with(&gray_jpeg, ModeChoice::Colour);
    assert_eq!(p.mode, Mode::Colour);
    assert!((p.skew_deg - 1.0).abs() <= 0.5, "{}", p.skew_deg);
    assert!(p.data.len() <= PAGE_BUDGET);
    let d = decode_colour(&p.data).unwrap_or_else(|e| panic!("{e}"));
    let c = d.chroma.unwrap_or_else(|| panic!("no chroma"));
    assert!(
        c.cb.data
            .iter()
            .chain(&c.cr.data)
            .all(|&v| v.abs_diff(128) <= 3)
    );
    // Tiny images, forced either way.
    for (w, h) in [(1, 1), (3, 2), (17, 5)] {
        let img = synth::photo(w, h, 1);
        for mode in [ModeChoice::Auto, ModeChoice::Gray, ModeChoice::Colour] {
            let p = run_with(&png_rgb(&img), mode);
            assert_eq!((p.width_px, p.height_px), (w, h), "{mode:?}");
        }
    }
}

#[test]
fn a_turned_colour_page_comes_out_straight_with_its_colours() {
    // A text page with a blue and a red patch and a green stamp-like
    // square, lit warm, turned 4°, with sensor noise.
    let (w, h) = (1400, 1980);
    let text = crate::synth::text_page(w, h, 235, 31);
    let mut page = Rgb::from_gray(&text);
    let patches = [
        (200, 1500, [40, 80, 200]),
        (600, 1500, [200, 40, 50]),
        (1000, 1500, [40, 150, 70]),
    ];
    for &(x, y, c) in &patches {
        synth::fill_rect(&mut page, x, y, 220, 160, c);
    }
    let mut photo = synth::lit(&page, WARM);
    photo = synth::rotate(&photo, 4.0, [235, 216, 184]);
    synth::noise(&mut photo, 6, 32);
    let p = run(&jpeg(&photo));
    assert_eq!(p.mode, Mode::Colour);
    assert!((p.skew_deg - 4.0).abs() <= 0.5, "skew {}", p.skew_deg);
    let back = rgb_of(&p.data);
    let luma = decode_gray(&p.data).unwrap_or_else(|e| panic!("{e}"));
    let residual = crate::deskew::estimate_skew(&crate::enhance::flatten(&luma));
    assert!(residual.abs() <= 0.5, "residual {residual}");
    // Each patch, sampled in its middle, has its colour as on white paper
    // (the lamp's tint removed, paper brought to white).
    let s = f64::from(back.width) / f64::from(w);
    for (x, y, c) in patches {
        let (cx, cy) = (
            (f64::from(x + 110) * s) as u32,
            (f64::from(y + 80) * s) as u32,
        );
        let got = mean(&back, cx - 30, cy - 20, 60, 40);
        for k in 0..3 {
            let want = f64::from(c[k]) * 255.0 / 235.0;
            assert!(
                (got[k] - want).abs() <= 25.0,
                "patch {c:?}: got {got:?}, want about {want:.0} in channel {k}"
            );
        }
    }
}

#[test]
fn the_budget_is_honoured_by_quality_then_by_size() {
    // Noise does not compress: even the lowest quality overflows a small
    // budget, so the page is made smaller.
    let mut noisy = Rgb::filled(800, 1100, [128, 128, 128]);
    synth::noise(&mut noisy, 120, 9);
    let (luma, chroma) = noisy.to_planes();
    let (data, l, c) =
        fit_budget(luma.clone(), chroma.clone(), 60_000).unwrap_or_else(|e| panic!("{e}"));
    assert!(data.len() <= 60_000, "{}", data.len());
    assert!(l.width < 800 && l.height < 1100);
    assert_eq!((c.cb.width, c.cb.height), chroma_size(l.width, l.height));
    // A generous budget keeps the best quality and every pixel.
    let calm = synth::photo(800, 1100, 9);
    let (luma, chroma) = calm.to_planes();
    let best = encode(&luma, &chroma, QUALITIES[0]).unwrap_or_else(|e| panic!("{e}"));
    let (data, l, _) = fit_budget(luma.clone(), chroma.clone(), best.len() * 11 / 10)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((data, l.width), (best, 800));
    // A budget between qualities: the page fits at full size.
    let (data, l, _) = fit_budget(luma, chroma, 45_000).unwrap_or_else(|e| panic!("{e}"));
    assert!(data.len() <= 45_000 && l.width == 800, "{}", data.len());
}

#[test]
fn gray_four_level_bilevel_and_colour_pages_make_one_valid_pdf() {
    let mut sparse = crate::synth::text_page(2400, 3400, 220, 8);
    sparse.data[2400 * 1100..].fill(220);
    let pages = [
        run(&crate::encode_gray(&sparse, 90).unwrap_or_else(|e| panic!("{e}"))),
        run(&jpeg(&Rgb::from_gray(&crate::synth::photo_like(
            2400, 3400, -2.0, 9,
        )))),
        run(&jpeg(&synth::photo(1600, 1200, 10))),
    ];
    let modes: Vec<_> = pages.iter().map(|p| p.mode).collect();
    assert_eq!(modes, [Mode::Gray, Mode::Gray4, Mode::Colour]);
    // And the dense page once more in one bit.
    let mut bilevel = pages[1].clone();
    bilevel.mode = Mode::Bilevel;
    bilevel.data = crate::encode_bilevel(&pages[1].gray_pixels().unwrap_or_else(|e| panic!("{e}")));
    let pages = [
        pages[0].clone(),
        pages[1].clone(),
        pages[2].clone(),
        bilevel,
    ];
    let images: Vec<_> = pages.iter().map(|p| p.pdf_image()).collect();
    let bytes = crate::pdf::write(&images);
    let o = crate::pdf::outline(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.pages, 4);
    assert_eq!(
        o.encodings,
        [
            crate::pdf::Encoding::GrayJpeg,
            crate::pdf::Encoding::Gray4,
            crate::pdf::Encoding::ColorJpeg,
            crate::pdf::Encoding::Bilevel,
        ]
    );
    for (p, size) in pages.iter().zip(&o.image_sizes) {
        assert_eq!((p.width_px, p.height_px), *size);
    }
    // The colour page is embedded untouched.
    assert!(
        bytes
            .windows(pages[2].data.len())
            .any(|w| w == pages[2].data)
    );
}

#[test]
fn damaged_colour_jpegs_are_errors_never_panics() {
    let file = jpeg(&synth::photo(240, 180, 11));
    for mode in [ModeChoice::Auto, ModeChoice::Colour] {
        let options = Options { mode };
        let cuts = (1..file.len().min(400)).chain((400..file.len()).step_by(89));
        for n in cuts {
            let _ = process_with(&file[..n], &options);
        }
        for i in (0..file.len()).step_by(11) {
            let mut bad = file.clone();
            bad[i] ^= 0x5A;
            let _ = process_with(&bad, &options);
        }
        // (The last few bytes of a scan can go unnoticed, in gray too.)
        for cut in [20, file.len() / 2, file.len() - 100] {
            assert!(
                matches!(
                    process_with(&file[..cut], &options),
                    Err(ScanError::Decode(DecodeError::Damaged {
                        format: "JPEG",
                        ..
                    }))
                ),
                "cut at {cut} of {}",
                file.len()
            );
        }
    }
    // A colour JPEG declaring 65000×65000 is refused from its header.
    let mut bomb = jpeg(&synth::photo(16, 16, 1));
    let sof = bomb
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .unwrap_or_else(|| panic!("no SOF0"));
    bomb[sof + 5..sof + 9].copy_from_slice(&[0xFD, 0xE8, 0xFD, 0xE8]);
    assert_eq!(
        decode_colour(&bomb),
        Err(DecodeError::Limit(LimitError::TooLarge {
            width: 65_000,
            height: 65_000
        }))
    );
}

/// `jpeg` with its Huffman tables (DHT segments) taken out, as a USB
/// camera's MJPEG frames come: decoders then use the standard tables,
/// which are the ones `jpeg` wrote.
fn without_huffman_tables(jpeg: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        let marker = jpeg[i + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if marker == 0xDA {
            out.extend_from_slice(&jpeg[i..]);
            return out;
        }
        if marker != 0xC4 {
            out.extend_from_slice(&jpeg[i..i + 2 + len]);
        }
        i += 2 + len;
    }
    panic!("no scan in the JPEG");
}

#[test]
fn camera_frames_without_huffman_tables_give_the_same_pages() {
    // A still from a document camera (the kiosk passes MJPEG frames on
    // untouched): a sealed letter in colour, a text page in gray.
    let letter = jpeg(&synth::sealed_letter(2400, 3400, 25.0, WARM, 8));
    let text = jpeg(&Rgb::from_gray(&crate::synth::photo_like(
        2400, 3400, -2.0, 9,
    )));
    for (with, mode) in [(letter, Mode::Colour), (text, Mode::Gray4)] {
        let bare = without_huffman_tables(&with);
        assert!(bare.len() < with.len() && !bare.windows(2).any(|m| m == [0xFF, 0xC4]));
        let (a, b) = (run(&with), run(&bare));
        assert_eq!(a.mode, mode);
        assert_eq!(b.mode, mode);
        assert_eq!((b.width_px, b.height_px), (a.width_px, a.height_px));
        assert_eq!(b.data, a.data, "{mode:?}");
    }
}

#[test]
fn only_a_jpeg_without_tables_gets_the_standard_ones() {
    let with = jpeg(&synth::photo(64, 48, 3));
    let bare = without_huffman_tables(&with);
    // The standard tables are the ones the encoder wrote: put back, the
    // file decodes exactly as it did.
    let fixed = crate::decode::with_huffman_tables(&bare);
    assert!(matches!(fixed, std::borrow::Cow::Owned(_)));
    assert_eq!(
        decode_colour(&fixed).unwrap_or_else(|e| panic!("{e}")),
        decode_colour(&with).unwrap_or_else(|e| panic!("{e}"))
    );
    // A file with tables, a PNG, and files cut or damaged before their
    // scan are left as they are.
    let scan = bare
        .windows(2)
        .position(|m| m == [0xFF, 0xDA])
        .unwrap_or_else(|| panic!("no scan"));
    for untouched in [
        with.clone(),
        png_rgb(&synth::photo(64, 48, 3)),
        bare[..scan].to_vec(),
        bare[..scan + 1].to_vec(),
        vec![0xFF, 0xD8, 0xFF],
        vec![0xFF, 0xD8, 0x00, 0x00],
        Vec::new(),
    ] {
        assert!(matches!(
            crate::decode::with_huffman_tables(&untouched),
            std::borrow::Cow::Borrowed(b) if b == untouched.as_slice()
        ));
    }
}
