//! `motcua outbox-drain` (hidden): the child of a chaos run. Enqueues the
//! run's dossiers not yet enqueued (a log in the outbox folder says which),
//! runs the outbox worker until the outbox is empty, and may be killed at
//! any moment.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use motcua_core::client::{ApiClient, ClientOptions};
use motcua_core::outbox::OutboxOptions;

use super::plan;
use crate::submit::open_outbox;

/// Exit status when some dossier waits for a helper (the run failed).
pub const EXIT_NEEDS_HELPER: u8 = 3;

/// The log of enqueued dossiers, one index a line.
pub const ENQUEUED_LOG: &str = "enqueued.log";

#[derive(clap::Args)]
pub struct DrainArgs {
    #[arg(long)]
    pub backend: String,
    #[arg(long, env = "MOTCUA_BACKEND_TOKEN", hide_env_values = true)]
    pub token: String,
    #[arg(long)]
    pub outbox: PathBuf,
    #[arg(long)]
    pub seed: u64,
    #[arg(long)]
    pub dossiers: usize,
    /// The client's timeout for a whole request.
    #[arg(long, default_value_t = 1500)]
    pub timeout_ms: u64,
    /// Bytes per upload chunk.
    #[arg(long, default_value_t = 64 * 1024)]
    pub chunk_bytes: usize,
    /// Where to write the worker's counters, as JSON, every few tenths of
    /// a second.
    #[arg(long)]
    pub stats: PathBuf,
    /// Exit as soon as stdin closes (the chaos parent holds it open, so a
    /// parent that dies takes its child along).
    #[arg(long)]
    pub exit_with_stdin: bool,
}

pub fn run(args: DrainArgs) -> anyhow::Result<std::process::ExitCode> {
    if args.exit_with_stdin {
        std::thread::spawn(|| {
            use std::io::Read;
            let mut byte = [0u8; 1];
            while matches!(std::io::stdin().read(&mut byte), Ok(n) if n > 0) {}
            std::process::exit(4);
        });
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(drain(args))
}

async fn drain(args: DrainArgs) -> anyhow::Result<std::process::ExitCode> {
    let outbox = open_outbox(
        &args.outbox,
        OutboxOptions {
            backoff_base: Duration::from_millis(50),
            backoff_cap: Duration::from_secs(1),
        },
    )
    .await?;
    let client = ApiClient::with_options(
        &args.backend,
        &args.token,
        &ClientOptions {
            connect_timeout: Duration::from_millis(args.timeout_ms),
            timeout: Duration::from_millis(args.timeout_ms),
            upload_chunk_bytes: args.chunk_bytes,
            reuse_connections: false,
        },
    )?;
    let worker = Arc::new(outbox.spawn_worker(client));
    // The counters reach the parent even when this process is killed
    // while enqueuing.
    let reporter = {
        let (worker, path) = (worker.clone(), args.stats.clone());
        tokio::spawn(async move {
            loop {
                let _ = write_stats(&path, &worker.stats());
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let log_path = args.outbox.join(ENQUEUED_LOG);
    let done = enqueued(&log_path)?;
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("opening {}", log_path.display()))?;
    for i in 0..args.dossiers {
        if done.contains(&i) {
            continue;
        }
        outbox.enqueue(plan::dossier(args.seed, i)?).await?;
        writeln!(log, "{i}")?;
        log.sync_data()?;
    }
    loop {
        let pending = outbox.pending().await?;
        if pending.is_empty() {
            break;
        }
        if pending.iter().all(|p| p.needs_helper.is_some()) {
            for p in &pending {
                eprintln!(
                    "motcua outbox-drain: {} needs a helper ({})",
                    p.local_ref,
                    p.needs_helper.as_deref().unwrap_or_default()
                );
            }
            finish(reporter, worker, &args.stats).await?;
            return Ok(std::process::ExitCode::from(EXIT_NEEDS_HELPER));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    finish(reporter, worker, &args.stats).await?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// Stops the reporter and the worker and writes the last counters.
async fn finish(
    reporter: tokio::task::JoinHandle<()>,
    worker: Arc<motcua_core::outbox::WorkerHandle>,
    stats: &Path,
) -> anyhow::Result<()> {
    reporter.abort();
    let _ = reporter.await;
    let last = worker.stats();
    if let Ok(w) = Arc::try_unwrap(worker) {
        w.stop().await;
    }
    write_stats(stats, &last)
}

/// Indices on complete lines of the log (a kill may cut the last one).
fn enqueued(path: &Path) -> anyhow::Result<HashSet<usize>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let complete = text.rsplit_once('\n').map(|(lines, _)| lines).unwrap_or("");
    Ok(complete
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect())
}

fn write_stats(path: &Path, s: &motcua_core::outbox::WorkerStats) -> anyhow::Result<()> {
    let json = serde_json::json!({
        "delivered": s.delivered,
        "failed_attempts": s.failed_attempts,
        "outbox_errors": s.outbox_errors,
    });
    crate::output::write_atomically(path, |f| {
        f.write_all(json.to_string().as_bytes())?;
        Ok(())
    })
}
