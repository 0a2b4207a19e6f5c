//! `motcua bench-load`: the reference server under many kiosks at once, and
//! through a crash.
//!
//! Starts `motcua server` as a child process on a fresh data folder (and
//! `--database URL` when given), registers one token per simulated kiosk
//! with `motcua server kiosk add` and a helper with `motcua server staff
//! add`, then runs the kiosks ([`kiosk`]): each submits 3-page dossiers
//! through core's client, one after another. Over a measured window it
//! prints throughput and latency percentiles per dossier and per request
//! kind. Then it SIGKILLs the server mid-load, starts it again on the same
//! data while the kiosks retry their dossiers with the same idempotency
//! keys, lets them go on for a while and stops them. The check: every
//! acknowledged dossier is listed once by the back office under its key
//! with the acknowledged code, sending it again with the same key answers
//! the same code, and the day's count of received dossiers grew by exactly
//! the number acknowledged. `--compare` runs SQLite, then the `--database`
//! URL, with the same code and prints both side by side.

mod child;
mod kiosk;
mod stats;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;
use motcua_core::client::ApiClient;
use rand::RngExt;
use tokio::sync::watch;

use kiosk::{Acked, KioskLog, REQS, Shared};
use stats::{Table, latency_cell, percentiles};

#[derive(clap::Args)]
pub struct BenchLoadArgs {
    /// Simulated kiosks submitting at once, each with its own token.
    #[arg(long, default_value_t = 200)]
    kiosks: usize,
    /// Length of the measured window, in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// End the measured window after this many acknowledged dossiers
    /// instead of after --seconds.
    #[arg(long, conflicts_with = "seconds")]
    dossiers: Option<usize>,
    /// The database the child server uses, passed on as `--database URL`
    /// (e.g. postgres://user@host/db) to `motcua server` and its admin
    /// commands. Default: SQLite in the run's data folder.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Run SQLite first, then the --database URL, and print both side by
    /// side.
    #[arg(long, requires = "database")]
    compare: bool,
    /// SIGKILL the server this many seconds after the measured window,
    /// restart it on the same data, and check every acknowledged dossier
    /// (0: no crash).
    #[arg(long, default_value_t = 2)]
    kill_after: u64,
    /// Seconds the kiosks go on after the restart before they stop.
    #[arg(long, default_value_t = 5)]
    after_restart: u64,
    /// Size of a page in KiB (each is 75–125 % of it).
    #[arg(long, default_value_t = 120)]
    page_kib: usize,
    /// Seed of the generated dossiers.
    #[arg(long)]
    seed: Option<u64>,
    /// Give up on a dossier still failing this many seconds after the
    /// start (the run then fails).
    #[arg(long, default_value_t = 600)]
    deadline_seconds: u64,
    /// Keep the data folders (database, documents, server logs) here
    /// instead of a temporary folder removed at the end.
    #[arg(long)]
    keep: Option<PathBuf>,
}

/// The helper's PIN (never used: the run's helper only logs in to the
/// console with its random password).
const STAFF_PIN: &str = "480173";

pub fn run(args: BenchLoadArgs) -> anyhow::Result<std::process::ExitCode> {
    anyhow::ensure!(
        (1..=2000).contains(&args.kiosks),
        "--kiosks must be 1 to 2000"
    );
    anyhow::ensure!(
        (1..=4096).contains(&args.page_kib),
        "--page-kib must be 1 to 4096"
    );
    anyhow::ensure!(
        args.seconds >= 1 || args.dossiers.is_some(),
        "--seconds must be at least 1"
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(bench(args))
}

async fn bench(args: BenchLoadArgs) -> anyhow::Result<std::process::ExitCode> {
    let seed = args.seed.unwrap_or_else(|| rand::rng().random());
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
    let runs: Vec<(String, Option<String>)> = match (&args.database, args.compare) {
        (Some(url), true) => vec![
            ("SQLite".to_owned(), None),
            (database_label(url), Some(url.clone())),
        ],
        (Some(url), false) => vec![(database_label(url), Some(url.clone()))],
        (None, _) => vec![("SQLite".to_owned(), None)],
    };
    let window = match args.dossiers {
        Some(n) => format!("{n} dossiers"),
        None => format!("{} s", args.seconds),
    };
    eprintln!(
        "motcua bench-load: {} kiosks, 3 pages of ~{} KiB per dossier, window {window}, \
         SIGKILL {}; seed {seed}; data in {}",
        args.kiosks,
        args.page_kib,
        if args.kill_after > 0 {
            format!("{} s after the window", args.kill_after)
        } else {
            "off".to_owned()
        },
        root.display()
    );
    let mut results = Vec::new();
    for (i, (label, database)) in runs.iter().enumerate() {
        let data = root.join(format!("{i}-{}", label.to_lowercase()));
        eprintln!("motcua bench-load: {label} …");
        let result = one_run(&args, seed, database.as_deref(), &data).await;
        if let Err(e) = &result {
            eprintln!("motcua bench-load: {label} failed: {e:#}");
        }
        results.push((label.clone(), result));
    }
    print!("{}", table(&args, &results).render());
    let mut ok = true;
    for (label, result) in &results {
        match result {
            Ok(r) if r.problems.is_empty() => {}
            Ok(r) => {
                ok = false;
                println!("\n{label}: {} problems", r.problems.len());
                for p in r.problems.iter().take(20) {
                    println!("  {p}");
                }
            }
            Err(e) => {
                ok = false;
                println!("\n{label}: the run failed: {e:#}");
            }
        }
    }
    println!(
        "\n{}",
        if ok {
            "every acknowledged dossier is held exactly once, under its key's code"
        } else {
            "FAILED"
        }
    );
    Ok(if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

fn database_label(url: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        "PostgreSQL".to_owned()
    } else if url.starts_with("sqlite:") {
        "SQLite (URL)".to_owned()
    } else {
        "database".to_owned()
    }
}

/// What the crash did.
struct Crash {
    kill_ms: u64,
    up_ms: u64,
    busy_at_kill: usize,
    acked_before_kill: usize,
}

/// One database's figures and findings.
struct Report {
    kiosks: usize,
    setup: Duration,
    window_ms: (u64, u64),
    logs: Vec<KioskLog>,
    crash: Option<Crash>,
    /// Dossiers the server counted as received during the run.
    server_count: Option<i64>,
    listed_once: usize,
    replayed_same: usize,
    problems: Vec<String>,
}

impl Report {
    fn acked(&self) -> impl Iterator<Item = &Acked> {
        self.logs.iter().flat_map(|l| l.acked.iter())
    }
}

async fn one_run(
    args: &BenchLoadArgs,
    seed: u64,
    database: Option<&str>,
    data: &Path,
) -> anyhow::Result<Report> {
    let setup_started = Instant::now();
    std::fs::create_dir_all(data)?;
    let target = child::Target {
        exe: std::env::current_exe().context("finding the motcua binary")?,
        data: data.to_path_buf(),
        db_args: database
            .map(|url| vec!["--database".to_owned(), url.to_owned()])
            .unwrap_or_default(),
    };
    let run_id = format!("bench-{:08x}", rand::rng().random::<u32>());
    let names: Vec<String> = (0..args.kiosks).map(|i| format!("bench-{i:03}")).collect();
    let tokens = target
        .add_kiosks(&names)
        .await
        .context("registering the kiosks")?;
    let password = {
        let mut bytes = [0u8; 12];
        rand::rng().fill(&mut bytes);
        motcua_core::client::sha256_hex(&bytes)[..24].to_owned()
    };
    target
        .add_staff(&run_id, &password, STAFF_PIN)
        .await
        .context("adding the run's helper")?;
    let log = data.join("server.log");
    let mut server = target.start_server("127.0.0.1:0", &log).await?;
    let staff = Staff::login(&server.url, &tokens[0], &run_id, &password).await?;
    let first_day = vn_date();
    let count_before = staff.received(&first_day).await?;
    let setup = setup_started.elapsed();

    let (url_tx, url_rx) = watch::channel(server.url.clone());
    let epoch = Instant::now();
    let shared = Arc::new(Shared {
        url: url_rx,
        stop: Default::default(),
        acked: Default::default(),
        busy: Default::default(),
        epoch,
        deadline: epoch + Duration::from_secs(args.deadline_seconds),
        run: run_id.clone(),
        seed,
        page_bytes: args.page_kib * 1024,
    });
    let mut kiosks = tokio::task::JoinSet::new();
    for (i, token) in tokens.iter().enumerate() {
        kiosks.spawn(kiosk::run(i, token.clone(), shared.clone()));
    }
    let ms = || epoch.elapsed().as_millis() as u64;

    // The measured window.
    let window_start = ms();
    match args.dossiers {
        Some(n) => {
            while shared.acked.load(Ordering::SeqCst) < n && Instant::now() < shared.deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        None => tokio::time::sleep(Duration::from_secs(args.seconds)).await,
    }
    let window_end = ms();
    eprintln!(
        "motcua bench-load: {} dossiers acknowledged in the window",
        shared.acked.load(Ordering::SeqCst)
    );

    // The crash: SIGKILL mid-load, restart on the same data.
    let mut crash = None;
    if args.kill_after > 0 {
        tokio::time::sleep(Duration::from_secs(args.kill_after)).await;
        let busy_at_kill = shared.busy.load(Ordering::SeqCst);
        let acked_before_kill = shared.acked.load(Ordering::SeqCst);
        let kill_ms = ms();
        let addr = server.listen_addr().to_owned();
        server.kill().await?;
        eprintln!("motcua bench-load: server SIGKILLed with {busy_at_kill} kiosks mid-dossier");
        server = match target.start_server(&addr, &log).await {
            Ok(s) => s,
            // The address was taken meanwhile: another port, which the
            // kiosks are told.
            Err(_) => target.start_server("127.0.0.1:0", &log).await?,
        };
        let up_ms = ms();
        if *url_tx.borrow() != server.url {
            url_tx.send_replace(server.url.clone());
        }
        crash = Some(Crash {
            kill_ms,
            up_ms,
            busy_at_kill,
            acked_before_kill,
        });
        tokio::time::sleep(Duration::from_secs(args.after_restart)).await;
    }
    shared.stop.store(true, Ordering::SeqCst);
    let mut logs: Vec<KioskLog> = Vec::with_capacity(args.kiosks);
    while let Some(done) = kiosks.join_next().await {
        logs.push(done.context("a simulated kiosk panicked")?);
    }

    // The check, against the server that now runs.
    let staff = Staff::login(&server.url, &tokens[0], &run_id, &password).await?;
    let mut report = Report {
        kiosks: args.kiosks,
        setup,
        window_ms: (window_start, window_end),
        logs: Vec::new(),
        crash,
        server_count: None,
        listed_once: 0,
        replayed_same: 0,
        problems: Vec::new(),
    };
    verify(&mut report, &logs, &staff, &server.url, &tokens).await?;
    let last_day = vn_date();
    let mut count = staff.received(&first_day).await? - count_before;
    if last_day != first_day {
        count += staff.received(&last_day).await?;
    }
    report.server_count = Some(count);
    let acked = logs.iter().map(|l| l.acked.len()).sum::<usize>() as i64;
    let failed: usize = logs.iter().map(|l| l.failed.len()).sum();
    if failed == 0 && count != acked {
        report.problems.push(format!(
            "the server received {count} dossiers in the run, {acked} were acknowledged"
        ));
    }
    for l in &logs {
        for (key, reason) in &l.failed {
            report
                .problems
                .push(format!("{key}: never acknowledged ({reason})"));
        }
    }
    report.logs = logs;
    let _ = target.disable_staff(&run_id).await;
    server.kill().await?;
    Ok(report)
}

/// The back office's view, through the API.
struct Staff {
    client: ApiClient,
    token: String,
}

impl Staff {
    async fn login(
        url: &str,
        kiosk_token: &str,
        user: &str,
        password: &str,
    ) -> anyhow::Result<Self> {
        let client = ApiClient::new(url, kiosk_token)?;
        let session = client
            .login_staff(user, password)
            .await
            .context("logging the run's helper in")?;
        Ok(Self {
            client,
            token: session.token,
        })
    }

    /// Dossiers received on a Vietnam day, by the console's figures.
    async fn received(&self, date: &str) -> anyhow::Result<i64> {
        let f = self
            .client
            .console_figures(&self.token, Some(date))
            .await
            .context("reading the day's figures")?;
        Ok(i64::from(f.dossiers_received))
    }
}

/// Every acknowledged dossier listed once under its key with its code, and
/// the same code again when its kiosk sends it again with the same key.
async fn verify(
    report: &mut Report,
    logs: &[KioskLog],
    staff: &Staff,
    url: &str,
    tokens: &[String],
) -> anyhow::Result<()> {
    const WORKERS: usize = 16;
    let mut jobs: Vec<Vec<(usize, Acked)>> = vec![Vec::new(); WORKERS];
    let mut n = 0;
    for log in logs {
        for a in &log.acked {
            jobs[n % WORKERS].push((log.index, a.clone()));
            n += 1;
        }
    }
    // One client per kiosk: the same key is the same dossier only for the
    // kiosk that sent it.
    let kiosk_clients = tokens
        .iter()
        .map(|t| ApiClient::new(url, t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut set = tokio::task::JoinSet::new();
    for job in jobs {
        let staff_client = staff.client.clone();
        let staff_token = staff.token.clone();
        let clients: Vec<Option<ApiClient>> = job
            .iter()
            .map(|(k, _)| kiosk_clients.get(*k).cloned())
            .collect();
        set.spawn(async move {
            let (mut listed, mut replayed, mut problems) = (0usize, 0usize, Vec::new());
            for ((_, a), client) in job.iter().zip(clients) {
                match staff_client
                    .dossiers_by_local_reference(&staff_token, &a.key)
                    .await
                {
                    Ok(list) => match list.items.as_slice() {
                        [one] if one.code == a.code => listed += 1,
                        [one] => problems.push(format!(
                            "{}: acknowledged as {}, held as {}",
                            a.key, a.code, one.code
                        )),
                        many => problems.push(format!("{}: held {} times", a.key, many.len())),
                    },
                    Err(e) => problems.push(format!("{}: listing failed: {e}", a.key)),
                }
                let Some(client) = client else {
                    problems.push(format!("{}: no kiosk for the key", a.key));
                    continue;
                };
                match client.create_dossier(&a.key, &a.dossier).await {
                    Ok(d) if d.code == a.code => replayed += 1,
                    Ok(d) => problems.push(format!(
                        "{}: sent again, answered {} instead of {}",
                        a.key, d.code, a.code
                    )),
                    Err(e) => problems.push(format!("{}: sending again failed: {e}", a.key)),
                }
            }
            (listed, replayed, problems)
        });
    }
    while let Some(done) = set.join_next().await {
        let (listed, replayed, problems) = done?;
        report.listed_once += listed;
        report.replayed_same += replayed;
        report.problems.extend(problems);
    }
    Ok(())
}

/// Today in Vietnam, `YYYY-MM-DD`, as the console's figures take it.
fn vn_date() -> String {
    let offset = time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let d = time::OffsetDateTime::now_utc().to_offset(offset).date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn table(args: &BenchLoadArgs, results: &[(String, anyhow::Result<Report>)]) -> Table {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |label: &str, f: &dyn Fn(&Report) -> String| {
        let cells = results
            .iter()
            .map(|(_, r)| match r {
                Ok(r) => f(r),
                Err(_) => "error".to_owned(),
            })
            .collect();
        rows.push((label.to_owned(), cells));
    };
    add("kiosks at once", &|r| r.kiosks.to_string());
    add("setup: tokens, helper, start (s)", &|r| {
        format!("{:.1}", r.setup.as_secs_f64())
    });
    add("measured window (s)", &|r| format!("{:.1}", window_secs(r)));
    add("dossiers acknowledged in it", &|r| {
        in_window(r).count().to_string()
    });
    add("dossiers/s", &|r| {
        format!("{:.1}", in_window(r).count() as f64 / window_secs(r))
    });
    add("page MB/s (10^6 B)", &|r| {
        let bytes: u64 = in_window(r).map(|a| a.bytes).sum();
        format!("{:.2}", bytes as f64 / 1e6 / window_secs(r))
    });
    add("dossier, first try to answer: ms p50/p90/p99/max", &|r| {
        let mut v: Vec<u64> = in_window(r)
            .map(|a| (a.acked_ms - a.started_ms) * 1000)
            .collect();
        latency_cell(percentiles(&mut v))
    });
    for req in REQS {
        add(&format!("{}: ms p50/p90/p99/max", req.label()), &|r| {
            let (lo, hi) = r.window_ms;
            let mut v: Vec<u64> = r
                .logs
                .iter()
                .flat_map(|l| l.samples[req as usize].iter())
                .filter(|s| (lo..=hi).contains(&s.at_ms))
                .map(|s| s.us)
                .collect();
            let n = v.len();
            let errors = r
                .logs
                .iter()
                .flat_map(|l| l.errors[req as usize].iter())
                .filter(|at| (lo..=hi).contains(*at))
                .count();
            format!(
                "{} (n={n}, errors={errors})",
                latency_cell(percentiles(&mut v))
            )
        });
    }
    if args.kill_after > 0 {
        add("SIGKILL at (s into the run)", &|r| {
            r.crash
                .as_ref()
                .map(|c| format!("{:.1}", c.kill_ms as f64 / 1000.0))
                .unwrap_or_default()
        });
        add("kiosks mid-dossier at the kill", &|r| {
            r.crash
                .as_ref()
                .map(|c| c.busy_at_kill.to_string())
                .unwrap_or_default()
        });
        add("acknowledged before the kill", &|r| {
            r.crash
                .as_ref()
                .map(|c| c.acked_before_kill.to_string())
                .unwrap_or_default()
        });
        add("kill to listening again (s)", &|r| {
            r.crash
                .as_ref()
                .map(|c| format!("{:.2}", (c.up_ms - c.kill_ms) as f64 / 1000.0))
                .unwrap_or_default()
        });
        add("kill to first answer after it (s)", &|r| {
            let Some(c) = &r.crash else {
                return String::new();
            };
            r.acked()
                .filter(|a| a.acked_ms > c.up_ms)
                .map(|a| a.acked_ms)
                .min()
                .map(|at| format!("{:.2}", (at - c.kill_ms) as f64 / 1000.0))
                .unwrap_or_else(|| "none".to_owned())
        });
        add("dossiers retried across the kill", &|r| {
            let Some(c) = &r.crash else {
                return String::new();
            };
            r.acked()
                .filter(|a| a.started_ms < c.kill_ms && a.acked_ms > c.kill_ms && a.attempts > 1)
                .count()
                .to_string()
        });
        add("failed requests from the kill on", &|r| {
            let Some(c) = &r.crash else {
                return String::new();
            };
            r.logs
                .iter()
                .flat_map(|l| l.errors.iter().flatten())
                .filter(|at| **at >= c.kill_ms)
                .count()
                .to_string()
        });
    }
    add("acknowledged in the whole run", &|r| {
        r.acked().count().to_string()
    });
    add("received by the server (console figures)", &|r| {
        r.server_count.map(|c| c.to_string()).unwrap_or_default()
    });
    add("listed once under its key, same code", &|r| {
        r.listed_once.to_string()
    });
    add("sent again, same key: same code", &|r| {
        r.replayed_same.to_string()
    });
    add("result", &|r| {
        if r.problems.is_empty() {
            "ok".to_owned()
        } else {
            format!("FAILED ({})", r.problems.len())
        }
    });
    Table {
        header: results.iter().map(|(l, _)| l.clone()).collect(),
        rows,
    }
}

fn window_secs(r: &Report) -> f64 {
    ((r.window_ms.1 - r.window_ms.0) as f64 / 1000.0).max(0.001)
}

fn in_window(r: &Report) -> impl Iterator<Item = &Acked> {
    let (lo, hi) = r.window_ms;
    r.acked().filter(move |a| (lo..=hi).contains(&a.acked_ms))
}
