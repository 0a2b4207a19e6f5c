//! Skew estimation for text pages by projection profiles: the angle at
//! which the dark pixels' row histogram is most peaked is the angle of the
//! text lines.

use crate::gray::Gray;

/// Largest skew searched, in degrees either way.
pub const MAX_SKEW_DEG: f64 = 15.0;
/// Fewer dark pixels than this: too little text to measure (skew 0).
const MIN_POINTS: usize = 200;
/// The best angle's profile score must be this many times the median
/// angle's, else nothing lines up (a photo, a pattern) and the page is left
/// as it is. Text pages score about 2.4 at any skew, checkerboards and
/// noise about 1.0 (see the tests).
const MIN_PEAK_RATIO: f64 = 1.4;
/// At most this many dark pixels are used (evenly subsampled).
const MAX_POINTS: usize = 60_000;

/// Estimates the skew of the text lines in a *flattened* gray image
/// (paper near white, ink dark; see [`crate::enhance::flatten`]), in
/// degrees: positive when lines rise to the right, i.e. the page was turned
/// counter-clockwise. Turning the image by the negative of the result
/// straightens it. Returns 0 when there is too little ink to tell.
pub fn estimate_skew(flat: &Gray) -> f64 {
    measure_skew(flat).deg
}

/// A skew estimate and how clear it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skew {
    /// As [`estimate_skew`] returns it.
    pub deg: f64,
    /// The profile's score at that angle over its median score across the
    /// ±[`MAX_SKEW_DEG`] sweep: lines of text give about 2 and more, an ID
    /// card about 1.6, a photo without lines little above 1; 0 when there
    /// was too little ink to measure.
    pub strength: f64,
}

/// [`estimate_skew`], with the strength of the estimate.
pub fn measure_skew(flat: &Gray) -> Skew {
    let points = dark_points(flat, 128);
    if points.len() < MIN_POINTS {
        return Skew {
            deg: 0.0,
            strength: 0.0,
        };
    }
    let height_bins = (flat.width + flat.height) as usize * 2 + 4;
    let mut hist = vec![0u32; height_bins];
    let mut score_at = |deg: f64| -> f64 { profile_score(&points, deg, &mut hist, flat.width) };
    // Coarse: every 0.5°, then fine: every 0.1° around the best coarse one.
    let mut best = (0.0, f64::MIN);
    let mut coarse_scores = Vec::with_capacity(64);
    let mut a = -MAX_SKEW_DEG;
    while a <= MAX_SKEW_DEG + 1e-9 {
        let s = score_at(a);
        coarse_scores.push(s);
        if s > best.1 {
            best = (a, s);
        }
        a += 0.5;
    }
    coarse_scores.sort_by(f64::total_cmp);
    let median = coarse_scores
        .get(coarse_scores.len() / 2)
        .copied()
        .unwrap_or(0.0);
    let strength_of = |score: f64| if median > 0.0 { score / median } else { 0.0 };
    // Nothing lines up (a photo, a pattern): leave the page as it is.
    if strength_of(best.1) < MIN_PEAK_RATIO {
        return Skew {
            deg: 0.0,
            strength: strength_of(best.1),
        };
    }
    let coarse = best.0;
    for k in -5..=5 {
        let a = coarse + f64::from(k) * 0.1;
        let s = score_at(a);
        if s > best.1 {
            best = (a, s);
        }
    }
    Skew {
        // Round to 0.1° to report exactly what was searched.
        deg: (best.0 * 10.0).round() / 10.0,
        strength: strength_of(best.1),
    }
}

/// Dark pixel coordinates, evenly subsampled to at most [`MAX_POINTS`].
fn dark_points(g: &Gray, threshold: u8) -> Vec<(f32, f32)> {
    let total = g.data.iter().filter(|&&v| v < threshold).count();
    let step = total.div_ceil(MAX_POINTS).max(1);
    let mut points = Vec::with_capacity(total.min(MAX_POINTS) + 1);
    let mut k = 0usize;
    for (i, &v) in g.data.iter().enumerate() {
        if v < threshold {
            if k.is_multiple_of(step) {
                let x = (i % g.width as usize) as f32;
                let y = (i / g.width as usize) as f32;
                points.push((x, y));
            }
            k += 1;
        }
    }
    points
}

/// Sum of squared row counts after projecting along lines at `deg`.
fn profile_score(points: &[(f32, f32)], deg: f64, hist: &mut [u32], width: u32) -> f64 {
    hist.iter_mut().for_each(|h| *h = 0);
    let (sin, cos) = deg.to_radians().sin_cos();
    let (sin, cos) = (sin as f32, cos as f32);
    // y' = y·cos + x·sin is constant along a line rising at `deg`;
    // offset by the width so that it never goes negative.
    let offset = width as f32;
    let last = hist.len() - 1;
    for &(x, y) in points {
        let b = (y * cos + x * sin + offset) as usize;
        hist[b.min(last)] += 1;
    }
    hist.iter().map(|&c| f64::from(c) * f64::from(c)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enhance::flatten;
    use crate::synth;

    #[test]
    fn finds_known_angles_within_half_a_degree() {
        for (i, &deg) in [
            1.0, -1.0, 2.5, -3.0, 4.2, -5.0, 7.0, -8.3, 10.0, -10.0, 0.0, 12.5,
        ]
        .iter()
        .enumerate()
        {
            let mut g = synth::text_page(900, 1200, 230, i as u64 + 1);
            g = g.rotate(deg, 230);
            synth::add_noise(&mut g, 15, i as u64);
            let flat = flatten(&g);
            let est = estimate_skew(&flat);
            assert!((est - deg).abs() <= 0.5, "turned {deg}°, estimated {est}°");
            // And the residual after correction measures ≈ 0.
            let fixed = flat.rotate(-est, 255);
            let residual = estimate_skew(&fixed);
            assert!(residual.abs() <= 0.5, "turned {deg}°, residual {residual}°");
        }
    }

    #[test]
    fn finds_skew_under_uneven_light() {
        let mut g = synth::text_page(900, 1200, 230, 99);
        g = g.rotate(-6.0, 230);
        synth::uneven_light(&mut g, 50);
        let est = estimate_skew(&flatten(&g));
        assert!((est + 6.0).abs() <= 0.5, "estimated {est}°");
    }

    #[test]
    fn patterns_without_text_lines_are_not_turned() {
        // A checkerboard (the SANE test scanner's "Grid" page) and a noisy
        // photo-like patch: no angle stands out, so nothing is corrected.
        let mut grid = Gray::filled(900, 1200, 255);
        for y in 0..1200u32 {
            for x in 0..900u32 {
                if ((x / 40) + (y / 40)) % 2 == 0 {
                    grid.data[(y * 900 + x) as usize] = 0;
                }
            }
        }
        assert_eq!(estimate_skew(&flatten(&grid)), 0.0);
        assert_eq!(estimate_skew(&flatten(&grid.rotate(7.0, 255))), 0.0);
        let mut photo = Gray::filled(900, 1200, 128);
        synth::add_noise(&mut photo, 120, 4);
        assert_eq!(estimate_skew(&flatten(&photo)), 0.0);
    }

    #[test]
    fn text_lines_are_a_strong_skew_and_a_photo_a_weak_one() {
        let text = flatten(&synth::photo_like(900, 1200, 3.0, 4));
        let s = measure_skew(&text);
        assert!((s.deg - 3.0).abs() <= 0.5 && s.strength > 1.8, "{s:?}");
        let photo = crate::colour::synth::photo(1200, 900, 10).to_planes().0;
        let s = measure_skew(&flatten(&photo));
        assert!(s.strength < 1.3, "{s:?}");
    }

    #[test]
    fn blank_page_has_no_skew() {
        let mut g = Gray::filled(600, 800, 220);
        synth::add_noise(&mut g, 10, 3);
        assert_eq!(estimate_skew(&flatten(&g)), 0.0);
    }
}
