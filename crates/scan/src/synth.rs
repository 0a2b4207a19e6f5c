//! Generated pages for tests, examples and benchmarks: dark "words" on
//! light paper, optionally turned, unevenly lit, blurred, darkened or with a
//! glare spot. Deterministic (a seeded xorshift), no files.

use crate::gray::Gray;

/// A small deterministic random source.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u32(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 32) as u32
    }
    /// Uniform in `lo..hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            lo
        } else {
            lo + self.next_u32() % (hi - lo)
        }
    }
}

/// A text-like page: `paper` background, lines of dark word-bars with
/// gaps and ragged line ends, character-like vertical gaps inside words.
pub fn text_page(width: u32, height: u32, paper: u8, seed: u64) -> Gray {
    let mut g = Gray::filled(width, height, paper);
    let mut rng = Rng::new(seed);
    let line = (height / 45).max(6);
    let x_height = (line * 2 / 5).max(2);
    let margin_x = width / 10;
    let mut y = height / 10;
    while y + line < height - height / 10 {
        let end = width - margin_x - rng.range(0, width / 4);
        let mut x = margin_x;
        while x < end {
            let word = rng.range(line, line * 5).min(end - x);
            let mut cx = x;
            while cx < x + word {
                let glyph = rng.range(x_height / 2, x_height + 2);
                let ink = rng.range(20, 60) as u8;
                let asc = if rng.range(0, 4) == 0 {
                    x_height / 2
                } else {
                    0
                };
                for yy in y - asc..y + x_height {
                    for xx in cx..(cx + glyph).min(x + word) {
                        let i = yy as usize * width as usize + xx as usize;
                        g.data[i] = ink;
                    }
                }
                cx += glyph + (x_height / 4).max(1);
            }
            x += word + rng.range(line / 2, line);
        }
        // A paragraph gap now and then.
        y += if rng.range(0, 8) == 0 { line * 2 } else { line };
    }
    g
}

/// Adds uniform noise of ±`amplitude`.
pub fn add_noise(g: &mut Gray, amplitude: u8, seed: u64) {
    if amplitude == 0 {
        return;
    }
    let mut rng = Rng::new(seed);
    let span = u32::from(amplitude) * 2 + 1;
    for v in &mut g.data {
        let n = rng.range(0, span) as i32 - i32::from(amplitude);
        *v = (i32::from(*v) + n).clamp(0, 255) as u8;
    }
}

/// Multiplies by a light falloff: full at the top-left, `(100 - percent)`%
/// at the bottom-right corner, the way a lamp on one side lights a page.
pub fn uneven_light(g: &mut Gray, percent: u32) {
    let (w, h) = (g.width.max(1) as f64, g.height.max(1) as f64);
    let drop = f64::from(percent.min(100)) / 100.0;
    for y in 0..g.height {
        for x in 0..g.width {
            let t = (f64::from(x) / w + f64::from(y) / h) / 2.0;
            let i = y as usize * g.width as usize + x as usize;
            g.data[i] = (f64::from(g.data[i]) * (1.0 - drop * t)) as u8;
        }
    }
}

/// A separable box blur of radius `r`, repeated `passes` times (three
/// passes approximate a Gaussian).
pub fn box_blur(g: &Gray, r: u32, passes: u32) -> Gray {
    let mut out = g.clone();
    for _ in 0..passes {
        out = blur_1d(&out, r, true);
        out = blur_1d(&out, r, false);
    }
    out
}

fn blur_1d(g: &Gray, r: u32, horizontal: bool) -> Gray {
    let (w, h) = (g.width as usize, g.height as usize);
    let r = r as usize;
    let mut out = g.clone();
    let (n, lines) = if horizontal { (w, h) } else { (h, w) };
    let at = |line: usize, k: usize| -> usize {
        if horizontal {
            line * w + k
        } else {
            k * w + line
        }
    };
    for line in 0..lines {
        for k in 0..n {
            let lo = k.saturating_sub(r);
            let hi = (k + r).min(n - 1);
            let sum: u32 = (lo..=hi).map(|j| u32::from(g.data[at(line, j)])).sum();
            out.data[at(line, k)] = (sum / (hi - lo + 1) as u32) as u8;
        }
    }
    out
}

/// Scales every pixel by `factor` (darkening below 1).
pub fn scale_brightness(g: &mut Gray, factor: f64) {
    for v in &mut g.data {
        *v = (f64::from(*v) * factor).clamp(0.0, 255.0) as u8;
    }
}

/// Paints a saturated white ellipse-ish disc of radius `r` at (`cx`, `cy`):
/// a lamp's reflection on glossy paper.
pub fn glare_spot(g: &mut Gray, cx: u32, cy: u32, r: u32) {
    let r2 = i64::from(r) * i64::from(r);
    for y in cy.saturating_sub(r)..(cy + r).min(g.height) {
        for x in cx.saturating_sub(r)..(cx + r).min(g.width) {
            let (dx, dy) = (i64::from(x) - i64::from(cx), i64::from(y) - i64::from(cy));
            if dx * dx + dy * dy <= r2 {
                g.data[y as usize * g.width as usize + x as usize] = 255;
            }
        }
    }
}

/// A photo-like capture: a text page turned by `skew_deg`, lit unevenly,
/// with sensor noise, filling a `width`×`height` frame.
pub fn photo_like(width: u32, height: u32, skew_deg: f64, seed: u64) -> Gray {
    let mut g = text_page(width, height, 225, seed);
    g = g.rotate(skew_deg, 225);
    uneven_light(&mut g, 35);
    add_noise(&mut g, 8, seed ^ 0x55);
    g
}

/// A photo of `page` lying on a table of level `table`: the page's corners
/// land at `corners` (top-left, top-right, bottom-right, bottom-left) in a
/// `width`×`height` frame; a little noise over all.
pub fn on_table(
    page: &Gray,
    width: u32,
    height: u32,
    corners: &crate::page::Quad,
    table: u8,
    seed: u64,
) -> Gray {
    let mut frame = Gray::filled(width, height, table);
    place(page, &mut frame, corners);
    add_noise(&mut frame, 5, seed);
    frame
}

/// Draws `page` into `frame` in perspective, its corners landing at
/// `corners` (top-left, top-right, bottom-right, bottom-left), sampling
/// bilinearly (so `page` should be at about the frame's scale). Returns the
/// mask of the frame's pixels that the page covers (255) or not (0); an
/// all-zero mask when the corners are degenerate.
pub fn place(page: &Gray, frame: &mut Gray, corners: &crate::page::Quad) -> Gray {
    let (width, height) = (frame.width, frame.height);
    let mut mask = Gray::filled(width, height, 0);
    // The inverse map: frame → page, from the corners back to the page's
    // own rectangle.
    let rect: crate::page::Quad = [
        (0.0, 0.0),
        (f64::from(page.width), 0.0),
        (f64::from(page.width), f64::from(page.height)),
        (0.0, f64::from(page.height)),
    ];
    let Some(inverse) = reverse_homography(corners, &rect) else {
        return mask;
    };
    let (pw, ph) = (page.width as usize, page.height as usize);
    if pw < 2 || ph < 2 {
        return mask;
    }
    for y in 0..height {
        for x in 0..width {
            let (u, v) = crate::page::apply(&inverse, f64::from(x) + 0.5, f64::from(y) + 0.5);
            if u < 0.0 || v < 0.0 || u >= f64::from(page.width) || v >= f64::from(page.height) {
                continue;
            }
            // Bilinear between pixel centres, clamped at the page's edges.
            let (fu, fv) = ((u - 0.5).max(0.0), (v - 0.5).max(0.0));
            let (x0, y0) = ((fu as usize).min(pw - 2), (fv as usize).min(ph - 2));
            let (ax, ay) = ((fu - x0 as f64).min(1.0), (fv - y0 as f64).min(1.0));
            let p = |xx: usize, yy: usize| f64::from(page.data[yy * pw + xx]);
            let top = p(x0, y0) * (1.0 - ax) + p(x0 + 1, y0) * ax;
            let bottom = p(x0, y0 + 1) * (1.0 - ax) + p(x0 + 1, y0 + 1) * ax;
            let i = (y * width + x) as usize;
            frame.data[i] = (top * (1.0 - ay) + bottom * ay).round() as u8;
            mask.data[i] = 255;
        }
    }
    mask
}

/// A wooden table top around `level`: grain running along x (slowly
/// wandering stripes), broad patches of lighter and darker wood, and fine
/// texture; deterministic for a `seed`.
pub fn table_texture(width: u32, height: u32, level: u8, seed: u64) -> Gray {
    let mut rng = Rng::new(seed);
    // Broad patches: a coarse random grid, upsampled smoothly.
    let coarse = |rng: &mut Rng, cells: u32, amp: u32| -> Option<Gray> {
        let (cw, ch) = (cells.max(2), (cells * height / width.max(1)).max(2));
        let data = (0..cw * ch).map(|_| rng.range(0, amp) as u8).collect();
        Gray {
            width: cw,
            height: ch,
            data,
        }
        .resize(width, height)
    };
    let patches = coarse(&mut rng, 8, 40);
    let wander = coarse(&mut rng, 6, 255);
    let period = 18.0 + f64::from(rng.range(0, 14));
    let mut g = Gray::filled(width, height, level);
    for y in 0..height {
        for x in 0..width {
            let i = (y * width + x) as usize;
            let patch = patches.as_ref().map_or(20.0, |p| f64::from(p.data[i]));
            let phase = wander.as_ref().map_or(0.0, |w| f64::from(w.data[i])) / 255.0 * 3.0;
            let grain = ((f64::from(y) / period + phase) * std::f64::consts::TAU).sin();
            let fine = f64::from(rng.range(0, 9)) - 4.0;
            let v = f64::from(level) + (patch - 20.0) + grain * 9.0 + fine;
            g.data[i] = v.clamp(0.0, 255.0) as u8;
        }
    }
    g
}

/// The homography taking quad `from` onto quad `to`, via the unit square.
fn reverse_homography(from: &crate::page::Quad, to: &crate::page::Quad) -> Option<[f64; 8]> {
    // from = A(square), to = B(square): to = B∘A⁻¹(from). Compose as 3×3.
    let a = crate::page::homography(1.0, 1.0, from)?;
    let b = crate::page::homography(1.0, 1.0, to)?;
    let m = |h: &[f64; 8]| [[h[0], h[1], h[2]], [h[3], h[4], h[5]], [h[6], h[7], 1.0]];
    let (ma, mb) = (m(&a), m(&b));
    let inv = invert3(&ma)?;
    let mut c = [[0.0; 3]; 3];
    for (i, row) in c.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = (0..3).map(|k| mb[i][k] * inv[k][j]).sum();
        }
    }
    let s = c[2][2];
    if s.abs() < 1e-12 {
        return None;
    }
    Some([
        c[0][0] / s,
        c[0][1] / s,
        c[0][2] / s,
        c[1][0] / s,
        c[1][1] / s,
        c[1][2] / s,
        c[2][0] / s,
        c[2][1] / s,
    ])
}

fn invert3(m: &[[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if det.abs() < 1e-12 {
        return None;
    }
    let c =
        |r0: usize, c0: usize, r1: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
    Some([
        [
            c(1, 1, 2, 2) / det,
            -c(0, 1, 2, 2) / det,
            c(0, 1, 1, 2) / det,
        ],
        [
            -c(1, 0, 2, 2) / det,
            c(0, 0, 2, 2) / det,
            -c(0, 0, 1, 2) / det,
        ],
        [
            c(1, 0, 2, 1) / det,
            -c(0, 0, 2, 1) / det,
            c(0, 0, 1, 1) / det,
        ],
    ])
}
