//! `motcua cccd parse`: check the QR payload of a citizen ID card.

use std::io::Read;

use anyhow::Context;
use clap::Subcommand;

/// Longest input read from stdin; a card's payload is a few hundred bytes.
const MAX_INPUT_BYTES: u64 = 4096;

#[derive(Subcommand)]
pub enum CccdCommand {
    /// Read one card QR payload from stdin and print its fields as JSON.
    ///
    /// An invalid payload prints a one-line reason (never the payload) on
    /// stderr, nothing on stdout, and exits with status 1.
    Parse,
}

pub fn run(command: CccdCommand) -> anyhow::Result<()> {
    match command {
        CccdCommand::Parse => match parse_stdin() {
            Ok(json) => {
                println!("{json}");
                Ok(())
            }
            Err(e) => {
                // One line, and no backtrace: the reason may be logged.
                eprintln!("error: {e:#}");
                std::process::exit(1);
            }
        },
    }
}

fn parse_stdin() -> anyhow::Result<String> {
    let mut input = Vec::new();
    std::io::stdin()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut input)
        .context("reading stdin")?;
    if input.len() as u64 > MAX_INPUT_BYTES {
        anyhow::bail!("input longer than {MAX_INPUT_BYTES} bytes");
    }
    let input = String::from_utf8(input).map_err(|_| anyhow::anyhow!("input is not UTF-8"))?;
    let card = motcua_core::cccd::parse(&input)?;
    Ok(serde_json::to_string(&card)?)
}
