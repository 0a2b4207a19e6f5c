//! Colour pages: photos, ID cards, and documents whose red seal or coloured
//! emblem matters to the clerk.
//!
//! The pipeline works in JPEG's own YCbCr (BT.601, full range): the luma is
//! exactly the gray image the rest of the crate measures (page detection,
//! skew, quality), and the two chroma planes ([`Chroma`], at half the
//! luma's resolution like a 4:2:0 JPEG) follow it through the same
//! geometric steps — [`crate::page::rectify`] and [`Gray::rotate`], plane
//! by plane, at a quarter of the luma's cost each — and are handed to the
//! JPEG encoder without a round trip through RGB.
//!
//! * **When** ([`measure`], [`is_colour`]): on a copy of the page (table
//!   cropped away) whose pixels are about a millimetre, the chroma left
//!   once the paper's own tint is removed (and brought up where the page
//!   is in shade) is measured; the page is colour when at least
//!   [`MIN_COLOUR_SHARE`] of it is at least [`CHROMA_MIN`] away from
//!   neutral. A red seal of 20 mm or more passes, as do photos and ID
//!   cards; a page of black or gray print under a warm lamp, and a blue
//!   ballpoint signature alone, do not. A clerk wants the seal in colour:
//!   it tells an original from a photocopy.
//! * **Evening out** ([`even_out`]): the paper's colour cast is removed
//!   (white balance), the brightest region becomes white and the light
//!   falloff is corrected by at most [`MAX_LOCAL_GAIN`], with a mild black
//!   point — gently, as a photo needs. On a document whose colour is only
//!   marks ([`Content::Marks`]) the text away from the colour then gets the
//!   gray pipeline's flattening (white paper, solid strokes: legible and
//!   small); the coloured regions never do (it would wash out a photo).
//! * **Size** ([`fit_budget`]): the highest JPEG quality of [`QUALITIES`]
//!   that fits the budget — [`crate::PAGE_BUDGET`] for a document with
//!   colour marks, [`COLOUR_PAGE_BUDGET`] for a picture (at least
//!   [`PICTURE_SHARE`] of the page in colour) — and if even the lowest
//!   does not, a lower resolution.
//! * **Thumbnail**: in colour too, so that a citizen recognises the ID card
//!   or the photo they just placed.

pub mod synth;

use crate::gray::Gray;
use crate::page::{self, Quad};
use crate::quality::{Measures, Warning};
use crate::{Mode, Page, ScanError, THUMBNAIL_SIDE, Timings, pdf};

/// A pixel at least this far from neutral (in Cb/Cr units: pure red is
/// about 134, a red seal's ink 60–90, the paper's residual tint under
/// mixed light below 10) counts as coloured, measured on the page's ~1 mm
/// copy after the paper's cast is removed.
pub const CHROMA_MIN: f64 = 20.0;
/// A page with at least this share of coloured pixels is kept in colour:
/// about 60 mm² of an A4 page. Measured on generated pages: a 20 mm red
/// seal gives 0.0013, a 25 mm one in a lamp's shade 0.0022, a 36 mm one
/// 0.0065; gray print under a warm lamp 0, a blue ballpoint signature
/// alone under 0.0001.
pub const MIN_COLOUR_SHARE: f64 = 0.001;
/// A chroma pixel (about 0.25 mm at 200 DPI) at least this far from
/// neutral is coloured ink — a ballpoint stroke — whose luma the text
/// clean-up must not blacken; well above the colour fringes a camera
/// leaves along black strokes.
pub const INK_CHROMA: f64 = 24.0;
/// A colour page with at least this share of coloured pixels is a picture
/// (a photo, an ID card) and gets [`COLOUR_PAGE_BUDGET`]; below it, a
/// document with colour marks, held to [`crate::PAGE_BUDGET`].
pub const PICTURE_SHARE: f64 = 0.10;
/// Largest colour page that is a picture, in bytes.
pub const COLOUR_PAGE_BUDGET: usize = 250_000;
/// JPEG qualities tried for a colour page, best first: the first that fits
/// the budget is kept. Below 35, text grows fringes; the resolution is
/// lowered instead.
pub const QUALITIES: [u8; 6] = [80, 72, 64, 56, 45, 35];
/// A colour page is turned straight only when its skew estimate is at
/// least this strong ([`crate::deskew::Skew::strength`]): text lines and ID
/// cards are, photos without lines are not (and stay as they were taken).
pub const MIN_SKEW_STRENGTH: f64 = 1.3;
/// JPEG quality of colour thumbnails.
const THUMBNAIL_QUALITY: u8 = 60;
/// Longer side of the copy on which chroma is measured: about 1.2 mm per
/// pixel on A4, which averages away sensor noise, JPEG blocks and colour
/// fringes along black strokes.
pub const MEASURE_SIDE: u32 = 256;
/// When measuring chroma, colours in shade are brought up to the light of
/// the page's brightest part by at most this factor.
pub const MAX_SHADE: f64 = 2.0;
/// The paper's tint (the mean chroma of the brightest tenth) is removed
/// only up to this far from neutral; beyond, it is the content's colour (a
/// coloured card), not the light's.
pub const MAX_CAST: f64 = 40.0;
/// Cells along the longer side over which the light is estimated: large
/// (about 37 mm on A4), so that a photo's dark areas do not read as shade.
pub const LIGHT_CELLS: u32 = 8;
/// The light falloff is corrected by at most this factor.
pub const MAX_LOCAL_GAIN: f64 = 1.35;
/// The brightest region's bright level times this becomes white.
pub const WHITE_FRACTION: f64 = 0.97;
/// The black point is raised to at most this level.
pub const MAX_BLACK_POINT: u8 = 24;

/// The chroma planes of a YCbCr image (128 = neutral), each of
/// ⌈w/2⌉×⌈h/2⌉ pixels for a w×h luma.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chroma {
    pub cb: Gray,
    pub cr: Gray,
}

/// The chroma planes' size for a `width`×`height` luma.
pub fn chroma_size(width: u32, height: u32) -> (u32, u32) {
    (width.div_ceil(2), height.div_ceil(2))
}

impl Chroma {
    /// Neutral (gray) chroma for a `width`×`height` luma: a gray source
    /// forced into colour.
    pub fn neutral(width: u32, height: u32) -> Chroma {
        let (w, h) = chroma_size(width, height);
        Chroma {
            cb: Gray::filled(w, h, 128),
            cr: Gray::filled(w, h, 128),
        }
    }

    /// Applies an EXIF orientation, as [`Gray::orient`] does to the luma.
    pub fn orient(self, orientation: u16) -> Chroma {
        Chroma {
            cb: self.cb.orient(orientation),
            cr: self.cr.orient(orientation),
        }
    }

    /// [`page::rectify`] for the planes of a `luma_size` image whose luma
    /// is rectified to `w`×`h`.
    pub fn rectify(self, quad: Option<&Quad>, w: u32, h: u32) -> Option<Chroma> {
        // Chroma pixel j spans luma pixels 2j and 2j+1: coordinates halve.
        let q = quad.map(|q| q.map(|(x, y)| (x / 2.0, y / 2.0)));
        let (cw, ch) = chroma_size(w, h);
        Some(Chroma {
            cb: page::rectify(self.cb, q.as_ref(), cw, ch, 128)?,
            cr: page::rectify(self.cr, q.as_ref(), cw, ch, 128)?,
        })
    }

    /// Turns both planes as [`Gray::rotate`] turns the luma; uncovered
    /// corners become neutral.
    pub fn rotate(&self, degrees: f64) -> Chroma {
        Chroma {
            cb: self.cb.rotate(degrees, 128),
            cr: self.cr.rotate(degrees, 128),
        }
    }

    /// Both planes resampled to `w`×`h`.
    pub fn resize(&self, w: u32, h: u32) -> Option<Chroma> {
        Some(Chroma {
            cb: self.cb.resize(w, h)?,
            cr: self.cr.resize(w, h)?,
        })
    }
}

/// Y, Cb, Cr of an RGB pixel (JFIF, fixed point).
#[inline]
pub fn rgb_to_ycbcr(r: u8, g: u8, b: u8) -> [u8; 3] {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    let y = (19_595 * r + 38_470 * g + 7_471 * b + 32_768) >> 16;
    let cb = (-11_059 * r - 21_709 * g + 32_768 * b + (128 << 16) + 32_768) >> 16;
    let cr = (32_768 * r - 27_439 * g - 5_329 * b + (128 << 16) + 32_768) >> 16;
    [
        y.clamp(0, 255) as u8,
        cb.clamp(0, 255) as u8,
        cr.clamp(0, 255) as u8,
    ]
}

/// R, G, B of a YCbCr pixel (JFIF).
#[inline]
pub fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let (y, cb, cr) = (f64::from(y), f64::from(cb) - 128.0, f64::from(cr) - 128.0);
    let c = |v: f64| v.round().clamp(0.0, 255.0) as u8;
    [
        c(y + 1.402 * cr),
        c(y - 0.344_136 * cb - 0.714_136 * cr),
        c(y + 1.772 * cb),
    ]
}

/// Splits `width`×`height` interleaved Y, Cb, Cr pixels (R, G, B when
/// `rgb`) into the luma and half-resolution chroma, each chroma pixel the
/// mean of its 2×2 luma pixels (at an odd edge, of the 2 or 1 there). The
/// caller guarantees `data` holds `3·width·height` bytes.
fn split(data: &[u8], width: u32, height: u32, rgb: bool) -> (Gray, Chroma) {
    let (w, h) = (width as usize, height as usize);
    let (cw, ch) = chroma_size(width, height);
    let (cwu, chu) = (cw as usize, ch as usize);
    let mut luma = vec![0u8; w * h];
    let mut cb = vec![0u8; cwu * chu];
    let mut cr = vec![0u8; cwu * chu];
    // The upper half of the chroma rows (and their luma rows) on a second
    // thread, the lower half on this one; a small image on this one alone.
    let mid = if w * h >= 1 << 18 { chu / 2 } else { 0 };
    let (luma_top, luma_bottom) = luma.split_at_mut((2 * mid * w).min(w * h));
    let (cb_top, cb_bottom) = cb.split_at_mut(mid * cwu);
    let (cr_top, cr_bottom) = cr.split_at_mut(mid * cwu);
    let (w32, h32) = (width, height);
    std::thread::scope(|s| {
        if mid > 0 {
            s.spawn(move || {
                split_rows(data, (w32, h32), rgb, 0, luma_top, cb_top, cr_top);
            });
        }
        split_rows(
            data,
            (w32, h32),
            rgb,
            mid,
            luma_bottom,
            cb_bottom,
            cr_bottom,
        );
    });
    let plane = |data| Gray {
        width: cw,
        height: ch,
        data,
    };
    (
        Gray {
            width,
            height,
            data: luma,
        },
        Chroma {
            cb: plane(cb),
            cr: plane(cr),
        },
    )
}

/// [`split`] for the chroma rows from `first` on: `luma` holds their luma
/// rows (from row `2·first`), `cb` and `cr` the chroma rows.
fn split_rows(
    data: &[u8],
    (width, height): (u32, u32),
    rgb: bool,
    first: usize,
    luma: &mut [u8],
    cb: &mut [u8],
    cr: &mut [u8],
) {
    let (w, h) = (width as usize, height as usize);
    let cwu = chroma_size(width, height).0 as usize;
    if w == 0 || cwu == 0 {
        return;
    }
    let mut scratch = [vec![0u8; 3 * w], vec![0u8; 3 * w]];
    for (k, (cb_row, cr_row)) in cb
        .chunks_exact_mut(cwu)
        .zip(cr.chunks_exact_mut(cwu))
        .enumerate()
    {
        let cy = first + k;
        // The row pair; a missing second row repeats the first, a missing
        // last column the one before: repeated pixels keep the mean exact.
        let ys = [2 * cy, (2 * cy + 1).min(h - 1)];
        if rgb {
            for (k, &y) in ys.iter().enumerate() {
                let src = &data[3 * w * y..][..3 * w];
                for (s, d) in src.chunks_exact(3).zip(scratch[k].chunks_exact_mut(3)) {
                    d.copy_from_slice(&rgb_to_ycbcr(s[0], s[1], s[2]));
                }
            }
        }
        let rows: [&[u8]; 2] = if rgb {
            [&scratch[0], &scratch[1]]
        } else {
            ys.map(|y| &data[3 * w * y..][..3 * w])
        };
        for (k, &y) in ys
            .iter()
            .enumerate()
            .take(if ys[0] == ys[1] { 1 } else { 2 })
        {
            let at = w * (y - 2 * first);
            for (l, p) in luma[at..][..w].iter_mut().zip(rows[k].chunks_exact(3)) {
                *l = p[0];
            }
        }
        let (top, bottom) = (rows[0], rows[1]);
        let mean = |a: u8, b: u8, c: u8, d: u8| {
            ((u16::from(a) + u16::from(b) + u16::from(c) + u16::from(d) + 2) / 4) as u8
        };
        for (((t, b), ob), or) in top
            .chunks_exact(6)
            .zip(bottom.chunks_exact(6))
            .zip(cb_row.iter_mut())
            .zip(cr_row.iter_mut())
        {
            *ob = mean(t[1], t[4], b[1], b[4]);
            *or = mean(t[2], t[5], b[2], b[5]);
        }
        if w % 2 == 1 {
            let i = 3 * (w - 1);
            cb_row[cwu - 1] = mean(top[i + 1], top[i + 1], bottom[i + 1], bottom[i + 1]);
            cr_row[cwu - 1] = mean(top[i + 2], top[i + 2], bottom[i + 2], bottom[i + 2]);
        }
    }
}

/// Interleaved Y, Cb, Cr (`3·width·height` bytes) to luma and chroma.
pub(crate) fn split_ycbcr(data: &[u8], width: u32, height: u32) -> (Gray, Chroma) {
    split(data, width, height, false)
}

/// Interleaved R, G, B (`3·width·height` bytes) to luma and chroma.
pub(crate) fn split_rgb(data: &[u8], width: u32, height: u32) -> (Gray, Chroma) {
    split(data, width, height, true)
}

/// A row-major RGB image, 3 bytes a pixel: generated test images, and
/// colour pages decoded back for a look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Rgb {
    /// A `width`×`height` image of one colour.
    pub fn filled(width: u32, height: u32, rgb: [u8; 3]) -> Rgb {
        Rgb {
            width,
            height,
            data: rgb.repeat(width as usize * height as usize),
        }
    }

    /// The pixel at (x, y); callers keep inside the image.
    pub fn get(&self, x: u32, y: u32) -> [u8; 3] {
        let i = 3 * (y as usize * self.width as usize + x as usize);
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// Sets the pixel at (x, y); callers keep inside the image.
    pub fn set(&mut self, x: u32, y: u32, rgb: [u8; 3]) {
        let i = 3 * (y as usize * self.width as usize + x as usize);
        self.data[i..i + 3].copy_from_slice(&rgb);
    }

    /// A gray image as RGB.
    pub fn from_gray(g: &Gray) -> Rgb {
        Rgb {
            width: g.width,
            height: g.height,
            data: g.data.iter().flat_map(|&v| [v, v, v]).collect(),
        }
    }

    /// The red, green and blue channels as gray images.
    pub fn channels(&self) -> [Gray; 3] {
        let plane = |c: usize| Gray {
            width: self.width,
            height: self.height,
            data: self.data.iter().skip(c).step_by(3).copied().collect(),
        };
        [plane(0), plane(1), plane(2)]
    }

    /// Joins three channels of the same size; `None` when they differ.
    pub fn from_channels(c: &[Gray; 3]) -> Option<Rgb> {
        let (w, h) = (c[0].width, c[0].height);
        let n = w as usize * h as usize;
        if c.iter()
            .any(|g| g.width != w || g.height != h || g.data.len() != n)
        {
            return None;
        }
        let data = (0..n)
            .flat_map(|i| [c[0].data[i], c[1].data[i], c[2].data[i]])
            .collect();
        Some(Rgb {
            width: w,
            height: h,
            data,
        })
    }

    /// Luma and half-resolution chroma.
    pub fn to_planes(&self) -> (Gray, Chroma) {
        split_rgb(&self.data, self.width, self.height)
    }

    /// Joins luma and chroma (each chroma pixel spread over its 2×2 luma
    /// pixels); `None` when the sizes do not match.
    pub fn from_planes(luma: &Gray, chroma: &Chroma) -> Option<Rgb> {
        let planes = Planes::new(luma, chroma)?;
        let mut data = Vec::with_capacity(3 * luma.data.len());
        for y in 0..luma.height {
            for x in 0..luma.width {
                let [l, b, r] = planes.at(x, y);
                data.extend_from_slice(&ycbcr_to_rgb(l, b, r));
            }
        }
        Some(Rgb {
            width: luma.width,
            height: luma.height,
            data,
        })
    }

    /// Encodes as a baseline JPEG (4:2:0 below quality 90).
    pub fn encode_jpeg(&self, quality: u8) -> Result<Vec<u8>, ScanError> {
        let (w, h) = dims16(self.width, self.height)?;
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, quality)
            .encode(&self.data, w, h, jpeg_encoder::ColorType::Rgb)
            .map_err(|e| ScanError::Encode(e.to_string()))?;
        Ok(out)
    }
}

fn dims16(width: u32, height: u32) -> Result<(u16, u16), ScanError> {
    Ok((
        u16::try_from(width).map_err(|_| ScanError::Encode("too wide".into()))?,
        u16::try_from(height).map_err(|_| ScanError::Encode("too tall".into()))?,
    ))
}

/// Luma and chroma checked to belong together, for the JPEG encoder.
#[derive(Clone, Copy)]
struct Planes<'a> {
    luma: &'a Gray,
    chroma: &'a Chroma,
}

impl<'a> Planes<'a> {
    fn new(luma: &'a Gray, chroma: &'a Chroma) -> Option<Planes<'a>> {
        let (cw, ch) = chroma_size(luma.width, luma.height);
        let ok = |g: &Gray, w: u32, h: u32| {
            g.width == w && g.height == h && g.data.len() == w as usize * h as usize
        };
        (ok(luma, luma.width, luma.height) && ok(&chroma.cb, cw, ch) && ok(&chroma.cr, cw, ch))
            .then_some(Planes { luma, chroma })
    }

    fn at(&self, x: u32, y: u32) -> [u8; 3] {
        [
            self.luma.get(x, y),
            self.chroma.cb.get(x / 2, y / 2),
            self.chroma.cr.get(x / 2, y / 2),
        ]
    }
}

impl jpeg_encoder::ImageBuffer for Planes<'_> {
    fn get_jpeg_color_type(&self) -> jpeg_encoder::JpegColorType {
        jpeg_encoder::JpegColorType::Ycbcr
    }

    fn width(&self) -> u16 {
        self.luma.width as u16
    }

    fn height(&self) -> u16 {
        self.luma.height as u16
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let w = self.luma.width as usize;
        let y = usize::from(y);
        buffers[0].extend_from_slice(&self.luma.data[y * w..][..w]);
        // Each chroma sample twice: the encoder's 2×2 subsampling averages
        // them back to exactly the half-resolution plane.
        let cw = self.chroma.cb.width as usize;
        let row = (y / 2) * cw;
        for (plane, buf) in [&self.chroma.cb, &self.chroma.cr]
            .into_iter()
            .zip(&mut buffers[1..3])
        {
            for x in 0..w {
                buf.push(plane.data[row + x / 2]);
            }
        }
    }
}

/// Encodes luma and half-resolution chroma as a baseline YCbCr JPEG
/// (4:2:0), with the page's resolution recorded.
///
/// The scans are interleaved, with the standard Huffman tables: the
/// encoder's optimised tables come with one scan per component, which
/// zune-jpeg 0.5.15 decodes to green garbage when the chroma is
/// subsampled (etemesi254/zune-image#419), and a page must read back
/// everywhere, this crate included.
pub fn encode(luma: &Gray, chroma: &Chroma, quality: u8) -> Result<Vec<u8>, ScanError> {
    encode_image(planes(luma, chroma)?, quality)
}

fn planes<'a>(luma: &'a Gray, chroma: &'a Chroma) -> Result<Planes<'a>, ScanError> {
    dims16(luma.width, luma.height)?;
    Planes::new(luma, chroma)
        .ok_or_else(|| ScanError::Encode("luma and chroma sizes differ".into()))
}

fn encode_image(image: impl jpeg_encoder::ImageBuffer, quality: u8) -> Result<Vec<u8>, ScanError> {
    let dpi = pdf::fitted_dpi(u32::from(image.width()), u32::from(image.height())).round() as u16;
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    // Explicitly 4:2:0 (the encoder would switch to 4:4:4 at quality 90):
    // the chroma planes carry no more than that.
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    encoder.set_density(jpeg_encoder::PixelDensity::dpi(dpi));
    encoder
        .encode_image(image)
        .map_err(|e| ScanError::Encode(e.to_string()))?;
    Ok(out)
}

/// Every [`SAMPLE_EVERY`]th band of 16 rows (one row of 4:2:0 blocks) of
/// a page: its JPEG size, scaled up, predicts the page's at a fraction of
/// the cost.
#[derive(Clone, Copy)]
struct Bands<'a> {
    planes: Planes<'a>,
    bands: u16,
}

/// See [`Bands`].
const SAMPLE_EVERY: u32 = 4;
/// A sample's estimate must be this much under the budget: the page is
/// then rarely encoded twice.
const ESTIMATE_MARGIN: f64 = 0.96;

impl<'a> Bands<'a> {
    fn new(planes: Planes<'a>) -> Bands<'a> {
        let bands = planes.luma.height.div_ceil(16 * SAMPLE_EVERY);
        Bands {
            planes,
            bands: bands.min(u32::from(u16::MAX / 16)) as u16,
        }
    }

    /// The page's rows per sampled row.
    fn scale(&self) -> f64 {
        f64::from(self.planes.luma.height) / f64::from((self.bands * 16).max(1))
    }
}

impl jpeg_encoder::ImageBuffer for Bands<'_> {
    fn get_jpeg_color_type(&self) -> jpeg_encoder::JpegColorType {
        jpeg_encoder::JpegColorType::Ycbcr
    }

    fn width(&self) -> u16 {
        self.planes.width()
    }

    fn height(&self) -> u16 {
        self.bands * 16
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let band = u32::from(y / 16) * 16 * SAMPLE_EVERY;
        let row = (band + u32::from(y % 16)).min(self.planes.luma.height - 1);
        self.planes.fill_buffers(row as u16, buffers);
    }
}

/// What [`measure`] found on a page's chroma.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChromaMeasures {
    /// Share of the page at least [`CHROMA_MIN`] from neutral, after the
    /// paper's tint is removed.
    pub colour_share: f64,
    /// Mean distance from neutral (same units), after the tint is removed.
    pub mean_chroma: f64,
    /// The paper's tint (mean Cb−128, Cr−128 of the brightest tenth); zero
    /// when farther than [`MAX_CAST`] from neutral (the content's colour).
    pub cast: (f64, f64),
}

/// Measures the chroma of the page. `luma_size` is the decoded image's
/// size, `quad` the page's corners in it (`None`: the whole image), and
/// `page` the analysis copy of the page's luma (any scale, the page's
/// proportions). The chroma is shrunk and cut to the page on a
/// [`MEASURE_SIDE`] copy, so a coloured table around the page never counts.
pub fn measure(
    chroma: &Chroma,
    luma_size: (u32, u32),
    quad: Option<&Quad>,
    page: &Gray,
) -> ChromaMeasures {
    let none = ChromaMeasures {
        colour_share: 0.0,
        mean_chroma: 0.0,
        cast: (0.0, 0.0),
    };
    let Some(luma) = page.fit_within(MEASURE_SIDE) else {
        return none;
    };
    let (sw, sh) = (luma.width, luma.height);
    let small = |plane: &Gray| -> Option<Gray> {
        match quad {
            None => plane.resize(sw, sh),
            Some(q) => {
                // The plane shrunk so that the page is about sw wide, then
                // warped: chroma coordinates are half the luma's.
                let (qw, _) = page::page_size(q);
                let s = f64::from(sw) / qw.max(1.0);
                let (lw, lh) = (f64::from(luma_size.0), f64::from(luma_size.1));
                let shrunk = plane.resize(
                    ((lw * s).round() as u32).max(2),
                    ((lh * s).round() as u32).max(2),
                )?;
                let (kx, ky) = (f64::from(shrunk.width) / lw, f64::from(shrunk.height) / lh);
                let q = q.map(|(x, y)| (x * kx, y * ky));
                page::warp(&shrunk, &q, sw, sh, 128)
            }
        }
    };
    let (Some(cb), Some(cr)) = (small(&chroma.cb), small(&chroma.cr)) else {
        return none;
    };
    measure_planes(&luma, &cb, &cr)
}

/// [`measure`] on planes of the same size.
fn measure_planes(luma: &Gray, cb: &Gray, cr: &Gray) -> ChromaMeasures {
    let (cast, paper) = cast_of(luma, cb, cr);
    // Chroma fades with the light: a seal in a shaded corner is measured
    // as if it were lit like the brightest part of the page.
    let grid = light_grid(luma);
    let brightest = f64::from(grid.data.iter().copied().max().unwrap_or(255).max(16));
    let light = grid.resize(luma.width, luma.height);
    let n = luma.data.len().max(1) as f64;
    let (mut coloured, mut sum) = (0usize, 0.0f64);
    for (i, ((&y, &b), &r)) in luma.data.iter().zip(&cb.data).zip(&cr.data).enumerate() {
        let level = light
            .as_ref()
            .map_or(brightest, |l| f64::from(l.data[i].max(1)));
        let shade = (brightest / level).clamp(1.0, MAX_SHADE);
        let c = relative_chroma(y, b, r, cast, paper) * shade;
        sum += c;
        if c >= CHROMA_MIN {
            coloured += 1;
        }
    }
    ChromaMeasures {
        colour_share: coloured as f64 / n,
        mean_chroma: sum / n,
        cast,
    }
}

/// The light over a page, as a grid of cells about 1/[`LIGHT_CELLS`] of
/// its longer side: each cell's 95th percentile of luma, the brightest of
/// its neighbours (a photo or a thick heading does not read as shade),
/// smoothed.
fn light_grid(luma: &Gray) -> Gray {
    let cell = luma.width.max(luma.height).div_ceil(LIGHT_CELLS).max(8);
    let (gw, gh) = (luma.width.div_ceil(cell), luma.height.div_ceil(cell));
    let mut levels = vec![0u8; (gw * gh) as usize];
    for gy in 0..gh {
        for gx in 0..gw {
            let mut hist = [0u64; 256];
            let (x0, y0) = (gx * cell, gy * cell);
            let (x1, y1) = ((x0 + cell).min(luma.width), (y0 + cell).min(luma.height));
            for y in y0..y1 {
                let row = &luma.data[(y * luma.width) as usize..][..luma.width as usize];
                for &v in &row[x0 as usize..x1 as usize] {
                    hist[v as usize] += 1;
                }
            }
            levels[(gy * gw + gx) as usize] = crate::gray::percentile_of(&hist, 95.0);
        }
    }
    use crate::enhance::{max3, mean3};
    Gray {
        width: gw,
        height: gh,
        data: mean3(&max3(&levels, gw, gh), gw, gh),
    }
}

/// Distance from neutral once the paper's tint, scaled by the pixel's
/// brightness relative to the paper's, is removed.
#[inline]
fn relative_chroma(y: u8, cb: u8, cr: u8, cast: (f64, f64), paper: f64) -> f64 {
    let k = (f64::from(y) / paper).min(1.0);
    let db = f64::from(cb) - 128.0 - cast.0 * k;
    let dr = f64::from(cr) - 128.0 - cast.1 * k;
    db.hypot(dr)
}

/// The paper's tint (mean chroma of the brightest tenth, zero when farther
/// than [`MAX_CAST`] from neutral) and the paper's luma level.
fn cast_of(luma: &Gray, cb: &Gray, cr: &Gray) -> ((f64, f64), f64) {
    let paper = luma.percentile(90.0);
    let (mut n, mut sb, mut sr) = (0u64, 0i64, 0i64);
    for ((&y, &b), &r) in luma.data.iter().zip(&cb.data).zip(&cr.data) {
        if y >= paper {
            n += 1;
            sb += i64::from(b) - 128;
            sr += i64::from(r) - 128;
        }
    }
    let paper = f64::from(paper.max(1));
    if n == 0 {
        return ((0.0, 0.0), paper);
    }
    let cast = (sb as f64 / n as f64, sr as f64 / n as f64);
    if cast.0.hypot(cast.1) > MAX_CAST {
        ((0.0, 0.0), paper)
    } else {
        (cast, paper)
    }
}

/// The white balance that makes paper of chroma `cast` (Cb−128, Cr−128)
/// and luma `paper` neutral, as the rows giving Cb−128 and Cr−128 from
/// (Y, Cb−128, Cr−128): per-channel gains in RGB (von Kries, each channel
/// scaled to the paper's luma), carried into YCbCr. The identity's rows
/// when there is no usable cast.
fn white_balance(cast: (f64, f64), paper: f64) -> [[f64; 3]; 2] {
    const IDENTITY: [[f64; 3]; 2] = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    // YCbCr (offsets removed) from RGB, and back.
    const TO_YCC: [[f64; 3]; 3] = [
        [0.299, 0.587, 0.114],
        [-0.168_736, -0.331_264, 0.5],
        [0.5, -0.418_688, -0.081_312],
    ];
    const TO_RGB: [[f64; 3]; 3] = [
        [1.0, 0.0, 1.402],
        [1.0, -0.344_136, -0.714_136],
        [1.0, 1.772, 0.0],
    ];
    if cast == (0.0, 0.0) {
        return IDENTITY;
    }
    let ycc = [paper, cast.0, cast.1];
    let rgb = TO_RGB.map(|row| row.iter().zip(&ycc).map(|(a, b)| a * b).sum::<f64>());
    if rgb.iter().any(|&c| c < 16.0) {
        return IDENTITY;
    }
    let gains = rgb.map(|c| paper / c);
    // Rows 1 and 2 of TO_YCC · diag(gains) · TO_RGB.
    let mut m = [[0.0; 3]; 2];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = (0..3)
                .map(|k| TO_YCC[i + 1][k] * gains[k] * TO_RGB[k][j])
                .sum();
        }
    }
    m
}

/// The auto rule: is this page worth keeping in colour?
pub fn is_colour(m: &ChromaMeasures) -> bool {
    m.colour_share >= MIN_COLOUR_SHARE
}

/// What a colour page mostly is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// A document whose colour is only marks — a seal, an emblem, a
    /// coloured heading — or a gray page forced into colour: its text is
    /// cleaned as on a gray page, and it is held to [`crate::PAGE_BUDGET`].
    Marks,
    /// A photo, an ID card: at least [`PICTURE_SHARE`] in colour; only the
    /// gentle evening-out, and [`COLOUR_PAGE_BUDGET`].
    Picture,
}

impl Content {
    /// Marks or picture, from the page's chroma (`None`: a gray file).
    pub fn of(m: Option<&ChromaMeasures>) -> Content {
        match m {
            Some(m) if m.colour_share >= PICTURE_SHARE => Content::Picture,
            _ => Content::Marks,
        }
    }

    /// The page's size budget, in bytes.
    pub fn budget(self) -> usize {
        match self {
            Content::Marks => crate::PAGE_BUDGET,
            Content::Picture => COLOUR_PAGE_BUDGET,
        }
    }
}

/// Evens out a colour page. Every page gets the gentle treatment
/// ([`even_out_gently`]). On a document with colour marks
/// ([`Content::Marks`]), the luma away from the colour — the text — is then
/// replaced by the text flattening and stretch of the gray pipeline
/// ([`crate::enhance`]: paper pure white, strokes solid, which keeps
/// the page legible and within its budget), while the coloured regions and
/// a margin of about 2.5 mm around them (a seal, a photo glued on a form)
/// keep the gentle luma: the text flattening would wash out a photo.
pub fn even_out(luma: &mut Gray, chroma: &mut Chroma, content: Content) {
    let text = match content {
        Content::Picture => None,
        Content::Marks => {
            let mut t = crate::enhance::flatten(luma);
            crate::enhance::stretch(&mut t);
            Some(t)
        }
    };
    even_out_gently(luma, chroma);
    let Some(text) = text else {
        return;
    };
    let Some(mask) = colour_mask(chroma, luma.width, luma.height) else {
        return;
    };
    for ((v, &t), &m) in luma.data.iter_mut().zip(&text.data).zip(&mask.data) {
        let m = u32::from(m);
        *v = ((u32::from(*v) * m + u32::from(t) * (255 - m) + 127) / 255) as u8;
    }
}

/// Where a page is coloured, as weights over a `width`×`height` luma (255
/// in colour, 0 away from it, soft in between): regions at least
/// [`CHROMA_MIN`]/2 from neutral on a ~1 mm copy, widened by two cells (a
/// seal with the text under it, a photo), and single chroma pixels at
/// least [`INK_CHROMA`] from neutral (the strokes of a blue signature).
/// `None` when nothing is coloured.
fn colour_mask(chroma: &Chroma, width: u32, height: u32) -> Option<Gray> {
    let (cw, ch) = (chroma.cb.width, chroma.cb.height);
    let far = |b: u8, r: u8, min: f64| (f64::from(b) - 128.0).hypot(f64::from(r) - 128.0) >= min;
    let small = chroma.cb.fit_within(MEASURE_SIDE)?;
    let (sw, sh) = (small.width, small.height);
    let c = chroma.resize(sw, sh)?;
    let regions: Vec<u8> =
        c.cb.data
            .iter()
            .zip(&c.cr.data)
            .map(|(&b, &r)| if far(b, r, CHROMA_MIN / 2.0) { 255 } else { 0 })
            .collect();
    let strokes = chroma
        .cb
        .data
        .iter()
        .zip(&chroma.cr.data)
        .map(|(&b, &r)| far(b, r, INK_CHROMA));
    if !regions.contains(&255) && !strokes.clone().any(|hit| hit) {
        return None;
    }
    use crate::enhance::{max3, mean3};
    let regions = Gray {
        width: sw,
        height: sh,
        data: mean3(&max3(&max3(&regions, sw, sh), sw, sh), sw, sh),
    }
    .resize(cw, ch)?;
    let data = regions
        .data
        .iter()
        .zip(strokes)
        .map(|(&m, hit)| if hit { 255 } else { m })
        .collect();
    Gray {
        width: cw,
        height: ch,
        data,
    }
    .resize(width, height)
}

/// The gentle evening-out, for photos: the paper's colour cast is removed
/// (only a cast within [`MAX_CAST`] of neutral, so a coloured card keeps its
/// colour), the light is estimated as the bright level of cells about
/// 1/[`LIGHT_CELLS`] of the page, the brightest region's becomes white and
/// darker regions are lifted by at most [`MAX_LOCAL_GAIN`] (a photo's dark
/// areas stay dark), the chroma scaled with the luma so that colours keep
/// their saturation; then a black point of at most [`MAX_BLACK_POINT`].
pub fn even_out_gently(luma: &mut Gray, chroma: &mut Chroma) {
    let (cw, ch) = (chroma.cb.width, chroma.cb.height);
    if luma.data.is_empty() || cw == 0 || ch == 0 {
        return;
    }
    // The paper's tint, on small copies.
    let (cast, paper) = luma
        .fit_within(MEASURE_SIDE)
        .and_then(|l| {
            let c = chroma.resize(l.width, l.height)?;
            Some(cast_of(&l, &c.cb, &c.cr))
        })
        .unwrap_or(((0.0, 0.0), 255.0));
    let light = light_grid(luma);
    let (gw, gh, levels) = (light.width, light.height, light.data);
    let brightest = f64::from(levels.iter().copied().max().unwrap_or(255).max(16));
    // The gain of each cell, coded on a byte (0 = ×1, 255 = ×MAX_GAIN) so
    // that the resizer can spread it smoothly over the page.
    let global = 255.0 / (brightest * WHITE_FRACTION);
    let max_gain = global * MAX_LOCAL_GAIN;
    let code = |level: u8| -> u8 {
        let local = (brightest / f64::from(level.max(1))).clamp(1.0, MAX_LOCAL_GAIN);
        let g = global * local;
        ((g - 1.0) / (max_gain - 1.0).max(1e-6) * 255.0)
            .round()
            .clamp(0.0, 255.0) as u8
    };
    let grid = Gray {
        width: gw,
        height: gh,
        data: levels.iter().map(|&l| code(l)).collect(),
    };
    // Gain in 8.8 fixed point for each code.
    let mut gain = [0u32; 256];
    for (c, g) in gain.iter_mut().enumerate() {
        *g = ((1.0 + c as f64 / 255.0 * (max_gain - 1.0)) * 256.0).round() as u32;
    }
    let (Some(luma_gain), Some(chroma_gain), Some(half)) = (
        grid.resize(luma.width, luma.height),
        grid.resize(cw, ch),
        luma.resize(cw, ch),
    ) else {
        return;
    };
    // Chroma first: it needs the luma before the gain. White balance and
    // gain in one fixed-point (×4096) linear map per chroma pixel.
    let wb = white_balance(cast, paper).map(|row| row.map(|v| (v * 4096.0).round() as i32));
    for (i, (b, r)) in chroma
        .cb
        .data
        .iter_mut()
        .zip(chroma.cr.data.iter_mut())
        .enumerate()
    {
        let g = gain[chroma_gain.data[i] as usize] as i32;
        let (y, db, dr) = (
            i32::from(half.data[i]),
            i32::from(*b) - 128,
            i32::from(*r) - 128,
        );
        let nb = (wb[0][0] * y + wb[0][1] * db + wb[0][2] * dr) / 16;
        let nr = (wb[1][0] * y + wb[1][1] * db + wb[1][2] * dr) / 16;
        *b = (128 + nb * g / 65_536).clamp(0, 255) as u8;
        *r = (128 + nr * g / 65_536).clamp(0, 255) as u8;
    }
    for (v, &c) in luma.data.iter_mut().zip(&luma_gain.data) {
        *v = ((u32::from(*v) * gain[c as usize]) >> 8).min(255) as u8;
    }
    let black = luma.percentile(0.5).min(MAX_BLACK_POINT);
    if black > 0 {
        let mut lut = [0u8; 256];
        for (v, out) in lut.iter_mut().enumerate() {
            let v = v as i32 - i32::from(black);
            *out = (v * 255 / (255 - i32::from(black))).clamp(0, 255) as u8;
        }
        for v in &mut luma.data {
            *v = lut[*v as usize];
        }
    }
}

/// Encodes at the best quality of [`QUALITIES`] that fits `budget`. The
/// quality is chosen on a quarter of the page's rows (every fourth band of
/// 16 rows; bisection, at most four small encodings), then the page is
/// encoded — one step lower again in the rare case the estimate was short.
/// When even the lowest quality does not fit, the page is shrunk until it
/// does. Returns the JPEG and the planes it holds (their size is the
/// page's).
pub fn fit_budget(
    mut luma: Gray,
    mut chroma: Chroma,
    budget: usize,
) -> Result<(Vec<u8>, Gray, Chroma), ScanError> {
    // The first quality whose estimate fits (sizes fall with quality), by
    // bisection on a sample when the page is tall enough for one.
    let start = {
        let p = planes(&luma, &chroma)?;
        if p.luma.height >= 16 * SAMPLE_EVERY * 8 {
            let sample = Bands::new(p);
            let fits = |i: usize| -> Result<bool, ScanError> {
                let n = encode_image(sample, QUALITIES[i])?.len();
                Ok(n as f64 * sample.scale() <= budget as f64 * ESTIMATE_MARGIN)
            };
            if fits(0)? {
                0
            } else {
                let (mut lo, mut hi) = (1, QUALITIES.len() - 1);
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    if fits(mid)? {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                lo
            }
        } else {
            0
        }
    };
    // The real thing, lower while it does not fit (rarely more than once).
    let mut size = usize::MAX;
    for &q in &QUALITIES[start..] {
        let data = encode(&luma, &chroma, q)?;
        if data.len() <= budget {
            return Ok((data, luma, chroma));
        }
        size = data.len();
    }
    // Even the lowest quality is too large: fewer pixels.
    let lowest = QUALITIES[QUALITIES.len() - 1];
    while luma.width > 16 && luma.height > 16 {
        let s = (budget as f64 / size as f64).sqrt() * 0.95;
        let (w, h) = (
            ((f64::from(luma.width) * s).round() as u32).max(16),
            ((f64::from(luma.height) * s).round() as u32).max(16),
        );
        let (cw, ch) = chroma_size(w, h);
        luma = luma.resize(w, h).ok_or(ScanError::Resample)?;
        chroma = chroma.resize(cw, ch).ok_or(ScanError::Resample)?;
        let data = encode(&luma, &chroma, lowest)?;
        if data.len() <= budget {
            return Ok((data, luma, chroma));
        }
        size = data.len();
    }
    Err(ScanError::Encode(format!(
        "a colour page does not fit {budget} bytes"
    )))
}

/// What the analysis found, carried to the colour page's output stages.
pub(crate) struct Found {
    pub quad: Option<Quad>,
    pub skew: crate::deskew::Skew,
    pub warnings: Vec<Warning>,
    pub measures: Measures,
    pub content: Content,
}

/// The output stages of a colour page, as [`crate::process_timed`] runs
/// them for a gray one: rectified to A4 at 200 DPI (`luma` already is, by
/// [`page::rectify`] as for a gray page; the chroma follows it here),
/// evened out, turned straight, encoded within the budget, with a colour
/// thumbnail.
pub(crate) fn finish(
    mut luma: Gray,
    chroma: Chroma,
    found: Found,
    mut t: Timings,
) -> Result<(Page, Timings), ScanError> {
    let start = std::time::Instant::now();
    let mut chroma = chroma
        .rectify(found.quad.as_ref(), luma.width, luma.height)
        .ok_or(ScanError::Resample)?;
    t.resample += start.elapsed();

    let start = std::time::Instant::now();
    even_out(&mut luma, &mut chroma, found.content);
    t.enhance = start.elapsed();

    let start = std::time::Instant::now();
    // A photo has no lines of text: what the skew search finds there is
    // noise, and turning a portrait by it would spoil it.
    let skew_deg = if found.skew.strength >= MIN_SKEW_STRENGTH {
        found.skew.deg
    } else {
        0.0
    };
    let luma = luma.rotate(-skew_deg, 255);
    let chroma = chroma.rotate(-skew_deg);
    t.rotate = start.elapsed();

    let start = std::time::Instant::now();
    let (data, luma, chroma) = fit_budget(luma, chroma, found.content.budget())?;
    let small = luma.fit_within(THUMBNAIL_SIDE).ok_or(ScanError::Resample)?;
    let (tw, th) = chroma_size(small.width, small.height);
    let small_chroma = chroma.resize(tw, th).ok_or(ScanError::Resample)?;
    let thumbnail = encode(&small, &small_chroma, THUMBNAIL_QUALITY)?;
    t.encode = start.elapsed();

    Ok((
        Page {
            data,
            thumbnail,
            width_px: luma.width,
            height_px: luma.height,
            dpi: pdf::fitted_dpi(luma.width, luma.height).round() as u32,
            skew_deg,
            mode: Mode::Colour,
            warnings: found.warnings,
            measures: found.measures,
        },
        t,
    ))
}

#[cfg(test)]
mod tests;
