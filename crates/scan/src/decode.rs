//! Decoding JPEG (zune-jpeg, EXIF orientation honoured) and PNG (image,
//! png only) straight to gray ([`decode_gray`]) or to luma and chroma
//! ([`decode_colour`]), refusing oversized images from their headers before
//! any pixel buffer is allocated.

use std::borrow::Cow;
use std::io::Cursor;

use image::ImageDecoder;
use image::codecs::png::PngDecoder;

use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use crate::colour::{self, Chroma};
use crate::gray::Gray;
use crate::probe::Probe;
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
    decode_with(bytes, false).map(|d| d.luma)
}

/// An upright decoded image: its luma, and its chroma when the file holds
/// colour (a three-component JPEG, an RGB or palette PNG).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Y of YCbCr (BT.601, full range, as in JPEG): what the gray pipeline
    /// works on.
    pub luma: Gray,
    /// Cb and Cr at half the luma's resolution (as in a 4:2:0 JPEG);
    /// `None` for a gray file.
    pub chroma: Option<Chroma>,
}

/// Decodes a JPEG or PNG file's bytes to upright luma and, for a colour
/// file, chroma: the same limits and EXIF orientation as [`decode_gray`].
/// A colour JPEG is decoded to YCbCr without a round trip through RGB.
pub fn decode_colour(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    decode_with(bytes, true)
}

/// The probe's chroma planes ([`crate::probe`]) are used to decide on
/// colour only when their longer side is at least this: half as much
/// again as the copy that [`crate::colour::measure`] reads, so that the
/// copy is still an average of them (a 12 MP photo's are 500 pixels
/// long).
pub const PROBE_MIN_SIDE: u32 = crate::colour::MEASURE_SIDE * 3 / 2;

/// [`decode_colour`] for a page whose colour is still to be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probed {
    /// The upright luma, as [`decode_gray`] gives it.
    pub luma: Gray,
    /// The chroma, upright; `None` for a gray file.
    pub chroma: Option<Chroma>,
    /// Whether `chroma` is only the coarse planes of
    /// [`crate::probe::chroma_dc`] (a mean per 4×4 chroma samples, the
    /// image's size rounded up to whole blocks): enough to
    /// tell a colour page ([`crate::colour::measure`]), not to make one —
    /// [`decode_colour`] then gives the full chroma.
    pub coarse: bool,
}

/// Decodes the luma and only as much colour as it takes to decide whether
/// the page is colour: for a baseline JPEG (what phones, cameras and
/// scanners write), the luma alone (about half the work of the colour
/// image) and, on a second thread at the same time, the means of the
/// quarters of the chroma's blocks ([`crate::probe`]); for any other file,
/// or an image too small for those ([`PROBE_MIN_SIDE`]), the full colour
/// image ([`decode_colour`]). The same limits and errors as [`decode_colour`].
pub fn decode_probed(bytes: &[u8]) -> Result<Probed, DecodeError> {
    let bytes = &*with_huffman_tables(bytes);
    let full = |d: Decoded| Probed {
        luma: d.luma,
        chroma: d.chroma,
        coarse: false,
    };
    // The probe's planes must be finer than the copy the colour rule
    // measures (a smaller image costs little to decode in colour).
    let fine = |(w, h): (u32, u32)| w.max(h) >= PROBE_MIN_SIDE;
    if sniff(bytes) != Some(Format::Jpeg) || !crate::probe::plane_size(bytes).is_some_and(fine) {
        return decode_colour(bytes).map(full);
    }
    let (decoded, probe) = std::thread::scope(|s| {
        let probe = s.spawn(|| crate::probe::chroma_dc(bytes));
        let decoded = decode_oriented(bytes, false);
        (decoded, probe.join().unwrap_or(Probe::Unsupported))
    });
    let (decoded, orientation) = decoded?;
    match probe {
        Probe::Gray => Ok(full(decoded)),
        Probe::Chroma(c) => Ok(Probed {
            luma: decoded.luma,
            chroma: Some(c.orient(orientation)),
            coarse: true,
        }),
        // Damaged past its headers, or not what the probe reads after
        // all: the colour decoder decides.
        Probe::Unsupported => decode_colour(bytes).map(full),
    }
}

fn decode_with(bytes: &[u8], colour: bool) -> Result<Decoded, DecodeError> {
    let bytes = &*with_huffman_tables(bytes);
    decode_oriented(bytes, colour).map(|(d, _)| d)
}

/// The upright image and the EXIF orientation that was applied (1 for a
/// PNG).
fn decode_oriented(bytes: &[u8], colour: bool) -> Result<(Decoded, u16), DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    check_file_size(bytes.len() as u64)?;
    let format = sniff(bytes).ok_or(DecodeError::UnknownFormat)?;
    // The decoders are fuzzed, but a panic on some input must still become
    // an error for the citizen, never a crash of the kiosk.
    let result = std::panic::catch_unwind(|| match format {
        Format::Jpeg => decode_jpeg(bytes, colour),
        Format::Png => decode_png(bytes, colour).map(|d| (d, 1)),
    });
    result.unwrap_or_else(|_| {
        Err(DecodeError::Damaged {
            format: name(format),
            reason: "the decoder failed".into(),
        })
    })
}

/// A JPEG whose headers hold no Huffman tables, as the MJPEG frames of
/// most USB cameras (and so the document camera's stills) come, with the
/// standard tables they imply put in front of its scan; any other file
/// (one with tables, not a JPEG, damaged before its scan) as it is, for
/// the decoders to read or refuse.
pub fn with_huffman_tables(bytes: &[u8]) -> Cow<'_, [u8]> {
    if sniff(bytes) != Some(Format::Jpeg) {
        return Cow::Borrowed(bytes);
    }
    let mut i = 2usize;
    while let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) {
        match marker {
            // Fill bytes before a marker.
            0xFF => i += 1,
            0xC4 => return Cow::Borrowed(bytes),
            // The scan, with no table before it: the standard ones.
            0xDA => {
                let mut fixed = Vec::with_capacity(bytes.len() + STANDARD_DHT.len());
                fixed.extend_from_slice(&bytes[..i]);
                fixed.extend_from_slice(&STANDARD_DHT);
                fixed.extend_from_slice(&bytes[i..]);
                return Cow::Owned(fixed);
            }
            _ => {
                let Some(len) = bytes.get(i + 2..i + 4) else {
                    break;
                };
                i += 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
            }
        }
    }
    Cow::Borrowed(bytes)
}

/// The Huffman tables of ITU-T T.81 Annex K.3 (luminance and chrominance,
/// DC and AC) as one DHT segment: what a JPEG without tables (Motion JPEG,
/// T.81 K.3 "typical tables") is coded with.
pub const STANDARD_DHT: [u8; 420] = [
    0xFF, 0xC4, 0x01, 0xA2, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
    0x0B, 0x10, 0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00,
    0x01, 0x7D, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51,
    0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52,
    0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26,
    0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47,
    0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67,
    0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5,
    0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
    0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
    0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6,
    0xF7, 0xF8, 0xF9, 0xFA, 0x01, 0x00, 0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
    0x0B, 0x11, 0x00, 0x02, 0x01, 0x02, 0x04, 0x04, 0x03, 0x04, 0x07, 0x05, 0x04, 0x04, 0x00, 0x01,
    0x02, 0x77, 0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07,
    0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33,
    0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19,
    0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46,
    0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66,
    0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85,
    0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3,
    0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA,
    0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8,
    0xD9, 0xDA, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6,
    0xF7, 0xF8, 0xF9, 0xFA,
];

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

fn jpeg_options(out: ColorSpace) -> DecoderOptions {
    DecoderOptions::default()
        .jpeg_set_out_colorspace(out)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX))
        // A file cut inside the image data is an error, not a page with a
        // gray lower part.
        .set_strict_mode(true)
}

fn decode_jpeg(bytes: &[u8], colour: bool) -> Result<(Decoded, u16), DecodeError> {
    let mut decoder =
        JpegDecoder::new_with_options(ZCursor::new(bytes), jpeg_options(ColorSpace::Luma));
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
    // Colour wanted from a colour file: YCbCr straight from the decoder
    // (no colour conversion at all), or RGB for the rarer Adobe RGB, CMYK
    // and YCCK files, converted here.
    let out = match decoder.input_colorspace() {
        Some(ColorSpace::Luma) | None => ColorSpace::Luma,
        _ if !colour || scans_misread(bytes) => ColorSpace::Luma,
        Some(ColorSpace::YCbCr) => ColorSpace::YCbCr,
        Some(_) => ColorSpace::RGB,
    };
    if out != ColorSpace::Luma {
        decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), jpeg_options(out));
        decoder
            .decode_headers()
            .map_err(|e| damaged(Format::Jpeg, e))?;
    }
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| damaged(Format::Jpeg, "size overflow"))?;
    let mut data = vec![0u8; size];
    decoder
        .decode_into(&mut data)
        .map_err(|e| damaged(Format::Jpeg, e))?;
    let pixels = width as usize * height as usize;
    let components = if out == ColorSpace::Luma { 1 } else { 3 };
    if data.len() != pixels * components {
        return Err(damaged(Format::Jpeg, "unexpected output size"));
    }
    let (luma, chroma) = match out {
        ColorSpace::Luma => (
            Gray {
                width,
                height,
                data,
            },
            None,
        ),
        ColorSpace::YCbCr => {
            let (y, c) = colour::split_ycbcr(&data, width, height);
            (y, Some(c))
        }
        _ => {
            let (y, c) = colour::split_rgb(&data, width, height);
            (y, Some(c))
        }
    };
    Ok((
        Decoded {
            luma: luma.orient(orientation),
            chroma: chroma.map(|c| c.orient(orientation)),
        },
        orientation,
    ))
}

/// Whether zune-jpeg 0.5.15 would misread this file's colour: a baseline
/// (sequential) JPEG with subsampled chroma whose first scan holds only
/// some components (one scan per component). Its chroma comes out as
/// green bands without an error (etemesi254/zune-image#419; the luma is
/// right), so such a file is read in gray. Progressive files are fine. The
/// markers are walked up to the first scan, every read bounds-checked;
/// anything unexpected answers `false` and leaves it to the decoder.
fn scans_misread(bytes: &[u8]) -> bool {
    let at = |i: usize| bytes.get(i).copied();
    let (mut i, mut components, mut subsampled) = (2usize, 0u8, false);
    while let (Some(0xFF), Some(marker)) = (at(i), at(i + 1)) {
        match marker {
            // Fill bytes, and markers without a length.
            0xFF => {
                i += 1;
                continue;
            }
            0x01 | 0xD0..=0xD8 => {
                i += 2;
                continue;
            }
            _ => {}
        }
        let (Some(hi), Some(lo)) = (at(i + 2), at(i + 3)) else {
            return false;
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        match marker {
            // SOF0, SOF1: sequential Huffman frames.
            0xC0 | 0xC1 => {
                let Some(n) = at(i + 9) else { return false };
                let factors: Vec<u8> = (0..usize::from(n))
                    .filter_map(|k| at(i + 11 + 3 * k))
                    .collect();
                components = n;
                subsampled = factors.windows(2).any(|w| w[0] != w[1]);
            }
            // SOS: the first scan.
            0xDA => {
                return subsampled && at(i + 4).is_some_and(|ns| ns < components);
            }
            _ => {}
        }
        i += 2 + len;
    }
    false
}

fn decode_png(bytes: &[u8], colour: bool) -> Result<Decoded, DecodeError> {
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
    if colour && image.color().has_color() {
        let rgb = image.into_rgb8();
        let (luma, chroma) = colour::split_rgb(rgb.as_raw(), width, height);
        return Ok(Decoded {
            luma,
            chroma: Some(chroma),
        });
    }
    let luma = image.into_luma8();
    Ok(Decoded {
        luma: Gray {
            width,
            height,
            data: luma.into_raw(),
        },
        chroma: None,
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
