//! The HTTP client of the backend API: the only way the kiosk talks to a
//! backend, embedded or remote.

use std::time::Duration;

use motcua_protocol::dossiers::{
    Dossier, DossierList, DossierLookup, DossierLookupRequest, MAX_CHUNK_BYTES, MAX_UPLOAD_BYTES,
    NewDossier, NewUpload, StatusUpdate, UPLOAD_OFFSET_HEADER, UploadState,
};
use motcua_protocol::payments::IDEMPOTENCY_KEY_MAX_CHARS;
use motcua_protocol::{
    AccountLookup, AccountLookupResult, AccountVerified, Catalog, CounterPaymentList, DailyFigures,
    FeeQuote, FeeQuoteRequest, Health, HeartbeatAck, HelpRequest, HelpRequestList,
    IDEMPOTENCY_KEY_HEADER, KioskHeartbeat, KioskStateList, NewHelpRequest, NewOtpChallenge,
    NewPayment, NewVouch, OtpChallenge, OtpVerify, Payment, Problem, ProblemCode, Procedure,
    STAFF_TOKEN_HEADER, StaffSession, StaffUnlock, VouchedAccount,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a call to the backend failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("backend URL {0:?} is not an http(s) URL")]
    BadUrl(String),
    /// A kiosk or staff token is empty or not fit for an HTTP header (never
    /// shown).
    #[error("the token is empty or has characters a header cannot carry")]
    BadToken,
    #[error("{0:?} is not a procedure code")]
    BadCode(String),
    /// A payment id or an idempotency key is empty or has characters it
    /// cannot carry (nothing else ever reaches the URL path or the header).
    #[error("the {0} is empty or malformed")]
    BadId(&'static str),
    #[error("backend unreachable: {0}")]
    Unreachable(String),
    #[error("backend did not answer in time")]
    Timeout,
    #[error("backend refused the request: {} ({})", .0.code.as_str(), .0.detail)]
    Problem(Box<Problem>),
    #[error("backend answered HTTP {status} without a problem document")]
    Status { status: u16 },
    #[error("backend answer could not be read: {0}")]
    Decode(String),
}

impl ClientError {
    /// The backend's problem code, when it refused the request with one:
    /// e.g. `kiosk_unauthorized` (this kiosk's token is revoked),
    /// `staff_login_failed`, `staff_locked` (wait `retry_after_seconds`) or
    /// `staff_unauthorized` (helper mode has ended: unlock again).
    pub fn problem_code(&self) -> Option<ProblemCode> {
        match self {
            Self::Problem(p) => Some(p.code),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else if e.is_decode() {
            Self::Decode(e.to_string())
        } else {
            Self::Unreachable(e.to_string())
        }
    }
}

/// How an [`ApiClient`] talks: timeouts, the size of upload chunks and
/// connection reuse. [`ClientOptions::default`] is what the kiosk uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Time to open a connection.
    pub connect_timeout: Duration,
    /// Time for a whole request, answer included.
    pub timeout: Duration,
    /// Bytes per `PATCH /v1/uploads/{sha256}`, 1 to [`MAX_CHUNK_BYTES`].
    pub upload_chunk_bytes: usize,
    /// Keep idle connections for the next request (`false`: one
    /// connection per request, as a fault-injecting proxy wants).
    pub reuse_connections: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            upload_chunk_bytes: MAX_CHUNK_BYTES as usize,
            reuse_connections: true,
        }
    }
}

/// A client of one backend, calling as one kiosk: every request carries the
/// kiosk's token as `Authorization: Bearer <token>` (a header marked
/// sensitive, so it never shows in `Debug` output).
#[derive(Debug, Clone)]
pub struct ApiClient {
    base: String,
    http: reqwest::Client,
    chunk: usize,
}

/// How often [`ApiClient::upload`] accepts a refused offset that the
/// re-read state does not explain (no progress) before it gives up.
const MAX_OFFSET_RETRIES: u32 = 8;

/// The most of an answer the client reads: the national catalogue is a few
/// hundred kilobytes; a backend (or something posing as one) that sends more
/// is refused instead of filling the kiosk's memory.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Reads an answer's body, at most [`MAX_RESPONSE_BYTES`], refusing a longer
/// one as soon as its length is declared or has been received.
async fn bounded_body(mut resp: reqwest::Response) -> Result<Vec<u8>, ClientError> {
    let too_long = || ClientError::Decode(format!("answer longer than {MAX_RESPONSE_BYTES} bytes"));
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Err(too_long());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(too_long());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl ApiClient {
    /// A client of the backend at `base` (e.g. `http://127.0.0.1:8080`)
    /// calling as the kiosk whose token is `kiosk_token`.
    pub fn new(base: &str, kiosk_token: &str) -> Result<Self, ClientError> {
        Self::with_options(base, kiosk_token, &ClientOptions::default())
    }

    /// [`ApiClient::new`] with other timeouts, chunk size or connection
    /// reuse.
    pub fn with_options(
        base: &str,
        kiosk_token: &str,
        options: &ClientOptions,
    ) -> Result<Self, ClientError> {
        let base = base.trim().trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) || base.len() < 10 {
            return Err(ClientError::BadUrl(base.to_owned()));
        }
        let token = kiosk_token.trim();
        if token.is_empty() {
            return Err(ClientError::BadToken);
        }
        let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| ClientError::BadToken)?;
        auth.set_sensitive(true);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, auth);
        let mut builder = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .user_agent(concat!("motcua-kiosk/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers);
        if !options.reuse_connections {
            builder = builder.pool_max_idle_per_host(0);
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        Ok(Self {
            base: base.to_owned(),
            http,
            chunk: options
                .upload_chunk_bytes
                .clamp(1, MAX_CHUNK_BYTES as usize),
        })
    }

    /// The backend's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    async fn read<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, ClientError> {
        let status = resp.status();
        let body = bounded_body(resp).await?;
        if status.is_success() {
            return serde_json::from_slice::<T>(&body)
                .map_err(|e| ClientError::Decode(e.to_string()));
        }
        match serde_json::from_slice::<Problem>(&body) {
            Ok(p) => Err(ClientError::Problem(Box::new(p))),
            Err(_) => Err(ClientError::Status {
                status: status.as_u16(),
            }),
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let resp = self.http.get(format!("{}{path}", self.base)).send().await?;
        Self::read(resp).await
    }

    pub async fn health(&self) -> Result<Health, ClientError> {
        self.get("/healthz").await
    }

    pub async fn catalog(&self) -> Result<Catalog, ClientError> {
        self.get("/v1/catalog").await
    }

    /// One procedure by its national code. The code is checked first, so
    /// nothing but a well-formed code ever reaches the URL path.
    pub async fn procedure(&self, code: &str) -> Result<Procedure, ClientError> {
        if !crate::catalog::is_procedure_code(code) {
            return Err(ClientError::BadCode(code.chars().take(20).collect()));
        }
        self.get(&format!("/v1/procedures/{code}")).await
    }

    pub async fn create_help_request(
        &self,
        req: &NewHelpRequest,
    ) -> Result<HelpRequest, ClientError> {
        let resp = self
            .http
            .post(format!("{}/v1/help-requests", self.base))
            .json(req)
            .send()
            .await?;
        Self::read(resp).await
    }

    pub async fn help_requests(&self) -> Result<HelpRequestList, ClientError> {
        self.get("/v1/help-requests").await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await?;
        Self::read(resp).await
    }

    /// Whether the ID number has an account; the phone comes back masked.
    pub async fn lookup_account(
        &self,
        id_number: &str,
    ) -> Result<AccountLookupResult, ClientError> {
        let body = AccountLookup {
            id_number: id_number.to_owned(),
        };
        self.post("/v1/accounts/lookup", &body).await
    }

    /// Asks the backend to send a one-time code to the citizen's phone.
    pub async fn request_otp(&self, req: &NewOtpChallenge) -> Result<OtpChallenge, ClientError> {
        self.post("/v1/accounts/otp", req).await
    }

    /// Checks the code; creates or links the account.
    pub async fn verify_otp(
        &self,
        challenge_id: &str,
        code: &str,
    ) -> Result<AccountVerified, ClientError> {
        let body = OtpVerify {
            challenge_id: challenge_id.to_owned(),
            code: code.to_owned(),
        };
        self.post("/v1/accounts/verify", &body).await
    }

    /// A helper vouches for a citizen without a phone, with the staff
    /// token [`ApiClient::unlock_staff`] gave on this kiosk (sent as
    /// `X-Staff-Token`); the backend records that helper.
    pub async fn vouch_account(
        &self,
        staff_token: &str,
        req: &NewVouch,
    ) -> Result<VouchedAccount, ClientError> {
        let resp = self
            .http
            .post(format!("{}/v1/accounts/vouch", self.base))
            .header(STAFF_TOKEN_HEADER, staff_header(staff_token)?)
            .json(req)
            .send()
            .await?;
        Self::read(resp).await
    }

    /// Unlocks helper mode on this kiosk with a helper's PIN: the answer's
    /// token (15 minutes, this kiosk only) authorises a vouch.
    pub async fn unlock_staff(&self, user: &str, pin: &str) -> Result<StaffSession, ClientError> {
        let body = StaffUnlock {
            user: user.to_owned(),
            pin: pin.to_owned(),
        };
        self.post("/v1/staff/unlock", &body).await
    }

    /// Unlocks helper mode on this kiosk with a helper's staff QR card (its
    /// text as read): the same token as [`Client::unlock_staff`] gives.
    pub async fn unlock_staff_card(&self, card: &str) -> Result<StaffSession, ClientError> {
        let body = motcua_protocol::StaffCardUnlock {
            card: card.to_owned(),
        };
        self.post("/v1/staff/unlock-card", &body).await
    }

    /// Logs a helper in to the console with their password: the answer's
    /// token (12 hours) authorises console actions such as confirming a
    /// counter payment.
    pub async fn login_staff(
        &self,
        user: &str,
        password: &str,
    ) -> Result<StaffSession, ClientError> {
        let body = motcua_protocol::StaffLogin {
            user: user.to_owned(),
            password: password.to_owned(),
        };
        self.post("/v1/staff/sessions", &body).await
    }

    /// Ends helper mode early: the staff token stops working.
    pub async fn end_staff_session(&self, staff_token: &str) -> Result<(), ClientError> {
        let resp = self
            .http
            .delete(format!("{}/v1/staff/sessions", self.base))
            .header(STAFF_TOKEN_HEADER, staff_header(staff_token)?)
            .send()
            .await?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        Self::read::<serde_json::Value>(resp).await.map(|_| ())
    }
}

/// Payments: the fee quote, payment intents, and the counter's side.
impl ApiClient {
    /// The fee of a procedure from the catalog's rule: amount (in words),
    /// legal basis, and for an exemption the document the dossier needs.
    pub async fn quote_fee(&self, req: &FeeQuoteRequest) -> Result<FeeQuote, ClientError> {
        self.post("/v1/fees/quote", req).await
    }

    /// Creates a payment intent. Retrying with the same `idempotency_key`
    /// (1 to 128 printable ASCII characters, fresh for each intent the kiosk
    /// means to create) gives the same intent back, never a second one.
    pub async fn create_payment(
        &self,
        idempotency_key: &str,
        req: &NewPayment,
    ) -> Result<Payment, ClientError> {
        let key = idempotency_key_header(idempotency_key)?;
        let resp = self
            .http
            .post(format!("{}/v1/payments", self.base))
            .header(IDEMPOTENCY_KEY_HEADER, key)
            .json(req)
            .send()
            .await?;
        Self::read(resp).await
    }

    /// A payment intent this kiosk created: its status, and the receipt
    /// once paid.
    pub async fn payment(&self, id: &str) -> Result<Payment, ClientError> {
        self.get(&format!("/v1/payments/{}", payment_id(id)?)).await
    }

    /// Cancels a pending intent (e.g. the citizen switches from QR to cash).
    pub async fn cancel_payment(&self, id: &str) -> Result<Payment, ClientError> {
        let path = format!("/v1/payments/{}/cancel", payment_id(id)?);
        self.post(&path, &serde_json::json!({})).await
    }

    /// The pending counter payments, with a console session's staff token
    /// (from `POST /v1/staff/sessions`; a helper-mode token is refused).
    pub async fn counter_payments(
        &self,
        staff_token: &str,
    ) -> Result<CounterPaymentList, ClientError> {
        let resp = self
            .http
            .get(format!("{}/v1/counter/payments?status=pending", self.base))
            .header(STAFF_TOKEN_HEADER, staff_header(staff_token)?)
            .send()
            .await?;
        Self::read(resp).await
    }

    /// A clerk confirms a counter payment received, with a console
    /// session's staff token: the answer carries the receipt.
    pub async fn confirm_counter_payment(
        &self,
        staff_token: &str,
        id: &str,
    ) -> Result<Payment, ClientError> {
        let resp = self
            .http
            .post(format!(
                "{}/v1/counter/payments/{}/confirm",
                self.base,
                payment_id(id)?
            ))
            .header(STAFF_TOKEN_HEADER, staff_header(staff_token)?)
            .send()
            .await?;
        Self::read(resp).await
    }
}

/// Uploads and dossiers: documents sent resumably, the dossier naming them,
/// its lookup, and the back office's side.
impl ApiClient {
    /// Declares a document by its SHA-256 and size; the answer says how many
    /// bytes the server already holds.
    pub async fn declare_upload(&self, req: &NewUpload) -> Result<UploadState, ClientError> {
        sha256_id(&req.sha256)?;
        self.post("/v1/uploads", req).await
    }

    /// Where an upload stands (after a refused offset, or to resume).
    pub async fn upload_state(&self, sha256: &str) -> Result<UploadState, ClientError> {
        self.get(&format!("/v1/uploads/{}", sha256_id(sha256)?))
            .await
    }

    /// Appends `bytes` (at most [`MAX_CHUNK_BYTES`]) at `offset`, which must
    /// be the bytes the server holds (else `upload_offset_mismatch`, and
    /// nothing is stored).
    pub async fn upload_chunk(
        &self,
        sha256: &str,
        offset: u64,
        bytes: &[u8],
    ) -> Result<UploadState, ClientError> {
        let sha = sha256_id(sha256)?;
        if bytes.is_empty() || bytes.len() as u64 > MAX_CHUNK_BYTES {
            return Err(ClientError::BadId("upload chunk"));
        }
        let resp = self
            .http
            .patch(format!("{}/v1/uploads/{sha}", self.base))
            .header(UPLOAD_OFFSET_HEADER, offset.to_string())
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .await?;
        Self::read(resp).await
    }

    /// Asks the server to check and keep an upload whose every byte it
    /// holds: an empty chunk at the end (the server does this under the
    /// upload's lock, so it never races a sender's own last chunk).
    async fn finish_upload(&self, sha256: &str, size: u64) -> Result<UploadState, ClientError> {
        let sha = sha256_id(sha256)?;
        let resp = self
            .http
            .patch(format!("{}/v1/uploads/{sha}", self.base))
            .header(UPLOAD_OFFSET_HEADER, size.to_string())
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(Vec::new())
            .send()
            .await?;
        Self::read(resp).await
    }

    /// Sends a whole document, resumably: declares it, then sends the
    /// chunks from what the server already holds (nothing when the same
    /// bytes were sent before), re-reading the state after a refused
    /// offset. The answer is the complete upload.
    pub async fn upload(&self, bytes: &[u8]) -> Result<UploadState, ClientError> {
        if bytes.is_empty() || bytes.len() as u64 > MAX_UPLOAD_BYTES {
            return Err(ClientError::BadId("document"));
        }
        let sha256 = sha256_hex(bytes);
        let mut state = self
            .declare_upload(&NewUpload {
                sha256: sha256.clone(),
                size: bytes.len() as u64,
            })
            .await?;
        let (mut mismatches, mut finishing) = (0, 0u32);
        while !state.complete {
            let Ok(from) = usize::try_from(state.received) else {
                return Err(ClientError::Decode("upload offset out of range".into()));
            };
            if from >= bytes.len() {
                // Every byte arrived and the upload is not complete yet:
                // another sender's last chunk is being checked. Ask again
                // shortly; after a few tries, ask the server to finish it
                // (a sender cut off while its last chunk was checked leaves
                // every byte staged and nobody to finish).
                finishing += 1;
                if finishing > MAX_OFFSET_RETRIES {
                    return Err(ClientError::Decode(
                        "upload holds every byte but does not complete".into(),
                    ));
                }
                if finishing > 2 {
                    match self.finish_upload(&sha256, state.size).await {
                        Ok(next) => {
                            state = next;
                            continue;
                        }
                        // Someone else finished or restarted it meanwhile.
                        Err(e) if e.problem_code() == Some(ProblemCode::UploadOffsetMismatch) => {}
                        Err(e) => return Err(e),
                    }
                }
                tokio::time::sleep(Duration::from_millis(50 * u64::from(finishing))).await;
                state = self.upload_state(&sha256).await?;
                continue;
            }
            let to = from.saturating_add(self.chunk).min(bytes.len());
            let Some(chunk) = bytes.get(from..to) else {
                return Err(ClientError::Decode("upload offset out of range".into()));
            };
            match self.upload_chunk(&sha256, state.received, chunk).await {
                Ok(next) => state = next,
                Err(e) if e.problem_code() == Some(ProblemCode::UploadOffsetMismatch) => {
                    // Another sender (or an earlier attempt whose answer was
                    // lost) moved the upload on: go on from where it is. Only
                    // a refusal without progress counts towards giving up.
                    let before = state.received;
                    state = self.upload_state(&sha256).await?;
                    if state.received <= before {
                        mismatches += 1;
                        if mismatches > MAX_OFFSET_RETRIES {
                            return Err(e);
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(state)
    }

    /// Submits a dossier whose uploads are complete. Retrying with the same
    /// `idempotency_key` (1 to 128 printable ASCII characters, one per
    /// dossier) answers the dossier it created, never a second one.
    pub async fn create_dossier(
        &self,
        idempotency_key: &str,
        dossier: &NewDossier,
    ) -> Result<Dossier, ClientError> {
        let key = idempotency_key_header(idempotency_key)?;
        let resp = self
            .http
            .post(format!("{}/v1/dossiers", self.base))
            .header(IDEMPOTENCY_KEY_HEADER, key)
            .json(dossier)
            .send()
            .await?;
        Self::read(resp).await
    }

    /// Where a dossier stands, by the code and secret of its receipt; no
    /// personal data comes back.
    pub async fn lookup_dossier(
        &self,
        req: &DossierLookupRequest,
    ) -> Result<DossierLookup, ClientError> {
        self.post("/v1/dossiers/lookup", req).await
    }

    /// The back office moves a dossier on (e.g. to `needs_more_documents`
    /// with a note), with a console session's staff token; the answer is
    /// the dossier as a lookup shows it.
    pub async fn update_dossier_status(
        &self,
        staff_token: &str,
        code: &str,
        update: &StatusUpdate,
    ) -> Result<DossierLookup, ClientError> {
        let resp = self
            .http
            .post(format!(
                "{}/v1/dossiers/{}/status",
                self.base,
                dossier_code(code)?
            ))
            .header(STAFF_TOKEN_HEADER, staff_header(staff_token)?)
            .json(update)
            .send()
            .await?;
        Self::read(resp).await
    }

    /// One dossier with the applicant's data, for the back office, with a
    /// console session's staff token.
    pub async fn dossier(&self, staff_token: &str, code: &str) -> Result<Dossier, ClientError> {
        let resp = self
            .http
            .get(format!("{}/v1/dossiers/{}", self.base, dossier_code(code)?))
            .header(STAFF_TOKEN_HEADER, staff_header(staff_token)?)
            .send()
            .await?;
        Self::read(resp).await
    }

    /// The dossiers a kiosk submitted under a local reference (the one on
    /// a receipt printed while the dossier waited in its outbox), for the
    /// back office, with a console session's staff token.
    pub async fn dossiers_by_local_reference(
        &self,
        staff_token: &str,
        local_reference: &str,
    ) -> Result<DossierList, ClientError> {
        let reference = local_reference.trim();
        if !is_idempotency_key(reference) {
            return Err(ClientError::BadId("local reference"));
        }
        let resp = self
            .http
            .get(format!("{}/v1/dossiers", self.base))
            .query(&[("local_reference", reference)])
            .header(STAFF_TOKEN_HEADER, staff_header(staff_token)?)
            .send()
            .await?;
        Self::read(resp).await
    }
}

/// A dossier code fit for a URL path: 1 to 20 digits or `-`.
fn dossier_code(code: &str) -> Result<&str, ClientError> {
    let code = code.trim();
    if (1..=20).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        Ok(code)
    } else {
        Err(ClientError::BadId("dossier code"))
    }
}

/// A SHA-256 fit for a URL path: 64 lowercase hex digits.
fn sha256_id(sha: &str) -> Result<&str, ClientError> {
    if sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(sha)
    } else {
        Err(ClientError::BadId("SHA-256"))
    }
}

/// The SHA-256 of `bytes` as 64 lowercase hex digits, as uploads name it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Whether `key` may be sent as an `Idempotency-Key`: 1 to 128 printable
/// ASCII characters.
pub fn is_idempotency_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= IDEMPOTENCY_KEY_MAX_CHARS
        && key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

fn idempotency_key_header(key: &str) -> Result<&str, ClientError> {
    let key = key.trim();
    if is_idempotency_key(key) {
        Ok(key)
    } else {
        Err(ClientError::BadId("idempotency key"))
    }
}

/// The helper console's side of the kiosk.
impl ApiClient {
    /// Tells the backend which screen this kiosk shows, how its devices
    /// are and what waits in its outbox (no personal data). Send it every
    /// 30 seconds or so: the console counts a kiosk online while its last
    /// heartbeat is at most 90 seconds old. The answer carries the server's
    /// time of receipt.
    pub async fn heartbeat(&self, beat: &KioskHeartbeat) -> Result<HeartbeatAck, ClientError> {
        self.post("/v1/kiosks/heartbeat", beat).await
    }

    /// One day's figures as the console shows them (`date` as
    /// `YYYY-MM-DD`, Vietnam time; `None` for today), with a console
    /// session's staff token.
    pub async fn console_figures(
        &self,
        staff_token: &str,
        date: Option<&str>,
    ) -> Result<DailyFigures, ClientError> {
        let mut req = self
            .http
            .get(format!("{}/v1/console/figures", self.base))
            .header(STAFF_TOKEN_HEADER, staff_header(staff_token)?);
        if let Some(date) = date {
            let ok = date.len() == 10
                && date.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            if !ok {
                return Err(ClientError::BadId("date"));
            }
            req = req.query(&[("date", date)]);
        }
        Self::read(req.send().await?).await
    }

    /// Every kiosk as the console sees it (online, step, devices, outbox),
    /// with a console session's staff token.
    pub async fn console_kiosks(&self, staff_token: &str) -> Result<KioskStateList, ClientError> {
        let resp = self
            .http
            .get(format!("{}/v1/console/kiosks", self.base))
            .header(STAFF_TOKEN_HEADER, staff_header(staff_token)?)
            .send()
            .await?;
        Self::read(resp).await
    }
}

/// A payment id fit for a URL path: 1 to 64 ASCII letters, digits or `-`.
fn payment_id(id: &str) -> Result<&str, ClientError> {
    let id = id.trim();
    if (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Ok(id)
    } else {
        Err(ClientError::BadId("payment id"))
    }
}

/// A staff token as a header value marked sensitive (never in `Debug`).
fn staff_header(token: &str) -> Result<reqwest::header::HeaderValue, ClientError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(ClientError::BadToken);
    }
    let mut v = reqwest::header::HeaderValue::from_str(token).map_err(|_| ClientError::BadToken)?;
    v.set_sensitive(true);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_urls_that_are_not_http() {
        for bad in [
            "",
            "ftp://x.y",
            "127.0.0.1:80",
            "http://",
            "javascript:alert(1)",
        ] {
            assert!(
                matches!(ApiClient::new(bad, "t0ken"), Err(ClientError::BadUrl(_))),
                "{bad}"
            );
        }
        for bad in ["", "  ", "a\nb", "tok\u{7}en"] {
            assert!(
                matches!(
                    ApiClient::new("http://127.0.0.1:8080", bad),
                    Err(ClientError::BadToken)
                ),
                "{bad:?}"
            );
        }
        let ok = ApiClient::new("http://127.0.0.1:8080/", "t0ken-s3cret");
        let shown = format!("{ok:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert_eq!(
            ok.map(|c| c.base_url().to_owned()).ok().as_deref(),
            Some("http://127.0.0.1:8080")
        );
    }

    /// A one-connection backend that answers every request with `head`
    /// followed by `body_len` bytes of JSON-looking filler, sent in chunks.
    async fn endless_backend(head: String, body_len: usize) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        tokio::spawn(async move {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let mut req = [0u8; 4096];
            let _ = s.read(&mut req).await;
            if s.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < body_len {
                let n = chunk.len().min(body_len - sent);
                if s.write_all(&chunk[..n]).await.is_err() {
                    return; // the client hung up, as it should
                }
                sent += n;
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn an_answer_longer_than_the_limit_is_refused_not_read_into_memory() {
        let over = MAX_RESPONSE_BYTES + 1;
        // Declared too long: refused before reading the body.
        let declared = endless_backend(
            format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {over}\r\n\r\n"),
            over,
        )
        .await;
        // Not declared (read until the connection closes): refused once past the limit.
        let undeclared = endless_backend(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n".into(),
            over,
        )
        .await;
        for base in [declared, undeclared] {
            let Ok(c) = ApiClient::new(&base, "t0ken") else {
                panic!("valid URL refused")
            };
            let got = c.catalog().await;
            match got {
                Err(ClientError::Decode(why)) => assert!(why.contains("longer than"), "{why}"),
                other => panic!("{base}: {other:?}"),
            }
        }
        // A short answer of the same kind still reads (and fails only as JSON).
        let short = endless_backend(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n"
                .into(),
            10,
        )
        .await;
        let Ok(c) = ApiClient::new(&short, "t0ken") else {
            panic!("valid URL refused")
        };
        match c.catalog().await {
            Err(ClientError::Decode(why)) => assert!(!why.contains("longer than"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_closed_port_is_unreachable_not_a_panic() {
        // Bind then drop a listener so the port is very likely closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(9);
        let c = ApiClient::new(&format!("http://127.0.0.1:{port}"), "t0ken");
        let Ok(c) = c else {
            panic!("valid URL refused")
        };
        let got = c.catalog().await;
        assert!(matches!(got, Err(ClientError::Unreachable(_))), "{got:?}");
        let bad = c.procedure("../../etc/passwd").await;
        assert!(matches!(bad, Err(ClientError::BadCode(_))), "{bad:?}");
        for id in ["", "..", "../x", "a/b", "a?b", "%2e%2e", &"a".repeat(65)] {
            let bad = c.payment(id).await;
            assert!(matches!(bad, Err(ClientError::BadId(_))), "{id:?}: {bad:?}");
            let bad = c.cancel_payment(id).await;
            assert!(matches!(bad, Err(ClientError::BadId(_))), "{id:?}: {bad:?}");
        }
        let req = NewPayment {
            procedure_code: "2.000635".into(),
            copies: None,
            pages: None,
            exemption: None,
            method: motcua_protocol::PaymentMethod::Counter,
        };
        for sha in [
            "",
            "..",
            &"A".repeat(64),
            &"a".repeat(63),
            &format!("../{}", "a".repeat(61)),
        ] {
            let bad = c.upload_state(sha).await;
            assert!(
                matches!(bad, Err(ClientError::BadId(_))),
                "{sha:?}: {bad:?}"
            );
            let bad = c.upload_chunk(sha, 0, b"x").await;
            assert!(
                matches!(bad, Err(ClientError::BadId(_))),
                "{sha:?}: {bad:?}"
            );
        }
        let sha = sha256_hex(b"abc");
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let too_big = vec![0u8; MAX_CHUNK_BYTES as usize + 1];
        let bad = c.upload_chunk(&sha, 0, &too_big).await;
        assert!(matches!(bad, Err(ClientError::BadId(_))), "{bad:?}");
        let bad = c.upload(&[]).await;
        assert!(matches!(bad, Err(ClientError::BadId(_))), "{bad:?}");
        let update = StatusUpdate {
            status: motcua_protocol::dossiers::DossierStatus::Processing,
            note: None,
        };
        for code in ["", "../x", "261126/0001", "2611260001?x", &"1".repeat(21)] {
            let bad = c.update_dossier_status("staff", code, &update).await;
            assert!(
                matches!(bad, Err(ClientError::BadId(_))),
                "{code:?}: {bad:?}"
            );
        }
        for key in ["", " ", "a b", "k\u{e9}y", &"k".repeat(129)] {
            let bad = c.create_payment(key, &req).await;
            assert!(
                matches!(bad, Err(ClientError::BadId(_))),
                "{key:?}: {bad:?}"
            );
        }
    }
}
