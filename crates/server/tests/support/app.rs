//! A server over a temporary data folder with an injected clock, two
//! kiosks and a helper, and requests through the router: shared by the
//! upload and dossier test binaries (included with `#[path]`: not a test
//! target itself; each binary uses part of it).
//!
//! The store is SQLite in the data folder, or, when
//! `MOTCUA_TEST_POSTGRES_URL` names a PostgreSQL server
//! (`postgres://USER@HOST:PORT/DB`, e.g. from `scripts/postgres.sh start`),
//! a fresh database there for each test, dropped when the test ends: the
//! same tests run against both (`scripts/test.sh` runs them twice).
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use motcua_server::{AppState, Config, ManualClock, NewStaff, PaymentConfig, Secret};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

pub const WEBHOOK_SECRET: &str = "bí-mật-chung-với-ngân-hàng-2026";
pub const BANK_BIN: &str = "970415";
pub const BANK_ACCOUNT: &str = "113366668888";
pub const BANK_ACCOUNT_NAME: &str = "UBND XA DONG SON";
pub const USER: &str = "canbo.lan";
pub const DISPLAY: &str = "Nguyễn Thị Lan";
pub const PASSWORD: &str = "Hoa sen nở 2026";
pub const PIN: &str = "482916";

/// The applicant of the dossiers.
pub const NAME: &str = "NGUYỄN VĂN AN";
pub const ID_NUMBER: &str = "001089012345";
pub const PHONE: &str = "0912345678";
pub const ADDRESS: &str = "Số 5, Đông Sơn, Thanh Hóa";

/// The environment variable naming the PostgreSQL server the tests use.
pub const ENV_TEST_POSTGRES: &str = "MOTCUA_TEST_POSTGRES_URL";

/// The PostgreSQL server's URL when the tests run against PostgreSQL.
pub fn postgres_server() -> Option<String> {
    std::env::var(ENV_TEST_POSTGRES)
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// `url` with its database (the path) replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url
        .split_once("://")
        .unwrap_or_else(|| panic!("{ENV_TEST_POSTGRES} is not a URL"));
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let query = tail.find('?').map(|i| &tail[i..]).unwrap_or_default();
    format!("{scheme}://{authority}/{database}{query}")
}

/// A database of its own on the test PostgreSQL server, dropped (with any
/// connection left to it) when this is.
pub struct PgDatabase {
    server: String,
    name: String,
}

impl PgDatabase {
    async fn create(server: &str) -> Self {
        use sqlx::Connection;
        let name = format!("motcua_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(server)
            .await
            .unwrap_or_else(|e| panic!("{ENV_TEST_POSTGRES}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("create database {name}: {e}"));
        let _ = admin.close().await;
        Self {
            server: server.to_owned(),
            name,
        }
    }

    pub fn url(&self) -> String {
        with_database(&self.server, &self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Drop may run inside the test's runtime: the drop gets a thread
        // and a runtime of its own.
        let server = self.server.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async {
                use sqlx::Connection;
                let mut admin = sqlx::PgConnection::connect(&server)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .map_err(|e| e.to_string())?;
                let _ = admin.close().await;
                Ok::<(), String>(())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop test database {}: {e}", self.name),
            Err(_) => eprintln!("could not drop test database {}", self.name),
        }
    }
}

/// A test's data folder, and on PostgreSQL its database: both go when
/// this is dropped.
pub struct DataDir {
    dir: tempfile::TempDir,
    postgres: Option<PgDatabase>,
}

impl DataDir {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let postgres = match postgres_server() {
            Some(server) => Some(PgDatabase::create(&server).await),
            None => None,
        };
        Self { dir, postgres }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The database URL the server is given (`None`: SQLite in the folder).
    pub fn database_url(&self) -> Option<String> {
        self.postgres.as_ref().map(PgDatabase::url)
    }

    pub fn on_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// The server configuration of this folder and database.
    pub fn config(&self) -> Config {
        Config {
            database: self.database_url(),
            ..Config::new(self.path().to_path_buf())
        }
    }
}

/// What the database holds as raw bytes, to search for what must never be
/// stored: SQLite's files (main file and write-ahead log) as they are on
/// disk, or on PostgreSQL every row of every table as text.
pub async fn stored_bytes(dir: &DataDir, state: &AppState) -> Vec<u8> {
    let mut out = Vec::new();
    if dir.on_postgres() {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public'",
        )
        .fetch_all(state.store.pool())
        .await
        .unwrap_or_else(|e| panic!("tables: {e}"));
        for table in tables {
            let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
                .fetch_all(state.store.pool())
                .await
                .unwrap_or_else(|e| panic!("{table}: {e}"));
            for r in rows {
                out.extend_from_slice(r.as_bytes());
                out.push(b'\n');
            }
        }
        return out;
    }
    for entry in std::fs::read_dir(dir.path()).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(motcua_server::DB_FILE))
        {
            out.extend(std::fs::read(&path).unwrap_or_else(|e| panic!("{e}")));
        }
    }
    out
}

pub struct TestApp {
    pub dir: DataDir,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    /// Tokens of the kiosks `quay-a` and `quay-b`.
    pub kiosk_a: String,
    pub kiosk_b: String,
}

impl TestApp {
    pub fn advance(&self, seconds: i64) {
        self.clock.advance(time::Duration::seconds(seconds));
    }

    /// The server's database, to read or arrange rows directly.
    pub async fn db(&self) -> sqlx::AnyPool {
        self.state.store.pool().clone()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db().await)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub fn auth_a(&self) -> String {
        format!("Bearer {}", self.kiosk_a)
    }

    pub fn auth_b(&self) -> String {
        format!("Bearer {}", self.kiosk_b)
    }
}

/// A server state over a new temporary data folder, as `AppState::open`
/// leaves it.
pub async fn open_state() -> (DataDir, AppState) {
    let dir = DataDir::new().await;
    let state = AppState::open(&dir.config())
        .await
        .unwrap_or_else(|e| panic!("open: {e}"));
    (dir, state)
}

/// Registers the kiosk `name` at `at`; its token.
pub async fn kiosk_token(state: &AppState, name: &str, at: time::OffsetDateTime) -> String {
    state
        .store
        .add_kiosk(name, at)
        .await
        .unwrap_or_else(|e| panic!("add {name}: {e}"))
        .expose()
        .to_owned()
}

/// The test bank account, with the webhook `secret` and the receipt
/// `issuer` when given.
pub fn payment_config_with(secret: Option<&str>, issuer: Option<&str>) -> PaymentConfig {
    PaymentConfig::from_lookup(|name| match name {
        "MOTCUA_BANK_BIN" => Some(BANK_BIN.to_owned()),
        "MOTCUA_BANK_ACCOUNT" => Some(BANK_ACCOUNT.to_owned()),
        "MOTCUA_BANK_ACCOUNT_NAME" => Some(BANK_ACCOUNT_NAME.to_owned()),
        "MOTCUA_BANK_WEBHOOK_SECRET" => secret.map(str::to_owned),
        "MOTCUA_RECEIPT_ISSUER" => issuer.map(str::to_owned),
        _ => None,
    })
    .unwrap_or_else(|e| panic!("payment config: {e}"))
}

pub fn new_staff(user: &str, name: Option<&str>, password: &str, pin: &str) -> NewStaff {
    NewStaff {
        user: user.to_owned(),
        display_name: name.map(str::to_owned),
        password: Secret::new(password),
        pin: Secret::new(pin),
    }
}

/// The helper `USER` (Nguyễn Thị Lan) with `PASSWORD` and `PIN`.
pub fn lan() -> NewStaff {
    new_staff(USER, Some(DISPLAY), PASSWORD, PIN)
}

/// The app at `start` with the kiosks `quay-a` and `quay-b` and the helpers
/// `staff`; with `payments` when given, else the payment settings
/// `AppState::open` chose.
pub async fn app_with(
    start: time::OffsetDateTime,
    payments: Option<PaymentConfig>,
    staff: Vec<NewStaff>,
) -> TestApp {
    let (dir, mut state) = open_state().await;
    let clock = Arc::new(ManualClock::new(start));
    state.clock = clock.clone();
    if let Some(payments) = payments {
        state.payments = Arc::new(payments);
    }
    let mut kiosks = Vec::new();
    for name in ["quay-a", "quay-b"] {
        kiosks.push(kiosk_token(&state, name, start).await);
    }
    for s in &staff {
        state
            .store
            .add_staff(s, start)
            .await
            .unwrap_or_else(|e| panic!("add staff: {e}"));
    }
    TestApp {
        dir,
        state,
        clock,
        kiosk_a: kiosks[0].clone(),
        kiosk_b: kiosks[1].clone(),
    }
}

/// A second server instance over the same database and data folder (as
/// several stateless servers serve one province), with `t`'s clock and
/// payment settings.
pub async fn second_instance(t: &TestApp) -> AppState {
    let mut state = AppState::open(&t.dir.config())
        .await
        .unwrap_or_else(|e| panic!("open a second instance: {e}"));
    state.clock = t.clock.clone();
    state.payments = t.state.payments.clone();
    state
}

/// The app at `start` with the bank's webhook secret and the helper `USER`.
pub async fn app_at(start: time::OffsetDateTime) -> TestApp {
    app_with(
        start,
        Some(payment_config_with(Some(WEBHOOK_SECRET), None)),
        vec![lan()],
    )
    .await
}

/// Serves `state` over a socket on a free local port.
pub async fn serve(state: AppState) -> motcua_server::Running {
    motcua_server::serve_state(state, std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap_or_else(|e| panic!("start: {e}"))
}

/// Thursday 26 November 2026, 09:00 in Vietnam.
pub async fn app() -> TestApp {
    app_at(time::macros::datetime!(2026-11-26 02:00 UTC)).await
}

#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }

    pub fn str(&self, field: &str) -> String {
        self.body[field].as_str().unwrap_or_default().to_owned()
    }

    pub fn u64(&self, field: &str) -> u64 {
        self.body[field].as_u64().unwrap_or(u64::MAX)
    }
}

pub async fn send(t: &TestApp, req: Request<Body>) -> Answer {
    send_to(&t.state, req).await
}

/// Calls the router of `state` with `req`.
pub async fn send_to(state: &AppState, req: Request<Body>) -> Answer {
    let resp = motcua_server::router(state.clone())
        .oneshot(req)
        .await
        .unwrap_or_else(|e| match e {});
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

pub fn request(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let body = match body {
        Some(b) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    req.body(body).unwrap_or_else(|e| panic!("{e}"))
}

/// A request with a raw body.
pub fn raw(method: &str, uri: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::from(body)).unwrap_or_else(|e| panic!("{e}"))
}

pub fn problem(a: &Answer, status: StatusCode, code: &str) {
    assert_eq!(a.status, status, "{a:?}");
    assert_eq!(a.code(), code, "{a:?}");
    assert_eq!(
        a.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A small PDF-looking document, different for each `tag`.
pub fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {tag}\n1 0 obj << >> endobj\n%%EOF\n").into_bytes()
}

pub async fn declare(t: &TestApp, auth: &str, sha: &str, size: u64) -> Answer {
    send(
        t,
        request(
            "POST",
            "/v1/uploads",
            &[("authorization", auth)],
            Some(&json!({"sha256": sha, "size": size})),
        ),
    )
    .await
}

pub async fn patch(t: &TestApp, auth: &str, sha: &str, offset: u64, chunk: &[u8]) -> Answer {
    let offset = offset.to_string();
    send(
        t,
        raw(
            "PATCH",
            &format!("/v1/uploads/{sha}"),
            &[
                ("authorization", auth),
                ("upload-offset", &offset),
                ("content-type", "application/offset+octet-stream"),
            ],
            chunk.to_vec(),
        ),
    )
    .await
}

pub async fn upload_state(t: &TestApp, auth: &str, sha: &str) -> Answer {
    send(
        t,
        request(
            "GET",
            &format!("/v1/uploads/{sha}"),
            &[("authorization", auth)],
            None,
        ),
    )
    .await
}

/// Uploads `bytes` whole as kiosk A; their SHA-256.
pub async fn upload(t: &TestApp, bytes: &[u8]) -> String {
    let sha = sha256(bytes);
    let auth = t.auth_a();
    let d = declare(t, &auth, &sha, bytes.len() as u64).await;
    assert!(d.status.is_success(), "{d:?}");
    let a = patch(t, &auth, &sha, 0, bytes).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    assert_eq!(a.body["complete"], true, "{a:?}");
    sha
}

pub async fn login(t: &TestApp) -> String {
    let a = send(
        t,
        request(
            "POST",
            "/v1/staff/sessions",
            &[],
            Some(&json!({"user": USER, "password": PASSWORD})),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    a.str("token")
}

/// Ends the console session of `token` (204).
pub async fn logout(t: &TestApp, token: &str) {
    let out = send(
        t,
        request(
            "DELETE",
            "/v1/staff/sessions",
            &[("x-staff-token", token)],
            None,
        ),
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{out:?}");
}

pub async fn unlock(t: &TestApp) -> String {
    let auth = t.auth_a();
    let a = send(
        t,
        request(
            "POST",
            "/v1/staff/unlock",
            &[("authorization", &auth)],
            Some(&json!({"user": USER, "pin": PIN})),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    a.str("token")
}

/// A VietQR intent of the kiosk `auth` for `body`, paid by a signed bank
/// notification; its id.
pub async fn paid_intent(t: &TestApp, auth: &str, body: &Value) -> String {
    let a = send(
        t,
        request(
            "POST",
            "/v1/payments",
            &[
                ("authorization", auth),
                ("idempotency-key", &uuid::Uuid::new_v4().to_string()),
            ],
            Some(body),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    let id = a.str("id");
    let hook = json!({
        "reference": a.str("reference"),
        "amount": a.u64("amount"),
        "transaction_id": uuid::Uuid::new_v4().to_string(),
        "paid_at": "2026-11-26T09:05:00+07:00",
    })
    .to_string()
    .into_bytes();
    let signature = motcua_server::sign_webhook(WEBHOOK_SECRET, &hook);
    let paid = send(
        t,
        raw(
            "POST",
            "/v1/bank/webhook",
            &[
                ("content-type", "application/json"),
                ("x-signature", &signature),
            ],
            hook,
        ),
    )
    .await;
    assert_eq!(paid.status, StatusCode::OK, "{paid:?}");
    id
}

/// Runs the futures concurrently on the test's runtime.
pub async fn futures_join<F>(futures: Vec<F>) -> Vec<Answer>
where
    F: std::future::Future<Output = Answer>,
{
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<Answer>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(a) => out[i] = Some(a),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

pub fn applicant() -> Value {
    json!({
        "full_name": NAME,
        "id_number": ID_NUMBER,
        "date_of_birth": "1989-03-15",
        "address": ADDRESS,
        "phone": PHONE,
    })
}

/// A birth registration (1.001193, free when on time) by `applicant()`,
/// with the declaration uploaded as `sha` and the birth certificate on
/// paper.
pub fn birth_registration(sha: &str) -> Value {
    json!({
        "procedure_code": "1.001193",
        "applicant": applicant(),
        "components": [
            {"component_id": "giay-chung-sinh", "on_paper": true},
            {"component_id": "to-khai", "uploads": [sha]},
        ],
    })
}
