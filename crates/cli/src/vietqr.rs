//! `motcua vietqr`: print a VietQR transfer payload, and optionally write it
//! as a QR image (PNG) for a counter or a printed notice.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use image::ImageEncoder;
use image::codecs::png::PngEncoder;
use motcua_core::vietqr::{self, Service, Transfer};

/// Pixels per QR module in the PNG.
const MODULE_PX: usize = 8;
/// Light modules around the code, as the QR standard asks.
const QUIET_ZONE: usize = 4;

#[derive(clap::Args)]
pub struct VietqrArgs {
    /// The receiving bank's 6-digit BIN (e.g. 970436).
    #[arg(long)]
    bin: String,
    /// The receiving account number (digits only, at most 19).
    #[arg(long)]
    account: String,
    /// The amount in đồng, a whole number greater than zero.
    #[arg(long, value_name = "VND", allow_hyphen_values = true)]
    amount: String,
    /// What the transfer is for: plain ASCII without accents, at most 25 characters.
    #[arg(long, value_name = "TEXT")]
    purpose: Option<String>,
    /// A bill or dossier reference: plain ASCII, at most 25 characters.
    #[arg(long, value_name = "TEXT")]
    reference: Option<String>,
    /// Also write the QR code as a PNG image to FILE.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
}

/// Prints the payload; with `--png`, writes the image first so that nothing
/// is printed when it fails. An error is reported here as one line on stderr
/// with exit status 1 (returning it would let anyhow add a backtrace when
/// `RUST_BACKTRACE` is set).
pub fn run(args: VietqrArgs) -> anyhow::Result<()> {
    if let Err(e) = run_inner(args) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
    Ok(())
}

fn run_inner(args: VietqrArgs) -> anyhow::Result<()> {
    let transfer = Transfer {
        bin: args.bin,
        account: args.account,
        amount: Some(parse_amount(&args.amount)?),
        purpose: args.purpose,
        reference: args.reference,
        service: Service::ToAccount,
    };
    let payload = vietqr::encode(&transfer)?;
    if let Some(path) = &args.png {
        write_png(&payload, path).with_context(|| format!("writing {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{payload}")?;
    out.flush()?;
    Ok(())
}

fn parse_amount(s: &str) -> anyhow::Result<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(anyhow!(
            "amount must be a whole number of đồng in digits, got {s:?}"
        ));
    }
    // All digits: the only failure left is overflow, which is too long anyway.
    s.parse::<u64>()
        .map_err(|_| anyhow!(vietqr::VietQrError::AmountTooLong { len: s.len() }))
}

/// The QR of `payload` (level M) as 8-bit grey pixels: `(width, pixels)`.
pub fn render(payload: &str) -> anyhow::Result<(u32, Vec<u8>)> {
    let qr = motcua_core::vietqr::QrMatrix::of(payload)?;
    let side = (qr.width + 2 * QUIET_ZONE) * MODULE_PX;
    let mut pixels = vec![0xFF_u8; side * side];
    for my in 0..qr.width {
        for mx in 0..qr.width {
            if !qr.is_dark(mx, my) {
                continue;
            }
            let (px, py) = ((mx + QUIET_ZONE) * MODULE_PX, (my + QUIET_ZONE) * MODULE_PX);
            for y in py..py + MODULE_PX {
                let row = y * side;
                if let Some(line) = pixels.get_mut(row + px..row + px + MODULE_PX) {
                    line.fill(0);
                }
            }
        }
    }
    let side = u32::try_from(side).context("QR image too large")?;
    Ok((side, pixels))
}

/// Writes the PNG through a temporary file in the same folder, renamed into
/// place only when complete: a failure leaves no file behind.
fn write_png(payload: &str, path: &Path) -> anyhow::Result<()> {
    let (side, pixels) = render(payload)?;
    crate::output::write_atomically(path, |file| {
        let mut w = BufWriter::new(file);
        PngEncoder::new(&mut w)
            .write_image(&pixels, side, side, image::ExtendedColorType::L8)
            .context("encoding the PNG")?;
        w.flush()?;
        Ok(())
    })
}
