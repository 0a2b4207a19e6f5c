//! A 1-bit raster, laid out as ESC/POS `GS v 0` and PDF want it: rows of
//! bytes, the leftmost dot in the high bit, 1 = black.

/// A 1-bit image; 1 is a black dot.
#[derive(Clone, PartialEq, Eq)]
pub struct Bitmap {
    width: u32,
    height: u32,
    bits: Vec<u8>,
}

impl std::fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bitmap({}×{})", self.width, self.height)
    }
}

impl Bitmap {
    /// A white bitmap.
    pub fn new(width: u32, height: u32) -> Bitmap {
        let stride = width.div_ceil(8) as usize;
        Bitmap {
            width,
            height,
            bits: vec![0; stride * height as usize],
        }
    }

    /// From packed rows (`bytes_per_row = width.div_ceil(8)`); `None` when
    /// the length does not match.
    pub fn from_rows(width: u32, height: u32, bits: Vec<u8>) -> Option<Bitmap> {
        (bits.len() == width.div_ceil(8) as usize * height as usize).then_some(Bitmap {
            width,
            height,
            bits,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn bytes_per_row(&self) -> usize {
        self.width.div_ceil(8) as usize
    }

    /// The packed rows, top to bottom.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bits
    }

    pub fn row(&self, y: u32) -> &[u8] {
        let s = self.bytes_per_row();
        let start = y as usize * s;
        self.bits.get(start..start + s).unwrap_or(&[])
    }

    /// Whether the dot is black; false outside the bitmap.
    pub fn get(&self, x: u32, y: u32) -> bool {
        if x >= self.width || y >= self.height {
            return false;
        }
        let i = y as usize * self.bytes_per_row() + (x / 8) as usize;
        self.bits.get(i).is_some_and(|b| b & (0x80 >> (x % 8)) != 0)
    }

    /// Sets a dot; ignored outside the bitmap.
    pub fn set(&mut self, x: i64, y: i64, black: bool) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let (x, y) = (x as u32, y as u32);
        let i = y as usize * self.bytes_per_row() + (x / 8) as usize;
        if let Some(b) = self.bits.get_mut(i) {
            if black {
                *b |= 0x80 >> (x % 8);
            } else {
                *b &= !(0x80 >> (x % 8));
            }
        }
    }

    /// Fills a rectangle with black (clipped).
    pub fn fill(&mut self, x: i64, y: i64, w: u32, h: u32) {
        for yy in y..y + i64::from(h) {
            for xx in x..x + i64::from(w) {
                self.set(xx, yy, true);
            }
        }
    }

    /// Whether row `y` has no black dot.
    pub fn row_is_blank(&self, y: u32) -> bool {
        self.row(y).iter().all(|&b| b == 0)
    }

    /// Rows `from..to` as a new bitmap (clipped).
    pub fn crop_rows(&self, from: u32, to: u32) -> Bitmap {
        let to = to.min(self.height);
        let from = from.min(to);
        let s = self.bytes_per_row();
        Bitmap {
            width: self.width,
            height: to - from,
            bits: self.bits[from as usize * s..to as usize * s].to_vec(),
        }
    }

    /// Appends `extra` white rows.
    pub(crate) fn grow(&mut self, extra: u32) {
        self.height += extra;
        self.bits
            .resize(self.bytes_per_row() * self.height as usize, 0);
    }

    /// 8-bit gray, 0 black and 255 white, for PNG files and QR readers.
    pub fn to_luma(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.width as usize * self.height as usize);
        for y in 0..self.height {
            for x in 0..self.width {
                out.push(if self.get(x, y) { 0 } else { 255 });
            }
        }
        out
    }
}
