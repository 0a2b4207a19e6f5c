//! Finding and reading a QR code in a camera frame, with rxing.
//!
//! A kiosk camera mostly sees no card at all, so what a frame without a
//! code costs matters most. rxing's port of zxing-cpp's QR reader (the
//! faster of its two; plain `rxing::helpers::detect_in_luma*` runs it and
//! then the zxing-java port as a fallback) reads a 1280×720 frame in about
//! 2 ms on one core, code or not. Measured over generated photos
//! (`examples/qr_bench.rs`): a shrunk first pass saves under a millisecond
//! when the card is held close but costs more than that on every frame
//! without a code, so [`QrFinder::default`] reads the full frame only;
//! TRY_HARDER (every row scanned for finder patterns) costs about 5 % more
//! and stays on. A code whose modules are under about 2.5 pixels (a card
//! narrower than about 45 % of a 1280-pixel frame) is not read: the screen
//! should ask the citizen to hold the card closer.

use std::collections::HashSet;

use motcua_scan::Gray;
use rxing::common::HybridBinarizer;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, Reader};

use crate::frame::Frame;

/// Finds a QR code in a frame and returns its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrFinder {
    /// Longest side of a shrunk copy tried before the full frame; `None`
    /// (the default) reads the full frame only. Worth it only for frames
    /// much larger than the codes' modules need (say 1920×1080 and up).
    pub fast_side: Option<u32>,
    /// Whether the full-frame pass scans every row for finder patterns
    /// (rxing's TRY_HARDER) rather than every few rows.
    pub try_harder: bool,
}

impl Default for QrFinder {
    fn default() -> Self {
        Self {
            fast_side: None,
            try_harder: true,
        }
    }
}

impl QrFinder {
    /// The text of a QR code in `frame`, if one is found and read.
    pub fn find(&self, frame: &Frame) -> Option<String> {
        self.find_in_gray(frame.gray())
    }

    /// The text of a QR code in an 8-bit gray image.
    pub fn find_in_gray(&self, image: &Gray) -> Option<String> {
        let long = image.width.max(image.height);
        self.fast_side
            .filter(|&side| side > 0 && side < long)
            .and_then(|side| image.fit_within(side))
            .and_then(|small| read(&small, false))
            .or_else(|| read(image, self.try_harder))
    }
}

/// The text of a QR code in `frame`, with the default [`QrFinder`]. The raw
/// text: checking it as an ID card's payload is `motcua_core::cccd`'s work.
pub fn find_qr(frame: &Frame) -> Option<String> {
    QrFinder::default().find(frame)
}

/// One rxing pass over a whole image. Any panic inside the decoder is a
/// frame without a code, never a dead camera thread.
fn read(image: &Gray, try_harder: bool) -> Option<String> {
    std::panic::catch_unwind(|| {
        let source = Luma8Source::new_with_slice(&image.data, image.width, image.height).ok()?;
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let hints = DecodeHints {
            TryHarder: Some(try_harder),
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            ..DecodeHints::default()
        };
        QrReader
            .decode_with_hints(&mut bitmap, &hints)
            .ok()
            .map(|result| result.getText().to_owned())
    })
    .ok()
    .flatten()
}
