//! The receipt slip of Một Cửa Kiosk: "Giấy tiếp nhận hồ sơ và hẹn trả kết
//! quả" (Mẫu 01), from a received [`motcua_protocol::Dossier`] or a dossier
//! still waiting in the kiosk's outbox.
//!
//! - [`Slip`]: the slip as lines of text, a QR and rules ([`Slip::lines`]);
//!   its words live in one place (`words.rs`), NFC.
//! - [`render`]: the slip as a 1-bit [`Bitmap`] (576 dots for 80 mm paper,
//!   384 for 58 mm), text from the embedded DejaVu Sans, so Vietnamese prints
//!   on any printer without code pages.
//! - [`encode_escpos`] / [`decode_escpos`]: ESC/POS raster (`GS v 0`) jobs.
//! - [`pdf_80mm`] / [`pdf_a4`]: PDFs of one 1-bit image per page.
//! - [`Printer`]: ESC/POS device file or TCP, CUPS, a folder; the only I/O.
//!
//! It logs nothing: a slip is personal data.

mod bitmap;
mod escpos;
mod pdf;
mod printer;
mod render;
mod slip;
mod words;

pub use bitmap::Bitmap;
pub use escpos::{BAND_ROWS, decode_escpos, encode_escpos};
pub use pdf::{A4_HEIGHT_PT, A4_WIDTH_PT, ROLL_WIDTH_PT, pdf_80mm, pdf_a4};
pub use printer::{
    CupsPrinter, EscPosDevice, EscPosTcp, FolderPrinter, NoPrinter, PAPER_STATUS_QUERY, PdfPaper,
    PrintError, PrintJob, Printer, PrinterSpec, PrinterStatus, paper_status, parse_printer_spec,
};
pub use render::{RenderOptions, render};
pub use slip::{Align, Line, QueuedComponent, QueuedSlip, Run, Size, Slip, vietnam_time_text};

/// Why a slip could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("{0} is not an RFC 3339 time")]
    BadTime(&'static str),
    #[error("the embedded font could not be read")]
    Font,
    #[error("the QR text is too long")]
    QrTooLong,
    #[error("the paper is too narrow for the slip")]
    PaperTooNarrow,
    #[error("the image is empty")]
    EmptyImage,
    #[error("malformed ESC/POS at byte {at}: {why}")]
    BadEscPos { at: usize, why: &'static str },
}

#[cfg(test)]
mod tests {
    use unicode_normalization::is_nfc;

    #[test]
    fn every_word_of_the_slip_is_nfc() {
        for w in crate::words::ALL.iter().chain(crate::words::printer::ALL) {
            assert!(is_nfc(w), "{w}");
        }
    }
}
