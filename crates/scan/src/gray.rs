//! An 8-bit gray image and the geometric operations on it: resampling
//! (fast_image_resize), bilinear rotation and the EXIF orientations.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

/// A row-major 8-bit gray image; `data.len() == width * height`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gray {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Gray {
    /// A `width`×`height` image filled with `value`.
    pub fn filled(width: u32, height: u32, value: u8) -> Self {
        Self {
            width,
            height,
            data: vec![value; width as usize * height as usize],
        }
    }

    /// The pixel at (x, y); callers keep inside the image.
    #[inline]
    pub fn get(&self, x: u32, y: u32) -> u8 {
        self.data[y as usize * self.width as usize + x as usize]
    }

    /// Resamples to `width`×`height` (convolution; Box when shrinking a
    /// lot, which is what the analysis copies need, bilinear otherwise).
    /// Returns a copy when the size is unchanged, and `None` when either
    /// size is zero or the buffer does not match the dimensions.
    pub fn resize(&self, width: u32, height: u32) -> Option<Gray> {
        if width == 0 || height == 0 || self.width == 0 || self.height == 0 {
            return None;
        }
        if width == self.width && height == self.height {
            return Some(self.clone());
        }
        let src = ImageRef::new(self.width, self.height, &self.data, PixelType::U8).ok()?;
        let mut dst = Image::new(width, height, PixelType::U8);
        let filter = if width * 3 < self.width {
            FilterType::Box
        } else {
            FilterType::Bilinear
        };
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(filter));
        Resizer::new().resize(&src, &mut dst, &options).ok()?;
        Some(Gray {
            width,
            height,
            data: dst.into_vec(),
        })
    }

    /// Shrinks so that the longer side is at most `max_side` (never enlarges).
    pub fn fit_within(&self, max_side: u32) -> Option<Gray> {
        let long = self.width.max(self.height);
        if long <= max_side {
            return Some(self.clone());
        }
        let scale = f64::from(max_side) / f64::from(long);
        let w = ((f64::from(self.width) * scale).round() as u32).max(1);
        let h = ((f64::from(self.height) * scale).round() as u32).max(1);
        self.resize(w, h)
    }

    /// Rotates by `degrees` (positive = counter-clockwise as seen on screen)
    /// about the centre, keeping the size; uncovered corners become `fill`.
    /// Bilinear interpolation.
    pub fn rotate(&self, degrees: f64, fill: u8) -> Gray {
        if degrees == 0.0 || self.data.is_empty() {
            return self.clone();
        }
        let (w, h) = (self.width as usize, self.height as usize);
        let (sin, cos) = degrees.to_radians().sin_cos();
        let (cx, cy) = ((w as f64 - 1.0) / 2.0, (h as f64 - 1.0) / 2.0);
        let mut out = vec![fill; w * h];
        // Fixed-point weights (8 fractional bits) keep the inner loop integer.
        par_rows(&mut out, w, w * h, |y, row| {
            let dy = y as f64 - cy;
            // Source = R(-θ)·dest in image coordinates (y down): a
            // counter-clockwise turn on screen is a clockwise one in
            // y-down maths, so the inverse map uses +θ here.
            let mut sx = cos * (-cx) - sin * dy + cx;
            let mut sy = sin * (-cx) + cos * dy + cy;
            for px in row.iter_mut() {
                if sx >= 0.0 && sy >= 0.0 && sx < (w - 1) as f64 && sy < (h - 1) as f64 {
                    let x0 = sx as usize;
                    let y0 = sy as usize;
                    let fx = ((sx - x0 as f64) * 256.0) as u32;
                    let fy = ((sy - y0 as f64) * 256.0) as u32;
                    let i = y0 * w + x0;
                    let (a, b) = (u32::from(self.data[i]), u32::from(self.data[i + 1]));
                    let (c, d) = (u32::from(self.data[i + w]), u32::from(self.data[i + w + 1]));
                    let top = a * (256 - fx) + b * fx;
                    let bottom = c * (256 - fx) + d * fx;
                    *px = ((top * (256 - fy) + bottom * fy + (1 << 15)) >> 16) as u8;
                }
                sx += cos;
                sy += sin;
            }
        });
        Gray {
            width: self.width,
            height: self.height,
            data: out,
        }
    }

    /// Applies an EXIF orientation (1–8) so that the image shows upright;
    /// unknown values leave it unchanged.
    pub fn orient(self, orientation: u16) -> Gray {
        let (w, h) = (self.width as usize, self.height as usize);
        // For each destination pixel, the source pixel (x, y).
        let swap = matches!(orientation, 5..=8);
        let (ow, oh) = if swap { (h, w) } else { (w, h) };
        let src_of = |dx: usize, dy: usize| -> (usize, usize) {
            match orientation {
                2 => (w - 1 - dx, dy),
                3 => (w - 1 - dx, h - 1 - dy),
                4 => (dx, h - 1 - dy),
                5 => (dy, dx),
                6 => (dy, h - 1 - dx),
                7 => (w - 1 - dy, h - 1 - dx),
                8 => (w - 1 - dy, dx),
                _ => (dx, dy),
            }
        };
        if !(2..=8).contains(&orientation) {
            return self;
        }
        let mut out = Vec::with_capacity(ow * oh);
        for dy in 0..oh {
            for dx in 0..ow {
                let (sx, sy) = src_of(dx, dy);
                out.push(self.data[sy * w + sx]);
            }
        }
        Gray {
            width: ow as u32,
            height: oh as u32,
            data: out,
        }
    }

    /// The `p`-th percentile (0–100) of the pixel values.
    pub fn percentile(&self, p: f64) -> u8 {
        let hist = self.histogram();
        percentile_of(&hist, p)
    }

    /// Counts of each pixel value.
    pub fn histogram(&self) -> [u64; 256] {
        let mut hist = [0u64; 256];
        for &v in &self.data {
            hist[v as usize] += 1;
        }
        hist
    }
}

/// Images with fewer pixels than this are worked on one thread: a second
/// one would cost about as much as it saves.
const PAR_MIN_PIXELS: usize = 256 * 1024;

/// Calls `row(y, pixels)` for each row of `out` (rows of `width` bytes),
/// the upper half of the rows on this thread and the lower half on a
/// second one (one thread when the job reads fewer than
/// [`PAR_MIN_PIXELS`], `work`): for work where each output row depends only
/// on inputs.
pub(crate) fn par_rows<F>(out: &mut [u8], width: usize, work: usize, row: F)
where
    F: Fn(usize, &mut [u8]) + Sync,
{
    if width == 0 {
        return;
    }
    let each = |first: usize, rows: &mut [u8]| {
        for (k, r) in rows.chunks_exact_mut(width).enumerate() {
            row(first + k, r);
        }
    };
    let rows = out.len() / width;
    if work < PAR_MIN_PIXELS || rows < 2 {
        each(0, out);
        return;
    }
    let mid = rows / 2;
    let (top, bottom) = out.split_at_mut(mid * width);
    std::thread::scope(|s| {
        s.spawn(|| each(mid, bottom));
        each(0, top);
    });
}

/// The `p`-th percentile (0–100) of a histogram; 0 for an empty one.
pub fn percentile_of(hist: &[u64; 256], p: f64) -> u8 {
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 0;
    }
    let target = ((p / 100.0) * total as f64).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (v, &n) in hist.iter().enumerate() {
        seen += n;
        if seen >= target {
            return v as u8;
        }
    }
    255
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(w: u32, h: u32) -> Gray {
        Gray {
            width: w,
            height: h,
            data: (0..w * h).map(|i| (i % 251) as u8).collect(),
        }
    }

    #[test]
    fn orientations_match_their_definitions() {
        // 2×3 image: pixel (x, y) = 10*y + x.
        let g = Gray {
            width: 2,
            height: 3,
            data: vec![0, 1, 10, 11, 20, 21],
        };
        assert_eq!(g.clone().orient(1), g);
        assert_eq!(g.clone().orient(3).data, vec![21, 20, 11, 10, 1, 0]);
        // 6 = the camera was turned clockwise: rotate 90° clockwise to view.
        let r = g.clone().orient(6);
        assert_eq!((r.width, r.height), (3, 2));
        assert_eq!(r.data, vec![20, 10, 0, 21, 11, 1]);
        let r = g.clone().orient(8);
        assert_eq!(r.data, vec![1, 11, 21, 0, 10, 20]);
        for o in 1..=8 {
            let r = g.clone().orient(o);
            let mut a = r.data.clone();
            a.sort_unstable();
            assert_eq!(a, vec![0, 1, 10, 11, 20, 21], "orientation {o}");
        }
    }

    #[test]
    fn rotate_zero_and_full_turn_keep_pixels() {
        let g = ramp(40, 30);
        assert_eq!(g.rotate(0.0, 255), g);
        let back = g.rotate(10.0, 255).rotate(-10.0, 255);
        // The centre survives a there-and-back rotation closely.
        let d = i32::from(back.get(20, 15)) - i32::from(g.get(20, 15));
        assert!(d.abs() <= 30, "{d}");
    }

    #[test]
    fn resize_rejects_zero_and_keeps_size() {
        let g = ramp(40, 30);
        assert!(g.resize(0, 10).is_none());
        let s = g.fit_within(20).unwrap_or_else(|| panic!("resize failed"));
        assert_eq!((s.width, s.height), (20, 15));
        assert_eq!(g.fit_within(100), Some(g.clone()));
    }

    #[test]
    fn rows_on_two_threads_each_get_their_own_index() {
        for (w, h) in [(1000, 701), (1000, 2), (3, 5), (7, 1)] {
            let mut out = vec![0u8; w * h];
            par_rows(&mut out, w, PAR_MIN_PIXELS, |y, row| {
                row.iter_mut().for_each(|p| *p = (y % 251) as u8);
            });
            for (y, row) in out.chunks_exact(w).enumerate() {
                assert!(
                    row.iter().all(|&p| p == (y % 251) as u8),
                    "row {y} of {w}×{h}"
                );
            }
        }
    }

    #[test]
    fn percentiles() {
        let g = ramp(251, 1);
        assert_eq!(g.percentile(0.0), 0);
        assert_eq!(g.percentile(100.0), 250);
        assert_eq!(g.percentile(50.0), 125);
    }
}
