//! Generated colour images for tests, examples and tuning: text pages with
//! a red seal, a coloured patch or a blue signature, photo-like scenes, ID
//! card-like cards, and what a camera does to them (a tint of the light,
//! a turn, a table around, noise). Deterministic, no files.

use super::Rgb;
use crate::synth::Rng;

/// A page lit by a light of colour `light` (per channel, 255 = white):
/// `v · light / 255`, the way a warm lamp yellows white paper.
pub fn lit(img: &Rgb, light: [u8; 3]) -> Rgb {
    let mut out = img.clone();
    for px in out.data.chunks_exact_mut(3) {
        for (v, &l) in px.iter_mut().zip(&light) {
            *v = (u32::from(*v) * u32::from(l) / 255) as u8;
        }
    }
    out
}

/// Ink of `colour` over (x, y), multiplied with what is there (ink over
/// print, as a seal stamped over a signature); `cover` 0–255.
fn ink(img: &mut Rgb, x: i64, y: i64, colour: [u8; 3], cover: u32) {
    if x < 0 || y < 0 || x >= i64::from(img.width) || y >= i64::from(img.height) {
        return;
    }
    let (x, y) = (x as u32, y as u32);
    let old = img.get(x, y);
    let mut new = [0u8; 3];
    for c in 0..3 {
        let under = u32::from(old[c]);
        let inked = under * u32::from(colour[c]) / 255;
        new[c] = ((under * (255 - cover) + inked * cover) / 255) as u8;
    }
    img.set(x, y, new);
}

/// A filled rectangle of `colour` (opaque).
pub fn fill_rect(img: &mut Rgb, x: u32, y: u32, w: u32, h: u32, colour: [u8; 3]) {
    for yy in y..(y + h).min(img.height) {
        for xx in x..(x + w).min(img.width) {
            img.set(xx, yy, colour);
        }
    }
}

/// A round official seal ("con dấu") of `diameter` pixels centred at
/// (`cx`, `cy`), in the ink `colour`: a thick outer ring, a thin inner
/// ring, a ring of letters between them, a five-pointed star in the
/// middle and a line of letters below it; the ink is uneven (a tenth of it
/// missing) as a real stamp's is.
pub fn seal(img: &mut Rgb, cx: u32, cy: u32, diameter: u32, colour: [u8; 3], seed: u64) {
    let mut rng = Rng::new(seed);
    let r = f64::from(diameter) / 2.0;
    let (cxf, cyf) = (f64::from(cx), f64::from(cy));
    let outer = (r - r / 14.0)..r;
    let inner = (r * 0.66 - r / 40.0)..(r * 0.66);
    // Letters: short radial bars around the ring between the circles.
    let letter_ring = (r * 0.72)..(r * 0.86);
    let letters = 34;
    for y in (cyf - r).floor() as i64..=(cyf + r).ceil() as i64 {
        for x in (cxf - r).floor() as i64..=(cxf + r).ceil() as i64 {
            let (dx, dy) = (x as f64 + 0.5 - cxf, y as f64 + 0.5 - cyf);
            let d = dx.hypot(dy);
            let angle = dy.atan2(dx);
            let mut on = outer.contains(&d) || inner.contains(&d);
            if letter_ring.contains(&d) {
                // Letters fill 55% of their slot, each made of two strokes.
                let slot = (angle / std::f64::consts::TAU + 0.5) * f64::from(letters);
                let frac = slot.fract();
                on = frac < 0.55 && (((frac * 6.0) as u32).is_multiple_of(2) || d > r * 0.83);
            }
            if d < r * 0.3 && in_star(dx / (r * 0.26), dy / (r * 0.26)) {
                on = true;
            }
            // A line of letters below the star.
            if (r * 0.32..r * 0.45).contains(&dy) && dx.abs() < r * 0.45 {
                on = ((dx + r) / (r * 0.09)) as i64 % 2 == 0;
            }
            if on && rng.range(0, 10) != 0 {
                ink(img, x, y, colour, rng.range(190, 256));
            }
        }
    }
}

/// Inside a five-pointed star of unit outer radius, point up.
fn in_star(x: f64, y: f64) -> bool {
    let r = x.hypot(y);
    if r > 1.0 {
        return false;
    }
    // The star's radius at this angle: 1 at the points, 0.38 between.
    let a = (x.atan2(-y) + std::f64::consts::TAU) % (std::f64::consts::TAU / 5.0);
    let t = (a / (std::f64::consts::TAU / 10.0) - 1.0).abs();
    r <= 0.38 + 0.62 * t
}

/// A ballpoint signature in `colour`: a few loops of a thin (`stroke` px)
/// line inside the `w`×`h` box at (`x`, `y`).
#[allow(clippy::too_many_arguments)]
pub fn signature(
    img: &mut Rgb,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    stroke: u32,
    colour: [u8; 3],
    seed: u64,
) {
    let mut rng = Rng::new(seed);
    let (a, b) = (
        1.5 + f64::from(rng.range(0, 10)) / 10.0,
        5.0 + f64::from(rng.range(0, 30)) / 10.0,
    );
    let steps = (w * 8) as usize;
    let half = f64::from(stroke) / 2.0;
    // The pen's path, marked once per pixel, then inked once: a pixel
    // under several samples of the path is still one stroke of ink.
    let pad = i64::from(stroke) + i64::from(h);
    let (bx, by) = (i64::from(x) - pad, i64::from(y) - pad);
    let (bw, bh) = (
        (i64::from(w) + 2 * pad) as usize,
        (i64::from(h) + 2 * pad) as usize,
    );
    let mut marked = vec![false; bw * bh];
    for i in 0..steps {
        let t = i as f64 / steps as f64;
        let px = f64::from(x)
            + t * f64::from(w)
            + (t * b * std::f64::consts::TAU).sin() * f64::from(h) * 0.15;
        let py = f64::from(y)
            + f64::from(h)
                * (0.5 + 0.4 * (t * a * std::f64::consts::TAU).sin() * (t * b * 3.1).cos());
        for yy in (py - half).floor() as i64..=(py + half).ceil() as i64 {
            for xx in (px - half).floor() as i64..=(px + half).ceil() as i64 {
                let (u, v) = (xx - bx, yy - by);
                if (xx as f64 + 0.5 - px).hypot(yy as f64 + 0.5 - py) <= half
                    && (0..bw as i64).contains(&u)
                    && (0..bh as i64).contains(&v)
                {
                    marked[v as usize * bw + u as usize] = true;
                }
            }
        }
    }
    for (i, _) in marked.iter().enumerate().filter(|(_, m)| **m) {
        ink(img, bx + (i % bw) as i64, by + (i / bw) as i64, colour, 230);
    }
}

/// An official letter as a camera sees it: text over the upper half (a
/// short decision or certificate), then the signature block — a blue
/// ballpoint signature under a red seal of `seal_mm` millimetres on a page
/// `width` pixels across (A4: 210 mm) — lit by `light`, with sensor noise.
/// `seal_mm` 0 leaves the seal out.
pub fn sealed_letter(width: u32, height: u32, seal_mm: f64, light: [u8; 3], seed: u64) -> Rgb {
    let mut text = crate::synth::text_page(width, height, 225, seed);
    let cut = (height as usize * 11 / 20) * width as usize;
    text.data[cut..].fill(225);
    let mut img = lit(&Rgb::from_gray(&text), light);
    let px_per_mm = f64::from(width) / 210.0;
    let (sx, sy) = (width * 55 / 100, height * 62 / 100);
    signature(
        &mut img,
        sx,
        sy,
        width / 4,
        height / 16,
        (px_per_mm * 0.4).ceil() as u32,
        [30, 50, 160],
        seed ^ 1,
    );
    if seal_mm > 0.0 {
        let d = (seal_mm * px_per_mm).round() as u32;
        seal(
            &mut img,
            sx + width / 16,
            sy + height / 40,
            d,
            [200, 35, 45],
            seed ^ 2,
        );
    }
    noise(&mut img, 6, seed ^ 3);
    img
}

/// A photo-like scene: a sky graded to the horizon, green hills, a
/// red-roofed house, a yellow sun, foliage texture and sensor grain.
pub fn photo(width: u32, height: u32, seed: u64) -> Rgb {
    let mut rng = Rng::new(seed);
    let mut img = Rgb::filled(width, height, [0, 0, 0]);
    let (w, h) = (f64::from(width), f64::from(height));
    let phase = f64::from(rng.range(0, 100)) / 16.0;
    let sun = (w * 0.75, h * 0.18, h * 0.08);
    let house = (w * 0.2, h * 0.45, w * 0.25, h * 0.22);
    for y in 0..height {
        for x in 0..width {
            let (xf, yf) = (f64::from(x), f64::from(y));
            let hill =
                h * (0.55 + 0.08 * (xf / w * 7.0 + phase).sin() + 0.04 * (xf / w * 23.0).sin());
            let mut p = if yf < hill {
                let t = yf / hill;
                [
                    (70.0 + 130.0 * t) as u8,
                    (130.0 + 90.0 * t) as u8,
                    (220.0 + 25.0 * t) as u8,
                ]
            } else {
                // Foliage: a texture of leaves in greens and browns.
                let n = ((xf * 0.37).sin() * (yf * 0.41).cos() * 40.0) as i32;
                let shade = 1.0 - (yf - hill) / h;
                [
                    ((60 + n / 2) as f64 * shade).clamp(0.0, 255.0) as u8,
                    ((140 + n) as f64 * shade).clamp(0.0, 255.0) as u8,
                    ((50 + n / 3) as f64 * shade).clamp(0.0, 255.0) as u8,
                ]
            };
            if (xf - sun.0).hypot(yf - sun.1) < sun.2 {
                p = [250, 220, 90];
            }
            let (hx, hy, hw, hh) = house;
            if xf >= hx && xf < hx + hw && yf >= hy && yf < hy + hh {
                let wall = if ((xf - hx) / (hw / 6.0)) as u32 % 3 == 1
                    && ((yf - hy) / (hh / 4.0)) as u32 % 2 == 1
                {
                    [60, 80, 120]
                } else {
                    [230, 215, 180]
                };
                p = wall;
            }
            // The roof: a red triangle above the walls.
            let roof_h = hh * 0.6;
            if yf < hy && yf >= hy - roof_h {
                let half = (yf - (hy - roof_h)) / roof_h * (hw * 0.6);
                if (xf - (hx + hw / 2.0)).abs() <= half {
                    p = [190, 50, 40];
                }
            }
            img.set(x, y, p);
        }
    }
    noise(&mut img, 6, seed ^ 0x77);
    img
}

/// An ID card-like image (the front of a CCCD): pale guilloche ground, a
/// portrait on a blue backdrop, a red emblem with a yellow star, lines of
/// dark blue text and a black QR-like block.
pub fn id_card(width: u32, height: u32, seed: u64) -> Rgb {
    let mut rng = Rng::new(seed);
    let (w, h) = (f64::from(width), f64::from(height));
    let mut img = Rgb::filled(width, height, [0, 0, 0]);
    for y in 0..height {
        for x in 0..width {
            let (xf, yf) = (f64::from(x), f64::from(y));
            let wave = ((xf / w * 40.0 + (yf / h * 9.0).sin() * 3.0).sin() * 0.5 + 0.5) * 30.0;
            let g = (yf / h) * 20.0;
            img.set(
                x,
                y,
                [
                    (225.0 - wave * 0.4 + g) as u8,
                    (232.0 - wave * 0.2) as u8,
                    (240.0 - wave * 0.1 - g * 0.5) as u8,
                ],
            );
        }
    }
    // Emblem: a red disc with a yellow star, top left.
    let (ex, ey, er) = (w * 0.12, h * 0.17, h * 0.11);
    for y in 0..height {
        for x in 0..width {
            let (dx, dy) = (f64::from(x) - ex, f64::from(y) - ey);
            if dx.hypot(dy) < er {
                let p = if in_star(dx / (er * 0.6), dy / (er * 0.6)) {
                    [250, 215, 40]
                } else {
                    [200, 30, 35]
                };
                img.set(x, y, p);
            }
        }
    }
    // Portrait: blue backdrop, a face and shoulders.
    let (px, py, pw, ph) = (w * 0.04, h * 0.36, w * 0.25, h * 0.5);
    for y in py as u32..(py + ph) as u32 {
        for x in px as u32..(px + pw) as u32 {
            let (u, v) = ((f64::from(x) - px) / pw, (f64::from(y) - py) / ph);
            let face = ((u - 0.5) / 0.28).hypot((v - 0.42) / 0.3) < 1.0;
            let hair = ((u - 0.5) / 0.32).hypot((v - 0.3) / 0.25) < 1.0 && v < 0.35;
            let shirt = v > 0.75 && (u - 0.5).abs() < 0.45;
            let p = if hair {
                [35, 28, 25]
            } else if face {
                [222, 178, 150]
            } else if shirt {
                [245, 245, 245]
            } else {
                [60, 120, 200]
            };
            img.set(x, y, p);
        }
    }
    // Text: lines of dark blue word bars, right of the portrait.
    let line = (height / 14).max(4);
    let mut y = (h * 0.36) as u32;
    while y + line < height - height / 12 {
        let mut x = (w * 0.34) as u32;
        let end = width - width / 12 - rng.range(0, width / 5);
        while x < end {
            let word = rng.range(line, line * 3).min(end - x);
            fill_rect(&mut img, x, y, word, line / 2, [30, 40, 90]);
            x += word + line / 2;
        }
        y += line;
    }
    // QR-like block, top right.
    let q = (h * 0.22) as u32;
    let (qx, qy) = (width - width / 20 - q, height / 12);
    let cell = (q / 21).max(1);
    for cy in 0..21 {
        for cx in 0..21 {
            if rng.range(0, 2) == 0 {
                fill_rect(
                    &mut img,
                    qx + cx * cell,
                    qy + cy * cell,
                    cell,
                    cell,
                    [20, 20, 20],
                );
            }
        }
    }
    noise(&mut img, 4, seed ^ 0x33);
    img
}

/// Independent noise of ±`amplitude` on each channel: sensor grain, which
/// is coloured.
pub fn noise(img: &mut Rgb, amplitude: u8, seed: u64) {
    let mut rng = Rng::new(seed);
    let span = u32::from(amplitude) * 2 + 1;
    for v in &mut img.data {
        let n = rng.range(0, span) as i32 - i32::from(amplitude);
        *v = (i32::from(*v) + n).clamp(0, 255) as u8;
    }
}

/// Each channel turned by `degrees` (as [`crate::Gray::rotate`]), uncovered
/// corners `fill`.
pub fn rotate(img: &Rgb, degrees: f64, fill: [u8; 3]) -> Rgb {
    let c = img.channels();
    let turned = [
        c[0].rotate(degrees, fill[0]),
        c[1].rotate(degrees, fill[1]),
        c[2].rotate(degrees, fill[2]),
    ];
    Rgb::from_channels(&turned).unwrap_or_else(|| img.clone())
}

/// Each channel dimmed towards the bottom-right corner (as
/// [`crate::synth::uneven_light`]).
pub fn uneven_light(img: &mut Rgb, percent: u32) {
    let mut c = img.channels();
    for g in &mut c {
        crate::synth::uneven_light(g, percent);
    }
    if let Some(out) = Rgb::from_channels(&c) {
        *img = out;
    }
}

/// `page` photographed on a table of colour `table` (as
/// [`crate::synth::on_table`], channel by channel: the noise is coloured).
pub fn on_table(
    page: &Rgb,
    width: u32,
    height: u32,
    corners: &crate::page::Quad,
    table: [u8; 3],
    seed: u64,
) -> Rgb {
    let c = page.channels();
    let framed = [0, 1, 2]
        .map(|i| crate::synth::on_table(&c[i], width, height, corners, table[i], seed + i as u64));
    Rgb::from_channels(&framed).unwrap_or_else(|| Rgb::filled(width, height, table))
}
