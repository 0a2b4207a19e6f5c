//! What an image file is, from its bytes: the format (magic bytes, never
//! the name) and the pixel density it declares.

pub use motcua_scan::decode::{Format, sniff};

/// Densities outside this range are taken as nonsense and ignored.
const PLAUSIBLE_DPI: std::ops::RangeInclusive<u32> = 10..=10_000;

/// The pixel density an image declares, in dots per inch: a PNG's `pHYs`
/// chunk (unit metre) or a JPEG's JFIF header (unit inch or centimetre).
/// `None` when absent, unitless or implausible. Scanners write the real
/// resolution; cameras and editors often write a nominal 72 or 96.
pub fn declared_dpi(bytes: &[u8]) -> Option<u32> {
    let dpi = match sniff(bytes)? {
        Format::Png => png_dpi(bytes)?,
        Format::Jpeg => jfif_dpi(bytes)?,
    };
    PLAUSIBLE_DPI.contains(&dpi).then_some(dpi)
}

fn be32(b: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(..4)?.try_into().ok()?))
}

fn be16(b: &[u8]) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(..2)?.try_into().ok()?))
}

/// Walks the chunks before the image data looking for `pHYs`.
fn png_dpi(bytes: &[u8]) -> Option<u32> {
    let mut at = 8usize;
    loop {
        let len = usize::try_from(be32(bytes.get(at..)?)?).ok()?;
        let kind = bytes.get(at + 4..at + 8)?;
        let data = bytes.get(at + 8..at.checked_add(8)?.checked_add(len)?)?;
        match kind {
            b"pHYs" => {
                let per_metre = be32(data)?;
                // Unit 1 is the metre; 0 is an aspect ratio only.
                return (*data.get(8)? == 1)
                    .then(|| (f64::from(per_metre) * 0.0254).round() as u32);
            }
            b"IDAT" | b"IEND" => return None,
            _ => at = at.checked_add(12)?.checked_add(len)?,
        }
    }
}

/// Reads the density of a JFIF APP0 segment among the segments before the
/// first frame header.
fn jfif_dpi(bytes: &[u8]) -> Option<u32> {
    let mut at = 2usize;
    loop {
        let marker = bytes.get(at..at + 2)?;
        // Markers: 0xFF then a code; stop at any frame header or scan.
        if marker[0] != 0xFF || (0xC0..=0xCF).contains(&marker[1]) || marker[1] == 0xDA {
            return None;
        }
        let len = usize::from(be16(bytes.get(at + 2..)?)?);
        let data = bytes.get(at + 4..(at + 2).checked_add(len)?)?;
        if marker[1] == 0xE0 && data.starts_with(b"JFIF\0") {
            let units = *data.get(7)?;
            let x = u32::from(be16(data.get(8..)?)?);
            return match units {
                1 => Some(x),
                2 => Some((f64::from(x) * 2.54).round() as u32),
                _ => None,
            };
        }
        at = at.checked_add(2)?.checked_add(len)?;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn png(phys: Option<(u32, u8)>) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0; 4]); // CRC, not checked here
        };
        chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        if let Some((ppm, unit)) = phys {
            let mut d = ppm.to_be_bytes().to_vec();
            d.extend_from_slice(&ppm.to_be_bytes());
            d.push(unit);
            chunk(b"pHYs", &d);
        }
        chunk(b"IDAT", &[0; 4]);
        chunk(b"IEND", &[]);
        out
    }

    fn jfif(units: u8, density: u16) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        out.extend_from_slice(b"JFIF\0\x01\x01");
        out.push(units);
        out.extend_from_slice(&density.to_be_bytes());
        out.extend_from_slice(&density.to_be_bytes());
        out.extend_from_slice(&[0, 0, 0xFF, 0xC0, 0, 2]);
        out
    }

    #[test]
    fn png_density_in_dots_per_inch() {
        // 3937 px/m is what scanimage writes for 100 dpi.
        assert_eq!(declared_dpi(&png(Some((3937, 1)))), Some(100));
        assert_eq!(declared_dpi(&png(Some((7874, 1)))), Some(200));
        assert_eq!(declared_dpi(&png(Some((7874, 0)))), None, "aspect only");
        assert_eq!(declared_dpi(&png(None)), None);
        assert_eq!(declared_dpi(&png(Some((1, 1)))), None, "implausible");
    }

    #[test]
    fn jfif_density() {
        assert_eq!(declared_dpi(&jfif(1, 300)), Some(300));
        assert_eq!(declared_dpi(&jfif(2, 118)), Some(300));
        assert_eq!(declared_dpi(&jfif(0, 1)), None, "aspect only");
        assert_eq!(declared_dpi(&[0xFF, 0xD8, 0xFF, 0xDB, 0, 2]), None);
    }

    #[test]
    fn truncated_or_foreign_bytes_give_none() {
        let full = png(Some((7874, 1)));
        for n in 0..full.len() - 20 {
            // Never a panic; a cut before the pHYs data gives nothing.
            let _ = declared_dpi(&full[..n]);
        }
        assert_eq!(declared_dpi(&full[..40]), None);
        let j = jfif(1, 300);
        for n in 0..j.len() {
            let _ = declared_dpi(&j[..n]);
        }
        assert_eq!(declared_dpi(b"P5\n1 1\n255\n\0"), None);
        assert_eq!(declared_dpi(&[]), None);
    }
}
