//! The reference backend API of Một Cửa Kiosk.
//!
//! [`router`] is the whole HTTP API as an axum `Router` over an [`AppState`];
//! [`start`] binds it to a socket and serves it until shut down. The kiosk
//! embeds it on loopback when no backend is configured; `motcua server` runs
//! the same code standalone for a center.

mod accounts;
mod api;
mod audit;
mod bank;
mod clock;
mod console;
mod console_page;
mod dossier_store;
mod dossiers;
mod error;
mod idempotency;
mod kiosks;
mod payment_store;
mod payments;
mod s3;
mod sms;
mod staff;
mod store;
mod tokens;
mod uploads;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use motcua_core::calendar::HolidayCalendar;
use motcua_protocol::Catalog;
use tokio::sync::oneshot;

pub use accounts::{
    CODES_WINDOW_SECONDS, MAX_CODES_PER_WINDOW, OTP_TTL_SECONDS, RESEND_AFTER_SECONDS, sms_text,
};
pub use api::router;
pub use bank::{
    BankAccount, DEFAULT_RECEIPT_SERIES, DEFAULT_RECEIPT_TEMPLATE, ENV_BANK_ACCOUNT,
    ENV_BANK_ACCOUNT_NAME, ENV_BANK_BIN, ENV_BANK_WEBHOOK_SECRET, ENV_RECEIPT_ISSUER,
    ENV_RECEIPT_SERIES, ENV_RECEIPT_TEMPLATE, PaymentConfig, PaymentConfigError,
    SAMPLE_BANK_ACCOUNT, SAMPLE_BANK_ACCOUNT_NAME, SAMPLE_BANK_BIN, SAMPLE_RECEIPT_ISSUER,
    WEBHOOK_SECRET_MIN_CHARS, sign_webhook,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use console::{ConsoleEvents, KEEP_ALIVE_SECONDS};
pub use console_page::CONSOLE_CSP;
pub use dossiers::{
    DEFAULT_AGENCY, DUE_HOUR, ENV_AGENCY, ENV_HOLIDAYS, LOOKUP_MAX_FAILURES, LOOKUP_WINDOW_SECONDS,
    processing_words,
};
pub use error::ApiError;
pub use kiosks::{AuthedKiosk, KIOSK_NAME_MAX_CHARS, KioskError, KioskRow, check_kiosk_name};
pub use payment_store::MAX_RECEIPT_NUMBER;
pub use payments::RECEIPT_TITLE;
pub use s3::{
    ENV_S3_ACCESS_KEY, ENV_S3_SECRET_KEY, S3_ATTEMPTS, S3Config, S3ConfigError, S3Store, sigv4,
};
pub use sms::{
    DynSmsGateway, FileSink, HttpGateway, SMS_HTTP_TIMEOUT, SMS_OUTBOX_FILE, Secret, SmsConfig,
    SmsError, SmsGateway,
};
pub use staff::{
    ConsoleStaff, KioskStaff, NewStaff, PASSWORD_MIN_CHARS, StaffError, check_new_password,
    check_new_pin, check_user,
};
pub use store::{Dialect, Store, StoreError, redacted_url};
pub use tokens::{TOKEN_BYTES, new_token};
pub use uploads::{FolderStore, ObjectStore, Staging};

/// Folder of complete documents inside the data folder.
pub const OBJECTS_DIR: &str = "objects";
/// Folder of partial uploads inside the data folder.
pub const STAGING_DIR: &str = "uploads-staging";
/// Holiday file looked for in the data folder.
pub const HOLIDAYS_FILE: &str = "holidays-vn.toml";

/// File name of the SQLite database inside the data folder.
pub const DB_FILE: &str = "motcua.sqlite3";

/// Environment variable naming the database URL of `motcua server`
/// (e.g. `postgres://motcua@db.tinh.local/motcua`); unset: SQLite in the
/// data folder.
pub const ENV_DATABASE_URL: &str = "MOTCUA_DATABASE_URL";

/// How a server starts.
#[derive(Debug, Clone)]
pub struct Config {
    /// Folder holding the SQLite database (unless `database` names
    /// another), the documents and partial uploads (created if missing).
    pub data_dir: PathBuf,
    /// Catalog file; `None` uses `<data_dir>/catalog.toml` when it exists,
    /// else the shipped sample catalog.
    pub catalog: Option<PathBuf>,
    /// How one-time codes are sent.
    pub sms: SmsConfig,
    /// The database: `None` is the SQLite file [`DB_FILE`] in `data_dir`;
    /// else a URL, `postgres://USER:PASSWORD@HOST:PORT/DB` (or `sqlite:PATH`),
    /// migrated at start ([`ENV_DATABASE_URL`] for `motcua server`).
    pub database: Option<String>,
    /// Where complete documents are kept.
    pub objects: ObjectsConfig,
}

/// Where complete documents are kept.
#[derive(Debug, Clone, Default)]
pub enum ObjectsConfig {
    /// `<data_dir>/objects` ([`FolderStore`]).
    #[default]
    DataFolder,
    /// A bucket of an S3-API store ([`S3Store`]), checked at start.
    S3(Box<S3Config>),
}

impl Config {
    /// A configuration with the sample or folder catalog and the file SMS sink.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            catalog: None,
            sms: SmsConfig::default(),
            database: None,
            objects: ObjectsConfig::DataFolder,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create data folder {path}: {source}")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Catalog(#[from] motcua_core::catalog::CatalogError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sms(#[from] SmsError),
    #[error("payment settings: {0}")]
    Payments(#[from] PaymentConfigError),
    #[error("object store: {0}")]
    Objects(std::io::Error),
    #[error("holiday calendar {path}: {message}")]
    Calendar { path: String, message: String },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub catalog: Arc<Catalog>,
    pub store: Store,
    /// Sends the one-time codes.
    pub sms: Arc<dyn DynSmsGateway>,
    /// The time the account and payment rules act at.
    pub clock: Arc<dyn Clock>,
    /// The bank account, webhook secret and receipt settings.
    pub payments: Arc<PaymentConfig>,
    /// Working days and holidays, for due dates.
    pub calendar: Arc<HolidayCalendar>,
    /// Where complete documents are kept.
    pub objects: Arc<dyn ObjectStore>,
    /// Partial uploads.
    pub staging: Arc<Staging>,
    /// The agency printed on receipt slips ([`ENV_AGENCY`]).
    pub agency: Arc<str>,
    /// What the helper console hears live.
    pub events: ConsoleEvents,
}

impl AppState {
    /// Opens the data folder, migrates the database and loads the catalog;
    /// reads the payment settings from the environment
    /// ([`PaymentConfig::from_env`]).
    pub async fn open(config: &Config) -> Result<Self, StartError> {
        let payments = PaymentConfig::from_env()?;
        if payments.bank_is_sample {
            tracing::warn!(
                "payments use the SAMPLE bank account: set MOTCUA_BANK_BIN, MOTCUA_BANK_ACCOUNT \
                 and MOTCUA_BANK_ACCOUNT_NAME before citizens pay"
            );
        }
        if payments.webhook_secret.is_none() {
            tracing::warn!(
                "no MOTCUA_BANK_WEBHOOK_SECRET: the bank webhook refuses every notification"
            );
        }
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
        let default_file = config.data_dir.join("catalog.toml");
        let catalog = match &config.catalog {
            Some(path) => motcua_core::catalog::load(path)?,
            None if default_file.exists() => motcua_core::catalog::load(&default_file)?,
            None => motcua_core::catalog::sample()?,
        };
        let store = match &config.database {
            Some(url) => Store::connect(url).await?,
            None => Store::open(&config.data_dir.join(DB_FILE)).await?,
        };
        match &config.database {
            Some(url) => tracing::info!(database = %redacted_url(url), "database migrated"),
            None => tracing::info!(database = DB_FILE, "SQLite database migrated"),
        }
        let sms: Arc<dyn DynSmsGateway> = match &config.sms {
            SmsConfig::FileSink => Arc::new(FileSink::new(config.data_dir.join(SMS_OUTBOX_FILE))),
            SmsConfig::File(path) => Arc::new(FileSink::new(path.clone())),
            SmsConfig::Http { url, token } => Arc::new(HttpGateway::new(url, token.clone())?),
        };
        let objects: Arc<dyn ObjectStore> = match &config.objects {
            ObjectsConfig::DataFolder => {
                Arc::new(FolderStore::new(config.data_dir.join(OBJECTS_DIR)))
            }
            ObjectsConfig::S3(s3) => {
                let store = S3Store::new((**s3).clone()).map_err(StartError::Objects)?;
                store.check().await.map_err(StartError::Objects)?;
                tracing::info!(bucket = %s3.bucket, endpoint = %s3.endpoint, "documents in S3");
                Arc::new(store)
            }
        };
        let calendar = load_calendar(&config.data_dir)?;
        let (first, last) = calendar.years();
        tracing::info!(first, last, "holiday calendar loaded");
        let agency = std::env::var(ENV_AGENCY)
            .ok()
            .map(|a| motcua_core::text::nfc(a.trim()))
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| {
                tracing::warn!("no MOTCUA_AGENCY: receipt slips name the SAMPLE agency");
                DEFAULT_AGENCY.to_owned()
            });
        Ok(Self {
            catalog: Arc::new(catalog),
            store,
            sms,
            clock: Arc::new(SystemClock),
            payments: Arc::new(payments),
            calendar: Arc::new(calendar),
            objects,
            staging: Arc::new(Staging::new(config.data_dir.join(STAGING_DIR))),
            agency: agency.into(),
            events: ConsoleEvents::new(),
        })
    }
}

/// The holiday calendar: the file [`ENV_HOLIDAYS`] names, else
/// `<data_dir>/holidays-vn.toml`, else the bundled one.
fn load_calendar(data_dir: &std::path::Path) -> Result<HolidayCalendar, StartError> {
    let in_folder = data_dir.join(HOLIDAYS_FILE);
    let path = match std::env::var_os(ENV_HOLIDAYS) {
        Some(p) => Some(PathBuf::from(p)),
        None if in_folder.exists() => Some(in_folder),
        None => None,
    };
    let refused = |path: String, message: String| StartError::Calendar { path, message };
    match path {
        Some(p) => {
            let shown = p.display().to_string();
            let src =
                std::fs::read_to_string(&p).map_err(|e| refused(shown.clone(), e.to_string()))?;
            HolidayCalendar::from_toml(&src).map_err(|e| refused(shown, e.to_string()))
        }
        None => {
            HolidayCalendar::bundled().map_err(|e| refused("(bundled)".to_owned(), e.to_string()))
        }
    }
}

/// A server running on a socket.
pub struct Running {
    addr: SocketAddr,
    events: ConsoleEvents,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The bound address (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, and waits.
    pub async fn shutdown(mut self) {
        // The consoles' event streams never end by themselves.
        self.events.close();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Waits until the server stops by itself (it normally never does).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

/// Opens the state for `config`, binds `addr` and serves the API in a
/// background task of the current Tokio runtime.
pub async fn start(config: &Config, addr: SocketAddr) -> Result<Running, StartError> {
    let state = AppState::open(config).await?;
    serve_state(state, addr).await
}

/// Binds `addr` and serves `state` in a background task.
pub async fn serve_state(state: AppState, addr: SocketAddr) -> Result<Running, StartError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Listen { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| StartError::Listen { addr, source })?;
    let (tx, rx) = oneshot::channel::<()>();
    let events = state.events.clone();
    let app = router(state);
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "server stopped with an error");
        }
    });
    tracing::info!(%addr, "backend API listening");
    Ok(Running {
        addr,
        events,
        shutdown: Some(tx),
        task,
    })
}
