//! A camera frame (8-bit luma, shared, cheap to clone) and its preview JPEG.

use std::fmt;
use std::sync::Arc;

use motcua_scan::Gray;
use motcua_scan::decode::{DecodeError, decode_gray};

use crate::error::{CameraError, one_line};

/// Longest side of a preview image, in pixels.
pub const PREVIEW_SIDE: u32 = 640;
/// JPEG quality of a preview image: small and fast, legible on screen.
pub const PREVIEW_QUALITY: u8 = 70;

/// One camera frame as 8-bit luma, row-major, `width × height` bytes.
///
/// Cloning shares the pixels: a frame handed to the QR finder and kept by
/// a replay source is never copied.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    image: Arc<Gray>,
}

impl Frame {
    /// A frame from a gray image; an error when the image is empty or its
    /// buffer does not match its dimensions.
    pub fn from_gray(image: Gray) -> Result<Self, CameraError> {
        let expected = u64::from(image.width) * u64::from(image.height);
        if expected == 0 || image.data.len() as u64 != expected {
            return Err(CameraError::BadFrame(format!(
                "{}×{} pixels declared, {} bytes given",
                image.width,
                image.height,
                image.data.len()
            )));
        }
        Ok(Self {
            image: Arc::new(image),
        })
    }

    /// A frame from raw luma bytes (`width × height`, row-major).
    pub fn from_luma(width: u32, height: u32, luma: Vec<u8>) -> Result<Self, CameraError> {
        Self::from_gray(Gray {
            width,
            height,
            data: luma,
        })
    }

    /// Decodes a JPEG (MJPEG frames included) or PNG file's bytes to luma,
    /// with the size limits of [`motcua_scan::decode`].
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let image = decode_gray(bytes)?;
        // decode_gray checks the dimensions and the buffer itself.
        Ok(Self {
            image: Arc::new(image),
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.image.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.image.height
    }

    /// The luma bytes, row-major, `width × height`.
    pub fn luma(&self) -> &[u8] {
        &self.image.data
    }

    /// The frame as a gray image of the image pipeline.
    pub fn gray(&self) -> &Gray {
        &self.image
    }

    /// A gray preview JPEG, longest side at most [`PREVIEW_SIDE`] (never
    /// enlarged), quality [`PREVIEW_QUALITY`].
    pub fn preview(&self) -> Result<Preview, CameraError> {
        let small = self
            .image
            .fit_within(PREVIEW_SIDE)
            .ok_or_else(|| CameraError::Preview("the frame could not be resampled".into()))?;
        let too_big = |_| CameraError::Preview("the frame is too large".into());
        let (w, h) = (
            u16::try_from(small.width).map_err(too_big)?,
            u16::try_from(small.height).map_err(too_big)?,
        );
        let mut jpeg = Vec::with_capacity(small.data.len() / 8);
        jpeg_encoder::Encoder::new(&mut jpeg, PREVIEW_QUALITY)
            .encode(&small.data, w, h, jpeg_encoder::ColorType::Luma)
            .map_err(|e| CameraError::Preview(one_line(e)))?;
        Ok(Preview {
            jpeg,
            width: small.width,
            height: small.height,
        })
    }
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Frame({}×{})", self.width(), self.height())
    }
}

/// A small JPEG of a frame, for showing the citizen what the camera sees.
#[derive(Clone, PartialEq, Eq)]
pub struct Preview {
    /// Baseline gray JPEG bytes.
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl fmt::Debug for Preview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Preview({}×{}, {} bytes)",
            self.width,
            self.height,
            self.jpeg.len()
        )
    }
}
