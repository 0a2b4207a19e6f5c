//! `motcua scan`: turn photos or scans of a paper document into one PDF,
//! one A4 page per image, with the pipeline of `motcua-scan`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use motcua_scan::{ModeChoice, Options, Page, pdf};

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Images (JPEG or PNG), one page each, in this order.
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<PathBuf>,
    /// The PDF to write; written only when every image succeeded.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
    /// Print the pages as a JSON array instead of lines of text.
    #[arg(long)]
    json: bool,
    /// How pages are kept: `auto` keeps a page in colour when it has
    /// significant colour (a photo, an ID card, a red seal), else gray,
    /// four-level gray or bilevel; `gray` never colour; `colour` always.
    #[arg(long, value_enum, default_value_t = ModeArg::Auto)]
    mode: ModeArg,
}

/// `--mode`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ModeArg {
    Auto,
    Gray,
    #[value(alias = "color")]
    Colour,
}

impl From<ModeArg> for ModeChoice {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Auto => ModeChoice::Auto,
            ModeArg::Gray => ModeChoice::Gray,
            ModeArg::Colour => ModeChoice::Colour,
        }
    }
}

/// Processes every image, then writes the PDF through a temporary file in
/// the same folder, renamed into place only at the end: a failure leaves no
/// output file (and an existing one untouched). An error is one line on
/// stderr with exit status 1, as for the other commands.
pub fn run(args: ScanArgs) -> anyhow::Result<()> {
    if let Err(e) = run_inner(&args) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
    Ok(())
}

fn run_inner(args: &ScanArgs) -> anyhow::Result<()> {
    let mut pages = Vec::with_capacity(args.images.len());
    for path in &args.images {
        let page = scan_one(path, args.mode.into()).with_context(|| path.display().to_string())?;
        pages.push(page);
    }
    let images: Vec<_> = pages.iter().map(Page::pdf_image).collect();
    let bytes = pdf::write(&images);
    write_atomically(&args.out, &bytes)
        .with_context(|| format!("writing {}", args.out.display()))?;

    let mut out = std::io::stdout().lock();
    if args.json {
        let list: Vec<_> = args
            .images
            .iter()
            .zip(&pages)
            .map(|(path, p)| page_json(path, p))
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
    } else {
        for (i, (path, p)) in args.images.iter().zip(&pages).enumerate() {
            writeln!(
                out,
                "page {}: {} → {}×{} px, {} DPI, {} KB {}, skew {:.1}°",
                i + 1,
                path.display(),
                p.width_px,
                p.height_px,
                p.dpi,
                p.data.len().div_ceil(1024),
                p.mode.code(),
                p.skew_deg
            )?;
            for w in &p.warnings {
                writeln!(out, "  ! {}", w.message_vi())?;
            }
        }
        writeln!(
            out,
            "wrote {} ({} pages, {} KB)",
            args.out.display(),
            pages.len(),
            bytes.len().div_ceil(1024)
        )?;
    }
    out.flush()?;
    Ok(())
}

fn scan_one(path: &Path, mode: ModeChoice) -> anyhow::Result<Page> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(anyhow!("not a file"));
    }
    // Refuse an oversized file before reading it whole.
    motcua_scan::check_file_size(meta.len())?;
    let bytes = std::fs::read(path)?;
    Ok(motcua_scan::process_with(&bytes, &Options { mode })?)
}

fn page_json(path: &Path, p: &Page) -> serde_json::Value {
    serde_json::json!({
        "input": path.display().to_string(),
        "width_px": p.width_px,
        "height_px": p.height_px,
        "dpi": p.dpi,
        "bytes": p.data.len(),
        "skew_deg": p.skew_deg,
        "mode": p.mode.code(),
        "warnings": p
            .warnings
            .iter()
            .map(|w| serde_json::json!({ "code": w.code(), "message": w.message_vi() }))
            .collect::<Vec<_>>(),
    })
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::output::write_atomically(path, |f| Ok(f.write_all(bytes)?))
}
