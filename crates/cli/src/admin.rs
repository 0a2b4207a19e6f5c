//! `motcua server kiosk …` and `motcua server staff …`: the server's
//! accounts, managed straight in its database (the server may be running).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
use motcua_server::{NewStaff, Secret, Store};

#[derive(clap::Subcommand)]
pub enum ServerCommand {
    /// Kiosks allowed to call the API, and their tokens.
    Kiosk {
        #[command(subcommand)]
        command: KioskCommand,
    },
    /// Helpers (cán bộ) who log in to the console or unlock helper mode.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
}

#[derive(clap::Subcommand)]
pub enum StaffCommand {
    /// Add a helper. Reads two lines from stdin: the password (at least 10
    /// characters), then a 6-digit PIN for unlocking helper mode on a kiosk.
    Add {
        /// Login name: ASCII letters, digits, '.', '_' or '-' (stored in
        /// lowercase).
        user: String,
        #[command(flatten)]
        data: DataArg,
        /// The name shown in the console (default: the user name).
        #[arg(long, value_name = "DISPLAY NAME")]
        name: Option<String>,
    },
    /// Disable a helper: they can no longer log in or unlock, and their
    /// sessions end at once.
    Disable {
        user: String,
        #[command(flatten)]
        data: DataArg,
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
    #[arg(long, env = "MOTCUA_DATA", required_unless_present = "database")]
    data: Option<PathBuf>,
    /// The server's database URL when it is not SQLite in the data folder:
    /// postgres://USER:PASSWORD@HOST:PORT/DB.
    #[arg(long, env = "MOTCUA_DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
}

async fn open(arg: &DataArg) -> anyhow::Result<Store> {
    if let Some(url) = &arg.database {
        return Store::connect(url)
            .await
            .with_context(|| format!("opening {}", motcua_server::redacted_url(url)));
    }
    let data = arg
        .data
        .as_deref()
        .context("--data or --database is required")?;
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
            ServerCommand::Staff { command } => staff(command).await,
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
            let store = open(&data).await?;
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
            let store = open(&data).await?;
            if store.revoke_kiosk(&name, now).await? {
                println!("kiosk {name:?} revoked");
            } else {
                println!("kiosk {name:?} was already revoked");
            }
            Ok(())
        }
        KioskCommand::List { data } => {
            let store = open(&data).await?;
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

/// One line of stdin without its line ending; `what` names it in errors.
fn secret_line(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    what: &str,
) -> anyhow::Result<Secret> {
    let line = lines
        .next()
        .with_context(|| {
            format!(
                "expected the password and the PIN on two lines of stdin; the {what} is missing"
            )
        })?
        .with_context(|| format!("reading the {what} from stdin"))?;
    Ok(Secret::new(line.trim_end_matches(['\r', '\n'])))
}

async fn staff(command: StaffCommand) -> anyhow::Result<()> {
    match command {
        StaffCommand::Add { user, data, name } => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                eprintln!(
                    "Type the password (at least 10 characters), Enter, then the 6-digit PIN, Enter.\n\
                     (Both are echoed: better pipe them in from a password manager.)"
                );
            }
            let mut lines = stdin.lock().lines();
            let password = secret_line(&mut lines, "password")?;
            let pin = secret_line(&mut lines, "PIN")?;
            // Refuse before touching the database.
            let checked_user = motcua_server::check_user(&user)?;
            motcua_server::check_new_password(
                &checked_user,
                &motcua_core::text::nfc(password.expose()),
            )?;
            motcua_server::check_new_pin(pin.expose())?;
            let store = open(&data).await?;
            let new = NewStaff {
                user,
                display_name: name,
                password,
                pin,
            };
            store
                .add_staff(&new, time::OffsetDateTime::now_utc())
                .await?;
            println!("helper {checked_user:?} added");
            Ok(())
        }
        StaffCommand::Disable { user, data } => {
            let store = open(&data).await?;
            if store.disable_staff(&user).await? {
                println!("helper {:?} disabled; their sessions ended", user.trim());
            } else {
                println!("helper {:?} was already disabled", user.trim());
            }
            Ok(())
        }
    }
}
