//! The outbox against its file and a scripted fake backend. The round trip
//! against the real server lives in the CLI crate's tests (the server
//! depends on this crate).

use std::sync::{Arc, Mutex};

use motcua_protocol::dossiers::{Applicant, NewDossier, SubmittedComponent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;

const NAME: &str = "Nguyễn Thị Minh Khai";
const ID_NUMBER: &str = "001089012345";

fn dossier() -> NewDossier {
    NewDossier {
        procedure_code: "1.001193".into(),
        applicant: Applicant {
            full_name: NAME.into(),
            id_number: ID_NUMBER.into(),
            date_of_birth: Some("1990-01-01".into()),
            address: "Số 1, đường Trần Phú, Hà Đông, Hà Nội".into(),
            phone: Some("0912345678".into()),
            email: None,
        },
        account_id: None,
        copies: None,
        exemption: None,
        payment_id: None,
        components: vec![SubmittedComponent {
            component_id: "to-khai".into(),
            uploads: vec![],
            on_paper: false,
        }],
        local_reference: None,
    }
}

/// A PDF-looking document with `n` pseudo-random bytes.
fn document(seed: u8, n: usize) -> Vec<u8> {
    let mut doc = b"%PDF-1.4\n".to_vec();
    let mut x = u32::from(seed) | 0x9e37_0000;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        doc.push((x >> 24) as u8);
    }
    doc.extend_from_slice(b"\n%%EOF\n");
    doc
}

fn item(key: &str, seed: u8) -> OutgoingDossier {
    OutgoingDossier::new(
        key.into(),
        dossier(),
        vec![
            ("to-khai".into(), document(seed, 3000)),
            ("cccd".into(), document(seed.wrapping_add(1), 2000)),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn paths(dir: &tempfile::TempDir) -> (std::path::PathBuf, std::path::PathBuf) {
    (
        dir.path().join("outbox.sqlite3"),
        dir.path().join("outbox.key"),
    )
}

async fn open(dir: &tempfile::TempDir) -> Outbox {
    let (db, key) = paths(dir);
    Outbox::open_with(
        &db,
        &key,
        OutboxOptions {
            backoff_base: Duration::from_millis(20),
            backoff_cap: Duration::from_millis(200),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("open: {e}"))
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn new_fills_uploads_and_refuses_what_cannot_be_sent() {
    let it = item("key-1", 1);
    assert_eq!(it.dossier.components.len(), 2, "cccd was added");
    assert_eq!(
        it.dossier.components[0].uploads,
        vec![sha256_hex(&document(1, 3000))]
    );
    assert_eq!(it.documents.len(), 2);
    let shown = format!("{it:?}");
    assert!(
        !shown.contains(NAME) && !shown.contains(ID_NUMBER),
        "{shown}"
    );

    let bad_key = OutgoingDossier::new("a b".into(), dossier(), vec![]);
    assert!(matches!(bad_key, Err(OutboxError::BadIdempotencyKey)));
    let empty = OutgoingDossier::new("k".into(), dossier(), vec![("x".into(), vec![])]);
    assert!(matches!(empty, Err(OutboxError::BadDocument)));
    let mut prefilled = dossier();
    prefilled.components[0].uploads.push("0".repeat(64));
    let prefilled = OutgoingDossier::new("k".into(), prefilled, vec![]);
    assert!(matches!(prefilled, Err(OutboxError::DocumentsMismatch)));
}

#[tokio::test]
async fn nothing_personal_is_in_clear_on_disk() {
    let dir = tempdir();
    let outbox = open(&dir).await;
    let it = item("key-clear", 7);
    let doc = it.documents[0].clone();
    let local_ref = outbox.enqueue(it).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        local_ref.starts_with("K-") && local_ref.len() == 8,
        "{local_ref}"
    );
    let (db, _) = paths(&dir);
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        bytes.extend(std::fs::read(&p).unwrap_or_default());
    }
    assert!(bytes.len() > doc.len(), "the file holds the sealed rows");
    for needle in [
        NAME.as_bytes(),
        ID_NUMBER.as_bytes(),
        "Trần Phú".as_bytes(),
        b"0912345678",
        &doc[100..164],
        &doc[2000..2064],
    ] {
        assert!(!contains(&bytes, needle), "found {needle:?} in clear");
    }
    // And the bookkeeping shown to a helper holds nothing of it either.
    let pending = outbox.pending().await.unwrap_or_else(|e| panic!("{e}"));
    let shown = serde_json::to_string(&pending).unwrap_or_default();
    assert!(
        !shown.contains(NAME) && !shown.contains(ID_NUMBER),
        "{shown}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let (db, key) = paths(&dir);
        for p in [db, key] {
            let mode = std::fs::metadata(&p)
                .map(|m| m.permissions().mode())
                .unwrap_or(0);
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", p.display());
        }
    }
}

#[tokio::test]
async fn the_queue_survives_a_restart_and_a_key_is_stored_once() {
    let dir = tempdir();
    let outbox = open(&dir).await;
    let a = outbox.enqueue(item("key-a", 1)).await.unwrap_or_default();
    let again = outbox.enqueue(item("key-a", 1)).await.unwrap_or_default();
    assert_eq!(a, again, "same key, same reference");
    let b = outbox.enqueue(item("key-b", 2)).await.unwrap_or_default();
    assert_ne!(a, b);
    let reused = outbox.enqueue(item("key-a", 9)).await;
    assert!(
        matches!(&reused, Err(OutboxError::IdempotencyKeyReused(r)) if *r == a),
        "{reused:?}"
    );
    drop(outbox);

    let outbox = open(&dir).await;
    let pending = outbox.pending().await.unwrap_or_else(|e| panic!("{e}"));
    let refs: Vec<&str> = pending.iter().map(|p| p.local_ref.as_str()).collect();
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert!(refs.contains(&a.as_str()) && refs.contains(&b.as_str()));
    assert!(
        pending
            .iter()
            .all(|p| p.attempts == 0 && p.needs_helper.is_none())
    );
    let again = outbox.enqueue(item("key-a", 1)).await.unwrap_or_default();
    assert_eq!(a, again, "same key after a restart, same reference");
    let (dossier, documents) = {
        let Ok(Some((_, dossier, documents, _))) = outbox.load(&a).await else {
            panic!("row does not load")
        };
        (dossier, documents)
    };
    assert_eq!(dossier.applicant.full_name, NAME);
    assert_eq!(dossier.local_reference.as_deref(), Some(a.as_str()));
    assert_eq!(documents, item("key-a", 1).documents);
}

#[tokio::test]
async fn a_wrong_or_missing_key_is_refused() {
    let dir = tempdir();
    let (db, key) = paths(&dir);
    let outbox = open(&dir).await;
    outbox.enqueue(item("key-w", 3)).await.unwrap_or_default();
    drop(outbox);

    let other = dir.path().join("other.key");
    let wrong = Outbox::open(&db, &other).await;
    // A fresh key file is made only for a new outbox: here it is refused.
    assert!(
        matches!(wrong, Err(OutboxError::KeyMissing(_))),
        "{wrong:?}"
    );
    assert!(!other.exists(), "no key is made for an outbox with rows");

    write_key(&other, &[7u8; 32], 0o600);
    let wrong = Outbox::open(&db, &other).await;
    assert!(matches!(wrong, Err(OutboxError::WrongKey)), "{wrong:?}");

    write_key(&other, &[7u8; 31], 0o600);
    let short = Outbox::open(&db, &other).await;
    assert!(
        matches!(short, Err(OutboxError::KeyFile { .. })),
        "{short:?}"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644));
        let open_to_all = Outbox::open(&db, &key).await;
        assert!(
            matches!(open_to_all, Err(OutboxError::KeyFile { .. })),
            "{open_to_all:?}"
        );
        let _ = std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600));
    }
    let right = Outbox::open(&db, &key).await;
    assert!(right.is_ok(), "{right:?}");
}

fn write_key(path: &Path, bytes: &[u8], mode: u32) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::write(path, bytes);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
}

/// How the fake backend answers `POST /v1/dossiers`.
#[derive(Clone, Copy)]
enum Answer {
    Unavailable,
    Refuse,
    Accept,
}

#[derive(Default)]
struct Seen {
    uploads: Vec<String>,
    dossiers: Vec<(String, NewDossier)>,
}

/// A scripted backend: uploads are complete once declared and the chunks
/// sent; dossiers are answered as `answer` says.
async fn fake_backend(answer: Arc<Mutex<Answer>>, seen: Arc<Mutex<Seen>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let answer = answer.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let Some((head, body)) = read_request(&mut s).await else {
                    return;
                };
                let line = head.lines().next().unwrap_or_default().to_owned();
                let header = |name: &str| {
                    head.lines().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                    })
                };
                let (status, json) = if line.starts_with("POST /v1/uploads ") {
                    let up: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                    seen.lock()
                        .map(|mut s| s.uploads.push(up["sha256"].to_string()))
                        .ok();
                    (
                        200,
                        serde_json::json!({"sha256": up["sha256"], "size": up["size"],
                            "received": up["size"], "complete": true,
                            "media_type": "application/pdf"}),
                    )
                } else if line.starts_with("POST /v1/dossiers ") {
                    let d: Option<NewDossier> = serde_json::from_slice(&body).ok();
                    let key = header("idempotency-key").unwrap_or_default();
                    let a = answer.lock().map(|a| *a).unwrap_or(Answer::Unavailable);
                    match (a, d) {
                        (Answer::Unavailable, _) => (503, serde_json::json!({})),
                        (Answer::Refuse, _) => {
                            let p = motcua_protocol::Problem::new(
                                ProblemCode::DossierIncomplete,
                                "component giay-to missing",
                            );
                            (422, serde_json::to_value(p).unwrap_or_default())
                        }
                        (Answer::Accept, Some(d)) => {
                            let answer = dossier_answer(&d);
                            seen.lock().map(|mut s| s.dossiers.push((key, d))).ok();
                            (201, answer)
                        }
                        (Answer::Accept, None) => (400, serde_json::json!({})),
                    }
                } else {
                    (404, serde_json::json!({}))
                };
                let body = json.to_string();
                let resp = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

async fn read_request(s: &mut tokio::net::TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            let mut body = buf[end + 4..].to_vec();
            while body.len() < len {
                let n = s.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                body.extend_from_slice(&chunk[..n]);
            }
            return Some((head, body));
        }
    }
}

fn dossier_answer(d: &NewDossier) -> serde_json::Value {
    serde_json::json!({
        "code": "261126-0001", "lookup_secret": "042917",
        "procedure_code": d.procedure_code, "procedure_name": "Thủ tục",
        "agency": "UBND xã", "applicant": d.applicant, "copies": 1,
        "components": [], "processing_time": "3 ngày làm việc",
        "received_at": "2026-11-26T03:00:00Z", "due_at": "2026-12-01T10:00:00Z",
        "due_date": "2026-12-01", "result_place": "Bộ phận một cửa",
        "status": "received", "history": [],
        "local_reference": d.local_reference,
    })
}

async fn row_counts(outbox: &Outbox) -> (i64, i64) {
    let d: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_dossiers")
        .fetch_one(&outbox.inner.pool)
        .await
        .unwrap_or(-1);
    let docs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_documents")
        .fetch_one(&outbox.inner.pool)
        .await
        .unwrap_or(-1);
    (d, docs)
}

#[tokio::test]
async fn failures_are_retried_refusals_kept_for_a_helper_and_an_ack_deletes() {
    let answer = Arc::new(Mutex::new(Answer::Unavailable));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let base = fake_backend(answer.clone(), seen.clone()).await;
    let client = ApiClient::new(&base, "kiosk-token").unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir();
    let outbox = open(&dir).await;
    let a = outbox.enqueue(item("key-a", 1)).await.unwrap_or_default();

    // 503: queued, retried later.
    let got = outbox
        .deliver(&client, &a)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        got,
        Delivery::Queued {
            reason: "http_503".into()
        }
    );
    assert!(!got.needs_helper());
    let p = outbox.pending().await.unwrap_or_default();
    assert_eq!(
        (p[0].attempts, p[0].last_error.as_deref()),
        (1, Some("http_503"))
    );
    assert_eq!(p[0].needs_helper, None);

    // A permanent refusal: kept, marked, and the worker's round skips it.
    *answer
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Answer::Refuse;
    let got = outbox
        .deliver(&client, &a)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(got.needs_helper(), "{got:?}");
    assert_eq!(
        got,
        Delivery::Queued {
            reason: "needs_helper:dossier_incomplete".into()
        }
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(outbox.deliver_due(&client).await.unwrap_or(99), 0);
    let p = outbox.pending().await.unwrap_or_default();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].needs_helper.as_deref(), Some("dossier_incomplete"));
    assert_eq!(p[0].attempts, 2, "not retried in a loop");
    assert_eq!(row_counts(&outbox).await, (1, 2), "never deleted silently");
    drop(outbox);
    let outbox = open(&dir).await;
    let p = outbox.pending().await.unwrap_or_default();
    assert_eq!(
        p[0].needs_helper.as_deref(),
        Some("dossier_incomplete"),
        "after a restart too"
    );

    // A helper fixes it and retries: delivered, and nothing is left.
    *answer
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Answer::Accept;
    let got = outbox
        .deliver(&client, &a)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let Delivery::Delivered(d) = got else {
        panic!("not delivered: {got:?}")
    };
    assert_eq!(d.local_reference.as_deref(), Some(a.as_str()));
    assert_eq!(row_counts(&outbox).await, (0, 0));
    assert!(outbox.pending().await.unwrap_or_default().is_empty());
    let again = outbox.deliver(&client, &a).await;
    assert!(matches!(again, Err(OutboxError::NotFound(_))), "{again:?}");
    // Enqueued again after delivery (a kiosk restarted mid-way): the same
    // reference, so the backend sees the same request.
    let twice = outbox.enqueue(item("key-a", 1)).await.unwrap_or_default();
    assert_eq!(twice, a);
    assert!(outbox.discard(&a).await.unwrap_or(false));
    let seen = seen
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    assert_eq!(seen.dossiers.len(), 1);
    assert_eq!(seen.dossiers[0].0, "key-a");
    assert_eq!(
        seen.dossiers[0].1.local_reference.as_deref(),
        Some(a.as_str())
    );
    assert_eq!(seen.uploads.len(), 6, "two documents, three attempts");
}

#[tokio::test]
async fn an_attempt_planned_before_the_clock_was_set_back_is_due_now() {
    let answer = Arc::new(Mutex::new(Answer::Accept));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let base = fake_backend(answer, seen).await;
    let client = ApiClient::new(&base, "kiosk-token").unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir();
    let (db, key) = paths(&dir);
    let outbox = Outbox::open_with(
        &db,
        &key,
        OutboxOptions {
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(3600),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let near = outbox
        .enqueue(item("key-near", 1))
        .await
        .unwrap_or_default();
    let far = outbox.enqueue(item("key-far", 2)).await.unwrap_or_default();
    // `near` waits half an hour (within the backoff cap): not due yet.
    // `far` waits a day, which no backoff plans: the clock was a day ahead
    // when it was planned, so it is due now.
    let cap = i64::try_from(outbox.inner.options.backoff_cap.as_millis()).unwrap_or(i64::MAX);
    for (local_ref, wait) in [(&near, cap / 2), (&far, 24 * 3600 * 1000)] {
        sqlx::query("UPDATE outbox_dossiers SET next_attempt_ms = ? WHERE local_ref = ?")
            .bind(now_ms() + wait)
            .bind(local_ref)
            .execute(&outbox.inner.pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(outbox.deliver_due(&client).await.unwrap_or(99), 1);
    let left: Vec<String> = outbox
        .pending()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.local_ref)
        .collect();
    assert_eq!(left, vec![near]);
}

#[tokio::test]
async fn the_worker_delivers_on_enqueue_and_stops_promptly() {
    let answer = Arc::new(Mutex::new(Answer::Unavailable));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let base = fake_backend(answer.clone(), seen.clone()).await;
    let client = ApiClient::new(&base, "kiosk-token").unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir();
    let outbox = open(&dir).await;
    let worker = outbox.spawn_worker(client);
    outbox.enqueue(item("key-1", 1)).await.unwrap_or_default();
    outbox.enqueue(item("key-2", 2)).await.unwrap_or_default();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(worker.stats().failed_attempts >= 2, "{:?}", worker.stats());
    *answer
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Answer::Accept;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    // The counter moves when the round ends, just after the rows go.
    while !outbox.pending().await.unwrap_or_default().is_empty() || worker.stats().delivered < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            worker.stats()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(worker.stats().delivered, 2);
    let started = std::time::Instant::now();
    worker.stop().await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(row_counts(&outbox).await, (0, 0));
}
