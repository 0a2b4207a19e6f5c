//! Decoding JPEG (zune-jpeg, EXIF orientation honoured) and PNG (image,
//! png only) straight to gray, refusing oversized images from their
//! headers before any pixel buffer is allocated.

use std::io::Cursor;

use image::ImageDecoder;
use image::codecs::png::PngDecoder;
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use crate::gray::Gray;
use crate::{LimitError, check_dimensions, check_file_size};

/// Why an input could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("not a JPEG or PNG image")]
    UnknownFormat,
    #[error(transparent)]
    Limit(#[from] LimitError),
    #[error("damaged or truncated {format} image: {reason}")]
    Damaged {
        format: &'static str,
        reason: String,
    },
}

/// The image formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
}

/// Recognises the format from the first bytes.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else {
        None
    }
}

/// Decodes a JPEG or PNG file's bytes to an upright gray image.
pub fn decode_gray(bytes: &[u8]) -> Result<Gray, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    check_file_size(bytes.len() as u64)?;
    let format = sniff(bytes).ok_or(DecodeError::UnknownFormat)?;
    // The decoders are fuzzed, but a panic on some input must still become
    // an error for the citizen, never a crash of the kiosk.
    let result = std::panic::catch_unwind(|| match format {
        Format::Jpeg => decode_jpeg(bytes),
        Format::Png => decode_png(bytes),
    });
    result.unwrap_or_else(|_| {
        Err(DecodeError::Damaged {
            format: name(format),
            reason: "the decoder failed".into(),
        })
    })
}

fn name(format: Format) -> &'static str {
    match format {
        Format::Jpeg => "JPEG",
        Format::Png => "PNG",
    }
}

fn damaged(format: Format, e: impl std::fmt::Display) -> DecodeError {
    DecodeError::Damaged {
        format: name(format),
        // One line, whatever the decoder's message looks like.
        reason: e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn decode_jpeg(bytes: &[u8]) -> Result<Gray, DecodeError> {
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX))
        // A file cut inside the image data is an error, not a page with a
        // gray lower part.
        .set_strict_mode(true);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder
        .decode_headers()
        .map_err(|e| damaged(Format::Jpeg, e))?;
    let info = decoder
        .info()
        .ok_or_else(|| damaged(Format::Jpeg, "no frame header"))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_dimensions(width, height)?;
    let orientation = decoder
        .exif()
        .and_then(|tiff| exif_orientation(tiff))
        .unwrap_or(1);
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| damaged(Format::Jpeg, "size overflow"))?;
    let mut data = vec![0u8; size];
    decoder
        .decode_into(&mut data)
        .map_err(|e| damaged(Format::Jpeg, e))?;
    if data.len() != width as usize * height as usize {
        return Err(damaged(Format::Jpeg, "unexpected output size"));
    }
    Ok(Gray {
        width,
        height,
        data,
    }
    .orient(orientation))
}

fn decode_png(bytes: &[u8]) -> Result<Gray, DecodeError> {
    // The IHDR chunk must come first: read its dimensions before the
    // decoder reads anything else.
    let ihdr = bytes
        .get(12..24)
        .ok_or_else(|| damaged(Format::Png, "no IHDR header"))?;
    if &ihdr[..4] != b"IHDR" {
        return Err(damaged(Format::Png, "no IHDR header"));
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    check_dimensions(be(&ihdr[4..8]), be(&ihdr[8..12]))?;
    let decoder = PngDecoder::new(Cursor::new(bytes)).map_err(|e| damaged(Format::Png, e))?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height)?;
    let image = image::DynamicImage::from_decoder(decoder).map_err(|e| damaged(Format::Png, e))?;
    let luma = image.into_luma8();
    Ok(Gray {
        width,
        height,
        data: luma.into_raw(),
    })
}

/// Reads the Orientation tag (0x0112) of IFD0 from raw EXIF data that
/// starts at the TIFF header (`II*\0` or `MM\0*`). `None` when absent or
/// malformed; every offset is bounds-checked.
pub fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    // Some writers keep the "Exif\0\0" prefix; accept both.
    let tiff = tiff.strip_prefix(b"Exif\0\0").unwrap_or(tiff);
    let little = match tiff.get(0..4)? {
        [b'I', b'I', 42, 0] => true,
        [b'M', b'M', 0, 42] => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    for i in 0..count {
        let entry = ifd.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        if u16_at(entry)? == 0x0112 {
            // Type SHORT (3), count 1: the value sits in the first 2 bytes.
            if u16_at(entry + 2)? != 3 {
                return None;
            }
            let v = u16_at(entry + 8)?;
            return (1..=8).contains(&v).then_some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal TIFF block with IFD0 holding only Orientation = `v`.
    pub(crate) fn tiff_with_orientation(v: u16, little: bool) -> Vec<u8> {
        let w16 = |x: u16| {
            if little {
                x.to_le_bytes()
            } else {
                x.to_be_bytes()
            }
        };
        let w32 = |x: u32| {
            if little {
                x.to_le_bytes()
            } else {
                x.to_be_bytes()
            }
        };
        let mut t = Vec::new();
        t.extend_from_slice(if little { b"II" } else { b"MM" });
        t.extend_from_slice(&w16(42));
        t.extend_from_slice(&w32(8));
        t.extend_from_slice(&w16(1));
        t.extend_from_slice(&w16(0x0112));
        t.extend_from_slice(&w16(3));
        t.extend_from_slice(&w32(1));
        t.extend_from_slice(&w16(v));
        t.extend_from_slice(&[0, 0]);
        t.extend_from_slice(&w32(0));
        t
    }

    #[test]
    fn orientation_tag_both_byte_orders() {
        assert_eq!(exif_orientation(&tiff_with_orientation(6, true)), Some(6));
        assert_eq!(exif_orientation(&tiff_with_orientation(8, false)), Some(8));
        assert_eq!(exif_orientation(&tiff_with_orientation(9, true)), None);
    }

    #[test]
    fn orientation_never_panics_on_truncation() {
        let t = tiff_with_orientation(3, true);
        for n in 0..t.len() {
            let _ = exif_orientation(&t[..n]);
        }
        let mut bad = t.clone();
        bad[4] = 0xFF; // IFD offset far outside
        assert_eq!(exif_orientation(&bad), None);
    }

    #[test]
    fn empty_and_unknown() {
        assert_eq!(decode_gray(&[]), Err(DecodeError::Empty));
        assert_eq!(decode_gray(b"GIF89a...."), Err(DecodeError::UnknownFormat));
    }
}
