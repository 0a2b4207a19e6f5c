//! `motcua server kiosk …` and `motcua server staff …`: the server's
//! accounts, managed straight in its database (the server may be running).

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

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
    /// Issue a staff QR card that unlocks helper mode on a kiosk (beside the
    /// PIN): prints the card's QR text on stdout, once, and writes the QR as
    /// a PNG or SVG (by the extension of --out, mode 0600) to print on the
    /// card. Issuing again replaces the card: the old one stops working.
    Card {
        user: String,
        #[command(flatten)]
        data: DataArg,
        /// Where to write the card's QR: FILE.png or FILE.svg.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Revoke the helper's card instead: it stops working at once.
        #[arg(long, conflicts_with = "out")]
        revoke: bool,
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
        StaffCommand::Card {
            user,
            data,
            out,
            revoke,
        } => card(&user, &data, out.as_deref(), revoke).await,
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

/// What a card's QR image is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CardImage {
    Png,
    Svg,
}

fn card_image_kind(path: &Path) -> anyhow::Result<CardImage> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => Ok(CardImage::Png),
        Some("svg") => Ok(CardImage::Svg),
        _ => anyhow::bail!("--out {} must end in .png or .svg", path.display()),
    }
}

async fn card(user: &str, data: &DataArg, out: Option<&Path>, revoke: bool) -> anyhow::Result<()> {
    let store = open(data).await?;
    if revoke {
        if store
            .revoke_staff_card(user, time::OffsetDateTime::now_utc())
            .await?
        {
            println!("the staff card of {:?} is revoked", user.trim());
        } else {
            println!("{:?} had no staff card", user.trim());
        }
        return Ok(());
    }
    // Checked before a card is issued, so a bad path never leaves a card
    // that nobody holds.
    let kind = out.map(card_image_kind).transpose()?;
    let text = store
        .issue_staff_card(user, time::OffsetDateTime::now_utc())
        .await?;
    if let (Some(path), Some(kind)) = (out, kind) {
        let bytes = card_qr(text.expose(), kind)?;
        write_private(path, &bytes)?;
        eprintln!("the card's QR is in {}", path.display());
    }
    // The card's text alone on stdout, so scripts can capture it.
    println!("{}", text.expose());
    eprintln!(
        "staff card issued for {:?}; it is shown this once, and any earlier card stops working",
        user.trim()
    );
    Ok(())
}

/// Modules of quiet zone around a card's QR, and pixels per module.
const QUIET_MODULES: u32 = 4;
const PNG_MODULE_PX: u32 = 10;

/// The QR of `text` as a PNG or an SVG file's bytes.
fn card_qr(text: &str, kind: CardImage) -> anyhow::Result<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .context("encoding the card's QR")?;
    let width = u32::try_from(code.width()).context("QR width")?;
    let dark: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    let is_dark = |x: u32, y: u32| dark[(y * width + x) as usize];
    let side = width + 2 * QUIET_MODULES;
    match kind {
        CardImage::Svg => {
            let mut path = String::new();
            for y in 0..width {
                for x in 0..width {
                    if is_dark(x, y) {
                        use std::fmt::Write as _;
                        let _ =
                            write!(path, "M{} {}h1v1h-1z", x + QUIET_MODULES, y + QUIET_MODULES);
                    }
                }
            }
            Ok(format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
                 width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\">\
                 <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
                 <path d=\"{path}\" fill=\"#000\"/></svg>\n",
                px = side * PNG_MODULE_PX
            )
            .into_bytes())
        }
        CardImage::Png => {
            let px = side * PNG_MODULE_PX;
            let img = image::GrayImage::from_fn(px, px, |x, y| {
                let (mx, my) = (x / PNG_MODULE_PX, y / PNG_MODULE_PX);
                let inside = (QUIET_MODULES..QUIET_MODULES + width).contains(&mx)
                    && (QUIET_MODULES..QUIET_MODULES + width).contains(&my);
                let on = inside && is_dark(mx - QUIET_MODULES, my - QUIET_MODULES);
                image::Luma([if on { 0 } else { 255 }])
            });
            let mut bytes = Vec::new();
            img.write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .context("encoding the card's PNG")?;
            Ok(bytes)
        }
    }
}

/// Writes `path` whole or not at all, readable by its owner only (the card
/// is a credential): a temporary file (0600) in the same folder, synced and
/// renamed into place.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".motcua-card-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.as_file_mut().write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
