//! `motcua`: the command line of Một Cửa Kiosk.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

mod admin;
mod bench_load;
mod cccd;
mod chaos;
mod output;
mod scan;
mod submit;
mod vietqr;

#[derive(Parser)]
#[command(
    name = "motcua",
    version,
    about = "Một Cửa Kiosk: backend server and staff tools"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the backend API server, or manage its kiosks.
    #[command(
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true,
        after_help = "Payments read MOTCUA_BANK_BIN, MOTCUA_BANK_ACCOUNT, MOTCUA_BANK_ACCOUNT_NAME \
(unset: a SAMPLE account), MOTCUA_BANK_WEBHOOK_SECRET (unset: the bank webhook refuses \
everything), MOTCUA_RECEIPT_ISSUER, MOTCUA_RECEIPT_TEMPLATE and MOTCUA_RECEIPT_SERIES."
    )]
    Server {
        #[command(subcommand)]
        command: Option<admin::ServerCommand>,
        #[command(flatten)]
        run: ServeArgs,
    },
    /// Work with procedure catalogs.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Print the API's OpenAPI 3 document.
    Openapi,
    /// Citizen ID card (CCCD) tools.
    Cccd {
        #[command(subcommand)]
        command: cccd::CccdCommand,
    },
    /// Print a VietQR bank-transfer payload (and optionally write its PNG).
    Vietqr(vietqr::VietqrArgs),
    /// Turn photos or scans of a paper document into one A4 PDF, a page each.
    Scan(scan::ScanArgs),
    /// Submit a dossier to a backend through the kiosk's outbox: kept,
    /// sealed, when the backend cannot take it now. Prints JSON.
    Submit(submit::SubmitArgs),
    /// Test the outbox against the real server behind a faulty network,
    /// killing the sender at random; exits non-zero on any discrepancy.
    Chaos(chaos::ChaosArgs),
    /// Load benchmark: many simulated kiosks submitting 3-page dossiers to
    /// a `motcua server` child, throughput and latency percentiles, then a
    /// SIGKILL mid-load and a check that every acknowledged dossier is
    /// held exactly once. Not a test: prints figures.
    BenchLoad(bench_load::BenchLoadArgs),
    /// The child of `motcua chaos`: enqueue the run's dossiers and drain.
    #[command(hide = true)]
    OutboxDrain(chaos::drain::DrainArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Folder for the SQLite database, documents and partial uploads
    /// (created if missing).
    #[arg(long, env = "MOTCUA_DATA", required = true)]
    data: Option<PathBuf>,
    /// Database URL instead of SQLite in DATA: postgres://USER:PASSWORD@HOST:PORT/DB
    /// (migrated at start). Documents stay in DATA.
    #[arg(long, env = "MOTCUA_DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
    /// Address to listen on.
    #[arg(long, env = "MOTCUA_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Catalog file (default: DATA/catalog.toml, else the sample catalog).
    #[arg(long, env = "MOTCUA_CATALOG")]
    catalog: Option<PathBuf>,
    /// SMS gateway URL: one-time codes are POSTed there as JSON {to, text}
    /// with the bearer token from MOTCUA_SMS_TOKEN. Without it, codes are
    /// appended to DATA/sms-outbox.jsonl (development only).
    #[arg(long, env = "MOTCUA_SMS_URL")]
    sms_url: Option<String>,
    /// Where complete documents are kept: s3://BUCKET[/prefix] for a bucket
    /// of an S3-API store (credentials from AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY), so several servers sharing one database serve
    /// the same documents. Default: the folder DATA/objects.
    #[arg(long, env = "MOTCUA_OBJECTS")]
    objects: Option<String>,
    /// The S3 API's URL (path-style requests), e.g. https://s3.example.vn.
    #[arg(long, env = "MOTCUA_S3_ENDPOINT", requires = "objects")]
    s3_endpoint: Option<String>,
    /// The bucket's region, as the store signs requests for it.
    #[arg(long, env = "MOTCUA_S3_REGION", default_value = "us-east-1")]
    s3_region: String,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Check a catalog file and print every problem in it.
    Check { file: PathBuf },
    /// Print the shipped sample catalog (TOML) to start a center's own.
    Sample,
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Submit(args) => submit::run(args),
        Command::Chaos(args) => chaos::run(args),
        Command::BenchLoad(args) => bench_load::run(args),
        Command::OutboxDrain(args) => chaos::drain::run(args),
        other => run(other).map(|()| std::process::ExitCode::SUCCESS),
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Server {
            command: Some(command),
            ..
        } => admin::run(command),
        Command::Server {
            command: None,
            run:
                ServeArgs {
                    data,
                    database,
                    listen,
                    catalog,
                    sms_url,
                    objects,
                    s3_endpoint,
                    s3_region,
                },
        } => {
            let data = data.context("--data is required")?;
            let objects = match objects {
                None => motcua_server::ObjectsConfig::DataFolder,
                Some(url) => {
                    let endpoint = s3_endpoint
                        .context("--objects s3://… needs --s3-endpoint URL of the S3 API")?;
                    motcua_server::ObjectsConfig::S3(Box::new(motcua_server::S3Config::parse(
                        &url,
                        &endpoint,
                        &s3_region,
                        |name| std::env::var(name).ok(),
                    )?))
                }
            };
            let sms = match sms_url {
                Some(url) => {
                    let token = std::env::var("MOTCUA_SMS_TOKEN")
                        .context("--sms-url needs the gateway token in MOTCUA_SMS_TOKEN")?;
                    anyhow::ensure!(!token.trim().is_empty(), "MOTCUA_SMS_TOKEN is empty");
                    motcua_server::SmsConfig::Http {
                        url,
                        token: motcua_server::Secret::new(token.trim()),
                    }
                }
                None => motcua_server::SmsConfig::default(),
            };
            // The log goes to stderr: stdout carries only "listening on URL",
            // which scripts and tests read.
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info,sqlx=warn".into()),
                )
                .with_writer(std::io::stderr)
                .init();
            let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
            rt.block_on(async {
                let config = motcua_server::Config {
                    data_dir: data,
                    catalog,
                    sms,
                    database,
                    objects,
                };
                let running = motcua_server::start(&config, listen)
                    .await
                    .context("starting the server")?;
                println!("listening on {}", running.url());
                shutdown_signal().await;
                tracing::info!("shutting down");
                running.shutdown().await;
                anyhow::Ok(())
            })
        }
        Command::Catalog {
            command: CatalogCommand::Check { file },
        } => {
            let c = motcua_core::catalog::load(&file)?;
            println!(
                "{}: {} fields, {} procedures, valid",
                file.display(),
                c.fields.len(),
                c.procedures.len()
            );
            Ok(())
        }
        Command::Catalog {
            command: CatalogCommand::Sample,
        } => {
            print!("{}", motcua_core::catalog::SAMPLE_TOML);
            Ok(())
        }
        Command::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(&motcua_protocol::openapi())?
            );
            Ok(())
        }
        Command::Cccd { command } => cccd::run(command),
        Command::Vietqr(args) => vietqr::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Submit(_)
        | Command::Chaos(_)
        | Command::BenchLoad(_)
        | Command::OutboxDrain(_) => {
            anyhow::bail!("handled in main")
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
