//! The receipt printer: the slip (Mẫu 01) rendered by `motcua-receipt`,
//! printed on the configured printer off the async threads, and the last
//! job kept in the session so a helper can print it again.

use std::sync::Arc;

use motcua_receipt::{PdfPaper, PrintError, PrintJob, Printer, PrinterSpec, RenderOptions, Slip};

use crate::ipc::PrintView;

/// The kiosk's printer and how its jobs are laid out.
pub struct ReceiptPrinter {
    printer: Arc<dyn Printer>,
    /// A4 for an office printer behind CUPS, else the 80 mm roll.
    paper: PdfPaper,
}

impl ReceiptPrinter {
    /// Opens the printer a `--printer` spec names.
    pub fn new(spec: &str) -> Result<Self, PrintError> {
        let spec = motcua_receipt::parse_printer_spec(spec)?;
        let paper = match spec {
            PrinterSpec::Cups(_) => PdfPaper::A4,
            _ => PdfPaper::Roll,
        };
        Ok(Self {
            printer: Arc::from(spec.into_printer()),
            paper,
        })
    }

    /// The job for `slip`: ESC/POS raster for an 80 mm roll and its PDF.
    pub fn job(&self, slip: &Slip) -> Result<PrintJob, motcua_receipt::ReceiptError> {
        PrintJob::new(slip, RenderOptions::ROLL_80MM.width, self.paper)
    }

    /// Prints `job` on a blocking thread; says plainly what went wrong.
    pub async fn print(&self, job: PrintJob) -> PrintView {
        let printer = Arc::clone(&self.printer);
        let outcome = tauri::async_runtime::spawn_blocking(move || printer.print(&job)).await;
        match outcome {
            Ok(Ok(())) => {
                tracing::info!("receipt printed");
                PrintView {
                    printed: true,
                    message: None,
                }
            }
            Ok(Err(e)) => {
                // The error names the device or the queue, never the slip.
                tracing::warn!(error = %e, "receipt not printed");
                PrintView {
                    printed: false,
                    message: Some(e.message_vi().to_owned()),
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "the print thread failed");
                PrintView {
                    printed: false,
                    message: Some(PrintError::Command(String::new()).message_vi().to_owned()),
                }
            }
        }
    }
}

impl ReceiptPrinter {
    /// How the printer is, asked off the async threads (a network printer
    /// may take its timeout to answer).
    pub async fn status(&self) -> motcua_receipt::PrinterStatus {
        let printer = Arc::clone(&self.printer);
        tauri::async_runtime::spawn_blocking(move || printer.status())
            .await
            .unwrap_or(motcua_receipt::PrinterStatus::Unknown)
    }
}
