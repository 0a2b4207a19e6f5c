//! The image pipeline of Một Cửa Kiosk (see issue: document scanning).
//!
//! For now it holds only the limits every decoder here must honour before it
//! allocates: images that would exhaust the kiosk's memory are refused from
//! their declared dimensions alone.

/// Largest number of pixels an input image may declare (about 50 MP: a
/// 12 MP phone photo with a wide margin, far below a decompression bomb).
pub const MAX_PIXELS: u64 = 50_000_000;

/// Why an image was refused before decoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("image declares no pixels ({width}×{height})")]
    Empty { width: u32, height: u32 },
    #[error("image declares {width}×{height} pixels, above the {MAX_PIXELS}-pixel limit")]
    TooLarge { width: u32, height: u32 },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimension_limits() {
        assert_eq!(check_dimensions(4000, 3000), Ok(()));
        assert!(matches!(
            check_dimensions(0, 3000),
            Err(LimitError::Empty { .. })
        ));
        assert!(matches!(
            check_dimensions(u32::MAX, u32::MAX),
            Err(LimitError::TooLarge { .. })
        ));
        assert!(matches!(
            check_dimensions(10_000, 5_001),
            Err(LimitError::TooLarge { .. })
        ));
    }
}
