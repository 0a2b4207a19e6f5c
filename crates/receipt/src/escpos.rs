//! ESC/POS: the raster as `GS v 0` blocks, and a decoder that reads exactly
//! what [`encode_escpos`] writes back into a bitmap (for tests and the
//! kiosk's end-to-end test), refusing anything else.

use crate::{Bitmap, ReceiptError};

/// Rows per `GS v 0` block: small enough for printers with modest buffers.
pub const BAND_ROWS: u32 = 255;
/// Lines fed before the cut, so the slip's end clears the cutter.
pub const FEED_LINES: u8 = 4;
/// Widest raster the decoder accepts, in bytes per row (4096 dots).
pub const MAX_BYTES_PER_ROW: usize = 512;

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;

/// `ESC @`, the bitmap in `GS v 0` bands of at most [`BAND_ROWS`] rows,
/// `ESC d` [`FEED_LINES`], and a partial cut (`GS V 1`).
pub fn encode_escpos(bitmap: &Bitmap) -> Vec<u8> {
    let stride = bitmap.bytes_per_row();
    let mut out = Vec::with_capacity(bitmap.as_bytes().len() + 64);
    out.extend_from_slice(&[ESC, b'@']);
    let mut y = 0;
    while y < bitmap.height() {
        let rows = BAND_ROWS.min(bitmap.height() - y);
        out.extend_from_slice(&[GS, b'v', b'0', 0]);
        out.extend_from_slice(&(stride as u16).to_le_bytes());
        out.extend_from_slice(&(rows as u16).to_le_bytes());
        let start = y as usize * stride;
        out.extend_from_slice(&bitmap.as_bytes()[start..start + rows as usize * stride]);
        y += rows;
    }
    out.extend_from_slice(&[ESC, b'd', FEED_LINES]);
    out.extend_from_slice(&[GS, b'V', 1]);
    out
}

/// Reads a job written by [`encode_escpos`]: `ESC @`, one or more `GS v 0`
/// blocks (mode 0, one width), optionally `ESC d n`, then `GS V 1`, `GS V 49`
/// or `GS V 66 n`, and nothing after. The bitmap is `bytes_per_row × 8`
/// dots wide.
pub fn decode_escpos(bytes: &[u8]) -> Result<Bitmap, ReceiptError> {
    let bad = |at: usize, why: &'static str| ReceiptError::BadEscPos { at, why };
    let mut i = 0usize;
    if bytes.get(..2) != Some(&[ESC, b'@']) {
        return Err(bad(0, "does not start with ESC @"));
    }
    i += 2;
    let mut stride: Option<usize> = None;
    let mut height = 0u32;
    let mut bits = Vec::new();
    while bytes.get(i..i + 3) == Some(&[GS, b'v', b'0']) {
        let head = bytes
            .get(i + 3..i + 8)
            .ok_or_else(|| bad(i, "truncated GS v 0 header"))?;
        if head[0] != 0 {
            return Err(bad(i + 3, "GS v 0 mode is not 0"));
        }
        let x = usize::from(u16::from_le_bytes([head[1], head[2]]));
        let rows = usize::from(u16::from_le_bytes([head[3], head[4]]));
        if x == 0 || x > MAX_BYTES_PER_ROW || rows == 0 {
            return Err(bad(i + 4, "GS v 0 size out of range"));
        }
        if stride.is_some_and(|s| s != x) {
            return Err(bad(i + 4, "GS v 0 width changes between blocks"));
        }
        stride = Some(x);
        let data_start = i + 8;
        let data = bytes
            .get(data_start..data_start + x * rows)
            .ok_or_else(|| bad(data_start, "truncated GS v 0 data"))?;
        bits.extend_from_slice(data);
        height += rows as u32;
        i = data_start + x * rows;
    }
    let stride = stride.ok_or_else(|| bad(i, "no GS v 0 raster"))?;
    if bytes.get(i..i + 2) == Some(&[ESC, b'd']) {
        if bytes.get(i + 2).is_none() {
            return Err(bad(i, "truncated ESC d"));
        }
        i += 3;
    }
    match bytes.get(i..) {
        Some([GS, b'V', 1 | 49]) => {}
        Some([GS, b'V', 66, _]) => {}
        Some([]) | None => return Err(bad(i, "no cut at the end")),
        _ => return Err(bad(i, "unexpected bytes after the raster")),
    }
    Bitmap::from_rows(stride as u32 * 8, height, bits).ok_or_else(|| bad(i, "raster size mismatch"))
}
