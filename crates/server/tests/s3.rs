//! Documents in a real S3-API server: moto's server (PyPI `moto[server]`,
//! installed by scripts/setup.sh), started here on a free port with its
//! IAM checks on, so every request must carry a valid Signature V4 of a
//! key moto issued. Two server instances share one database and one
//! bucket: a kiosk uploads (declare, chunks) and submits a dossier through
//! the first; a clerk reads the document back through the second.
//!
//! `MOTCUA_TEST_MOTO_SERVER` names moto's `moto_server` program
//! (scripts/test.sh sets it). Unset, these tests say loudly that they were
//! skipped; set to something that does not start, they fail.

#[path = "support/app.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use http_body_util::BodyExt;
use motcua_server::{AppState, Config, ManualClock, ObjectStore, ObjectsConfig, S3Config, S3Store};
use serde_json::json;
use support::*;
use tower::ServiceExt;

const ENV_MOTO: &str = "MOTCUA_TEST_MOTO_SERVER";
const REGION: &str = "ap-southeast-1";
const BUCKET: &str = "ho-so-tinh";
const PREFIX: &str = "motcua/objects";

/// moto's server, killed when dropped.
struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts moto on a free port, IAM enforced after the first 3 requests
/// (those that create our user, its key and its policy); `None` when the
/// environment does not name it.
fn start_moto() -> Option<Moto> {
    let Some(program) = std::env::var_os(ENV_MOTO) else {
        // Written to the stream itself, not through eprintln!, so that the
        // test harness does not swallow it for a passing test.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\n!!!!!!!! SKIPPED: {ENV_MOTO} is not set, so the S3 object store was NOT tested \
             against a real S3-API server. scripts/test.sh sets it after scripts/setup.sh \
             installs moto[server]. !!!!!!!!"
        );
        return None;
    };
    let mut child = Command::new(&program)
        .args(["-H", "127.0.0.1", "-p", "0"])
        .env("INITIAL_NO_AUTH_ACTION_COUNT", "3")
        .env("MOTO_ALLOW_NONEXISTENT_REGION", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{ENV_MOTO}={program:?} does not start: {e}"));
    let stderr = child
        .stderr
        .take()
        .unwrap_or_else(|| panic!("moto's stderr"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !sent && let Some(at) = line.find("Running on http://") {
                let url = line[at + "Running on ".len()..].trim().to_owned();
                let _ = tx.send(url);
                sent = true;
            }
        }
    });
    let mut moto = Moto {
        child,
        url: String::new(),
    };
    moto.url = rx
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("moto did not say where it listens: {e}"));
    Some(moto)
}

/// An IAM query-API call (form POST) signed with a throw-away key: moto
/// routes it by the signature's service and, within the first 3 requests,
/// does not check it. The answer's XML.
async fn iam(moto: &Moto, params: &[(&str, &str)]) -> String {
    let body = params
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let url = reqwest::Url::parse(&moto.url).unwrap_or_else(|e| panic!("{e}"));
    let host = format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port().unwrap_or(80)
    );
    let payload = sha256(body.as_bytes());
    let date = "20261126T020000Z";
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("host", host.as_str()),
        ("x-amz-content-sha256", payload.as_str()),
        ("x-amz-date", date),
    ];
    let auth = motcua_server::sigv4::authorization(&motcua_server::sigv4::Request {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        payload_sha256: &payload,
        amz_date: date,
        region: "us-east-1",
        service: "iam",
        access_key: "AKIDSETUP",
        secret_key: "setup",
    });
    let resp = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-amz-content-sha256", &payload)
        .header("x-amz-date", date)
        .header("authorization", auth)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("IAM call: {e}"));
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    assert!(status.is_success(), "IAM {params:?}: {status} {text}");
    text
}

fn form_encode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn xml_field(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    xml.split_once(&open)
        .and_then(|(_, rest)| rest.split_once(&close))
        .map(|(v, _)| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no {name} in {xml}"))
}

/// A user allowed everything on S3, and its access key and secret.
async fn s3_user(moto: &Moto) -> (String, String) {
    iam(
        moto,
        &[
            ("Action", "CreateUser"),
            ("UserName", "motcua-server"),
            ("Version", "2010-05-08"),
        ],
    )
    .await;
    let key = iam(
        moto,
        &[
            ("Action", "CreateAccessKey"),
            ("UserName", "motcua-server"),
            ("Version", "2010-05-08"),
        ],
    )
    .await;
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    })
    .to_string();
    iam(
        moto,
        &[
            ("Action", "PutUserPolicy"),
            ("UserName", "motcua-server"),
            ("PolicyName", "documents"),
            ("PolicyDocument", &policy),
            ("Version", "2010-05-08"),
        ],
    )
    .await;
    (
        xml_field(&key, "AccessKeyId"),
        xml_field(&key, "SecretAccessKey"),
    )
}

fn s3_config(moto: &Moto, access: &str, secret: &str) -> S3Config {
    S3Config::parse(
        &format!("s3://{BUCKET}/{PREFIX}"),
        &moto.url,
        REGION,
        |name| match name {
            motcua_server::ENV_S3_ACCESS_KEY => Some(access.to_owned()),
            motcua_server::ENV_S3_SECRET_KEY => Some(secret.to_owned()),
            _ => None,
        },
    )
    .unwrap_or_else(|e| panic!("s3 config: {e}"))
}

async fn open_with(dir: &DataDir, s3: &S3Config) -> AppState {
    let config = Config {
        objects: ObjectsConfig::S3(Box::new(s3.clone())),
        ..dir.config()
    };
    AppState::open(&config)
        .await
        .unwrap_or_else(|e| panic!("open with S3: {e}"))
}

/// The raw answer of `state`'s router.
async fn bytes_of(
    state: &AppState,
    req: axum::http::Request<axum::body::Body>,
) -> (StatusCode, String, Bytes) {
    let resp = motcua_server::router(state.clone())
        .oneshot(req)
        .await
        .unwrap_or_else(|e| match e {});
    let status = resp.status();
    let media = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    (status, media, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_database_and_one_bucket() {
    let Some(moto) = start_moto() else { return };
    let (access, secret) = s3_user(&moto).await;
    let s3 = s3_config(&moto, &access, &secret);
    let bucket = S3Store::new(s3.clone()).unwrap_or_else(|e| panic!("{e}"));
    bucket
        .create_bucket()
        .await
        .unwrap_or_else(|e| panic!("create bucket: {e}"));

    // A wrong secret is refused by the store, so signatures are checked.
    let forged =
        S3Store::new(s3_config(&moto, &access, "not-the-secret")).unwrap_or_else(|e| panic!("{e}"));
    let probe = sha256(b"probe");
    let refused = forged.put(&probe, Bytes::from_static(b"probe")).await;
    assert!(refused.is_err(), "a forged signature was accepted");
    assert!(
        !bucket.exists(&probe).await.unwrap_or(true),
        "nothing stored by the forged request"
    );

    // Instance A: kiosks upload and submit through it.
    let dir = DataDir::new().await;
    let start = time::macros::datetime!(2026-11-26 02:00 UTC);
    let mut state_a = open_with(&dir, &s3).await;
    let clock = Arc::new(ManualClock::new(start));
    state_a.clock = clock.clone();
    let kiosk_a = kiosk_token(&state_a, "quay-a", start).await;
    let kiosk_b = kiosk_token(&state_a, "quay-b", start).await;
    state_a
        .store
        .add_staff(&lan(), start)
        .await
        .unwrap_or_else(|e| panic!("add staff: {e}"));
    let t = TestApp {
        dir,
        state: state_a,
        clock,
        kiosk_a,
        kiosk_b,
    };
    let auth = t.auth_a();
    let mut doc = pdf("tờ khai trong S3");
    doc.extend(std::iter::repeat_n(b'z', 50_000));
    let sha = sha256(&doc);
    let d = declare(&t, &auth, &sha, doc.len() as u64).await;
    assert_eq!(d.status, StatusCode::CREATED, "{d:?}");
    let half = doc.len() / 2;
    let first = patch(&t, &auth, &sha, 0, &doc[..half]).await;
    assert_eq!(first.body["complete"], false, "{first:?}");
    assert!(
        !bucket.exists(&sha).await.unwrap_or(true),
        "a partial upload is not in the bucket"
    );
    let last = patch(&t, &auth, &sha, half as u64, &doc[half..]).await;
    assert_eq!(last.status, StatusCode::OK, "{last:?}");
    assert_eq!(last.body["complete"], true, "{last:?}");
    assert_eq!(
        bucket.get(&sha).await.ok().flatten().as_deref(),
        Some(&doc[..]),
        "the bucket holds the document"
    );
    assert!(
        !t.dir.path().join(motcua_server::OBJECTS_DIR).exists(),
        "nothing in the data folder's object folder"
    );
    let dossier = send(
        &t,
        request(
            "POST",
            "/v1/dossiers",
            &[
                ("authorization", &auth),
                ("idempotency-key", "s3-dossier-1"),
            ],
            Some(&birth_registration(&sha)),
        ),
    )
    .await;
    assert_eq!(dossier.status, StatusCode::CREATED, "{dossier:?}");
    let code = dossier.str("code");

    // Instance B: another server over the same database and bucket, its
    // own connections and its own S3 client.
    let state_b = open_with(&t.dir, &s3).await;
    let session = send_to(
        &state_b,
        request(
            "POST",
            "/v1/staff/sessions",
            &[],
            Some(&json!({"user": USER, "password": PASSWORD})),
        ),
    )
    .await;
    assert_eq!(session.status, StatusCode::CREATED, "{session:?}");
    let token = session.str("token");
    let (status, media, body) = bytes_of(
        &state_b,
        request(
            "GET",
            &format!("/v1/dossiers/{code}/documents/{sha}"),
            &[("x-staff-token", &token)],
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(media, "application/pdf");
    assert_eq!(&body[..], &doc[..], "instance B serves the document");

    // A kiosk token cannot read documents, and a document of no dossier is
    // not served.
    let (status, _, _) = bytes_of(
        &state_b,
        request(
            "GET",
            &format!("/v1/dossiers/{code}/documents/{sha}"),
            &[("authorization", &auth)],
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = bytes_of(
        &state_b,
        request(
            "GET",
            &format!("/v1/dossiers/{code}/documents/{probe}"),
            &[("x-staff-token", &token)],
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_store_gets_heads_and_misses_in_a_real_bucket() {
    let Some(moto) = start_moto() else { return };
    let (access, secret) = s3_user(&moto).await;
    let store = S3Store::new(s3_config(&moto, &access, &secret)).unwrap_or_else(|e| panic!("{e}"));
    store
        .create_bucket()
        .await
        .unwrap_or_else(|e| panic!("create bucket: {e}"));
    store.check().await.unwrap_or_else(|e| panic!("check: {e}"));
    let bytes = pdf("một trang");
    let sha = sha256(&bytes);
    assert!(matches!(store.get(&sha).await, Ok(None)), "404 is None");
    assert!(!store.exists(&sha).await.unwrap_or(true));
    store
        .put(&sha, Bytes::from(bytes.clone()))
        .await
        .unwrap_or_else(|e| panic!("put: {e}"));
    store
        .put(&sha, Bytes::from(bytes.clone()))
        .await
        .unwrap_or_else(|e| panic!("put again (idempotent): {e}"));
    assert!(store.exists(&sha).await.unwrap_or(false));
    assert_eq!(
        store.get(&sha).await.ok().flatten().as_deref(),
        Some(&bytes[..])
    );
    assert!(
        store.put("../etc", Bytes::new()).await.is_err(),
        "bad names refused"
    );

    // A server that starts against a bucket that is not there says so.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut missing = s3_config(&moto, &access, &secret);
    missing.bucket = "khong-co".to_owned();
    let config = Config {
        objects: ObjectsConfig::S3(Box::new(missing)),
        ..Config::new(dir.path().to_path_buf())
    };
    let err = AppState::open(&config).await.err().map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("object store") && e.contains("404")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_store_is_retried_then_reported() {
    // Not moto: a port nobody listens on (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let config = S3Config::parse(
        "s3://bucket",
        &format!("http://127.0.0.1:{port}"),
        REGION,
        |_| Some("x".to_owned()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let store = S3Store::new(config).unwrap_or_else(|e| panic!("{e}"));
    let err = store
        .exists(&sha256(b"x"))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("S3 HEAD"), "{err}");
}

/// A stand-in that answers `503` to the first `failures` requests, then
/// `200`; how many requests it saw.
async fn flaky(failures: usize) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "http://{}",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(k) => head.extend_from_slice(&buf[..k]),
                }
            }
            let status = if n < failures {
                "503 Slow Down"
            } else {
                "200 OK"
            };
            let answer =
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = conn.write_all(answer.as_bytes()).await;
            let _ = conn.shutdown().await;
        }
    });
    (url, seen)
}

#[tokio::test]
async fn server_errors_are_retried_up_to_three_attempts() {
    use std::sync::atomic::Ordering;
    let store_at = |url: &str| {
        let config = S3Config::parse("s3://bucket", url, REGION, |_| Some("x".to_owned()))
            .unwrap_or_else(|e| panic!("{e}"));
        S3Store::new(config).unwrap_or_else(|e| panic!("{e}"))
    };
    let (url, seen) = flaky(2).await;
    let found = store_at(&url).exists(&sha256(b"x")).await;
    assert!(matches!(found, Ok(true)), "{found:?}");
    assert_eq!(seen.load(Ordering::SeqCst), 3, "two 503s, then the answer");

    let (url, seen) = flaky(usize::MAX).await;
    let err = store_at(&url).exists(&sha256(b"x")).await;
    assert!(
        err.as_ref().is_err_and(|e| e.to_string().contains("503")),
        "{err:?}"
    );
    assert_eq!(
        seen.load(Ordering::SeqCst),
        motcua_server::S3_ATTEMPTS as usize,
        "no more than the attempts"
    );
}
