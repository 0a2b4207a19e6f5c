//! `motcua server kiosk …` and `motcua server staff …`: the server's
//! accounts, managed straight in its database (the server may be running).

use std::path::{Path, PathBuf};

use anyhow::Context;
use motcua_server::Store;

#[derive(clap::Subcommand)]
pub enum ServerCommand {
    /// Kiosks allowed to call the API, and their tokens.
    Kiosk {
        #[command(subcommand)]
        command: KioskCommand,
    },
}

#[derive(clap::Subcommand)]
pub enum KioskCommand {
    /// Register a kiosk and print its token on stdout, once: it is stored
    /// only as a hash. Give it to the kiosk as --backend-token or
    /// MOTCUA_BACKEND_TOKEN.
    Add {
        /// The kiosk's name; help requests from it carry this name.
        name: String,
        #[command(flatten)]
        data: DataArg,
        /// Give an existing kiosk a new token (its old one stops working)
        /// and lift a revocation.
        #[arg(long)]
        replace: bool,
    },
    /// Stop a kiosk's token from working.
    Revoke {
        name: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// List kiosks: name, when added, when revoked. Never tokens.
    List {
        #[command(flatten)]
        data: DataArg,
    },
}

#[derive(clap::Args)]
pub struct DataArg {
    /// The server's data folder (holding its SQLite database).
    #[arg(long, env = "MOTCUA_DATA")]
    data: PathBuf,
}

async fn open(data: &Path) -> anyhow::Result<Store> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("creating data folder {}", data.display()))?;
    let db = data.join(motcua_server::DB_FILE);
    Store::open(&db)
        .await
        .with_context(|| format!("opening {}", db.display()))
}

pub fn run(command: ServerCommand) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        match command {
            ServerCommand::Kiosk { command } => kiosk(command).await,
        }
    })
}

async fn kiosk(command: KioskCommand) -> anyhow::Result<()> {
    let now = time::OffsetDateTime::now_utc();
    match command {
        KioskCommand::Add {
            name,
            data,
            replace,
        } => {
            let store = open(&data.data).await?;
            let token = if replace {
                store.renew_kiosk(&name, now).await?
            } else {
                store.add_kiosk(&name, now).await.map_err(|e| match e {
                    motcua_server::KioskError::Exists(n) => anyhow::anyhow!(
                        "a kiosk named {n:?} already exists; use --replace to give it a new token"
                    ),
                    other => other.into(),
                })?
            };
            // The token alone on stdout, so scripts can capture it.
            println!("{}", token.expose());
            eprintln!("kiosk {name:?} registered; its token is shown this once");
            Ok(())
        }
        KioskCommand::Revoke { name, data } => {
            let store = open(&data.data).await?;
            if store.revoke_kiosk(&name, now).await? {
                println!("kiosk {name:?} revoked");
            } else {
                println!("kiosk {name:?} was already revoked");
            }
            Ok(())
        }
        KioskCommand::List { data } => {
            let store = open(&data.data).await?;
            let kiosks = store.kiosks().await?;
            if kiosks.is_empty() {
                eprintln!("no kiosks; add one with `motcua server kiosk add NAME`");
            }
            for k in kiosks {
                println!(
                    "{}\tadded {}\t{}",
                    k.name,
                    k.created_at,
                    match &k.revoked_at {
                        Some(at) => format!("revoked {at}"),
                        None => "active".to_owned(),
                    }
                );
            }
            Ok(())
        }
    }
}
