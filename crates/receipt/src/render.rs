//! Drawing a [`Slip`] into a 1-bit [`Bitmap`]: text from the embedded DejaVu
//! Sans (which covers Vietnamese), thresholded, word-wrapped to the paper;
//! the lookup QR with its quiet zone. Everything is raster, so Vietnamese
//! prints on any printer, whatever its code pages.

use ab_glyph::{Font, FontRef, Glyph, PxScale, ScaleFont, point};
use qrcode::{Color, EcLevel, QrCode};

use crate::slip::{Align, Line, Run, Size};
use crate::{Bitmap, ReceiptError, Slip};

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The smallest type the slip uses, in dots.
const MIN_BODY_PX: f32 = 24.0;

/// Coverage at or above which a dot is black.
const THRESHOLD: f32 = 0.5;

/// Paper and type sizes, in printer dots.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RenderOptions {
    /// Width of the raster in dots (576 for 80 mm paper at 203 dpi, 384 for
    /// 58 mm).
    pub width: u32,
    /// Blank dots left and right.
    pub margin: u32,
    /// Body type size in dots (ascender to descender; at least 24).
    pub body_px: f32,
    /// Size of one QR module in dots (at least 4).
    pub qr_module: u32,
}

impl RenderOptions {
    /// 80 mm roll at 203 dpi: 576 dots.
    pub const ROLL_80MM: RenderOptions = RenderOptions {
        width: 576,
        margin: 8,
        body_px: 32.0,
        qr_module: 6,
    };
    /// 58 mm roll at 203 dpi: 384 dots.
    pub const ROLL_58MM: RenderOptions = RenderOptions {
        width: 384,
        margin: 4,
        body_px: 26.0,
        qr_module: 4,
    };
    /// A4 at 200 dpi: 1654 dots, 19 mm side margins, 12 mm top and bottom.
    pub const A4: RenderOptions = RenderOptions {
        width: 1654,
        margin: 158,
        body_px: 40.0,
        qr_module: 8,
    };

    /// A roll of `width` dots: 576 and 384 get their presets, other widths
    /// the 80 mm type sizes.
    pub fn roll(width: u32) -> RenderOptions {
        match width {
            384 => Self::ROLL_58MM,
            _ => RenderOptions {
                width,
                ..Self::ROLL_80MM
            },
        }
    }
}

struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn fonts() -> Result<Fonts, ReceiptError> {
    Ok(Fonts {
        regular: FontRef::try_from_slice(REGULAR).map_err(|_| ReceiptError::Font)?,
        bold: FontRef::try_from_slice(BOLD).map_err(|_| ReceiptError::Font)?,
    })
}

/// A word to place: its text, weight, and whether a space comes before it.
struct Word<'a> {
    text: &'a str,
    bold: bool,
    space_before: bool,
}

fn words(runs: &[Run]) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut space = false;
    for r in runs {
        for (i, piece) in r.text.split(' ').enumerate() {
            if i > 0 {
                space = true;
            }
            if !piece.is_empty() {
                out.push(Word {
                    text: piece,
                    bold: r.bold,
                    space_before: space && !out.is_empty(),
                });
                space = false;
            }
        }
    }
    out
}

struct Renderer {
    fonts: Fonts,
    opts: RenderOptions,
    bm: Bitmap,
}

impl Renderer {
    fn font(&self, bold: bool) -> &FontRef<'static> {
        if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        }
    }

    fn px(&self, size: Size) -> f32 {
        let body = self.opts.body_px.max(MIN_BODY_PX);
        match size {
            Size::Body => body,
            Size::Large => body * 1.3,
            Size::Code => body * 2.0,
        }
    }

    fn avail(&self) -> f32 {
        self.opts.width.saturating_sub(2 * self.opts.margin) as f32
    }

    /// Glyphs of `text` from `x` on baseline 0, and the caret after them.
    fn glyphs(&self, text: &str, bold: bool, px: f32, x: f32) -> (Vec<Glyph>, f32) {
        let font = self.font(bold).as_scaled(PxScale::from(px));
        let mut caret = x;
        let mut prev = None;
        let mut out = Vec::new();
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                caret += font.kern(p, id);
            }
            out.push(id.with_scale_and_position(px, point(caret, 0.0)));
            caret += font.h_advance(id);
            prev = Some(id);
        }
        (out, caret)
    }

    fn width_of(&self, text: &str, bold: bool, px: f32) -> f32 {
        self.glyphs(text, bold, px, 0.0).1
    }

    /// Draws placed pieces `(text, bold, x)` as one visual line of `px`,
    /// growing the bitmap by the line's height (taller when stacked marks
    /// rise above the ascender, so nothing is clipped).
    fn draw_line(&mut self, pieces: &[(&str, bool, f32)], px: f32) {
        let mut outlined = Vec::new();
        for &(text, bold, x) in pieces {
            let (glyphs, _) = self.glyphs(text, bold, px, x);
            for g in glyphs {
                if let Some(o) = self.font(bold).outline_glyph(g) {
                    outlined.push(o);
                }
            }
        }
        let scaled = self.fonts.regular.as_scaled(PxScale::from(px));
        let mut top = -scaled.ascent();
        let mut bottom = -scaled.descent();
        for o in &outlined {
            let b = o.px_bounds();
            top = top.min(b.min.y);
            bottom = bottom.max(b.max.y);
        }
        let gap = (px * 0.18).round();
        let baseline = (-top).ceil() + 1.0;
        let height = (baseline + bottom.ceil() + gap) as u32;
        let y0 = self.bm.height();
        self.bm.grow(height);
        let bm = &mut self.bm;
        for o in &outlined {
            let b = o.px_bounds();
            let ox = b.min.x.floor() as i64;
            let oy = i64::from(y0) + (baseline + b.min.y).floor() as i64;
            o.draw(|gx, gy, c| {
                if c >= THRESHOLD {
                    bm.set(ox + i64::from(gx), oy + i64::from(gy), true);
                }
            });
        }
    }

    fn text(&mut self, runs: &[Run], size: Size, align: Align, hanging: bool) {
        let mut px = self.px(size);
        let avail = self.avail();
        let words = words(runs);
        if words.is_empty() {
            return;
        }
        // A code never wraps: it shrinks to fit. A centred heading a little
        // too wide shrinks too (never below the body's minimum) rather than
        // leave one word alone on a line.
        if size == Size::Code || align == Align::Center {
            let w: f32 = words
                .iter()
                .map(|w| {
                    self.width_of(w.text, w.bold, px)
                        + if w.space_before {
                            self.width_of(" ", w.bold, px)
                        } else {
                            0.0
                        }
                })
                .sum();
            let fitted = px * avail / w * 0.995;
            if w > avail && (size == Size::Code || (w <= avail * 1.3 && fitted >= MIN_BODY_PX)) {
                px = fitted;
            }
        }
        let space = |r: &Renderer, bold: bool| r.width_of(" ", bold, px);
        let indent = if hanging {
            words
                .get(1)
                .map(|w1| {
                    self.width_of(words[0].text, words[0].bold, px)
                        + if w1.space_before {
                            space(self, words[0].bold)
                        } else {
                            0.0
                        }
                })
                .unwrap_or(0.0)
                .min(avail / 3.0)
        } else {
            0.0
        };

        // Break words (and words wider than the line) into visual lines.
        let mut lines: Vec<Vec<(String, bool, f32)>> = vec![Vec::new()];
        let mut x = 0.0f32;
        for w in &words {
            let ww = self.width_of(w.text, w.bold, px);
            let sp = if w.space_before {
                space(self, w.bold)
            } else {
                0.0
            };
            let line_start = if lines.len() == 1 { 0.0 } else { indent };
            let cur_empty = lines.last().is_none_or(|l| l.is_empty());
            if !cur_empty && x + sp + ww > avail {
                lines.push(Vec::new());
                x = indent;
            } else if !cur_empty {
                x += sp;
            } else {
                x = line_start;
            }
            if ww <= avail - x {
                if let Some(l) = lines.last_mut() {
                    l.push((w.text.to_owned(), w.bold, x));
                }
                x += ww;
                continue;
            }
            // Longer than a whole line: split by characters.
            let mut piece = String::new();
            for c in w.text.chars() {
                let mut next = piece.clone();
                next.push(c);
                if !piece.is_empty() && x + self.width_of(&next, w.bold, px) > avail {
                    if let Some(l) = lines.last_mut() {
                        l.push((std::mem::take(&mut piece), w.bold, x));
                    }
                    lines.push(Vec::new());
                    x = indent;
                    next = c.to_string();
                }
                piece = next;
            }
            let pw = self.width_of(&piece, w.bold, px);
            if let Some(l) = lines.last_mut() {
                l.push((piece, w.bold, x));
            }
            x += pw;
        }

        let margin = self.opts.margin as f32;
        for line in lines.iter().filter(|l| !l.is_empty()) {
            let end = line
                .last()
                .map(|(t, b, x0)| x0 + self.width_of(t, *b, px))
                .unwrap_or(0.0);
            let shift = match align {
                Align::Left => margin,
                Align::Center => margin + ((avail - end) / 2.0).max(0.0).floor(),
            };
            let pieces: Vec<(&str, bool, f32)> = line
                .iter()
                .map(|(t, b, x0)| (t.as_str(), *b, x0 + shift))
                .collect();
            self.draw_line(&pieces, px);
        }
    }

    fn space(&mut self, rows: u32) {
        self.bm.grow(rows);
    }

    fn rule(&mut self) {
        let pad = (self.px(Size::Body) * 0.35) as u32;
        self.space(pad);
        let y = self.bm.height();
        self.space(2);
        let m = self.opts.margin;
        self.bm.fill(
            i64::from(m),
            i64::from(y),
            self.opts.width.saturating_sub(2 * m),
            2,
        );
        self.space(pad);
    }

    fn qr(&mut self, data: &str, caption: &[Run]) -> Result<(), ReceiptError> {
        let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
            .map_err(|_| ReceiptError::QrTooLong)?;
        let n = code.width() as u32;
        let quiet = 4;
        let avail = self.avail() as u32;
        let mut module = self.opts.qr_module.max(4);
        while module > 4 && (n + 2 * quiet) * module > avail {
            module -= 1;
        }
        let side = (n + 2 * quiet) * module;
        if side > avail {
            return Err(ReceiptError::PaperTooNarrow);
        }
        let colors = code.to_colors();

        // The caption's lines: bold runs (the secret) in large type.
        let cap: Vec<(&str, bool, f32)> = caption
            .iter()
            .map(|r| {
                let px = if r.bold {
                    self.px(Size::Large)
                } else {
                    self.px(Size::Body)
                };
                (r.text.as_str(), r.bold, px)
            })
            .collect();
        let cap_w = cap
            .iter()
            .map(|(t, b, px)| self.width_of(t, *b, *px))
            .fold(0.0f32, f32::max);
        let gap = module * 2;
        let beside = side + gap + cap_w.ceil() as u32 <= avail;

        let margin = self.opts.margin;
        let qr_x = if beside {
            margin
        } else {
            margin + (avail - side) / 2
        };
        let y0 = self.bm.height();
        self.space(side);
        for (i, c) in colors.iter().enumerate() {
            if *c == Color::Dark {
                let (mx, my) = (i as u32 % n, i as u32 / n);
                self.bm.fill(
                    i64::from(qr_x + (quiet + mx) * module),
                    i64::from(y0 + (quiet + my) * module),
                    module,
                    module,
                );
            }
        }
        if beside {
            // Draw the caption into a scratch renderer, then copy it beside
            // the QR, centred vertically.
            let mut scratch = Renderer {
                fonts: fonts()?,
                opts: RenderOptions {
                    width: avail - side - gap,
                    margin: 0,
                    ..self.opts
                },
                bm: Bitmap::new(avail - side - gap, 0),
            };
            for (t, b, px) in &cap {
                scratch.draw_line(&[(t, *b, 0.0)], *px);
            }
            let ch = scratch.bm.height();
            let cy = y0 + side.saturating_sub(ch) / 2;
            let cx = qr_x + side + gap;
            for y in 0..ch.min(side) {
                for x in 0..scratch.bm.width() {
                    if scratch.bm.get(x, y) {
                        self.bm.set(i64::from(cx + x), i64::from(cy + y), true);
                    }
                }
            }
        } else {
            for r in caption {
                let size = if r.bold { Size::Large } else { Size::Body };
                self.text(std::slice::from_ref(r), size, Align::Center, false);
            }
        }
        Ok(())
    }
}

/// Draws the slip at the options' width; its height follows the content.
pub fn render(slip: &Slip, opts: &RenderOptions) -> Result<Bitmap, ReceiptError> {
    if opts.width < 2 * opts.margin + 200 {
        return Err(ReceiptError::PaperTooNarrow);
    }
    let mut r = Renderer {
        fonts: fonts()?,
        opts: *opts,
        bm: Bitmap::new(opts.width, 0),
    };
    let top = (r.px(Size::Body) * 0.5) as u32;
    r.space(top);
    for line in slip.lines() {
        match line {
            Line::Text {
                runs,
                size,
                align,
                hanging,
            } => r.text(runs, *size, *align, *hanging),
            Line::Rule => r.rule(),
            Line::Gap => {
                let g = (r.px(Size::Body) * 0.5) as u32;
                r.space(g);
            }
            Line::Qr { data, caption } => r.qr(data, caption)?,
        }
    }
    r.space(top);
    Ok(r.bm)
}
