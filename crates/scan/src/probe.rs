//! A cheap look at a JPEG's colour: the chroma planes at one pixel per
//! 4×4 chroma samples, read from each block's lowest DCT coefficients.
//!
//! The text pipeline needs only the luma, which zune-jpeg decodes about
//! twice as fast as the colour image; whether a page is colour
//! ([`crate::colour::measure`]) is decided on a copy about a millimetre per
//! pixel, far coarser than the chroma's 8×8 blocks. So, beside the
//! luma-only decode on the other core, [`chroma_dc`] walks the
//! entropy-coded data of a baseline JPEG (Huffman codes only: no inverse
//! DCT, no upsampling) and keeps, of each chroma block, its DC (the
//! block's mean) and the three lowest AC coefficients, from which the
//! means of its four quarters follow. Only a page found to be colour is
//! then decoded in colour.
//!
//! Baseline and extended sequential Huffman JPEGs with one interleaved
//! scan of Y, Cb and Cr (what phones, cameras and scanners write) are
//! read; anything else — progressive, arithmetic-coded, 12-bit, RGB or
//! CMYK, a scan per component — is [`Probe::Unsupported`], and the caller
//! decodes the colour image as before. Every read is bounds-checked: a
//! damaged file gives `Unsupported` (the real decoder then says what is
//! wrong), never a panic.

use crate::colour::Chroma;
use crate::gray::Gray;

/// What [`chroma_dc`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// A one-component (gray) JPEG: no colour at all.
    Gray,
    /// The mean of each 4×4 chroma samples (128 = neutral; a quarter of
    /// a block, from its lowest frequencies), the planes covering the
    /// image (the last block may reach past its edge), not yet turned by
    /// the EXIF orientation.
    Chroma(Chroma),
    /// Not a file this probe reads: decode the colour image instead.
    Unsupported,
}

/// One frame component.
#[derive(Debug, Clone, Copy, Default)]
struct Component {
    id: u8,
    h: usize,
    v: usize,
    tq: usize,
    /// Huffman tables of the scan.
    td: usize,
    ta: usize,
}

/// A Huffman table: `fast[peek of LOOKUP bits]` = (length, symbol) for
/// codes up to LOOKUP bits (length 0: longer code), and the canonical
/// code's `maxcode`/`valptr` per length for the rest.
struct Huffman {
    fast: Vec<(u8, u8)>,
    maxcode: [i32; 18],
    valoffset: [i32; 17],
    values: Vec<u8>,
}

const LOOKUP: u32 = 9;

impl Huffman {
    fn new(counts: &[u8; 16], values: &[u8]) -> Option<Huffman> {
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total > 256 || values.len() < total {
            return None;
        }
        let mut fast = vec![(0u8, 0u8); 1 << LOOKUP];
        let mut maxcode = [-1i32; 18];
        let mut valoffset = [0i32; 17];
        let (mut code, mut k) = (0i32, 0usize);
        for len in 1..=16usize {
            let n = usize::from(counts[len - 1]);
            valoffset[len] = k as i32 - code;
            for _ in 0..n {
                if len <= LOOKUP as usize {
                    let shift = LOOKUP as usize - len;
                    let first = (code as usize) << shift;
                    for slot in fast.get_mut(first..first + (1 << shift))? {
                        *slot = (len as u8, values[k]);
                    }
                }
                code += 1;
                k += 1;
            }
            if code > 1 << len {
                return None;
            }
            maxcode[len] = if n > 0 { code - 1 } else { -1 };
            code <<= 1;
        }
        maxcode[17] = i32::MAX;
        Some(Huffman {
            fast,
            maxcode,
            valoffset,
            values: values[..total].to_vec(),
        })
    }
}

/// Reads the entropy-coded data MSB first, removing stuffed zero bytes;
/// a marker (or the end of the file) ends the data: zeros are fed after
/// it, `padding` counting them.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    count: u32,
    marker: bool,
    padding: u32,
}

impl Bits<'_> {
    #[inline]
    fn refill(&mut self) {
        while self.count <= 56 {
            let byte = if self.marker {
                self.padding += 8;
                0
            } else {
                match self.data.get(self.pos) {
                    Some(&0xFF) if self.data.get(self.pos + 1) == Some(&0x00) => {
                        self.pos += 2;
                        0xFF
                    }
                    Some(&b) if b != 0xFF => {
                        self.pos += 1;
                        b
                    }
                    _ => {
                        self.marker = true;
                        self.padding += 8;
                        0
                    }
                }
            };
            self.acc |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
    }

    /// Whether bits past the end of the data were used: the data was
    /// cut short.
    fn overran(&self) -> bool {
        self.padding > self.count
    }

    /// At the end of a restart interval: the data must end there, at an
    /// RSTn marker, after which reading starts afresh.
    fn restart(&mut self) -> bool {
        if !self.marker || self.overran() {
            return false;
        }
        self.acc = 0;
        self.count = 0;
        self.marker = false;
        self.padding = 0;
        match (self.data.get(self.pos), self.data.get(self.pos + 1)) {
            (Some(0xFF), Some(m)) if (0xD0..=0xD7).contains(m) => {
                self.pos += 2;
                true
            }
            _ => false,
        }
    }

    #[inline]
    fn peek(&self, n: u32) -> u32 {
        (self.acc >> (64 - n)) as u32
    }

    #[inline]
    fn skip(&mut self, n: u32) {
        self.acc <<= n;
        self.count -= n;
    }

    /// One Huffman symbol; `None` on a code no table holds.
    #[inline]
    fn symbol(&mut self, t: &Huffman) -> Option<u8> {
        self.refill();
        let (len, sym) = t.fast[self.peek(LOOKUP) as usize];
        if len > 0 {
            self.skip(u32::from(len));
            return Some(sym);
        }
        let mut len = LOOKUP + 1;
        while len <= 16 {
            let code = self.peek(len) as i32;
            if code <= t.maxcode[len as usize] {
                self.skip(len);
                let i = code + t.valoffset[len as usize];
                return t.values.get(usize::try_from(i).ok()?).copied();
            }
            len += 1;
        }
        None
    }

    /// `n` (≤ 16) more bits as JPEG's signed value of category `n`.
    #[inline]
    fn extend(&mut self, n: u32) -> i32 {
        if n == 0 {
            return 0;
        }
        self.refill();
        let v = self.peek(n) as i32;
        self.skip(n);
        if v < 1 << (n - 1) {
            v - (1 << n) + 1
        } else {
            v
        }
    }
}

/// The chroma of a JPEG file's bytes from its DC coefficients (see the
/// module's documentation).
pub fn chroma_dc(bytes: &[u8]) -> Probe {
    std::panic::catch_unwind(|| probe(bytes).unwrap_or(Probe::Unsupported))
        .unwrap_or(Probe::Unsupported)
}

/// The size of the planes [`chroma_dc`] would give for a colour file it
/// reads, from the headers alone (the entropy-coded data may still turn
/// out damaged); `None` for a gray file or one it does not read.
pub fn plane_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let size = |h: Headers<'_>| match h {
        Headers::Gray => None,
        Headers::Colour(s) => {
            let hmax = s.comps.iter().map(|c| c.h).max()?;
            let vmax = s.comps.iter().map(|c| c.v).max()?;
            let c = s.comps.get(1)?;
            let w = 2 * s.width.div_ceil(8 * hmax) * c.h;
            let h = 2 * s.height.div_ceil(8 * vmax) * c.v;
            Some((u32::try_from(w).ok()?, u32::try_from(h).ok()?))
        }
    };
    std::panic::catch_unwind(|| headers(bytes).and_then(size)).unwrap_or(None)
}

fn probe(bytes: &[u8]) -> Option<Probe> {
    match headers(bytes)? {
        Headers::Gray => Some(Probe::Gray),
        Headers::Colour(h) => scan(&h).map(Probe::Chroma),
    }
}

/// What a file's headers hold, up to its first scan.
enum Headers<'a> {
    Gray,
    Colour(Box<Scan<'a>>),
}

/// An interleaved scan of three components, ready to walk.
struct Scan<'a> {
    data: &'a [u8],
    width: usize,
    height: usize,
    comps: Vec<Component>,
    quant: [[f32; 5]; 4],
    dc_tables: [Option<Huffman>; 4],
    ac_tables: [Option<Huffman>; 4],
    interval: usize,
}

fn headers(bytes: &[u8]) -> Option<Headers<'_>> {
    let u16_at = |i: usize| -> Option<usize> {
        Some(usize::from(u16::from_be_bytes([
            *bytes.get(i)?,
            *bytes.get(i + 1)?,
        ])))
    };
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut quant = [[0f32; 5]; 4];
    let mut dc_tables: [Option<Huffman>; 4] = [None, None, None, None];
    let mut ac_tables: [Option<Huffman>; 4] = [None, None, None, None];
    let mut frame: Option<(usize, usize, Vec<Component>)> = None;
    let mut interval = 0usize;
    let mut i = 2usize;
    loop {
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(i + 1)?;
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = u16_at(i + 2)?;
        let seg = bytes.get(i + 4..i + 2 + len)?;
        match marker {
            // DQT: only each table's first (DC) entry is needed.
            0xDB => {
                let mut s = seg;
                while let Some(&pq_tq) = s.first() {
                    let (precision, id) = (pq_tq >> 4, usize::from(pq_tq & 15));
                    let size = if precision == 0 { 64 } else { 128 };
                    let entry = s.get(1..1 + size)?;
                    // The steps of the first five coefficients in zigzag
                    // order: DC, then (0,1), (1,0), (2,0), (1,1).
                    let table = quant.get_mut(id)?;
                    for (z, step) in table.iter_mut().enumerate() {
                        *step = f32::from(if precision == 0 {
                            u16::from(entry[z])
                        } else {
                            u16::from_be_bytes([entry[2 * z], entry[2 * z + 1]])
                        });
                    }
                    s = &s[1 + size..];
                }
            }
            // DHT
            0xC4 => {
                let mut s = seg;
                while let Some(&tc_th) = s.first() {
                    let counts: [u8; 16] = s.get(1..17)?.try_into().ok()?;
                    let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
                    let values = s.get(17..17 + total)?;
                    let table = Huffman::new(&counts, values)?;
                    let id = usize::from(tc_th & 15);
                    match tc_th >> 4 {
                        0 => *dc_tables.get_mut(id)? = Some(table),
                        1 => *ac_tables.get_mut(id)? = Some(table),
                        _ => return None,
                    }
                    s = &s[17 + total..];
                }
            }
            // SOF0, SOF1: 8-bit sequential Huffman.
            0xC0 | 0xC1 => {
                if *seg.first()? != 8 {
                    return None;
                }
                let height = u16_at(i + 5)?;
                let width = u16_at(i + 7)?;
                let n = usize::from(*seg.get(5)?);
                let mut comps = Vec::with_capacity(n);
                for k in 0..n {
                    let c = seg.get(6 + 3 * k..9 + 3 * k)?;
                    let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
                    if !(1..=4).contains(&h) || !(1..=4).contains(&v) || c[2] > 3 {
                        return None;
                    }
                    comps.push(Component {
                        id: c[0],
                        h,
                        v,
                        tq: usize::from(c[2]),
                        ..Component::default()
                    });
                }
                if n == 1 {
                    return Some(Headers::Gray);
                }
                let rgb = comps.iter().map(|c| c.id).eq(*b"RGB");
                if n != 3 || rgb || width == 0 || height == 0 {
                    return None;
                }
                frame = Some((width, height, comps));
            }
            // Any other frame type: progressive, lossless, arithmetic.
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            // APP14 (Adobe): a transform other than YCbCr means RGB.
            0xEE if seg.starts_with(b"Adobe") && seg.get(11).is_some_and(|&t| t != 1) => {
                return None;
            }
            // DRI
            0xDD => interval = u16_at(i + 4)?,
            // SOS
            0xDA => {
                let (width, height, mut comps) = frame?;
                let ns = usize::from(*seg.first()?);
                if ns != comps.len() {
                    return None;
                }
                for k in 0..ns {
                    let c = seg.get(1 + 2 * k..3 + 2 * k)?;
                    // Scan components in frame order, as baseline encoders
                    // write them.
                    let comp = comps.get_mut(k)?;
                    if comp.id != c[0] {
                        return None;
                    }
                    comp.td = usize::from(c[1] >> 4);
                    comp.ta = usize::from(c[1] & 15);
                }
                let data = bytes.get(i + 2 + len..)?;
                return Some(Headers::Colour(Box::new(Scan {
                    data,
                    width,
                    height,
                    comps,
                    quant,
                    dc_tables,
                    ac_tables,
                    interval,
                })));
            }
            0xD9 => return None,
            _ => {}
        }
        i += 2 + len;
    }
}

/// Weight of coefficient (0,1) or (1,0) in the mean of a half of an 8×8
/// block: ¼ · (1/√2) · the mean of cos((2x+1)π/16) over x = 0..3.
const HALF: f32 = 0.113_26;
/// Weight of coefficient (1,1) in the mean of a quarter: ¼ · that mean².
const QUARTER: f32 = 0.102_62;

/// The means of the four 4×4 quarters of a block (top left, top right,
/// bottom left, bottom right) from its DC and, in zigzag order, its first
/// AC coefficients (`low[1]` = (0,1), `low[2]` = (1,0), `low[4]` = (1,1));
/// the higher frequencies, which add little to a quarter's mean, are left
/// out.
fn quadrant_means(dc: i32, low: &[i32; 5], q: &[f32; 5]) -> [u8; 4] {
    let mean = 128.0 + dc as f32 * q[0] / 8.0;
    let h = low[1] as f32 * q[1] * HALF;
    let v = low[2] as f32 * q[2] * HALF;
    let d = low[4] as f32 * q[4] * QUARTER;
    let px = |x: f32| x.round().clamp(0.0, 255.0) as u8;
    [
        px(mean + h + v + d),
        px(mean - h + v - d),
        px(mean + h - v - d),
        px(mean - h - v + d),
    ]
}

fn scan(h: &Scan<'_>) -> Option<Chroma> {
    let Scan {
        data,
        width,
        height,
        ref comps,
        ref quant,
        ref dc_tables,
        ref ac_tables,
        interval,
    } = *h;
    let hmax = comps.iter().map(|c| c.h).max()?;
    let vmax = comps.iter().map(|c| c.v).max()?;
    let mcux = width.div_ceil(8 * hmax);
    let mcuy = height.div_ceil(8 * vmax);
    // Per component: its tables and its quantiser's first steps.
    let mut tables = Vec::with_capacity(3);
    for c in comps {
        tables.push((
            dc_tables.get(c.td)?.as_ref()?,
            ac_tables.get(c.ta)?.as_ref()?,
            *quant.get(c.tq)?,
        ));
    }
    // Two pixels per block each way: the means of its four quarters.
    let plane = |c: &Component| (2 * mcux * c.h, 2 * mcuy * c.v);
    let (cbw, cbh) = plane(&comps[1]);
    let (crw, crh) = plane(&comps[2]);
    let mut cb = vec![128u8; cbw * cbh];
    let mut cr = vec![128u8; crw * crh];
    let mut pred = [0i32; 3];
    let mut bits = Bits {
        data,
        pos: 0,
        acc: 0,
        count: 0,
        marker: false,
        padding: 0,
    };
    let mut left = interval;
    for my in 0..mcuy {
        for mx in 0..mcux {
            if interval > 0 {
                if left == 0 {
                    if !bits.restart() {
                        return None;
                    }
                    pred = [0; 3];
                    left = interval;
                }
                left -= 1;
            }
            for (k, c) in comps.iter().enumerate() {
                let (dc_table, ac_table, q) = tables[k];
                for by in 0..c.v {
                    for bx in 0..c.h {
                        let s = u32::from(bits.symbol(dc_table)?);
                        if s > 11 {
                            return None;
                        }
                        pred[k] += bits.extend(s);
                        // The AC coefficients: walked over, the lowest
                        // three of a chroma block kept.
                        let mut low = [0i32; 5];
                        let mut z = 1;
                        while z < 64 {
                            let rs = bits.symbol(ac_table)?;
                            let (run, size) = (usize::from(rs >> 4), u32::from(rs & 15));
                            if size == 0 {
                                if run != 15 {
                                    break;
                                }
                                z += 16;
                                continue;
                            }
                            z += run;
                            if k > 0 && z <= 4 {
                                low[z] = bits.extend(size);
                            } else {
                                bits.refill();
                                bits.skip(size);
                            }
                            z += 1;
                        }
                        if k > 0 {
                            let (x, y) = (2 * (mx * c.h + bx), 2 * (my * c.v + by));
                            let (plane, w) = if k == 1 {
                                (&mut cb, cbw)
                            } else {
                                (&mut cr, crw)
                            };
                            let quads = quadrant_means(pred[k], &low, &q);
                            for (i, v) in quads.into_iter().enumerate() {
                                *plane.get_mut((y + i / 2) * w + x + i % 2)? = v;
                            }
                        }
                    }
                }
            }
        }
    }
    // A scan that ran into a marker before its last block is damaged: the
    // real decoder will say so.
    if bits.overran() {
        return None;
    }
    Some(Chroma {
        cb: Gray {
            width: cbw as u32,
            height: cbh as u32,
            data: cb,
        },
        cr: Gray {
            width: crw as u32,
            height: crh as u32,
            data: cr,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::colour::Rgb;
    use crate::decode::{decode_colour, decode_probed};

    /// A picture with smooth colour gradients, a red disc and fine black
    /// text-like bars: every kind of block a page has.
    fn picture(w: u32, h: u32) -> Rgb {
        let mut img = Rgb::filled(w, h, [250, 248, 240]);
        for y in 0..h {
            for x in 0..w {
                let (fx, fy) = (f64::from(x) / f64::from(w), f64::from(y) / f64::from(h));
                let mut p = [
                    (255.0 * fx) as u8,
                    (255.0 * fy) as u8,
                    (255.0 * (1.0 - fx * fy)) as u8,
                ];
                let (dx, dy) = (
                    f64::from(x) - 0.7 * f64::from(w),
                    f64::from(y) - 0.3 * f64::from(h),
                );
                if dx.hypot(dy) < f64::from(h) / 6.0 {
                    p = [200, 20, 30];
                }
                if x % 9 < 2 && y % 23 < 15 {
                    p = [10, 10, 10];
                }
                img.set(x, y, p);
            }
        }
        img
    }

    fn jpeg(
        img: &Rgb,
        sampling: jpeg_encoder::SamplingFactor,
        restart: u16,
        progressive: bool,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
        enc.set_sampling_factor(sampling);
        enc.set_restart_interval(restart);
        enc.set_progressive(progressive);
        enc.encode(
            &img.data,
            img.width as u16,
            img.height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        out
    }

    /// The probe's quarter means against the mean of the fully decoded
    /// chroma over the same luma pixels.
    fn check(bytes: &[u8], block: (u32, u32)) {
        let Probe::Chroma(c) = chroma_dc(bytes) else {
            panic!("not probed");
        };
        let d = decode_colour(bytes).unwrap_or_else(|e| panic!("{e}"));
        let full = d.chroma.unwrap_or_else(|| panic!("no chroma"));
        let (lw, lh) = (d.luma.width, d.luma.height);
        // Full chroma is at half the luma's resolution; a probe pixel is
        // a quarter of a block.
        let (bw, bh) = (block.0 / 4, block.1 / 4);
        assert_eq!(c.cb.width, 2 * lw.div_ceil(block.0));
        assert_eq!(c.cb.height, 2 * lh.div_ceil(block.1));
        let (mut worst, mut total, mut n) = (0.0f64, 0.0, 0.0);
        for (probe, plane) in [(&c.cb, &full.cb), (&c.cr, &full.cr)] {
            for by in 0..probe.height {
                for bx in 0..probe.width {
                    let (x0, y0) = (bx * bw, by * bh);
                    let (x1, y1) = (x0 + bw, y0 + bh);
                    if x1 > plane.width || y1 > plane.height {
                        continue; // a block reaching past the edge
                    }
                    let mut sum = 0.0;
                    for y in y0..y1 {
                        for x in x0..x1 {
                            sum += f64::from(plane.get(x, y));
                        }
                    }
                    let mean = sum / f64::from((x1 - x0) * (y1 - y0));
                    let diff = (mean - f64::from(probe.get(bx, by))).abs();
                    worst = worst.max(diff);
                    total += diff;
                    n += 1.0;
                }
            }
        }
        // Quarters are means over 4×4 samples from the lowest
        // frequencies only: beside a sharp colour edge (the disc, the bars)
        // one can be off by a few percent; on average they are close.
        assert!(worst <= 24.0, "quarter means differ by up to {worst}");
        assert!(
            total / n <= 3.0,
            "quarter means differ by {} on average",
            total / n
        );
    }

    #[test]
    fn block_means_match_the_decoded_chroma() {
        use jpeg_encoder::SamplingFactor::{F_1_1, F_2_1, F_2_2};
        let img = picture(331, 197);
        check(&jpeg(&img, F_2_2, 0, false), (16, 16));
        check(&jpeg(&img, F_2_2, 3, false), (16, 16));
        check(&jpeg(&img, F_2_1, 1, false), (16, 8));
        check(&jpeg(&img, F_1_1, 0, false), (8, 8));
    }

    #[test]
    fn gray_progressive_and_damaged_files() {
        use jpeg_encoder::SamplingFactor::F_2_2;
        let img = picture(120, 80);
        let g = Gray::filled(64, 48, 200);
        let mut gray = Vec::new();
        jpeg_encoder::Encoder::new(&mut gray, 80)
            .encode(&g.data, 64, 48, jpeg_encoder::ColorType::Luma)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(chroma_dc(&gray), Probe::Gray);
        let progressive = jpeg(&img, F_2_2, 0, true);
        assert_eq!(plane_size(&progressive), None);
        assert_eq!(plane_size(&gray), None);
        assert_eq!(chroma_dc(&progressive), Probe::Unsupported);
        let good = jpeg(&img, F_2_2, 2, false);
        assert_eq!(plane_size(&good), Some((16, 10)));
        // Every truncation, and bytes flipped in the data: never a panic,
        // and a file cut inside its data is never probed as whole.
        let sos = good
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .unwrap_or_else(|| panic!("no scan"));
        for n in (0..good.len() - 2).step_by(7) {
            let probe = chroma_dc(&good[..n]);
            if n > sos {
                assert_eq!(probe, Probe::Unsupported, "cut at {n}");
            }
        }
        for at in (sos + 20..good.len() - 2).step_by(13) {
            let mut bad = good.clone();
            bad[at] ^= 0x5A;
            let _ = chroma_dc(&bad);
            let _ = decode_probed(&bad);
        }
        // A damaged file is still refused by the decoder, not let through.
        assert!(decode_probed(&good[..good.len() * 2 / 3]).is_err());
    }

    #[test]
    fn probed_decode_gives_the_same_luma_and_coarse_chroma() {
        use jpeg_encoder::SamplingFactor::F_2_2;
        let bytes = jpeg(&picture(3200, 2000), F_2_2, 0, false);
        let p = decode_probed(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let d = decode_colour(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.luma, d.luma);
        assert!(p.coarse);
        let c = p.chroma.unwrap_or_else(|| panic!("no chroma"));
        assert_eq!((c.cb.width, c.cb.height), (400, 250));
        // A small image, whose quarters of blocks would be coarser than
        // the colour rule's measure, is decoded in colour.
        let small = jpeg(&picture(1200, 900), F_2_2, 0, false);
        let p = decode_probed(&small).unwrap_or_else(|e| panic!("{e}"));
        assert!(!p.coarse);
        assert!(p.chroma.is_some());
    }

    /// The colour decision reads the probe's chroma as it read the
    /// decoded one: the same share of coloured page within a quarter, the
    /// same verdict, on the seals at the edge of the rule and on gray
    /// print under a warm lamp.
    #[test]
    fn the_colour_rule_sees_the_same_page() {
        use crate::colour::{self, synth};
        let warm = [255, 235, 200];
        let mut pages = Vec::new();
        for seal_mm in [36.0, 25.0, 20.0, 0.0] {
            let mut letter = synth::sealed_letter(2400, 3400, seal_mm, warm, 8);
            synth::uneven_light(&mut letter, 30);
            pages.push(letter);
        }
        for page in pages {
            let bytes = page.encode_jpeg(90).unwrap_or_else(|e| panic!("{e}"));
            let d = decode_colour(&bytes).unwrap_or_else(|e| panic!("{e}"));
            let p = decode_probed(&bytes).unwrap_or_else(|e| panic!("{e}"));
            assert!(p.coarse);
            let size = (d.luma.width, d.luma.height);
            let full = d.chroma.unwrap_or_else(|| panic!("no chroma"));
            let probed = p.chroma.unwrap_or_else(|| panic!("no chroma"));
            let a = colour::measure(&full, size, None, &d.luma);
            let b = colour::measure(&probed, size, None, &p.luma);
            assert_eq!(colour::is_colour(&a), colour::is_colour(&b), "{a:?} {b:?}");
            assert!(
                (a.colour_share - b.colour_share).abs() <= 0.25 * a.colour_share + 1e-4,
                "{a:?} {b:?}"
            );
        }
    }
}
