//! `motcua submit`: a dossier from files, through the kiosk's outbox (so a
//! backend that is down keeps it, sealed, for a later attempt).

use std::path::{Path, PathBuf};

use anyhow::Context;
use motcua_core::client::{ApiClient, sha256_hex};
use motcua_core::outbox::{Delivery, Outbox, OutgoingDossier};
use motcua_protocol::dossiers::{Applicant, NewDossier};

/// File names of the outbox inside its folder.
pub const OUTBOX_DB: &str = "outbox.sqlite3";
pub const OUTBOX_KEY: &str = "outbox.key";

/// Exit status when the dossier stayed queued.
pub const EXIT_QUEUED: u8 = 2;

#[derive(clap::Args)]
pub struct SubmitArgs {
    /// The backend's URL.
    #[arg(long, env = "MOTCUA_BACKEND_URL")]
    backend: String,
    /// The kiosk's token (from `motcua server kiosk add`).
    #[arg(long, env = "MOTCUA_BACKEND_TOKEN", hide_env_values = true)]
    token: String,
    /// The procedure's national code, e.g. 1.001193.
    #[arg(long)]
    procedure: String,
    /// The applicant as JSON: full_name, id_number, address, and optionally
    /// date_of_birth (YYYY-MM-DD), phone, email.
    #[arg(long, value_name = "FILE.json")]
    applicant: PathBuf,
    /// A document of a component, as COMPONENT_ID=FILE (PDF, JPEG or PNG);
    /// repeat for several files or components, in order.
    #[arg(long = "component", value_name = "ID=FILE")]
    components: Vec<String>,
    /// A component handed in on paper at the counter; repeatable.
    #[arg(long = "on-paper", value_name = "ID")]
    on_paper: Vec<String>,
    /// Copies (bản) or sets (bộ) requested.
    #[arg(long)]
    copies: Option<u32>,
    /// The paid payment intent's id, when the fee is not zero.
    #[arg(long)]
    payment: Option<String>,
    /// The dossier's Idempotency-Key (default: derived from the procedure,
    /// the applicant and the files, so running the same command again
    /// never submits a second dossier).
    #[arg(long)]
    idempotency_key: Option<String>,
    /// The outbox folder (default: $XDG_STATE_HOME/motcua/outbox, else
    /// ~/.local/state/motcua/outbox).
    #[arg(long, env = "MOTCUA_OUTBOX")]
    outbox: Option<PathBuf>,
}

/// The default outbox folder.
pub fn default_outbox_dir() -> anyhow::Result<PathBuf> {
    if let Some(state) = std::env::var_os("XDG_STATE_HOME").filter(|s| !s.is_empty()) {
        return Ok(PathBuf::from(state).join("motcua").join("outbox"));
    }
    let home = std::env::var_os("HOME")
        .filter(|s| !s.is_empty())
        .context("neither XDG_STATE_HOME nor HOME is set: give --outbox DIR")?;
    Ok(PathBuf::from(home).join(".local/state/motcua/outbox"))
}

/// Opens the outbox in `dir`.
pub async fn open_outbox(
    dir: &Path,
    options: motcua_core::outbox::OutboxOptions,
) -> anyhow::Result<Outbox> {
    Outbox::open_with(&dir.join(OUTBOX_DB), &dir.join(OUTBOX_KEY), options)
        .await
        .with_context(|| format!("opening the outbox in {}", dir.display()))
}

pub fn run(args: SubmitArgs) -> anyhow::Result<std::process::ExitCode> {
    let applicant_text = std::fs::read_to_string(&args.applicant)
        .with_context(|| format!("reading {}", args.applicant.display()))?;
    // The error names the line and column, never the file's content.
    let applicant: Applicant = serde_json::from_str(&applicant_text).map_err(|e| {
        anyhow::anyhow!(
            "{} is not an applicant (line {}, column {}): it needs full_name, id_number \
             and address",
            args.applicant.display(),
            e.line(),
            e.column()
        )
    })?;
    let mut files = Vec::new();
    for spec in &args.components {
        let (id, path) = spec
            .split_once('=')
            .filter(|(id, path)| !id.trim().is_empty() && !path.is_empty())
            .with_context(|| format!("--component {spec:?} is not ID=FILE"))?;
        let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
        files.push((id.trim().to_owned(), bytes));
    }
    anyhow::ensure!(
        !files.is_empty() || !args.on_paper.is_empty(),
        "give at least one --component ID=FILE or --on-paper ID"
    );
    let dossier = NewDossier {
        procedure_code: args.procedure.trim().to_owned(),
        applicant,
        account_id: None,
        copies: args.copies,
        exemption: None,
        payment_id: args.payment.clone(),
        components: args
            .on_paper
            .iter()
            .map(|id| motcua_protocol::dossiers::SubmittedComponent {
                component_id: id.trim().to_owned(),
                uploads: vec![],
                on_paper: true,
            })
            .collect(),
        local_reference: None,
    };
    let dir = match &args.outbox {
        Some(d) => d.clone(),
        None => default_outbox_dir()?,
    };
    let client = ApiClient::new(&args.backend, &args.token)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let outbox = open_outbox(&dir, Default::default()).await?;
        let key = match &args.idempotency_key {
            Some(k) => k.trim().to_owned(),
            None => derived_key(&dir.join(OUTBOX_KEY), &dossier, &files)?,
        };
        let item = OutgoingDossier::new(key, dossier, files).context("preparing the dossier")?;
        let local_ref = outbox.enqueue(item).await.context("queuing the dossier")?;
        let delivery = outbox
            .deliver(&client, &local_ref)
            .await
            .context("delivering the dossier")?;
        let others = outbox
            .pending()
            .await?
            .iter()
            .filter(|p| p.local_ref != local_ref)
            .count();
        match delivery {
            Delivery::Delivered(d) => {
                println!(
                    "{}",
                    serde_json::json!({
                        "queued": false,
                        "code": d.code,
                        "lookup_secret": d.lookup_secret,
                        "local_reference": local_ref,
                        "status": d.status,
                        "received_at": d.received_at,
                        "due_date": d.due_date,
                        "others_queued": others,
                    })
                );
                Ok(std::process::ExitCode::SUCCESS)
            }
            Delivery::Queued { reason } => {
                let needs_helper = reason.starts_with(motcua_core::outbox::NEEDS_HELPER_PREFIX);
                println!(
                    "{}",
                    serde_json::json!({
                        "queued": true,
                        "local_reference": local_ref,
                        "reason": reason,
                        "needs_helper": needs_helper,
                        "outbox": dir.display().to_string(),
                        "others_queued": others,
                    })
                );
                eprintln!(
                    "motcua: dossier {local_ref} is queued in {} ({reason}){}",
                    dir.display(),
                    if needs_helper {
                        ": the backend refused it; it is kept for a helper"
                    } else {
                        ": run the same command again to retry"
                    }
                );
                Ok(std::process::ExitCode::from(EXIT_QUEUED))
            }
        }
    })
}

/// An idempotency key from what the dossier is (the same command, the same
/// key), keyed with the outbox's key so that it reveals nothing of the
/// applicant.
fn derived_key(
    key_file: &Path,
    dossier: &NewDossier,
    files: &[(String, Vec<u8>)],
) -> anyhow::Result<String> {
    let secret = std::fs::read(key_file).context("reading the outbox key")?;
    let mut text = sha256_hex(&secret);
    text.push('\n');
    text.push_str(&serde_json::to_string(dossier)?);
    for (id, bytes) in files {
        text.push('\n');
        text.push_str(id);
        text.push('=');
        text.push_str(&sha256_hex(bytes));
    }
    Ok(format!("cli-{}", &sha256_hex(text.as_bytes())[..32]))
}
