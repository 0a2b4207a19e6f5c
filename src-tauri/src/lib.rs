//! The Một Cửa kiosk app: a thin Tauri shell.
//!
//! It owns the window, the lockdown and the wiring: each command in
//! [`commands`] hands its work to `motcua-core` (or, through the core's API
//! client, to the backend) and maps the result to an IPC view in [`ipc`].
//! No business rules live here.

pub mod backend;
pub mod camera;
pub mod commands;
pub mod dossier;
pub mod events;
pub mod heartbeat;
pub mod ipc;
mod lockdown;
pub mod printing;
pub mod scanning;
pub mod session;
pub mod single_instance;
pub mod speech;

use std::path::PathBuf;

use anyhow::Context;
use tauri::Manager;

pub use backend::Kiosk;

/// How the kiosk was started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Backend base URL; `None` starts the embedded backend.
    pub backend: Option<String>,
    /// This kiosk's token on the configured backend (from `motcua server
    /// kiosk add`); required with `backend`. The embedded backend registers
    /// the kiosk itself with a fresh token at each start.
    pub backend_token: Option<motcua_server::Secret>,
    /// The kiosk's data folder (SQLite of the embedded backend, lock file).
    pub data_dir: Option<PathBuf>,
    /// This kiosk's id as the backend knows it.
    pub kiosk_id: Option<String>,
    /// Seconds without a touch before the "are you still there?" countdown.
    pub idle_seconds: Option<u32>,
    /// The espeak-ng compatible program that speaks (default `espeak-ng`).
    pub speech_program: Option<String>,
    /// The camera for the ID card's QR: `v4l2:/dev/videoN`, `replay:DIR`
    /// or `none`; by default `/dev/video0` when it exists.
    pub camera: Option<String>,
    /// What captures document pages: `sane:DEVICE`, `camera:SPEC`,
    /// `folder:DIR`, `replay:DIR` or `none` (the default: papers go to the
    /// counter).
    pub scanner: Option<String>,
    /// The receipt printer: `escpos:/dev/usb/lp0`, `tcp:HOST[:PORT]`,
    /// `cups:QUEUE`, `folder:DIR` (development and tests: the jobs stay on
    /// disk) or `none` (the default: the screen shows the code and a helper
    /// writes the slip).
    pub printer: Option<String>,
    /// The outbox's encryption key file, kept apart from the outbox database
    /// (default `outbox.key` in the data folder; a center puts it on a
    /// root-only or removable path).
    pub outbox_key: Option<PathBuf>,
}

impl Options {
    /// The camera to use: the one asked for, else `/dev/video0` if there is one.
    pub fn camera_spec(&self) -> String {
        match &self.camera {
            Some(spec) => spec.clone(),
            None if std::path::Path::new("/dev/video0").exists() => "v4l2:/dev/video0".to_owned(),
            None => "none".to_owned(),
        }
    }
}

/// Default idle time before the countdown (2 minutes).
pub const DEFAULT_IDLE_SECONDS: u32 = 120;
/// The countdown before a session is wiped; never shorter (WCAG 2.2.1: warn, let them extend).
pub const COUNTDOWN_SECONDS: u32 = 30;
/// Shortest idle time a center may configure.
pub const MIN_IDLE_SECONDS: u32 = 5;

fn parse_idle(v: &str) -> anyhow::Result<u32> {
    let n: u32 = v
        .trim()
        .parse()
        .with_context(|| format!("idle seconds {v:?} is not a whole number"))?;
    anyhow::ensure!(
        (MIN_IDLE_SECONDS..=3600).contains(&n),
        "idle seconds must be {MIN_IDLE_SECONDS} to 3600, not {n}"
    );
    Ok(n)
}

const USAGE: &str = "usage: motcua-kiosk [--backend URL --backend-token TOKEN] [--data DIR] [--kiosk-id ID] [--idle-seconds N] [--speech-program PATH] [--camera v4l2:DEVICE|replay:DIR|none] [--scanner sane:DEVICE|camera:SPEC|folder:DIR|replay:DIR|none] [--printer escpos:DEVICE|tcp:HOST[:PORT]|cups:QUEUE|folder:DIR|none] [--outbox-key FILE]\n\
    environment: MOTCUA_BACKEND_URL, MOTCUA_BACKEND_TOKEN (better than the flag: not shown by ps), MOTCUA_DATA_DIR, MOTCUA_KIOSK_ID, MOTCUA_IDLE_SECONDS, MOTCUA_SPEECH_PROGRAM, MOTCUA_CAMERA, MOTCUA_SCANNER, MOTCUA_PRINTER, MOTCUA_OUTBOX_KEY";

impl Options {
    /// Reads `--backend URL`, `--backend-token TOKEN`, `--data DIR`,
    /// `--kiosk-id ID`, `--idle-seconds N`, falling back to
    /// `MOTCUA_BACKEND_URL`, `MOTCUA_BACKEND_TOKEN`, `MOTCUA_DATA_DIR`,
    /// `MOTCUA_KIOSK_ID`, `MOTCUA_IDLE_SECONDS`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> anyhow::Result<Self> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let mut o = Options {
            backend: env("MOTCUA_BACKEND_URL"),
            backend_token: env("MOTCUA_BACKEND_TOKEN").map(motcua_server::Secret::new),
            data_dir: env("MOTCUA_DATA_DIR").map(PathBuf::from),
            kiosk_id: env("MOTCUA_KIOSK_ID"),
            idle_seconds: env("MOTCUA_IDLE_SECONDS")
                .map(|v| parse_idle(&v))
                .transpose()?,
            speech_program: env("MOTCUA_SPEECH_PROGRAM"),
            camera: env("MOTCUA_CAMERA"),
            scanner: env("MOTCUA_SCANNER"),
            printer: env("MOTCUA_PRINTER"),
            outbox_key: env("MOTCUA_OUTBOX_KEY").map(PathBuf::from),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
                None => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .with_context(|| format!("{flag} needs a value\n{USAGE}"))
            };
            match flag.as_str() {
                "--backend" => o.backend = Some(value()?),
                "--backend-token" => {
                    o.backend_token = Some(motcua_server::Secret::new(value()?));
                }
                "--data" => o.data_dir = Some(PathBuf::from(value()?)),
                "--kiosk-id" => o.kiosk_id = Some(value()?),
                "--idle-seconds" => o.idle_seconds = Some(parse_idle(&value()?)?),
                "--speech-program" => o.speech_program = Some(value()?),
                "--camera" => o.camera = Some(value()?),
                "--scanner" => o.scanner = Some(value()?),
                "--printer" => o.printer = Some(value()?),
                "--outbox-key" => o.outbox_key = Some(PathBuf::from(value()?)),
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => anyhow::bail!("unknown argument {other:?}\n{USAGE}"),
            }
        }
        Ok(o)
    }
}

/// The kiosk's default data folder: `$XDG_DATA_HOME/vn.motcua.kiosk`, else
/// `~/.local/share/vn.motcua.kiosk` (the folder Tauri's `app_data_dir` names).
pub fn default_data_dir() -> anyhow::Result<PathBuf> {
    let base = match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => {
            PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".local/share")
        }
    };
    Ok(base.join("vn.motcua.kiosk"))
}

/// The typed command set; also the source of `ui/src/lib/bindings.ts`.
pub fn specta_builder<R: tauri::Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        .commands(tauri_specta::collect_commands![
            commands::kiosk_info,
            commands::list_procedures,
            commands::get_procedure,
            commands::search_procedures,
            commands::compose,
            commands::call_helper,
            commands::speak,
            commands::stop_speaking,
            commands::read_card,
            commands::end_session,
            commands::watch_camera,
            commands::stop_camera,
            commands::find_account,
            commands::send_code,
            commands::verify_code,
            commands::unlock_staff,
            commands::vouch_account,
            commands::scan_page,
            commands::keep_page,
            commands::retake_page,
            commands::remove_page,
            commands::component_pages,
            commands::mark_on_paper,
            commands::quote_fee,
            commands::start_payment,
            commands::payment_status,
            commands::review_dossier,
            commands::submit_dossier,
            commands::print_receipt,
            commands::lookup_dossier,
            commands::lookup_qr,
            commands::report_screen,
            commands::unlock_staff_card,
            commands::end_helper_mode,
            commands::log_event,
            commands::device_health,
        ])
        .constant("EVENT_CODES", events::Event::codes())
}

/// Writes the TypeScript bindings of the command set to `path`.
pub fn export_bindings(path: &std::path::Path) -> anyhow::Result<()> {
    specta_builder::<tauri::Wry>()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated by src-tauri (tauri-specta) — do not edit. Regenerate: scripts/bindings.sh\n// @ts-nocheck"),
            path,
        )
        .context("exporting TypeScript bindings")
}

/// Starts the kiosk and runs until the window closes.
pub fn run(options: Options) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tao=warn,wry=warn".into()),
        )
        .init();

    let data_dir = match &options.data_dir {
        Some(d) => d.clone(),
        None => default_data_dir()?,
    };
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating data folder {}", data_dir.display()))?;
    // One kiosk process per data folder: a second one exits at once.
    let _instance = single_instance::acquire(&data_dir)?;

    let camera =
        camera::CameraService::new(&options.camera_spec()).context("the --camera option")?;
    let scanner = scanning::Scanner::new(options.scanner.as_deref().unwrap_or("none"))
        .context("the --scanner option")?;
    let printer = printing::ReceiptPrinter::new(options.printer.as_deref().unwrap_or("none"))
        .context("the --printer option")?;
    let kiosk = tauri::async_runtime::block_on(Kiosk::start(&options, &data_dir))?;
    let specta = specta_builder::<tauri::Wry>();

    tauri::Builder::default()
        .plugin(lockdown::plugin())
        .invoke_handler(specta.invoke_handler())
        .manage(kiosk)
        .manage(speech::Speech::new(
            options.speech_program.as_deref().unwrap_or("espeak-ng"),
            "vi",
        ))
        .manage(session::Session::default())
        .manage(camera)
        .manage(std::sync::Arc::new(scanner))
        .manage(printer)
        .manage(heartbeat::Heartbeat::default())
        .setup(|app| {
            heartbeat::spawn(app.handle().clone());
            if let Some(window) = app.get_webview_window("main") {
                lockdown::fill_screen(&window);
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .context("running the kiosk window")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Options> {
        Options::parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn flags_in_both_spellings() {
        let o = parse(&[
            "--backend",
            "http://10.0.0.1:8080",
            "--data=/tmp/k",
            "--idle-seconds",
            "90",
        ]);
        let o = o.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.backend.as_deref(), Some("http://10.0.0.1:8080"));
        assert_eq!(o.data_dir, Some(PathBuf::from("/tmp/k")));
        assert_eq!(o.idle_seconds, Some(90));
    }

    #[test]
    fn the_backend_token_is_read_and_never_shown() {
        let o = parse(&[
            "--backend",
            "http://10.0.0.1:8080",
            "--backend-token=s3cret-t0ken",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            o.backend_token.as_ref().map(motcua_server::Secret::expose),
            Some("s3cret-t0ken")
        );
        let shown = format!("{o:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        match parse(&["--backend-token"]) {
            Err(e) => assert!(e.to_string().contains("needs a value"), "{e}"),
            Ok(o) => panic!("accepted as {o:?}"),
        }
    }

    #[test]
    fn bad_flags_are_refused_with_a_reason() {
        for (args, want) in [
            (&["--backend"][..], "needs a value"),
            (&["--frobnicate"][..], "unknown argument"),
            (&["--idle-seconds", "2"][..], "must be 5 to 3600"),
            (&["--idle-seconds", "soon"][..], "not a whole number"),
        ] {
            match parse(args) {
                Err(e) => assert!(e.to_string().contains(want), "{args:?}: {e}"),
                Ok(o) => panic!("{args:?} accepted as {o:?}"),
            }
        }
    }
}
