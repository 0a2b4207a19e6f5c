//! Page detection and perspective correction: the sheet of paper is the
//! largest bright region of the frame (paper on a darker table); its four
//! corners give a homography that maps it back to a rectangle.

use crate::gray::Gray;

/// Longer side of the copy on which the page is looked for.
const DETECT_SIDE: u32 = 400;
/// A bright region smaller than this share of the frame is not a page.
const MIN_PAGE_SHARE: f64 = 0.15;
/// Larger than this, the page fills the frame (a flatbed scan, a close
/// photo): nothing to crop.
const MAX_PAGE_SHARE: f64 = 0.95;
/// Paper and table must differ by at least this much in mean level.
const MIN_CONTRAST: f64 = 35.0;
/// The region touches the frame's edge along more than this share of the
/// frame's width + height: part of the page is outside the photo.
const CUT_OFF_SHARE: f64 = 0.03;

/// Corners of a page, in pixels of the image it was found in: top-left,
/// top-right, bottom-right, bottom-left.
pub type Quad = [(f64, f64); 4];

/// What [`detect`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Detection {
    /// A whole page, lying on a darker background.
    Page(Quad),
    /// A page that runs off the edge of the frame.
    CutOff,
    /// No page edge in view: the page fills the frame, or there is no
    /// contrast between paper and background.
    FillsFrame,
}

/// Looks for the page in `g` (any size; it is shrunk for the search).
pub fn detect(g: &Gray) -> Detection {
    let Some(small) = g.fit_within(DETECT_SIDE) else {
        return Detection::FillsFrame;
    };
    let (w, h) = (small.width as usize, small.height as usize);
    if w < 8 || h < 8 {
        return Detection::FillsFrame;
    }
    let Some(t) = otsu(&small) else {
        return Detection::FillsFrame;
    };
    // The largest 4-connected region brighter than the threshold.
    let bright: Vec<bool> = small.data.iter().map(|&v| v > t).collect();
    let mut label = vec![0u32; w * h];
    let mut best = (0u32, 0usize);
    let mut next = 0u32;
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !bright[start] || label[start] != 0 {
            continue;
        }
        next += 1;
        let mut size = 0usize;
        label[start] = next;
        stack.push(start);
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = (i % w, i / w);
            let mut visit = |j: usize| {
                if bright[j] && label[j] == 0 {
                    label[j] = next;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        if size > best.1 {
            best = (next, size);
        }
    }
    // Holes (the text) count as page: the region's area is taken row by
    // row between its leftmost and rightmost pixel.
    let mut on_edge = 0usize;
    let mut filled = 0usize;
    let mut corners = [(0usize, 0usize); 4];
    // Extremes of x+y (min, max) and x−y (max, min): the four corners.
    let mut keys = [i64::MAX, i64::MIN, i64::MIN, i64::MAX];
    for y in 0..h {
        let row = &label[y * w..(y + 1) * w];
        let Some(first) = row.iter().position(|&l| l == best.0) else {
            continue;
        };
        let last = row.iter().rposition(|&l| l == best.0).unwrap_or(first);
        filled += last - first + 1;
        if y == 0 || y + 1 == h {
            on_edge += row.iter().filter(|&&l| l == best.0).count();
        } else {
            on_edge += usize::from(first == 0) + usize::from(last + 1 == w);
        }
        for x in [first, last] {
            let (s, d) = ((x + y) as i64, x as i64 - y as i64);
            if s < keys[0] {
                keys[0] = s;
                corners[0] = (x, y);
            }
            if d > keys[1] {
                keys[1] = d;
                corners[1] = (x, y);
            }
            if s > keys[2] {
                keys[2] = s;
                corners[2] = (x, y);
            }
            if d < keys[3] {
                keys[3] = d;
                corners[3] = (x, y);
            }
        }
    }
    let share = filled as f64 / (w * h) as f64;
    if share > MAX_PAGE_SHARE {
        return Detection::FillsFrame;
    }
    if share < MIN_PAGE_SHARE {
        return Detection::FillsFrame;
    }
    if on_edge as f64 > CUT_OFF_SHARE * (w + h) as f64 {
        return Detection::CutOff;
    }
    let scale_x = f64::from(g.width) / w as f64;
    let scale_y = f64::from(g.height) / h as f64;
    let quad: Quad = corners.map(|(x, y)| ((x as f64 + 0.5) * scale_x, (y as f64 + 0.5) * scale_y));
    // A page is a quadrilateral: the region must fill most of its corners'
    // polygon (a blob of light or a hand does not).
    let quad_area = polygon_area(&corners.map(|(x, y)| (x as f64, y as f64)));
    if quad_area <= 0.0 || (filled as f64) < 0.85 * quad_area {
        return Detection::FillsFrame;
    }
    Detection::Page(quad)
}

/// Otsu's threshold, or `None` when the two classes are too close to be
/// paper and table (or paper and ink).
fn otsu(g: &Gray) -> Option<u8> {
    let hist = g.histogram();
    let total: f64 = hist.iter().map(|&c| c as f64).sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(v, &c)| v as f64 * c as f64)
        .sum();
    let (mut w0, mut sum0) = (0.0, 0.0);
    let mut best = (0u8, 0.0f64, 0.0f64);
    for (t, &c) in hist.iter().enumerate() {
        w0 += c as f64;
        sum0 += t as f64 * c as f64;
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0, (sum_all - sum0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best.1 {
            best = (t as u8, between, m1 - m0);
        }
    }
    (best.2 >= MIN_CONTRAST).then_some(best.0)
}

fn polygon_area(p: &[(f64, f64); 4]) -> f64 {
    let mut a = 0.0;
    for i in 0..4 {
        let (x0, y0) = p[i];
        let (x1, y1) = p[(i + 1) % 4];
        a += x0 * y1 - x1 * y0;
    }
    a.abs() / 2.0
}

/// The page's size in source pixels: mean lengths of opposite sides.
pub fn quad_size(q: &Quad) -> (f64, f64) {
    let d = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    (
        (d(q[0], q[1]) + d(q[3], q[2])) / 2.0,
        (d(q[0], q[3]) + d(q[1], q[2])) / 2.0,
    )
}

/// A page's proportions within this share of A4's (portrait or landscape)
/// are taken as A4: perspective makes the measured ones a little off, and
/// most papers in a dossier are A4.
const A4_SNAP: f64 = 0.06;

/// [`quad_size`], snapped to A4 proportions (same area) when close to them.
pub fn page_size(q: &Quad) -> (f64, f64) {
    let (w, h) = quad_size(q);
    if w <= 0.0 || h <= 0.0 {
        return (w, h);
    }
    let a4 = std::f64::consts::FRAC_1_SQRT_2;
    let area = w * h;
    if (w / h - a4).abs() / a4 < A4_SNAP {
        ((area * a4).sqrt(), (area / a4).sqrt())
    } else if (h / w - a4).abs() / a4 < A4_SNAP {
        ((area / a4).sqrt(), (area * a4).sqrt())
    } else {
        (w, h)
    }
}

/// The output size of the page in a `width`×`height` image, its corners at
/// `quad` (`None`: the whole image): [`crate::target_size`] of the page's
/// own size.
pub fn output_size(quad: Option<&Quad>, width: u32, height: u32) -> (u32, u32) {
    match quad {
        Some(q) => {
            let (qw, qh) = page_size(q);
            crate::target_size(qw.round() as u32, qh.round() as u32)
        }
        None => crate::target_size(width, height),
    }
}

/// The page cut out of `src` by `quad` (the whole image when `None`) and
/// resampled to `w`×`h`; pixels outside `src` become `fill`. Bilinear
/// sampling does not average: when the page shrinks by more than
/// 1/0.7 (the crate's `PRESHRINK_BELOW`), the whole image is first shrunk to the
/// output's scale (area averaging), then warped about 1:1. `src` is taken
/// by value so that it is freed as soon as it is no longer needed. The
/// luma and each chroma plane of a colour page go through here alike.
pub fn rectify(src: Gray, quad: Option<&Quad>, w: u32, h: u32, fill: u8) -> Option<Gray> {
    let Some(q) = quad else {
        return src.resize(w, h);
    };
    let (qw, _) = page_size(q);
    let s = f64::from(w) / qw.max(1.0);
    if s >= crate::PRESHRINK_BELOW {
        return warp(&src, q, w, h, fill);
    }
    let (gw, gh) = (f64::from(src.width), f64::from(src.height));
    let shrunk = src.resize(
        ((gw * s).round() as u32).max(2),
        ((gh * s).round() as u32).max(2),
    )?;
    drop(src);
    let (sx, sy) = (f64::from(shrunk.width) / gw, f64::from(shrunk.height) / gh);
    let q = q.map(|(x, y)| (x * sx, y * sy));
    warp(&shrunk, &q, w, h, fill)
}

/// The homography taking the rectangle (0,0)–(w,h) onto `q` (corners in
/// the same order), as 8 coefficients (h33 = 1); `None` when degenerate.
pub fn homography(w: f64, h: f64, q: &Quad) -> Option<[f64; 8]> {
    let src = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let mut m = [[0.0f64; 9]; 8];
    for k in 0..4 {
        let ((u, v), (x, y)) = (src[k], q[k]);
        m[2 * k] = [u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x, x];
        m[2 * k + 1] = [0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y, y];
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    let mut out = [0.0; 8];
    for (i, o) in out.iter_mut().enumerate() {
        *o = m[i][8] / m[i][i];
    }
    Some(out)
}

/// Maps (u, v) through a homography from [`homography`].
pub fn apply(hm: &[f64; 8], u: f64, v: f64) -> (f64, f64) {
    let d = hm[6] * u + hm[7] * v + 1.0;
    (
        (hm[0] * u + hm[1] * v + hm[2]) / d,
        (hm[3] * u + hm[4] * v + hm[5]) / d,
    )
}

/// Samples `src` inside `q` onto a `w`×`h` rectangle (bilinear); pixels
/// that fall outside `src` become `fill`. `src` should already be at about
/// the output's scale (shrink it first), as bilinear sampling does not
/// average over larger areas.
pub fn warp(src: &Gray, q: &Quad, w: u32, h: u32, fill: u8) -> Option<Gray> {
    let hm = homography(f64::from(w), f64::from(h), q)?;
    let mut out = Gray::filled(w, h, fill);
    let (sw, sh) = (src.width as usize, src.height as usize);
    if sw < 2 || sh < 2 {
        return None;
    }
    // Source coordinates in 16.16 fixed point; inside while x < sw − 1 and
    // y < sh − 1, so that the pixel to the right and below exist.
    let (x_end, y_end) = (((sw - 1) as i64) << 16, ((sh - 1) as i64) << 16);
    for v in 0..h {
        let vf = f64::from(v) + 0.5;
        // The source point of output pixel centre u + 0.5 on this row.
        let at = |u: f64| -> Option<(f64, f64)> {
            let d = hm[6] * u + hm[7] * vf + 1.0;
            (d.abs() > 1e-12).then(|| {
                (
                    (hm[0] * u + hm[1] * vf + hm[2]) / d - 0.5,
                    (hm[3] * u + hm[4] * vf + hm[5]) / d - 0.5,
                )
            })
        };
        let row = &mut out.data[(v * w) as usize..][..w as usize];
        // Exact every WARP_SPAN pixels, linear in between: over so short
        // a span a page's perspective bends the path by far less than
        // 1/256 pixel, and the inner loop needs no division.
        for (k, span) in row.chunks_mut(WARP_SPAN).enumerate() {
            let u0 = (k * WARP_SPAN) as f64 + 0.5;
            let (Some((x0, y0)), Some((x1, y1))) = (at(u0), at(u0 + span.len() as f64)) else {
                continue;
            };
            let n = span.len() as f64;
            let fixed = |c: f64| (c * 65536.0).round() as i64;
            let (mut x, mut y) = (fixed(x0), fixed(y0));
            let (dx, dy) = (fixed((x1 - x0) / n), fixed((y1 - y0) / n));
            for px in span.iter_mut() {
                if x >= 0 && y >= 0 && x < x_end && y < y_end {
                    let (x0, y0) = ((x >> 16) as usize, (y >> 16) as usize);
                    let fx = ((x >> 8) & 0xFF) as u32;
                    let fy = ((y >> 8) & 0xFF) as u32;
                    let i = y0 * sw + x0;
                    let p = |j: usize| u32::from(src.data[j]);
                    let top = p(i) * (256 - fx) + p(i + 1) * fx;
                    let bottom = p(i + sw) * (256 - fx) + p(i + sw + 1) * fx;
                    *px = ((top * (256 - fy) + bottom * fy + (1 << 15)) >> 16) as u8;
                }
                x += dx;
                y += dy;
            }
        }
    }
    Some(out)
}

/// Output pixels between exact evaluations of the homography in [`warp`].
const WARP_SPAN: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth;

    fn near(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
        (a.0 - b.0).abs() <= tol && (a.1 - b.1).abs() <= tol
    }

    #[test]
    fn near_a4_proportions_snap_to_a4() {
        let quad = |w: f64, h: f64| -> Quad { [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)] };
        let (w, h) = page_size(&quad(1550.0, 2100.0));
        assert!(
            (w / h - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-3
                && (w * h - 1550.0 * 2100.0).abs() < 1.0
        );
        let (w, h) = page_size(&quad(2100.0, 1550.0));
        assert!((h / w - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-3);
        // An ID card (85.6 × 54 mm) keeps its own shape.
        assert_eq!(page_size(&quad(856.0, 540.0)), (856.0, 540.0));
    }

    #[test]
    fn homography_maps_corners() {
        let q: Quad = [(10.0, 20.0), (300.0, 5.0), (320.0, 400.0), (0.0, 380.0)];
        let hm = homography(200.0, 300.0, &q).unwrap_or_else(|| panic!("degenerate"));
        for ((u, v), c) in [(0.0, 0.0), (200.0, 0.0), (200.0, 300.0), (0.0, 300.0)]
            .into_iter()
            .zip(q)
        {
            assert!(near(apply(&hm, u, v), c, 1e-6));
        }
        assert!(homography(1.0, 1.0, &[(0.0, 0.0); 4]).is_none());
    }

    #[test]
    fn finds_a_page_on_a_table_and_straightens_it() {
        let page = synth::text_page(600, 850, 225, 3);
        let corners: Quad = [
            (260.0, 140.0),
            (930.0, 190.0),
            (900.0, 1080.0),
            (190.0, 1030.0),
        ];
        let frame = synth::on_table(&page, 1200, 1200, &corners, 70, 4);
        let Detection::Page(found) = detect(&frame) else {
            panic!("no page: {:?}", detect(&frame));
        };
        for (f, c) in found.iter().zip(corners) {
            assert!(near(*f, c, 12.0), "found {found:?}, want {corners:?}");
        }
        let (w, h) = quad_size(&found);
        let flat =
            warp(&frame, &found, w as u32, h as u32, 255).unwrap_or_else(|| panic!("degenerate"));
        // The rectified page has no table left at its edges (its margins
        // are paper) and straight lines.
        let (fw, fh) = (flat.width, flat.height);
        let ring: Vec<u8> = (0..fw)
            .flat_map(|x| [flat.get(x, 2), flat.get(x, fh - 3)])
            .chain((0..fh).flat_map(|y| [flat.get(2, y), flat.get(fw - 3, y)]))
            .collect();
        let mean = ring.iter().map(|&v| f64::from(v)).sum::<f64>() / ring.len() as f64;
        assert!(mean > 200.0, "table left at the edges: mean {mean}");
        let skew = crate::deskew::estimate_skew(&crate::enhance::flatten(&flat));
        assert!(skew.abs() <= 0.5, "{skew}");
    }

    #[test]
    fn warp_matches_the_exact_homography_per_pixel() {
        // A strong keystone and turn, far more than a phone photo has.
        let mut src = synth::text_page(1200, 1000, 220, 11);
        synth::add_noise(&mut src, 20, 12);
        let q: Quad = [
            (150.0, 90.0),
            (1000.0, 160.0),
            (1150.0, 950.0),
            (40.0, 880.0),
        ];
        let (w, h) = (700, 990);
        let fast = warp(&src, &q, w, h, 7).unwrap_or_else(|| panic!("degenerate"));
        let hm = homography(f64::from(w), f64::from(h), &q).unwrap_or_else(|| panic!("degenerate"));
        let sw = src.width as usize;
        let mut differ = 0usize;
        for v in 0..h {
            for u in 0..w {
                let (x, y) = apply(&hm, f64::from(u) + 0.5, f64::from(v) + 0.5);
                let (x, y) = (x - 0.5, y - 0.5);
                let want =
                    if x >= 0.0 && y >= 0.0 && x < (sw - 1) as f64 && y < f64::from(src.height - 1)
                    {
                        let (x0, y0) = (x as usize, y as usize);
                        let (fx, fy) = (x - x0 as f64, y - y0 as f64);
                        let p = |xx: usize, yy: usize| f64::from(src.data[yy * sw + xx]);
                        let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
                        let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
                        (top * (1.0 - fy) + bottom * fy).round() as i32
                    } else {
                        7
                    };
                let got = i32::from(fast.get(u, v));
                assert!((got - want).abs() <= 2, "({u},{v}): {got} vs {want}");
                differ += (got - want).unsigned_abs() as usize;
            }
        }
        // Off by rounding (8-bit weights), never by the linear steps.
        let mean = differ as f64 / f64::from(w * h);
        assert!(mean < 0.2, "mean difference {mean}");
    }

    #[test]
    fn a_page_off_the_edge_is_cut_off() {
        let page = synth::text_page(600, 850, 225, 5);
        let corners: Quad = [
            (-150.0, 100.0),
            (500.0, 120.0),
            (480.0, 1000.0),
            (-170.0, 980.0),
        ];
        let frame = synth::on_table(&page, 1000, 1100, &corners, 60, 6);
        assert_eq!(detect(&frame), Detection::CutOff);
    }

    #[test]
    fn a_full_frame_page_or_a_flat_image_fills_the_frame() {
        let page = synth::text_page(800, 1000, 225, 7);
        assert_eq!(detect(&page), Detection::FillsFrame);
        assert_eq!(detect(&Gray::filled(500, 500, 128)), Detection::FillsFrame);
        assert_eq!(detect(&Gray::filled(3, 2, 0)), Detection::FillsFrame);
    }
}
