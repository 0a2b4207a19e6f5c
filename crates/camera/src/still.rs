//! A still: one full-resolution picture from a camera, as the encoded
//! image file the camera (or a replay folder) gave, for the page pipeline.

use std::fmt;

use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

use crate::error::{CameraError, one_line};
use crate::frame::Frame;

/// How a still's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StillFormat {
    /// A JPEG file (an MJPEG camera buffer, or a replayed JPEG), colour or
    /// gray as the camera made it.
    Jpeg,
    /// A PNG file (a replayed PNG, or a frame encoded losslessly as gray).
    Png,
}

/// A still picture: encoded image bytes and their size in pixels.
///
/// The bytes are what the camera gave, unchanged where it gave an image
/// file (MJPEG, a replayed photo); only a raw frame is encoded here, as a
/// lossless gray PNG. [`motcua_scan::process`] takes them as they are.
#[derive(Clone, PartialEq, Eq)]
pub struct Still {
    /// A JPEG or PNG file's bytes.
    pub bytes: Vec<u8>,
    pub format: StillFormat,
    pub width: u32,
    pub height: u32,
}

impl Still {
    /// A frame as a lossless gray PNG still: the fallback of
    /// [`crate::FrameSource::still`] for sources with nothing better.
    pub fn png_of(frame: &Frame) -> Result<Self, CameraError> {
        Ok(Self {
            bytes: encode_png(frame)?,
            format: StillFormat::Png,
            width: frame.width(),
            height: frame.height(),
        })
    }

    /// A still from an image file's bytes, its format and size read from
    /// its header (nothing is decoded); an error for anything but a JPEG
    /// or PNG whose header gives a size.
    pub fn from_file_bytes(bytes: Vec<u8>) -> Result<Self, CameraError> {
        let (format, (width, height)) = header_size(&bytes).ok_or_else(|| {
            CameraError::BadFrame("not a JPEG or PNG whose header gives its size".into())
        })?;
        Ok(Self {
            bytes,
            format,
            width,
            height,
        })
    }
}

impl fmt::Debug for Still {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Still({:?} {}×{}, {} bytes)",
            self.format,
            self.width,
            self.height,
            self.bytes.len()
        )
    }
}

/// A frame as an 8-bit gray PNG (fast compression: a camera frame is
/// noisy and compresses poorly whatever the effort).
pub fn encode_png(frame: &Frame) -> Result<Vec<u8>, CameraError> {
    let mut png = Vec::with_capacity(frame.luma().len() / 2);
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            frame.luma(),
            frame.width(),
            frame.height(),
            image::ExtendedColorType::L8,
        )
        .map_err(|e| CameraError::Encode(one_line(e)))?;
    Ok(png)
}

/// The format and size of a JPEG (from its first start-of-frame marker)
/// or a PNG (from its IHDR chunk); `None` when the header does not say.
pub fn header_size(bytes: &[u8]) -> Option<(StillFormat, (u32, u32))> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // Signature (8), IHDR length (4) and type (4), then width, height.
        if bytes.get(12..16)? != b"IHDR" {
            return None;
        }
        let be = |at: usize| -> Option<u32> {
            Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
        };
        let size = (be(16)?, be(20)?);
        return (size.0 > 0 && size.1 > 0).then_some((StillFormat::Png, size));
    }
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        // Fill bytes (0xFF) may precede a marker.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                at += 2;
                continue;
            }
            // End of image or start of scan before any frame header.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        if length < 2 {
            return None;
        }
        // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let height = u16::from_be_bytes([*bytes.get(at + 5)?, *bytes.get(at + 6)?]);
            let width = u16::from_be_bytes([*bytes.get(at + 7)?, *bytes.get(at + 8)?]);
            return (width > 0 && height > 0)
                .then_some((StillFormat::Jpeg, (u32::from(width), u32::from(height))));
        }
        at += 2 + length;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn frame() -> Frame {
        let luma = (0..40 * 30).map(|i| (i % 251) as u8).collect();
        Frame::from_luma(40, 30, luma).unwrap()
    }

    #[test]
    fn a_png_still_is_lossless_and_sized() {
        let still = Still::png_of(&frame()).unwrap();
        assert_eq!(still.format, StillFormat::Png);
        assert_eq!((still.width, still.height), (40, 30));
        assert_eq!(Frame::decode(&still.bytes).unwrap(), frame());
        assert_eq!(
            header_size(&still.bytes),
            Some((StillFormat::Png, (40, 30)))
        );
        assert_eq!(
            format!("{still:?}").split(',').next(),
            Some("Still(Png 40×30")
        );
    }

    #[test]
    fn a_jpeg_size_is_read_from_its_frame_header() {
        let jpeg = frame().preview().unwrap().jpeg;
        assert_eq!(header_size(&jpeg), Some((StillFormat::Jpeg, (40, 30))));
        let still = Still::from_file_bytes(jpeg.clone()).unwrap();
        assert_eq!(still.bytes, jpeg);
        assert_eq!(
            (still.format, still.width, still.height),
            (StillFormat::Jpeg, 40, 30)
        );
    }

    #[test]
    fn a_header_without_a_size_is_refused() {
        let jpeg = frame().preview().unwrap().jpeg;
        for bad in [
            &b""[..],
            b"GIF89a",
            &jpeg[..20],
            b"\x89PNG\r\n\x1a\n\0\0\0\x0dIDAT",
        ] {
            assert_eq!(header_size(bad), None);
            assert!(matches!(
                Still::from_file_bytes(bad.to_vec()),
                Err(CameraError::BadFrame(_))
            ));
        }
        // A start of scan before any frame header.
        assert_eq!(header_size(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2]), None);
    }
}
