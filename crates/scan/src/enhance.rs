//! Clean-up of text pages: uneven light removed by dividing by an estimate
//! of the paper's brightness, then a contrast stretch that makes the paper
//! pure white (which also keeps the JPEG small) and the ink dark.

use crate::gray::Gray;

/// Side, in pixels, of the cells over which the paper brightness is
/// estimated: well above a character's size at analysis and 200 DPI
/// scales, well below the scale of a lamp's falloff.
const CELL: u32 = 24;
/// After flattening, anything at least this bright is paper: set to white.
pub const WHITE_POINT: u8 = 225;
/// The darkest level the black point may be moved up to.
const MAX_BLACK_POINT: u8 = 110;

/// Divides out the paper's brightness so that paper becomes ≈255
/// everywhere, however the page was lit. The background is each cell's
/// bright level (its 90th percentile, so ink does not count), smoothed over
/// neighbouring cells and interpolated bilinearly.
pub fn flatten(g: &Gray) -> Gray {
    if g.data.is_empty() {
        return g.clone();
    }
    let cw = g.width.div_ceil(CELL);
    let ch = g.height.div_ceil(CELL);
    let mut cells = vec![0u8; (cw * ch) as usize];
    crate::gray::par_rows(&mut cells, cw as usize, g.data.len(), |cy, row| {
        let cy = cy as u32;
        for (cx, cell) in (0..cw).zip(row.iter_mut()) {
            let mut hist = [0u32; 256];
            let (x0, y0) = (cx * CELL, cy * CELL);
            let (x1, y1) = ((x0 + CELL).min(g.width), (y0 + CELL).min(g.height));
            for y in y0..y1 {
                let row = &g.data[(y * g.width) as usize..][..g.width as usize];
                for &v in &row[x0 as usize..x1 as usize] {
                    hist[v as usize] += 1;
                }
            }
            let n: u32 = (x1 - x0) * (y1 - y0);
            let target = n - n / 10;
            let mut seen = 0;
            let mut p90 = 255u8;
            for (v, &c) in hist.iter().enumerate() {
                seen += c;
                if seen >= target {
                    p90 = v as u8;
                    break;
                }
            }
            *cell = p90;
        }
    });
    // Cells full of ink (a photo, a thick heading) read too dark: take the
    // brightest neighbour, then smooth with a 3×3 mean.
    let cells = max3(&cells, cw, ch);
    let cells = mean3(&cells, cw, ch);
    // Upsampled bilinearly (cell centres to pixel centres) by the resizer,
    // then divided through a reciprocal table: integer work per pixel.
    let grid = Gray {
        width: cw,
        height: ch,
        data: cells,
    };
    let background = match grid.resize(g.width, g.height) {
        Some(b) => b,
        None => return g.clone(),
    };
    let mut recip = [0u32; 256];
    for (b, r) in recip.iter_mut().enumerate() {
        *r = (255 << 16) / (b as u32).max(16);
    }
    let w = g.width as usize;
    let mut data = vec![0u8; g.data.len()];
    crate::gray::par_rows(&mut data, w, g.data.len(), |y, out| {
        let (src, bg) = (&g.data[y * w..][..w], &background.data[y * w..][..w]);
        for ((o, &v), &b) in out.iter_mut().zip(src).zip(bg) {
            *o = ((u32::from(v) * recip[b as usize]) >> 16).min(255) as u8;
        }
    });
    Gray {
        width: g.width,
        height: g.height,
        data,
    }
}

pub(crate) fn max3(c: &[u8], w: u32, h: u32) -> Vec<u8> {
    neighbourhood(c, w, h, |vals| vals.iter().copied().max().unwrap_or(0))
}

pub(crate) fn mean3(c: &[u8], w: u32, h: u32) -> Vec<u8> {
    neighbourhood(c, w, h, |vals| {
        let s: u32 = vals.iter().map(|&v| u32::from(v)).sum();
        (s / vals.len().max(1) as u32) as u8
    })
}

fn neighbourhood(c: &[u8], w: u32, h: u32, f: impl Fn(&[u8]) -> u8) -> Vec<u8> {
    let mut out = vec![0u8; c.len()];
    let mut vals = Vec::with_capacity(9);
    for y in 0..h {
        for x in 0..w {
            vals.clear();
            for yy in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for xx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    vals.push(c[(yy * w + xx) as usize]);
                }
            }
            out[(y * w + x) as usize] = f(&vals);
        }
    }
    out
}

/// Stretches a flattened page: at least [`WHITE_POINT`] becomes white, and
/// the median ink level (of pixels below 128, at most [`MAX_BLACK_POINT`])
/// becomes black, so that strokes are solid, which reads better and
/// compresses better than noisy gray ink.
pub fn stretch(g: &mut Gray) {
    let hist = g.histogram();
    let mut ink = [0u64; 256];
    ink[..128].copy_from_slice(&hist[..128]);
    let black = crate::gray::percentile_of(&ink, 50.0).min(MAX_BLACK_POINT);
    let white = WHITE_POINT.max(black.saturating_add(16));
    let mut lut = [0u8; 256];
    for (v, out) in lut.iter_mut().enumerate() {
        let v = v as i32;
        let (b, w) = (i32::from(black), i32::from(white));
        *out = ((v - b) * 255 / (w - b)).clamp(0, 255) as u8;
    }
    for v in &mut g.data {
        *v = lut[*v as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth;

    #[test]
    fn uneven_light_becomes_even_white_paper() {
        let clean = synth::text_page(800, 1000, 230, 5);
        let mut lit = clean.clone();
        synth::uneven_light(&mut lit, 60);
        // Before: paper ranges from 230 down to ~92 across the page.
        assert!(lit.get(790, 990) < 110);
        let mut out = flatten(&lit);
        stretch(&mut out);
        // After: paper is white in both corners, ink stays dark.
        for &(x, y) in &[(5, 5), (795, 995), (400, 5), (5, 995)] {
            assert!(
                out.get(x, y) >= 250,
                "paper at ({x},{y}) = {}",
                out.get(x, y)
            );
        }
        let ink_clean = clean.data.iter().filter(|&&v| v < 100).count();
        let ink_out = out.data.iter().filter(|&&v| v < 100).count();
        let ratio = ink_out as f64 / ink_clean as f64;
        assert!((0.8..1.2).contains(&ratio), "ink ratio {ratio}");
    }

    #[test]
    fn flatten_handles_tiny_and_uniform_images() {
        for (w, h) in [(1, 1), (1, 50), (50, 1), (25, 25)] {
            let g = Gray::filled(w, h, 0);
            let f = flatten(&g);
            assert_eq!(f.data.len(), g.data.len());
        }
        let mut g = Gray::filled(100, 100, 200);
        let mut f = flatten(&g);
        stretch(&mut f);
        assert!(f.data.iter().all(|&v| v == 255));
        stretch(&mut g);
    }
}
