//! Sending the one-time code by SMS: the [`SmsGateway`] trait and its two
//! adapters, [`FileSink`] (development and tests) and [`HttpGateway`].
//!
//! Neither adapter logs the phone, the text or a response body.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

/// Why an SMS was not sent. Carries no phone number and no message text.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("SMS outbox file: {0}")]
    File(#[source] std::io::Error),
    #[error("SMS gateway unreachable: {0}")]
    Unreachable(String),
    #[error("SMS gateway did not answer in time")]
    Timeout,
    #[error("SMS gateway refused the message: HTTP {status}")]
    Refused { status: u16 },
    #[error("SMS gateway configuration: {0}")]
    Config(String),
}

/// Something that delivers a text message to a phone.
pub trait SmsGateway: Send + Sync {
    /// Sends `text` to `phone` (national form `0xxxxxxxxx`).
    fn send(&self, phone: &str, text: &str) -> impl Future<Output = Result<(), SmsError>> + Send;
}

/// The object-safe form of [`SmsGateway`] the server holds; every gateway is one.
pub trait DynSmsGateway: Send + Sync {
    fn send_boxed<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>>;
}

impl<T: SmsGateway> DynSmsGateway for T {
    fn send_boxed<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>> {
        Box::pin(self.send(phone, text))
    }
}

/// A secret that never shows in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// How the server sends SMS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SmsConfig {
    /// Append to `<data_dir>/sms-outbox.jsonl` (development and tests).
    #[default]
    FileSink,
    /// Append to this JSON-lines file.
    File(PathBuf),
    /// POST `{to, text}` to `url` with `Authorization: Bearer <token>`.
    Http { url: String, token: Secret },
}

/// File name of the development SMS outbox inside the data folder.
pub const SMS_OUTBOX_FILE: &str = "sms-outbox.jsonl";

/// Appends one JSON line `{phone, text, at}` per message to a file. For
/// development and tests: the file holds the codes in clear.
#[derive(Debug, Clone)]
pub struct FileSink {
    path: PathBuf,
    lock: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl FileSink {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            lock: std::sync::Arc::default(),
        }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl SmsGateway for FileSink {
    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError> {
        let at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| SmsError::File(std::io::Error::other(e)))?;
        let mut line = serde_json::to_string(&serde_json::json!({
            "phone": phone,
            "text": text,
            "at": at,
        }))
        .map_err(|e| SmsError::File(std::io::Error::other(e)))?;
        line.push('\n');
        let _guard = self.lock.lock().await;
        let mut f = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .map_err(SmsError::File)?;
        f.write_all(line.as_bytes()).await.map_err(SmsError::File)?;
        f.sync_data().await.map_err(SmsError::File)?;
        Ok(())
    }
}

/// POSTs `{"to": phone, "text": text}` as JSON to a gateway URL with a bearer
/// token, with a 10 s timeout. Any non-2xx answer is a refusal; the answer's
/// body is never read into logs or errors.
#[derive(Debug, Clone)]
pub struct HttpGateway {
    url: String,
    token: Secret,
    http: reqwest::Client,
}

/// Timeout of one call to the SMS gateway.
pub const SMS_HTTP_TIMEOUT: Duration = Duration::from_secs(10);

impl HttpGateway {
    pub fn new(url: &str, token: Secret) -> Result<Self, SmsError> {
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(SmsError::Config("the SMS URL is not http(s)".to_owned()));
        }
        let http = reqwest::Client::builder()
            .timeout(SMS_HTTP_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("motcua-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SmsError::Config(e.to_string()))?;
        Ok(Self {
            url: url.to_owned(),
            token,
            http,
        })
    }
}

impl SmsGateway for HttpGateway {
    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError> {
        let resp = self
            .http
            .post(&self.url)
            .bearer_auth(self.token.expose())
            .json(&serde_json::json!({ "to": phone, "text": text }))
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    SmsError::Timeout
                } else {
                    // Without the URL: it may carry a key in its query.
                    SmsError::Unreachable(e.without_url().to_string())
                }
            })?;
        let status = resp.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SmsError::Refused {
                status: status.as_u16(),
            })
        }
    }
}
