//! Quality checks on the analysis copy of a page, each a measured number
//! compared with a threshold that the tests below pin on generated images.

use crate::gray::Gray;

/// A problem with a capture that the citizen can fix by taking it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Warning {
    /// Edges are soft: the page or the camera moved, or was out of focus.
    Blurred,
    /// The paper itself is dark: too little light.
    TooDark,
    /// A saturated bright patch (a lamp reflected on glossy paper).
    Glare,
    /// No ink found: an empty frame, a blank side, or the wrong thing.
    NothingFound,
    /// Part of the page lies outside the photo (see [`crate::page`]).
    PageCutOff,
}

impl Warning {
    /// A stable code for logs, JSON and the UI's string catalogue.
    pub fn code(self) -> &'static str {
        match self {
            Warning::Blurred => "blurred",
            Warning::TooDark => "too_dark",
            Warning::Glare => "glare",
            Warning::NothingFound => "nothing_found",
            Warning::PageCutOff => "page_cut_off",
        }
    }

    /// The advice in plain Vietnamese, addressed to an elderly citizen.
    pub fn message_vi(self) -> &'static str {
        match self {
            Warning::Blurred => "Ảnh bị mờ. Ông/Bà giữ yên tờ giấy và chụp lại.",
            Warning::TooDark => "Ảnh quá tối. Ông/Bà đặt giấy vào chỗ sáng hơn và chụp lại.",
            Warning::Glare => {
                "Ảnh bị lóa sáng. Ông/Bà nghiêng tờ giấy một chút cho hết chỗ lóa rồi chụp lại."
            }
            Warning::NothingFound => {
                "Không thấy chữ trên giấy. Ông/Bà đặt đúng mặt có chữ lên và chụp lại."
            }
            Warning::PageCutOff => {
                "Tờ giấy bị mất một phần. Ông/Bà đặt cả tờ giấy vào trong khung rồi chụp lại."
            }
        }
    }
}

/// The measurements behind the warnings (for logs and threshold tuning).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measures {
    /// Σ Laplacian² / Σ gradient² over edge pixels: about 1/(edge width)²,
    /// independent of contrast and of how much text there is.
    pub sharpness: f64,
    /// 90th percentile of the raw luminance: the paper's brightness.
    pub paper_level: u8,
    /// Share of the image in cells that are almost entirely saturated.
    pub glare_share: f64,
    /// Share of ink pixels in the flattened image.
    pub ink_share: f64,
}

/// Below this sharpness the page is reported blurred.
pub const MIN_SHARPNESS: f64 = 0.12;
/// Paper darker than this is reported too dark.
pub const MIN_PAPER_LEVEL: u8 = 90;
/// A glare patch covering at least this share of the frame is reported…
pub const MIN_GLARE_SHARE: f64 = 0.004;
/// …unless the paper itself is this bright (a flatbed scan is all white).
const SCAN_PAPER_LEVEL: u8 = 245;
/// Less ink than this share of the page: nothing found.
pub const MIN_INK_SHARE: f64 = 0.002;
/// Cell side for the glare check.
const GLARE_CELL: u32 = 16;

/// Measures `raw` (the decoded page, downscaled) and `flat` (the same,
/// flattened by [`crate::enhance::flatten`]).
pub fn measure(raw: &Gray, flat: &Gray) -> Measures {
    Measures {
        sharpness: sharpness(flat),
        paper_level: raw.percentile(90.0),
        glare_share: glare_share(raw),
        ink_share: if flat.data.is_empty() {
            0.0
        } else {
            flat.data.iter().filter(|&&v| v < 128).count() as f64 / flat.data.len() as f64
        },
    }
}

/// The warnings for a page's measures, most important first.
pub fn warnings(m: &Measures) -> Vec<Warning> {
    let mut w = Vec::new();
    if m.paper_level < MIN_PAPER_LEVEL {
        w.push(Warning::TooDark);
    }
    if m.ink_share < MIN_INK_SHARE {
        w.push(Warning::NothingFound);
    } else if m.sharpness < MIN_SHARPNESS {
        // Blur is only meaningful where there are edges to judge.
        w.push(Warning::Blurred);
    }
    if m.glare_share >= MIN_GLARE_SHARE && m.paper_level < SCAN_PAPER_LEVEL {
        w.push(Warning::Glare);
    }
    w
}

fn sharpness(g: &Gray) -> f64 {
    let (w, h) = (g.width as usize, g.height as usize);
    if w < 3 || h < 3 {
        return 0.0;
    }
    let (mut lap2, mut grad2) = (0.0f64, 0.0f64);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let i = y * w + x;
            let c = i32::from(g.data[i]);
            let (l, r) = (i32::from(g.data[i - 1]), i32::from(g.data[i + 1]));
            let (u, d) = (i32::from(g.data[i - w]), i32::from(g.data[i + w]));
            let (gx, gy) = (r - l, d - u);
            let g2 = gx * gx + gy * gy;
            // Edge pixels only: a step of at least ~1/8 of full contrast.
            if g2 >= 32 * 32 {
                let lap = l + r + u + d - 4 * c;
                lap2 += f64::from(lap * lap);
                grad2 += f64::from(g2);
            }
        }
    }
    if grad2 == 0.0 { 0.0 } else { lap2 / grad2 }
}

fn glare_share(g: &Gray) -> f64 {
    if g.data.is_empty() {
        return 0.0;
    }
    let mut glare_px = 0u64;
    for cy in (0..g.height).step_by(GLARE_CELL as usize) {
        for cx in (0..g.width).step_by(GLARE_CELL as usize) {
            let (x1, y1) = (
                (cx + GLARE_CELL).min(g.width),
                (cy + GLARE_CELL).min(g.height),
            );
            let n = u64::from((x1 - cx) * (y1 - cy));
            let mut sat = 0u64;
            for y in cy..y1 {
                for x in cx..x1 {
                    if g.get(x, y) >= 250 {
                        sat += 1;
                    }
                }
            }
            if sat * 10 >= n * 9 {
                glare_px += n;
            }
        }
    }
    glare_px as f64 / g.data.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enhance::flatten;
    use crate::synth;

    fn check(g: &Gray) -> (Measures, Vec<Warning>) {
        let m = measure(g, &flatten(g));
        (m, warnings(&m))
    }

    fn page(seed: u64) -> Gray {
        let mut g = synth::text_page(900, 1200, 215, seed);
        synth::add_noise(&mut g, 6, seed);
        g
    }

    #[test]
    fn a_good_page_has_no_warnings() {
        for seed in 1..4 {
            let (m, w) = check(&page(seed));
            assert!(w.is_empty(), "{m:?} {w:?}");
            // And a clean scan (white paper, no noise) neither.
            let (m, w) = check(&synth::text_page(900, 1200, 255, seed));
            assert!(w.is_empty(), "{m:?} {w:?}");
        }
        let mut lit = page(7);
        synth::uneven_light(&mut lit, 40);
        let (m, w) = check(&lit);
        assert!(w.is_empty(), "{m:?} {w:?}");
    }

    #[test]
    fn blurred_pages_are_flagged_and_sharp_ones_not() {
        for seed in 1..4 {
            let sharp = page(seed);
            let (ms, _) = check(&sharp);
            // A 3-pass box blur of radius 2 (σ ≈ 2.4 px at analysis scale).
            let (mb, wb) = check(&synth::box_blur(&sharp, 2, 3));
            assert!(wb.contains(&Warning::Blurred), "{mb:?}");
            assert!(ms.sharpness > 2.0 * mb.sharpness, "{ms:?} vs {mb:?}");
            // A slight blur (radius 1, one pass) is still readable: no warning.
            let (ml, wl) = check(&synth::box_blur(&sharp, 1, 1));
            assert!(!wl.contains(&Warning::Blurred), "{ml:?}");
        }
    }

    #[test]
    fn dark_pages_are_flagged() {
        let mut dark = page(2);
        synth::scale_brightness(&mut dark, 0.35);
        let (m, w) = check(&dark);
        assert!(w.contains(&Warning::TooDark), "{m:?}");
        let mut dim = page(2);
        synth::scale_brightness(&mut dim, 0.6);
        let (m, w) = check(&dim);
        assert!(!w.contains(&Warning::TooDark), "{m:?}");
    }

    #[test]
    fn glare_is_flagged_but_a_white_scan_is_not() {
        let mut g = page(3);
        synth::glare_spot(&mut g, 450, 600, 60);
        let (m, w) = check(&g);
        assert!(w.contains(&Warning::Glare), "{m:?}");
        let mut small = page(3);
        synth::glare_spot(&mut small, 450, 600, 15);
        let (m, w) = check(&small);
        assert!(!w.contains(&Warning::Glare), "{m:?}");
        let mut scan = synth::text_page(900, 1200, 255, 3);
        synth::glare_spot(&mut scan, 450, 600, 60);
        let (m, w) = check(&scan);
        assert!(!w.contains(&Warning::Glare), "{m:?}");
    }

    #[test]
    fn blank_and_degenerate_pages() {
        let mut blank = Gray::filled(900, 1200, 210);
        synth::add_noise(&mut blank, 8, 1);
        let (m, w) = check(&blank);
        assert_eq!(w, vec![Warning::NothingFound], "{m:?}");
        for (w, h) in [(1, 1), (2, 2), (3, 1)] {
            let _ = check(&Gray::filled(w, h, 0));
        }
    }

    #[test]
    fn messages_are_vietnamese_and_distinct() {
        let all = [
            Warning::Blurred,
            Warning::TooDark,
            Warning::Glare,
            Warning::NothingFound,
            Warning::PageCutOff,
        ];
        for a in all {
            assert!(a.message_vi().contains("Ông/Bà"));
            for b in all {
                assert_eq!(a == b, a.message_vi() == b.message_vi());
                assert_eq!(a == b, a.code() == b.code());
            }
        }
    }
}
