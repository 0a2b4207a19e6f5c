//! `motcua chaos`: the outbox against a hostile network and sudden death.
//!
//! Starts the real server in-process on loopback (a temporary folder, a
//! kiosk token), a fault-injecting proxy in front of it ([`proxy`]), then
//! runs `motcua outbox-drain` ([`drain`]) as a child that enqueues the run's
//! dossiers ([`plan`], 1–3 random PDFs each) and drains the outbox, killing
//! it with SIGKILL at random moments and starting it again until it exits
//! with an empty outbox. Then checks that every dossier is on the server
//! exactly once (by idempotency key and local reference), that every
//! document the server holds is byte-identical to the one generated, and
//! that the outbox is empty. Everything random comes from `--seed`.

pub mod drain;
pub mod plan;
pub mod proxy;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use motcua_core::client::sha256_hex;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

#[derive(clap::Args)]
pub struct ChaosArgs {
    /// How many dossiers to send.
    #[arg(long, default_value_t = 200)]
    dossiers: usize,
    /// Seed of everything random (dossiers, faults, kills): the same seed
    /// replays the same run, up to timing.
    #[arg(long)]
    seed: Option<u64>,
    /// Share of connections that get a fault, in percent.
    #[arg(long, default_value_t = 25)]
    fault_percent: u8,
    /// How many times to kill the child (default: a tenth of the
    /// dossiers, 3 to 40).
    #[arg(long)]
    kills: Option<u32>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 900)]
    deadline_seconds: u64,
    /// Keep the server's and the outbox's folders here instead of a
    /// temporary folder removed at the end.
    #[arg(long)]
    keep: Option<PathBuf>,
}

/// The client's timeout in the child; stalls last longer than it.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(1500);

pub fn run(args: ChaosArgs) -> anyhow::Result<std::process::ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(chaos(args))
}

async fn chaos(args: ChaosArgs) -> anyhow::Result<std::process::ExitCode> {
    let started = Instant::now();
    let seed = args.seed.unwrap_or_else(|| rand::rng().random());
    let n = args.dossiers;
    anyhow::ensure!(n >= 1, "--dossiers must be at least 1");
    let temp;
    let root = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            dir.clone()
        }
        None => {
            temp = tempfile::tempdir()?;
            temp.path().to_path_buf()
        }
    };
    let data = root.join("server");
    let outbox_dir = root.join("outbox");
    eprintln!(
        "motcua chaos: seed {seed}, {n} dossiers, in {}",
        root.display()
    );

    // The real server, in this process, with one kiosk.
    let state = motcua_server::AppState::open(&motcua_server::Config::new(data.clone()))
        .await
        .context("opening the server's state")?;
    let token = state
        .store
        .add_kiosk("chaos", time::OffsetDateTime::now_utc())
        .await
        .context("registering the kiosk")?;
    let server = motcua_server::serve_state(state, "127.0.0.1:0".parse()?)
        .await
        .context("starting the server")?;
    let faults = Arc::new(proxy::Faults::new(
        seed,
        f64::from(args.fault_percent.min(100)) / 100.0,
        CLIENT_TIMEOUT + Duration::from_millis(500),
    ));
    let proxy_addr = proxy::start(server.addr(), faults.clone()).await?;

    let mut rng = StdRng::seed_from_u64(seed ^ 0xC0FF_EE00);
    let max_kills = args
        .kills
        .unwrap_or_else(|| u32::try_from(n / 10).unwrap_or(40).clamp(3, 40));
    let deadline = started + Duration::from_secs(args.deadline_seconds);
    let exe = std::env::current_exe().context("finding the motcua binary")?;
    let (mut runs, mut kills, mut crashes) = (0u32, 0u32, 0u32);
    let (mut delivered_reports, mut retries) = (0u64, 0u64);
    let mut problems: Vec<String> = Vec::new();
    loop {
        if Instant::now() > deadline {
            problems.push(format!(
                "the outbox did not drain within {} s",
                args.deadline_seconds
            ));
            break;
        }
        runs += 1;
        let stats = root.join(format!("stats-{runs}.json"));
        let mut child = tokio::process::Command::new(&exe)
            .arg("outbox-drain")
            .arg("--backend")
            .arg(format!("http://{proxy_addr}"))
            .arg("--outbox")
            .arg(&outbox_dir)
            .arg("--seed")
            .arg(seed.to_string())
            .arg("--dossiers")
            .arg(n.to_string())
            .arg("--timeout-ms")
            .arg(CLIENT_TIMEOUT.as_millis().to_string())
            .arg("--stats")
            .arg(&stats)
            .arg("--exit-with-stdin")
            .env("MOTCUA_BACKEND_TOKEN", token.expose())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting motcua outbox-drain")?;
        // Held open while the child runs: it exits when this closes.
        let _stdin = child.stdin.take();
        let status = if kills < max_kills {
            // Spread over the run: longer runs are killed later too.
            let longest = (2000 + 50 * n as u64).min(15_000);
            let after = Duration::from_millis(rng.random_range(200..longest));
            tokio::select! {
                s = child.wait() => Some(s?),
                () = tokio::time::sleep(after) => {
                    child.kill().await?;
                    kills += 1;
                    None
                }
            }
        } else {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, child.wait()).await {
                Ok(s) => Some(s?),
                Err(_) => {
                    child.kill().await?;
                    None
                }
            }
        };
        if let Some((d, r)) = read_stats(&stats) {
            delivered_reports += d;
            retries += r;
        }
        match status.map(|s| s.code()) {
            None => continue,
            Some(Some(0)) => break,
            Some(Some(code)) if code == i32::from(drain::EXIT_NEEDS_HELPER) => {
                problems.push("dossiers were refused and wait for a helper".into());
                break;
            }
            Some(other) => {
                crashes += 1;
                eprintln!("motcua chaos: outbox-drain ended with {other:?}");
                if crashes > 5 {
                    problems.push("outbox-drain failed more than 5 times".into());
                    break;
                }
            }
        }
    }

    // The checks.
    let (documents, bytes) = verify(&data, &outbox_dir, seed, n, &mut problems).await?;
    server.shutdown().await;
    let faults_total: u64 = faults.counts().iter().map(|(_, c)| c).sum();
    let summary = serde_json::json!({
        "ok": problems.is_empty(),
        "seed": seed,
        "dossiers": n,
        "documents": documents,
        "document_bytes": bytes,
        "child_runs": runs,
        "kills": kills,
        "crashes": crashes,
        "connections": faults.connections(),
        "faults_injected": faults_total,
        "faults": faults
            .counts()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), serde_json::Value::from(v)))
            .collect::<serde_json::Map<_, _>>(),
        "retries": retries,
        "deliveries_seen": delivered_reports,
        "wall_seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        "problems": problems,
        "replay": format!("motcua chaos --dossiers {n} --seed {seed} --fault-percent {} --kills {max_kills}", args.fault_percent),
    });
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(if problems.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

/// The last counters a child wrote (it may have been killed before).
fn read_stats(path: &Path) -> Option<(u64, u64)> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    Some((v["delivered"].as_u64()?, v["failed_attempts"].as_u64()?))
}

/// Every dossier on the server exactly once with its documents
/// byte-identical, and nothing left in the outbox; the documents and bytes
/// checked.
async fn verify(
    data: &Path,
    outbox_dir: &Path,
    seed: u64,
    n: usize,
    problems: &mut Vec<String>,
) -> anyhow::Result<(usize, u64)> {
    use sqlx::sqlite::SqliteConnectOptions;
    let db = sqlx::SqlitePool::connect_with(
        SqliteConnectOptions::new()
            .filename(data.join(motcua_server::DB_FILE))
            .read_only(true),
    )
    .await
    .context("opening the server's database")?;
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT code, idempotency_key, local_reference FROM dossiers")
            .fetch_all(&db)
            .await?;
    let files: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT code, component_id, position, sha256 FROM dossier_files
          ORDER BY code, component_id, position",
    )
    .fetch_all(&db)
    .await?;
    db.close().await;
    if rows.len() != n {
        problems.push(format!("the server holds {} dossiers, not {n}", rows.len()));
    }
    let mut by_key: HashMap<&str, Vec<(&str, Option<&str>)>> = HashMap::new();
    for (code, key, local) in &rows {
        by_key
            .entry(key.as_str())
            .or_default()
            .push((code.as_str(), local.as_deref()));
    }
    let mut by_local: HashMap<&str, usize> = HashMap::new();
    for (_, _, local) in &rows {
        if let Some(l) = local {
            *by_local.entry(l.as_str()).or_default() += 1;
        }
    }
    let mut files_of: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for (code, component, _, sha) in &files {
        files_of
            .entry(code.as_str())
            .or_default()
            .push((component.as_str(), sha.as_str()));
    }
    let objects = data.join(motcua_server::OBJECTS_DIR);
    let (mut documents, mut bytes) = (0usize, 0u64);
    for i in 0..n {
        let key = plan::key(seed, i);
        let found = by_key.get(key.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        let [(code, local)] = found else {
            problems.push(format!("{key}: {} dossiers on the server", found.len()));
            continue;
        };
        match local {
            Some(l) if by_local.get(l) == Some(&1) => {}
            Some(l) => problems.push(format!("{key}: local reference {l} is not unique")),
            None => problems.push(format!("{key}: no local reference")),
        }
        let item = plan::dossier(seed, i)?;
        let mut want: Vec<(&str, String)> = Vec::new();
        for c in &item.dossier.components {
            for sha in &c.uploads {
                want.push((c.component_id.as_str(), sha.clone()));
            }
        }
        want.sort();
        let mut got: Vec<(&str, String)> = files_of
            .get(code)
            .map(|v| v.iter().map(|(c, s)| (*c, (*s).to_owned())).collect())
            .unwrap_or_default();
        got.sort();
        if got != want {
            problems.push(format!("{key}: the server's files differ from those sent"));
        }
        for doc in &item.documents {
            let sha = sha256_hex(doc);
            let path = objects.join(&sha[..2]).join(&sha);
            match std::fs::read(&path) {
                Ok(held) if held == *doc && sha256_hex(&held) == sha => {
                    documents += 1;
                    bytes += held.len() as u64;
                }
                Ok(_) => problems.push(format!("{key}: document {sha} differs on the server")),
                Err(_) => problems.push(format!("{key}: document {sha} missing on the server")),
            }
        }
    }
    let outbox = crate::submit::open_outbox(outbox_dir, Default::default()).await?;
    let left = outbox.pending().await?;
    if !left.is_empty() {
        problems.push(format!("{} dossiers left in the outbox", left.len()));
    }
    Ok((documents, bytes))
}
