//! PDF: the roll raster on an 80 mm page, or the slip at A4 width split onto
//! A4 pages. Each page is one 1-bit image (Flate), nothing else.

use crate::render::{RenderOptions, render};
use crate::{Bitmap, ReceiptError, Slip};

const MM: f32 = 72.0 / 25.4;
/// A4 in points.
pub const A4_WIDTH_PT: f32 = 595.28;
pub const A4_HEIGHT_PT: f32 = 841.89;
/// The 80 mm page's width in points, and the side margins of the raster
/// (4 mm each: a 72 mm printable width, as on the paper).
pub const ROLL_WIDTH_PT: f32 = 80.0 * MM;
const ROLL_MARGIN_PT: f32 = 4.0 * MM;

struct Page {
    width_pt: f32,
    height_pt: f32,
    /// Where the image goes, in points: x, y (from the bottom), w, h.
    place: [f32; 4],
    image: Bitmap,
}

/// The raster on a page 80 mm wide: the raster fills the 72 mm printable
/// width (576 dots at 203 dpi), with 4 mm of paper on every side.
pub fn pdf_80mm(bitmap: &Bitmap) -> Result<Vec<u8>, ReceiptError> {
    if bitmap.width() == 0 || bitmap.height() == 0 {
        return Err(ReceiptError::EmptyImage);
    }
    let w = ROLL_WIDTH_PT - 2.0 * ROLL_MARGIN_PT;
    let h = w * bitmap.height() as f32 / bitmap.width() as f32;
    let page = Page {
        width_pt: ROLL_WIDTH_PT,
        height_pt: h + 2.0 * ROLL_MARGIN_PT,
        place: [ROLL_MARGIN_PT, ROLL_MARGIN_PT, w, h],
        image: bitmap.clone(),
    };
    Ok(write_pdf(&[page]))
}

/// The slip drawn at A4 width (1654 dots at 200 dpi, 19 mm side margins, 12 mm top and bottom), cut
/// onto A4 pages at blank rows so no line of text is split.
pub fn pdf_a4(slip: &Slip) -> Result<Vec<u8>, ReceiptError> {
    let opts = RenderOptions::A4;
    let full = render(slip, &opts)?;
    let dpi = opts.width as f32 / (A4_WIDTH_PT / 72.0);
    let page_rows = (A4_HEIGHT_PT / 72.0 * dpi).floor() as u32;
    let margin_rows = (12.0 / 25.4 * dpi) as u32;
    let body_rows = page_rows - 2 * margin_rows;
    let mut pages = Vec::new();
    let mut y = 0;
    while y < full.height() {
        let mut end = (y + body_rows).min(full.height());
        if end < full.height() {
            // Back up to a blank row, at most a third of a page.
            let mut cut = end;
            while cut > y + body_rows * 2 / 3 && !full.row_is_blank(cut) {
                cut -= 1;
            }
            if full.row_is_blank(cut) {
                end = cut;
            }
        }
        let image = full.crop_rows(y, end);
        let scale = A4_WIDTH_PT / full.width() as f32;
        let h = image.height() as f32 * scale;
        let top_pt = margin_rows as f32 * scale;
        pages.push(Page {
            width_pt: A4_WIDTH_PT,
            height_pt: A4_HEIGHT_PT,
            place: [0.0, A4_HEIGHT_PT - top_pt - h, A4_WIDTH_PT, h],
            image,
        });
        y = end;
    }
    Ok(write_pdf(&pages))
}

fn write_pdf(pages: &[Page]) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    // Objects: 1 catalog, 2 pages, then per page: page, content, image.
    let n = pages.len();
    let page_id = |i: usize| 3 + 3 * i;
    let obj = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    obj(&mut out, &mut offsets, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", page_id(i))).collect();
    obj(
        &mut out,
        &mut offsets,
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).as_bytes(),
    );
    for (i, p) in pages.iter().enumerate() {
        let id = page_id(i);
        obj(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {:.2} {:.2}] \
                 /Resources << /XObject << /Im0 {} 0 R >> >> /Contents {} 0 R >>",
                p.width_pt,
                p.height_pt,
                id + 2,
                id + 1
            )
            .as_bytes(),
        );
        let [x, y, w, h] = p.place;
        let content = format!("q {w:.3} 0 0 {h:.3} {x:.3} {y:.3} cm /Im0 Do Q");
        obj(
            &mut out,
            &mut offsets,
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            )
            .as_bytes(),
        );
        let data = miniz_oxide::deflate::compress_to_vec_zlib(p.image.as_bytes(), 6);
        let mut img = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
             /BitsPerComponent 1 /Decode [1 0] /Filter /FlateDecode /Length {} >>\nstream\n",
            p.image.width(),
            p.image.height(),
            data.len()
        )
        .into_bytes();
        img.extend_from_slice(&data);
        img.extend_from_slice(b"\nendstream");
        obj(&mut out, &mut offsets, &img);
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}
