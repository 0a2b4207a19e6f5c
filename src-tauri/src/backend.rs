//! The kiosk's connection to its backend: a configured URL, or the reference
//! server started in-process on loopback with SQLite in the data folder.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use anyhow::Context;
use motcua_core::client::{ApiClient, ClientError};

/// Default kiosk id when none is configured.
pub const DEFAULT_KIOSK_ID: &str = "kiosk-1";

/// State shared by every command.
pub struct Kiosk {
    pub client: ApiClient,
    pub kiosk_id: String,
    /// Seconds without a touch before the idle countdown.
    pub idle_seconds: u32,
    /// Finished dossiers waiting for the backend's acknowledgement,
    /// encrypted in `outbox.sqlite` in the data folder.
    pub outbox: motcua_core::outbox::Outbox,
    /// Delivers what the outbox holds, with backoff, while the app runs.
    _worker: motcua_core::outbox::WorkerHandle,
    /// The last catalog the backend gave: a dossier can still be drafted and
    /// saved when the backend drops in the middle of a session.
    catalog: std::sync::RwLock<Option<motcua_protocol::Catalog>>,
    /// The embedded server, when this kiosk runs its own backend. Held so it
    /// lives as long as the app.
    embedded: Option<motcua_server::Running>,
}

impl Kiosk {
    /// Connects to the configured backend, or starts the embedded one.
    pub async fn start(options: &crate::Options, data_dir: &Path) -> anyhow::Result<Self> {
        let kiosk_id = options
            .kiosk_id
            .clone()
            .unwrap_or_else(|| DEFAULT_KIOSK_ID.to_owned());
        let idle_seconds = options.idle_seconds.unwrap_or(crate::DEFAULT_IDLE_SECONDS);
        let (client, embedded) = Self::connect(options, data_dir, &kiosk_id).await?;
        let key = options
            .outbox_key
            .clone()
            .unwrap_or_else(|| data_dir.join("outbox.key"));
        let outbox = motcua_core::outbox::Outbox::open(&data_dir.join("outbox.sqlite"), &key)
            .await
            .context("opening the dossier outbox")?;
        let worker = outbox.spawn_worker(client.clone());
        Ok(Self {
            client,
            kiosk_id,
            idle_seconds,
            outbox,
            _worker: worker,
            catalog: std::sync::RwLock::new(None),
            embedded,
        })
    }

    /// The backend's catalog; the last one it gave while it cannot be
    /// reached (never a catalog from before the kiosk started).
    pub async fn catalog(&self) -> Result<motcua_protocol::Catalog, ClientError> {
        match self.client.catalog().await {
            Ok(catalog) => {
                if let Ok(mut held) = self.catalog.write() {
                    *held = Some(catalog.clone());
                }
                Ok(catalog)
            }
            Err(e @ (ClientError::Unreachable(_) | ClientError::Timeout)) => self
                .catalog
                .read()
                .ok()
                .and_then(|held| held.clone())
                .ok_or(e),
            Err(e) => Err(e),
        }
    }

    /// The configured backend, or the embedded one started here.
    async fn connect(
        options: &crate::Options,
        data_dir: &Path,
        kiosk_id: &str,
    ) -> anyhow::Result<(ApiClient, Option<motcua_server::Running>)> {
        match &options.backend {
            Some(url) => {
                let token = options
                    .backend_token
                    .as_ref()
                    .filter(|t| !t.expose().trim().is_empty())
                    .context(
                        "a remote backend needs this kiosk's token: set MOTCUA_BACKEND_TOKEN \
                         (or --backend-token) to the token `motcua server kiosk add NAME` printed",
                    )?;
                let client = ApiClient::new(url, token.expose())
                    .with_context(|| "the configured backend URL or token")?;
                tracing::info!(backend = client.base_url(), "using the configured backend");
                Ok((client, None))
            }
            None => {
                if options.backend_token.is_some() {
                    tracing::warn!("a backend token without a backend URL is ignored");
                }
                let config = motcua_server::Config {
                    data_dir: data_dir.join("backend"),
                    catalog: None,
                    sms: motcua_server::SmsConfig::default(),
                    database: None,
                    objects: motcua_server::ObjectsConfig::DataFolder,
                };
                let state = motcua_server::AppState::open(&config)
                    .await
                    .context("opening the embedded backend")?;
                // A fresh token at every start: the last one dies with the
                // process that held it, and none is ever written down.
                let token = state
                    .store
                    .renew_kiosk(kiosk_id, state.clock.now())
                    .await
                    .context("registering this kiosk with the embedded backend")?;
                let running =
                    motcua_server::serve_state(state, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                        .await
                        .context("starting the embedded backend")?;
                let client = ApiClient::new(&running.url(), token.expose())?;
                tracing::info!(backend = client.base_url(), "embedded backend started");
                Ok((client, Some(running)))
            }
        }
    }

    /// Whether the backend runs inside this process.
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }
}
