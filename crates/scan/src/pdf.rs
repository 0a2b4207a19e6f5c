//! A minimal PDF 1.4 writer: one A4 portrait page per image, scaled to fit
//! within the margins and centred. JPEGs are embedded untouched
//! (DCTDecode: gray ones as /DeviceGray, colour ones as /DeviceRGB), bilevel
//! and four-level pages as given (FlateDecode, 1 or 2 bits); all mix
//! freely in one file. Nothing else: no fonts, no compression of its own.

use std::fmt::Write as _;

/// A4 in PDF points (1/72 in).
pub const A4_PT: (f64, f64) = (595.276, 841.89);
/// Page margin in millimetres.
pub const MARGIN_MM: f64 = 10.0;

const MM_PER_IN: f64 = 25.4;
const PT_PER_IN: f64 = 72.0;

/// How an image's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A one-component JPEG.
    GrayJpeg,
    /// A three-component (YCbCr, JFIF) JPEG, shown as RGB.
    ColorJpeg,
    /// zlib-compressed rows of 2-bit pixels, 0 = black, 3 = white.
    Gray4,
    /// zlib-compressed rows of 1-bit pixels, set = white.
    Bilevel,
}

/// An image to place on its own page.
#[derive(Debug, Clone, Copy)]
pub struct PdfImage<'a> {
    pub data: &'a [u8],
    pub width_px: u32,
    pub height_px: u32,
    pub encoding: Encoding,
}

/// The printable area of an A4 page inside the margins, in millimetres.
pub fn printable_mm() -> (f64, f64) {
    let (w, h) = A4_PT;
    let to_mm = MM_PER_IN / PT_PER_IN;
    (w * to_mm - 2.0 * MARGIN_MM, h * to_mm - 2.0 * MARGIN_MM)
}

/// The resolution an image of `width_px`×`height_px` gets when fitted to
/// the printable area (what [`write`] does), in dots per inch.
pub fn fitted_dpi(width_px: u32, height_px: u32) -> f64 {
    let (w_mm, h_mm) = printable_mm();
    let mm_per_px = (w_mm / f64::from(width_px.max(1))).min(h_mm / f64::from(height_px.max(1)));
    MM_PER_IN / mm_per_px
}

/// Writes a PDF with one page per image.
pub fn write(images: &[PdfImage<'_>]) -> Vec<u8> {
    let payload: usize = images.iter().map(|i| i.data.len() + 600).sum();
    let mut out: Vec<u8> = Vec::with_capacity(payload + 1024);
    let mut offsets: Vec<usize> = Vec::new();
    out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");

    let object = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: &str| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", offsets.len(), body).as_bytes());
    };
    let page_id = |i: usize| 3 + 3 * i;

    object(&mut out, &mut offsets, "<< /Type /Catalog /Pages 2 0 R >>");
    let mut kids = String::new();
    for i in 0..images.len() {
        let _ = write!(kids, "{} 0 R ", page_id(i));
    }
    object(
        &mut out,
        &mut offsets,
        &format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.trim_end(),
            images.len()
        ),
    );
    let (page_w, page_h) = A4_PT;
    let margin_pt = MARGIN_MM / MM_PER_IN * PT_PER_IN;
    for (i, img) in images.iter().enumerate() {
        let id = page_id(i);
        object(
            &mut out,
            &mut offsets,
            &format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_w:.3} {page_h:.3}] \
                 /Resources << /XObject << /Im0 {} 0 R >> >> /Contents {} 0 R >>",
                id + 2,
                id + 1
            ),
        );
        let (avail_w, avail_h) = (page_w - 2.0 * margin_pt, page_h - 2.0 * margin_pt);
        let scale = (avail_w / f64::from(img.width_px.max(1)))
            .min(avail_h / f64::from(img.height_px.max(1)));
        let (w, h) = (
            f64::from(img.width_px) * scale,
            f64::from(img.height_px) * scale,
        );
        let (x, y) = ((page_w - w) / 2.0, (page_h - h) / 2.0);
        let content = format!("q {w:.3} 0 0 {h:.3} {x:.3} {y:.3} cm /Im0 Do Q");
        object(
            &mut out,
            &mut offsets,
            &format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            ),
        );
        offsets.push(out.len());
        let (space, bits, filter) = match img.encoding {
            Encoding::GrayJpeg => ("DeviceGray", 8, "DCTDecode"),
            Encoding::ColorJpeg => ("DeviceRGB", 8, "DCTDecode"),
            Encoding::Gray4 => ("DeviceGray", 2, "FlateDecode"),
            Encoding::Bilevel => ("DeviceGray", 1, "FlateDecode"),
        };
        out.extend_from_slice(
            format!(
                "{} 0 obj\n<< /Type /XObject /Subtype /Image /Width {} /Height {} \
                 /ColorSpace /{space} /BitsPerComponent {bits} /Filter /{filter} /Length {} >>\nstream\n",
                offsets.len(),
                img.width_px,
                img.height_px,
                img.data.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(img.data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
    }
    let xref = out.len();
    let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for o in &offsets {
        let _ = writeln!(tail, "{o:010} 00000 n ");
    }
    let _ = write!(
        tail,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    out.extend_from_slice(tail.as_bytes());
    out
}

/// What a structural reading of a PDF written by [`write`] finds; used by
/// the tests here and in the CLI to check files without other tools.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub pages: usize,
    pub objects: usize,
    pub media_boxes: Vec<(f64, f64)>,
    pub image_sizes: Vec<(u32, u32)>,
    /// Each image's encoding, from its colour space, bit depth and filter;
    /// an image with another combination is an error.
    pub encodings: Vec<Encoding>,
}

/// Reads back the structure of a PDF written by [`write`]: the xref table
/// must point at each `N 0 obj`, the page count must match the kids.
/// An error names the first inconsistency.
pub fn outline(pdf: &[u8]) -> Result<Outline, String> {
    // Non-ASCII bytes (the binary comment, JPEG data) become '?' so that
    // string offsets stay byte offsets.
    let ascii: Vec<u8> = pdf
        .iter()
        .map(|&b| if b.is_ascii() { b } else { b'?' })
        .collect();
    let text = String::from_utf8_lossy(&ascii);
    if !text.starts_with("%PDF-1.") {
        return Err("no %PDF header".into());
    }
    let sx = text.rfind("startxref\n").ok_or("no startxref")?;
    let xref: usize = text[sx + 10..]
        .lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .ok_or("bad startxref")?;
    if !text.get(xref..).is_some_and(|t| t.starts_with("xref\n")) {
        return Err(format!("startxref {xref} does not point at xref"));
    }
    let mut lines = text[xref..].lines().skip(1);
    let count: usize = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|n| n.parse().ok())
        .ok_or("bad xref subsection")?;
    lines.next(); // the free entry 0
    for n in 1..count {
        let line = lines.next().ok_or("short xref")?;
        let off: usize = line
            .get(..10)
            .and_then(|s| s.parse().ok())
            .ok_or("bad xref entry")?;
        let want = format!("{n} 0 obj");
        if !text.get(off..).is_some_and(|t| t.starts_with(&want)) {
            return Err(format!("xref entry {n} ({off}) does not point at `{want}`"));
        }
    }
    let number_after = |s: &str, key: &str| -> Vec<f64> {
        s.match_indices(key)
            .filter_map(|(i, _)| {
                s[i + key.len()..]
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.trim_end_matches(']').parse().ok())
            })
            .collect()
    };
    let declared = number_after(&text, "/Count ");
    let pages = text.matches("/Type /Page ").count();
    if declared.first().copied() != Some(pages as f64) {
        return Err(format!("/Count {declared:?} but {pages} page objects"));
    }
    let media_boxes = text
        .match_indices("/MediaBox [0 0 ")
        .filter_map(|(i, _)| {
            let mut it = text[i + 15..].split_whitespace();
            let w = it.next()?.parse().ok()?;
            let h = it.next()?.trim_end_matches(']').parse().ok()?;
            Some((w, h))
        })
        .collect();
    let widths = number_after(&text, "/Subtype /Image /Width");
    let heights = number_after(&text, "/Height");
    let image_sizes = widths
        .iter()
        .zip(&heights)
        .map(|(&w, &h)| (w as u32, h as u32))
        .collect();
    let mut encodings = Vec::new();
    for (i, _) in text.match_indices("/Subtype /Image") {
        let dict = text[i..].split(">>").next().unwrap_or_default();
        let value = |key: &str| -> Option<&str> {
            let at = dict.find(key)? + key.len();
            dict[at..].split_whitespace().next()
        };
        encodings.push(
            match (
                value("/ColorSpace "),
                value("/BitsPerComponent "),
                value("/Filter "),
            ) {
                (Some("/DeviceGray"), Some("8"), Some("/DCTDecode")) => Encoding::GrayJpeg,
                (Some("/DeviceRGB"), Some("8"), Some("/DCTDecode")) => Encoding::ColorJpeg,
                (Some("/DeviceGray"), Some("2"), Some("/FlateDecode")) => Encoding::Gray4,
                (Some("/DeviceGray"), Some("1"), Some("/FlateDecode")) => Encoding::Bilevel,
                other => {
                    return Err(format!(
                        "image {}: unknown encoding {other:?}",
                        encodings.len()
                    ));
                }
            },
        );
    }
    if encodings.len() != pages {
        return Err(format!("{} images on {pages} pages", encodings.len()));
    }
    Ok(Outline {
        pages,
        objects: count - 1,
        media_boxes,
        image_sizes,
        encodings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_xref_and_boxes_are_consistent() {
        let jpeg_a = [0xFF, 0xD8, 0xFF, 0xD9];
        let jpeg_b = vec![0x42; 1000];
        let images = [
            PdfImage {
                data: &jpeg_a,
                width_px: 1496,
                height_px: 2181,
                encoding: Encoding::GrayJpeg,
            },
            PdfImage {
                data: &jpeg_b,
                width_px: 640,
                height_px: 480,
                encoding: Encoding::ColorJpeg,
            },
        ];
        let pdf = write(&images);
        let o = outline(&pdf).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.pages, 2);
        assert_eq!(o.objects, 2 + 3 * 2);
        assert_eq!(o.media_boxes, vec![(595.276, 841.89); 2]);
        assert_eq!(o.image_sizes, vec![(1496, 2181), (640, 480)]);
        assert_eq!(o.encodings, vec![Encoding::GrayJpeg, Encoding::ColorJpeg]);
        assert!(pdf.windows(4).any(|w| w == jpeg_a));
        assert!(pdf.ends_with(b"%%EOF\n"));
        // A damaged copy is caught.
        let mut bad = pdf.clone();
        let at = bad.len() / 3;
        bad.insert(at, b' ');
        assert!(outline(&bad).is_err());
    }

    #[test]
    fn empty_document_is_still_well_formed() {
        let o = outline(&write(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.pages, 0);
    }

    #[test]
    fn fitted_dpi_at_the_printable_box_is_200() {
        let (w, h) = printable_mm();
        assert!(
            (w - 190.0).abs() < 0.01 && (h - 277.0).abs() < 0.01,
            "{w}×{h}"
        );
        let px = |mm: f64| (mm / 25.4 * 200.0).round() as u32;
        let dpi = fitted_dpi(px(w), px(h));
        assert!((dpi - 200.0).abs() < 0.2, "{dpi}");
    }
}
