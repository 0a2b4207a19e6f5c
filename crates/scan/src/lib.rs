//! The image pipeline of Một Cửa Kiosk: from a photo or scan of a paper
//! document to a legible, small PDF page, with plain-language advice when
//! the capture should be taken again.
//!
//! Pure and synchronous: bytes in, bytes out, no files, no devices. Inside
//! a call the work is shared by two threads (`std::thread::scope`, all
//! joined before it returns): a kiosk has at least two cores.
//! [`process`] runs the whole page pipeline:
//!
//! 1. [`decode`]: JPEG (zune-jpeg, EXIF orientation honoured) or PNG straight
//!    to gray; images above [`MAX_PIXELS`] are refused from their headers
//!    before any pixel buffer exists. Whether the page is colour is
//!    decided later, for a baseline JPEG from the [`probe`] of its chroma
//!    read on a second thread beside the luma-only decode: only a colour
//!    page is decoded in colour.
//! 2. On an analysis copy (longer side [`ANALYSIS_SIDE`]) the page is
//!    looked for ([`page::detect`]: paper on a darker table; its corners
//!    give a perspective correction, a page running off the frame a
//!    warning). The page alone is then flattened ([`enhance::flatten`]) and
//!    measured: the skew of the text lines
//!    ([`deskew`], projection profiles, ±15° to 0.1°) and the quality checks
//!    ([`quality`]: blurred, too dark, glare, nothing found).
//! 3. The page is resampled (and, when found, warped to a rectangle) to
//!    fit A4 inside 10 mm margins at 200 DPI — on a second thread, while
//!    step 2 runs —,
//!    flattened, contrast-stretched (paper pure white), turned straight
//!    (bilinear) and encoded once ([`encode_text_page`]): a gray JPEG
//!    ([`JPEG_QUALITY`]) when it fits [`PAGE_BUDGET`], otherwise four
//!    levels of gray (2 bits per pixel, Flate, [`GRAY4_CUTS`]), which keep
//!    dense text sharp and its tone marks whole at a fraction of the size,
//!    and bilevel (1 bit, ink below [`BILEVEL_THRESHOLD`]) for a page too
//!    dense even for that. The gray JPEG's size is first predicted from a
//!    quarter of the rows ([`predict_gray_size`]); a page predicted well
//!    over the budget skips it. A small gray thumbnail JPEG goes with each
//!    page.
//!
//! [`pdf::write`] then assembles one PDF per dossier component, one A4 page
//! per image.
//!
//! A page with significant colour — a photo, an ID card, a red seal — is
//! kept in colour instead ([`Mode::Colour`], see [`colour`]): the same
//! geometry on its chroma planes, a gentle evening-out instead of the text
//! flattening, a colour JPEG within a size budget, a colour thumbnail.
//! [`process_with`] can also force either mode.

pub mod colour;
pub mod decode;
pub mod deskew;
pub mod enhance;
pub mod gray;
pub mod page;
pub mod pdf;
pub mod probe;
pub mod quality;
pub mod synth;

use std::time::{Duration, Instant};

pub use decode::DecodeError;
pub use gray::Gray;
pub use quality::Warning;

/// Largest number of pixels an input image may declare (about 50 MP: a
/// 12 MP phone photo with a wide margin, far below a decompression bomb).
pub const MAX_PIXELS: u64 = 50_000_000;

/// Largest input file, in bytes: a 50 MP JPEG at the highest quality is
/// well under this; a bigger file is refused before it is read whole.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Longer side of the copy on which skew and quality are measured.
pub const ANALYSIS_SIDE: u32 = 1200;
/// Output resolution of text pages.
pub const TARGET_DPI: f64 = 200.0;
/// JPEG quality for gray text pages: strokes stay crisp, paper is flat
/// white, so a page stays well under 150 KB.
pub const JPEG_QUALITY: u8 = 70;
/// Largest text page: a gray JPEG over this is stored in four levels,
/// and a four-level page over it bilevel.
pub const PAGE_BUDGET: usize = 150_000;
/// A page warped at a scale below this is shrunk with area averaging
/// first; above it, bilinear sampling alone loses no stroke.
const PRESHRINK_BELOW: f64 = 0.7;
/// In a bilevel page, pixels darker than this (on the stretched page,
/// where paper is 255 and the median ink 0) are ink. Well above the middle:
/// a phone photo's blur leaves thin strokes — the tone marks that tell
/// *lần* from *lấn*, *quầy* from *quấy* — much lighter than the ink of
/// thick ones, and a threshold at 128 erased them (issue 5's benchmark:
/// tesseract's character errors halved going from 128 to 192, at ~4 KB more
/// a page); paper is at least [`enhance::WHITE_POINT`] before the stretch,
/// far above it.
pub const BILEVEL_THRESHOLD: u8 = 192;
/// In a four-level page ([`Mode::Gray4`]), the levels of the stretched page
/// (paper 255, median ink 0) at which each lighter level starts: from
/// black (0) through two grays (85, 170) to white (255). Level 3 starts
/// above [`BILEVEL_THRESHOLD`], so paper stays blank, and the two grays
/// are the edges of strokes. Tuned on issue 5's benchmark: tesseract's
/// character errors on photos 0–4 fell from 28 (bilevel) to 24, where
/// ImageMagick's full-resolution gray image gives 19, at 110 KB at most
/// a page.
pub const GRAY4_CUTS: [u8; 3] = [90, 148, 206];
/// Longer side of the thumbnail: the review screen shows the page about
/// this tall, so that the citizen and the helper can judge whether the
/// text is clear before "Dùng trang này" (at 320 pixels, lines of text
/// were gray bars).
pub const THUMBNAIL_SIDE: u32 = 1000;

/// Why an image was refused before decoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("image declares no pixels ({width}×{height})")]
    Empty { width: u32, height: u32 },
    #[error("image declares {width}×{height} pixels, above the {MAX_PIXELS}-pixel limit")]
    TooLarge { width: u32, height: u32 },
    #[error("the file has {bytes} bytes, above the {MAX_FILE_BYTES}-byte limit")]
    FileTooLarge { bytes: u64 },
}

/// Checks an input file's size against [`MAX_FILE_BYTES`] before reading it.
pub fn check_file_size(bytes: u64) -> Result<(), LimitError> {
    if bytes > MAX_FILE_BYTES {
        Err(LimitError::FileTooLarge { bytes })
    } else {
        Ok(())
    }
}

/// Checks declared dimensions against [`MAX_PIXELS`] before any decoding.
pub fn check_dimensions(width: u32, height: u32) -> Result<(), LimitError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 {
        Err(LimitError::Empty { width, height })
    } else if pixels > MAX_PIXELS {
        Err(LimitError::TooLarge { width, height })
    } else {
        Ok(())
    }
}

/// Why a page could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("the page could not be resampled")]
    Resample,
    #[error("the page could not be encoded: {0}")]
    Encode(String),
}

/// How a page is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 8-bit gray JPEG: text pages, keeping stamps and handwriting.
    Gray,
    /// Four levels of gray, 2 bits per pixel, zlib (PDF FlateDecode), 0 =
    /// black: text pages whose gray JPEG would exceed [`PAGE_BUDGET`]. The
    /// two middle levels keep the edges of strokes, so small tone marks
    /// keep their shape where one bit would break or merge them.
    Gray4,
    /// 1 bit per pixel, zlib (PDF FlateDecode), bit set = white: text pages
    /// so dense that even [`Mode::Gray4`] would exceed [`PAGE_BUDGET`].
    Bilevel,
    /// YCbCr JPEG (4:2:0), shown as RGB: photos, ID cards, documents with a
    /// coloured seal or emblem (see [`colour`]).
    Colour,
}

impl Mode {
    /// The stable name used in JSON and logs.
    pub fn code(self) -> &'static str {
        match self {
            Mode::Gray => "gray",
            Mode::Gray4 => "gray4",
            Mode::Bilevel => "bilevel",
            Mode::Colour => "colour",
        }
    }
}

/// A finished page, ready for [`pdf::write`].
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The encoded page: a JPEG for [`Mode::Gray`] and [`Mode::Colour`],
    /// zlib-compressed packed rows for [`Mode::Gray4`] and [`Mode::Bilevel`].
    pub data: Vec<u8>,
    /// A JPEG, longer side [`THUMBNAIL_SIDE`], for the review screen: in
    /// colour for a colour page (a citizen recognises their ID card), gray
    /// otherwise.
    pub thumbnail: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
    /// Resolution once fitted to A4 inside the margins.
    pub dpi: u32,
    /// The skew that was removed, in degrees: positive when the page had
    /// been turned counter-clockwise (so it was turned back clockwise).
    pub skew_deg: f64,
    pub mode: Mode,
    pub warnings: Vec<Warning>,
    pub measures: quality::Measures,
}

impl Page {
    /// The page as 8-bit gray, whichever way it is stored (a colour page's
    /// luma): what a reader sees, for checks and measurements.
    pub fn gray_pixels(&self) -> Result<Gray, ScanError> {
        let bits = match self.mode {
            Mode::Gray | Mode::Colour => return Ok(decode::decode_gray(&self.data)?),
            Mode::Gray4 => 2,
            Mode::Bilevel => 1,
        };
        let packed = miniz_oxide::inflate::decompress_to_vec_zlib(&self.data)
            .map_err(|e| ScanError::Encode(format!("inflating the page: {e:?}")))?;
        let (w, h) = (self.width_px as usize, self.height_px as usize);
        let per_byte = 8 / bits;
        let row = w.div_ceil(per_byte);
        if packed.len() < row * h {
            return Err(ScanError::Encode(format!(
                "{} bytes of pixels for {w}×{h} at {bits} bits",
                packed.len()
            )));
        }
        let top = (1u8 << bits) - 1;
        let mut data = Vec::with_capacity(w * h);
        for r in packed.chunks_exact(row).take(h) {
            for x in 0..w {
                let shift = 8 - bits * (x % per_byte + 1);
                let level = (r[x / per_byte] >> shift) & top;
                data.push((u16::from(level) * 255 / u16::from(top)) as u8);
            }
        }
        Ok(Gray {
            width: self.width_px,
            height: self.height_px,
            data,
        })
    }

    pub fn pdf_image(&self) -> pdf::PdfImage<'_> {
        pdf::PdfImage {
            data: &self.data,
            width_px: self.width_px,
            height_px: self.height_px,
            encoding: match self.mode {
                Mode::Gray => pdf::Encoding::GrayJpeg,
                Mode::Gray4 => pdf::Encoding::Gray4,
                Mode::Bilevel => pdf::Encoding::Bilevel,
                Mode::Colour => pdf::Encoding::ColorJpeg,
            },
        }
    }
}

/// Time spent in each stage of [`process_timed`]. `resample` runs on a
/// second thread beside `analyse`, so the stages add up to more than the
/// wall time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub decode: Duration,
    pub analyse: Duration,
    pub resample: Duration,
    pub enhance: Duration,
    pub rotate: Duration,
    pub encode: Duration,
}

/// Which mode a page may take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ModeChoice {
    /// Colour when the page has significant colour ([`colour::is_colour`]),
    /// otherwise gray or bilevel.
    #[default]
    Auto,
    /// Never colour: gray, or bilevel over [`PAGE_BUDGET`]. The colour of
    /// the file is not even decoded.
    Gray,
    /// Always colour, even for a gray file.
    Colour,
}

/// How [`process_with`] treats a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub mode: ModeChoice,
}

/// Turns one image file's bytes into a finished page, choosing its mode
/// ([`ModeChoice::Auto`]).
pub fn process(bytes: &[u8]) -> Result<Page, ScanError> {
    process_timed(bytes).map(|(page, _)| page)
}

/// [`process`] with a choice of mode.
pub fn process_with(bytes: &[u8], options: &Options) -> Result<Page, ScanError> {
    process_timed_with(bytes, options).map(|(page, _)| page)
}

/// [`process`], also returning how long each stage took.
pub fn process_timed(bytes: &[u8]) -> Result<(Page, Timings), ScanError> {
    process_timed_with(bytes, &Options::default())
}

/// [`process_with`], also returning how long each stage took.
pub fn process_timed_with(bytes: &[u8], options: &Options) -> Result<(Page, Timings), ScanError> {
    let mut t = Timings::default();
    let start = Instant::now();
    let (gray, chroma, coarse) = match options.mode {
        ModeChoice::Gray => (decode::decode_gray(bytes)?, None, false),
        ModeChoice::Auto => {
            let d = decode::decode_probed(bytes)?;
            (d.luma, d.chroma, d.coarse)
        }
        ModeChoice::Colour => {
            let d = decode::decode_colour(bytes)?;
            (d.luma, d.chroma, false)
        }
    };
    t.decode = start.elapsed();

    let start = Instant::now();
    let frame = gray.fit_within(ANALYSIS_SIDE).ok_or(ScanError::Resample)?;
    let detection = page::detect(&frame);
    let (gw, gh) = (gray.width, gray.height);
    // The page's corners carried to full resolution.
    let quad = match detection {
        page::Detection::Page(q) => {
            let (sx, sy) = (
                f64::from(gw) / f64::from(frame.width),
                f64::from(gh) / f64::from(frame.height),
            );
            Some(q.map(|(x, y)| (x * sx, y * sy)))
        }
        _ => None,
    };
    // The output's geometry needs only the corners: the page is cut out
    // and resampled at full resolution on a second thread while it is
    // measured on the analysis copy on this one (a colour page's luma is
    // resampled just as a gray page).
    let (w, h) = page::output_size(quad.as_ref(), gw, gh);
    let prepared = start.elapsed();
    let (found, (page, resample_took)) = std::thread::scope(|s| {
        let resample = s.spawn(move || {
            let start = Instant::now();
            let page = page::rectify(gray, quad.as_ref(), w, h, 255);
            (page, start.elapsed())
        });
        let found = analyse(
            &frame,
            detection,
            quad.as_ref(),
            chroma.as_ref(),
            (gw, gh),
            options,
        );
        let resampled = resample
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (found, resampled)
    });
    drop(frame);
    let found = found?;
    let page = page.ok_or(ScanError::Resample)?;
    t.analyse = prepared + found.took;
    t.resample = resample_took;
    let Analysis {
        skew,
        warnings,
        measures,
        chroma_measures,
        in_colour,
        ..
    } = found;
    let skew_deg = skew.deg;
    if in_colour {
        // Only the block means of the chroma were read to decide: the
        // colour page needs it whole.
        let chroma = if coarse {
            let start = Instant::now();
            let full = decode::decode_colour(bytes)?.chroma;
            t.decode += start.elapsed();
            full
        } else {
            chroma
        };
        let chroma = chroma.unwrap_or_else(|| colour::Chroma::neutral(gw, gh));
        let found = colour::Found {
            quad,
            skew,
            warnings,
            measures,
            content: colour::Content::of(chroma_measures.as_ref()),
        };
        return colour::finish(page, chroma, found, t);
    }
    drop(chroma);

    let start = Instant::now();
    let mut page = enhance::flatten(&page);
    enhance::stretch(&mut page);
    t.enhance = start.elapsed();

    let start = Instant::now();
    let page = page.rotate(-skew_deg, 255);
    t.rotate = start.elapsed();

    // The page on this thread, its thumbnail on a second one.
    let start = Instant::now();
    let (encoded, thumbnail) = std::thread::scope(|s| {
        let thumbnail = s.spawn(|| {
            let small = page.fit_within(THUMBNAIL_SIDE).ok_or(ScanError::Resample)?;
            encode_gray(&small, 60)
        });
        let encoded = encode_text_page(&page);
        let thumbnail = thumbnail
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (encoded, thumbnail)
    });
    let (data, mode) = encoded?;
    let thumbnail = thumbnail?;
    t.encode = start.elapsed();

    Ok((
        Page {
            data,
            thumbnail,
            width_px: page.width,
            height_px: page.height,
            dpi: pdf::fitted_dpi(page.width, page.height).round() as u32,
            skew_deg,
            mode,
            warnings,
            measures,
        },
        t,
    ))
}

/// What [`analyse`] found on the analysis copy.
struct Analysis {
    skew: deskew::Skew,
    warnings: Vec<Warning>,
    measures: quality::Measures,
    chroma_measures: Option<colour::ChromaMeasures>,
    in_colour: bool,
    /// How long the analysis took.
    took: Duration,
}

/// Measures the page on `frame`, the analysis copy of the decoded image
/// (longer side [`ANALYSIS_SIDE`]): with a page found (`detection`), on
/// the page alone, warped out of the frame; its skew, quality, and (from
/// `chroma`, the decoded image's, `luma_size`, its size, and `quad`, the
/// corners at full resolution) its colour.
fn analyse(
    frame: &Gray,
    detection: page::Detection,
    quad: Option<&page::Quad>,
    chroma: Option<&colour::Chroma>,
    luma_size: (u32, u32),
    options: &Options,
) -> Result<Analysis, ScanError> {
    let start = Instant::now();
    let warped;
    let analysis = match detection {
        page::Detection::Page(q) => {
            let (qw, qh) = page::page_size(&q);
            warped = page::warp(frame, &q, qw.round() as u32, qh.round() as u32, 255)
                .ok_or(ScanError::Resample)?;
            &warped
        }
        _ => frame,
    };
    let flat = enhance::flatten(analysis);
    let skew = deskew::measure_skew(&flat);
    let measures = quality::measure(analysis, &flat);
    let mut warnings = quality::warnings(&measures);
    if detection == page::Detection::CutOff {
        warnings.insert(0, Warning::PageCutOff);
    }
    let chroma_measures = chroma.map(|c| colour::measure(c, luma_size, quad, analysis));
    let in_colour = match options.mode {
        ModeChoice::Gray => false,
        ModeChoice::Colour => true,
        ModeChoice::Auto => chroma_measures.as_ref().is_some_and(colour::is_colour),
    };
    Ok(Analysis {
        skew,
        warnings,
        measures,
        chroma_measures,
        in_colour,
        took: start.elapsed(),
    })
}

/// The output size: the image fitted to A4's printable area at
/// [`TARGET_DPI`], never enlarged.
pub fn target_size(width: u32, height: u32) -> (u32, u32) {
    let (w_mm, h_mm) = pdf::printable_mm();
    let px = |mm: f64| mm / 25.4 * TARGET_DPI;
    let scale = (px(w_mm) / f64::from(width.max(1)))
        .min(px(h_mm) / f64::from(height.max(1)))
        .min(1.0);
    (
        ((f64::from(width) * scale).round() as u32).max(1),
        ((f64::from(height) * scale).round() as u32).max(1),
    )
}

/// Encodes a gray image as a baseline JPEG.
pub fn encode_gray(g: &Gray, quality: u8) -> Result<Vec<u8>, ScanError> {
    let (w, h) = (
        u16::try_from(g.width).map_err(|_| ScanError::Encode("too wide".into()))?,
        u16::try_from(g.height).map_err(|_| ScanError::Encode("too tall".into()))?,
    );
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_optimized_huffman_tables(true);
    let dpi = pdf::fitted_dpi(g.width, g.height).round() as u16;
    encoder.set_density(jpeg_encoder::PixelDensity::dpi(dpi));
    encoder
        .encode(&g.data, w, h, jpeg_encoder::ColorType::Luma)
        .map_err(|e| ScanError::Encode(e.to_string()))?;
    Ok(out)
}

/// The gray page's JPEG size, predicted from a sample of its rows, must be
/// more than this share above [`PAGE_BUDGET`] for the page to go bilevel
/// without the gray JPEG being made at all; closer to the budget (or
/// under it) the gray JPEG is made and its real size decides, as it always
/// did. On the generated pages (blank to full, three sizes of type) the
/// prediction is within 10 % of the budget of the real size (see the
/// tests), so a page that fits is never sent bilevel on the prediction:
/// the mode is the one measuring the whole gray JPEG gives.
pub const PREDICT_MARGIN: f64 = 0.15;

/// Rows sampled for [`predict_gray_size`]: every `SAMPLE_EVERY`th band of
/// [`SAMPLE_BAND`] rows, a quarter of the page.
const SAMPLE_EVERY: u32 = 4;
/// See [`SAMPLE_EVERY`]: one row of 8×8 blocks.
const SAMPLE_BAND: u32 = 8;

/// Encodes a text page, the first of these that fits [`PAGE_BUDGET`]: the
/// gray JPEG (8 bits), the four-level page ([`Mode::Gray4`], 2 bits), the
/// bilevel page (1 bit, whatever its size). The gray JPEG is not even made
/// when it is predicted to be well over the budget ([`PREDICT_MARGIN`]).
///
/// The four-level page is made on a second thread while the prediction
/// runs (and the gray JPEG, if it is wanted): a phone photo of a text page
/// mostly ends four-level, and it is then ready when the prediction is; a
/// page that stays gray has cost the second core's time only. The bilevel
/// page is made only when the four-level one is over the budget.
pub fn encode_text_page(g: &Gray) -> Result<(Vec<u8>, Mode), ScanError> {
    std::thread::scope(|s| {
        let fallback = s.spawn(|| {
            let tones = encode_gray4(g);
            if tones.len() <= PAGE_BUDGET {
                (tones, Mode::Gray4)
            } else {
                (encode_bilevel(g), Mode::Bilevel)
            }
        });
        let over =
            predict_gray_size(g)?.is_some_and(|n| n > PAGE_BUDGET as f64 * (1.0 + PREDICT_MARGIN));
        let gray = if over {
            None
        } else {
            Some(encode_gray(g, JPEG_QUALITY)?)
        };
        let fallback = fallback
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok(match gray {
            Some(data) if data.len() <= PAGE_BUDGET => (data, Mode::Gray),
            _ => fallback,
        })
    })
}

/// The size [`encode_gray`] at [`JPEG_QUALITY`] would give `g`, predicted
/// by encoding one band of rows out of every [`SAMPLE_EVERY`] (a quarter
/// of the work) and scaling up; `None` for a page too short to sample.
pub fn predict_gray_size(g: &Gray) -> Result<Option<f64>, ScanError> {
    if g.height < SAMPLE_BAND * SAMPLE_EVERY * 8 || g.width == 0 {
        return Ok(None);
    }
    let bands = g.height.div_ceil(SAMPLE_BAND * SAMPLE_EVERY);
    let sample = Bands {
        g,
        rows: u16::try_from(bands * SAMPLE_BAND)
            .map_err(|_| ScanError::Encode("too tall".into()))?,
    };
    let n = encode_luma(sample, JPEG_QUALITY)?.len() as f64;
    // A ratio estimate: the sample's bytes scaled by the whole page's
    // activity over the sample's, which is far steadier than scaling by
    // rows when a few lines of large type fall in or out of the sample.
    let activity = row_activity(g);
    let (mut total, mut sampled) = (0.0, 0.0);
    for (y, a) in activity.iter().enumerate() {
        let a = a + BLANK_ACTIVITY * f64::from(g.width);
        total += a;
        if sample.holds(y as u32) {
            sampled += a;
        }
    }
    if sampled <= 0.0 {
        return Ok(None);
    }
    Ok(Some(
        (n - JPEG_HEADERS).max(0.0) * total / sampled + JPEG_HEADERS,
    ))
}

/// Bytes of a gray JPEG's markers and tables (JFIF, quantisation, frame,
/// optimised Huffman tables, scan): not scaled with the sampled rows.
const JPEG_HEADERS: f64 = 220.0;

/// One band of [`SAMPLE_BAND`] rows out of every [`SAMPLE_EVERY`] of a gray page,
/// as one image for the JPEG encoder.
#[derive(Clone, Copy)]
struct Bands<'a> {
    g: &'a Gray,
    rows: u16,
}

impl Bands<'_> {
    /// The page's row that the sample's row `y` is.
    fn source_row(&self, y: u32) -> u32 {
        let group = y / SAMPLE_BAND;
        // One band out of each group of SAMPLE_EVERY, at an offset that
        // varies from group to group without a period: a fixed offset
        // aliases with the pitch of the text lines.
        let mixed = group.wrapping_mul(0x9E37_79B9).rotate_right(16);
        let band = (group * SAMPLE_EVERY + mixed % SAMPLE_EVERY) * SAMPLE_BAND;
        (band + y % SAMPLE_BAND).min(self.g.height - 1)
    }

    /// Whether the page's row `row` is in the sample.
    fn holds(&self, row: u32) -> bool {
        let group = row / (SAMPLE_BAND * SAMPLE_EVERY);
        let y = group * SAMPLE_BAND + row % SAMPLE_BAND;
        y < u32::from(self.rows) && self.source_row(y) == row
    }
}

/// Per row, the sum of absolute differences to the pixel on the left and
/// the pixel above: what a JPEG spends its bytes on.
fn row_activity(g: &Gray) -> Vec<f64> {
    let w = g.width as usize;
    let mut above: &[u8] = &g.data[..w];
    g.data
        .chunks_exact(w)
        .map(|row| {
            let mut sum = 0u64;
            for x in 1..w {
                sum += u64::from(row[x].abs_diff(row[x - 1]));
            }
            for (a, b) in row.iter().zip(above) {
                sum += u64::from(a.abs_diff(*b));
            }
            above = row;
            sum as f64
        })
        .collect()
}

/// The activity (see [`row_activity`]) a pixel of blank paper counts for:
/// a blank block still costs its JPEG a few bits.
const BLANK_ACTIVITY: f64 = 0.75;

impl jpeg_encoder::ImageBuffer for Bands<'_> {
    fn get_jpeg_color_type(&self) -> jpeg_encoder::JpegColorType {
        jpeg_encoder::JpegColorType::Luma
    }

    fn width(&self) -> u16 {
        self.g.width as u16
    }

    fn height(&self) -> u16 {
        self.rows
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let row = self.source_row(u32::from(y)) as usize;
        let w = self.g.width as usize;
        buffers[0].extend_from_slice(&self.g.data[row * w..][..w]);
    }
}

/// [`encode_gray`]'s settings for any luma image.
fn encode_luma(image: impl jpeg_encoder::ImageBuffer, quality: u8) -> Result<Vec<u8>, ScanError> {
    let dpi = pdf::fitted_dpi(u32::from(image.width()), u32::from(image.height())).round() as u16;
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_optimized_huffman_tables(true);
    encoder.set_density(jpeg_encoder::PixelDensity::dpi(dpi));
    encoder
        .encode_image(image)
        .map_err(|e| ScanError::Encode(e.to_string()))?;
    Ok(out)
}

/// Thresholds at [`BILEVEL_THRESHOLD`] and packs rows MSB first (set bit = white, padded to a
/// byte per row), compressed with zlib: PDF's FlateDecode.
pub fn encode_bilevel(g: &Gray) -> Vec<u8> {
    let row = (g.width as usize).div_ceil(8);
    let mut bits = vec![0u8; row * g.height as usize];
    if g.width > 0 {
        for (src, dst) in g
            .data
            .chunks_exact(g.width as usize)
            .zip(bits.chunks_exact_mut(row))
        {
            for (x, &v) in src.iter().enumerate() {
                if v >= BILEVEL_THRESHOLD {
                    dst[x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
    }
    miniz_oxide::deflate::compress_to_vec_zlib(&bits, 6)
}

/// Quantises to four levels (2 bits a pixel, 0 black, 3 white; below
/// each of [`GRAY4_CUTS`] one level darker) and packs rows MSB first,
/// padded with white to a byte per row, compressed with zlib: PDF's
/// FlateDecode of a `/BitsPerComponent 2` gray image.
pub fn encode_gray4(g: &Gray) -> Vec<u8> {
    let mut level = [0u8; 256];
    for (v, l) in level.iter_mut().enumerate() {
        *l = GRAY4_CUTS.iter().filter(|&&cut| v as u8 >= cut).count() as u8;
    }
    let w = g.width as usize;
    let row = w.div_ceil(4);
    let mut packed = vec![0xFFu8; row * g.height as usize];
    if w > 0 {
        for (src, dst) in g.data.chunks_exact(w).zip(packed.chunks_exact_mut(row)) {
            for (quad, byte) in src.chunks(4).zip(dst.iter_mut()) {
                let mut b = 0u8;
                for k in 0..4 {
                    let l = quad.get(k).map_or(3, |&v| level[v as usize]);
                    b = (b << 2) | l;
                }
                *byte = b;
            }
        }
    }
    miniz_oxide::deflate::compress_to_vec_zlib(&packed, 6)
}

#[cfg(test)]
mod tests;
