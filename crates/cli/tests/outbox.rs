//! The kiosk's outbox (motcua-core, feature `outbox`) against the real
//! server in-process: delivered once, found by the back office under its
//! local reference, kept for a helper when refused, kept across a restart
//! while the server is down; and `motcua submit` and `motcua chaos` run as
//! processes.

use std::path::Path;
use std::process::Command;

use motcua_core::client::ApiClient;
use motcua_core::outbox::{Delivery, Outbox, OutgoingDossier};
use motcua_protocol::dossiers::{
    Applicant, DossierLookupRequest, DossierStatus, NewDossier, StatusUpdate, SubmittedComponent,
};
use motcua_server::{AppState, Config, NewStaff, Running, Secret};

const NAME: &str = "Trần Thị Bích Ngọc";
const ID_NUMBER: &str = "001190012345";
const STAFF: &str = "lan.nguyen";
const PASSWORD: &str = "mat-khau-dai-du";

struct Backend {
    _dir: tempfile::TempDir,
    running: Running,
    token: String,
}

async fn backend() -> Backend {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let state = AppState::open(&Config::new(dir.path().to_path_buf()))
        .await
        .unwrap_or_else(|e| panic!("open: {e}"));
    let now = time::OffsetDateTime::now_utc();
    let token = state
        .store
        .add_kiosk("quay-1", now)
        .await
        .unwrap_or_else(|e| panic!("kiosk: {e}"));
    state
        .store
        .add_staff(
            &NewStaff {
                user: STAFF.into(),
                display_name: None,
                password: Secret::new(PASSWORD),
                pin: Secret::new("246810"),
            },
            now,
        )
        .await
        .unwrap_or_else(|e| panic!("staff: {e}"));
    let running = motcua_server::serve_state(
        state,
        "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
    )
    .await
    .unwrap_or_else(|e| panic!("serve: {e}"));
    Backend {
        _dir: dir,
        running,
        token: token.expose().to_owned(),
    }
}

fn applicant() -> Applicant {
    Applicant {
        full_name: NAME.into(),
        id_number: ID_NUMBER.into(),
        date_of_birth: Some("1990-05-17".into()),
        address: "Số 12, đường Lê Lợi, Hà Đông, Hà Nội".into(),
        phone: None,
        email: None,
    }
}

/// A death registration (free): the declaration as a PDF, the death notice
/// on paper unless given.
fn dossier_with(components: Vec<SubmittedComponent>) -> NewDossier {
    NewDossier {
        procedure_code: "1.000656".into(),
        applicant: applicant(),
        account_id: None,
        copies: None,
        exemption: None,
        payment_id: None,
        components,
        local_reference: None,
    }
}

fn pdf(tag: &str, n: usize) -> Vec<u8> {
    let mut doc = format!("%PDF-1.4\n% {tag}\n").into_bytes();
    doc.extend((0..n).map(|i| (i * 31 % 251) as u8 ^ tag.len() as u8));
    doc.extend_from_slice(b"\n%%EOF\n");
    doc
}

fn complete_item(key: &str) -> OutgoingDossier {
    OutgoingDossier::new(
        key.into(),
        dossier_with(vec![SubmittedComponent {
            component_id: "giay-bao-tu".into(),
            uploads: vec![],
            on_paper: true,
        }]),
        // Larger than one chunk of the chaos client, smaller than one of
        // the default client.
        vec![("to-khai".into(), pdf("to-khai", 300_000))],
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

async fn open(dir: &Path) -> Outbox {
    Outbox::open(&dir.join("outbox.sqlite3"), &dir.join("outbox.key"))
        .await
        .unwrap_or_else(|e| panic!("outbox: {e}"))
}

#[tokio::test]
async fn a_dossier_goes_through_the_outbox_once_and_the_back_office_finds_it() {
    let b = backend().await;
    let client = ApiClient::new(&b.running.url(), &b.token).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let outbox = open(dir.path()).await;
    let local_ref = outbox
        .enqueue(complete_item("round-trip-1"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let got = outbox
        .deliver(&client, &local_ref)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let Delivery::Delivered(d) = got else {
        panic!("not delivered: {got:?}")
    };
    assert_eq!(d.local_reference.as_deref(), Some(local_ref.as_str()));
    assert_eq!(d.applicant.full_name, NAME);
    assert_eq!(d.status, DossierStatus::Received);
    assert!(outbox.pending().await.unwrap_or_default().is_empty());

    // Enqueued and delivered again (a kiosk that restarted mid-way): the
    // same dossier comes back, not a second one.
    let again = outbox
        .enqueue(complete_item("round-trip-1"))
        .await
        .unwrap_or_default();
    assert_eq!(again, local_ref);
    let got = outbox.deliver(&client, &again).await;
    assert!(
        matches!(&got, Ok(Delivery::Delivered(d2)) if d2.code == d.code),
        "{got:?}"
    );

    // The citizen's lookup, and the back office by local reference.
    let lookup = client
        .lookup_dossier(&DossierLookupRequest {
            code: d.code.clone(),
            secret: d.lookup_secret.clone(),
        })
        .await
        .unwrap_or_else(|e| panic!("lookup: {e}"));
    assert_eq!(lookup.status, DossierStatus::Received);
    let staff = client
        .login_staff(STAFF, PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    let list = client
        .dossiers_by_local_reference(&staff.token, &local_ref)
        .await
        .unwrap_or_else(|e| panic!("by reference: {e}"));
    assert_eq!(list.items.len(), 1, "exactly once");
    assert_eq!(list.items[0].code, d.code);
    let one = client
        .dossier(&staff.token, &d.code)
        .await
        .unwrap_or_else(|e| panic!("dossier: {e}"));
    assert_eq!(one.applicant.id_number, ID_NUMBER);
    assert_eq!(one.components.iter().map(|c| c.files).sum::<u32>(), 1);
    let moved = client
        .update_dossier_status(
            &staff.token,
            &d.code,
            &StatusUpdate {
                status: DossierStatus::Processing,
                note: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("status: {e}"));
    assert_eq!(moved.status, DossierStatus::Processing);

    // Delivered means gone: no row, no document.
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("outbox.sqlite3").display()
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    for table in ["outbox_dossiers", "outbox_documents"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&db)
            .await
            .unwrap_or(-1);
        assert_eq!(n, 0, "{table}");
    }
    b.running.shutdown().await;
}

#[tokio::test]
async fn a_refused_dossier_is_kept_for_a_helper_and_a_down_server_keeps_the_queue() {
    let b = backend().await;
    let url = b.running.url();
    let client = ApiClient::new(&url, &b.token).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let outbox = open(dir.path()).await;

    // The death notice is required and neither sent nor on paper.
    let incomplete = OutgoingDossier::new(
        "refused-1".into(),
        dossier_with(vec![]),
        vec![("to-khai".into(), pdf("refused", 2000))],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let refused = outbox.enqueue(incomplete).await.unwrap_or_default();
    let got = outbox.deliver(&client, &refused).await;
    assert!(matches!(&got, Ok(d) if d.needs_helper()), "{got:?}");
    assert_eq!(outbox.deliver_due(&client).await.unwrap_or(9), 0);
    let p = outbox.pending().await.unwrap_or_default();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].needs_helper.as_deref(), Some("dossier_incomplete"));
    assert_eq!(p[0].attempts, 1);

    // The server goes away: the next dossier waits, across a restart.
    b.running.shutdown().await;
    let waiting = outbox
        .enqueue(complete_item("later-1"))
        .await
        .unwrap_or_default();
    let got = outbox.deliver(&client, &waiting).await;
    assert!(
        matches!(&got, Ok(Delivery::Queued { reason }) if reason == "unreachable"),
        "{got:?}"
    );
    drop(outbox);
    let outbox = open(dir.path()).await;
    let p = outbox.pending().await.unwrap_or_default();
    assert_eq!(p.len(), 2, "{p:?}");
    let shown = format!("{p:?}");
    assert!(
        !shown.contains(NAME) && !shown.contains(ID_NUMBER),
        "{shown}"
    );
}

fn motcua(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env_remove("MOTCUA_BACKEND_URL")
        .env_remove("MOTCUA_BACKEND_TOKEN")
        .env_remove("MOTCUA_OUTBOX")
        .output()
        .unwrap_or_else(|e| panic!("cannot start motcua: {e}"))
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn motcua_submit_delivers_or_queues_and_a_rerun_is_the_same_dossier() {
    let b = backend().await;
    let url = b.running.url();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let applicant_file = dir.path().join("applicant.json");
    let _ = std::fs::write(
        &applicant_file,
        serde_json::to_vec(&applicant()).unwrap_or_default(),
    );
    let form = dir.path().join("to-khai.pdf");
    let doc = pdf("submit", 5000);
    let _ = std::fs::write(&form, &doc);
    let outbox = dir.path().join("outbox");
    let p = |s: &Path| s.display().to_string();
    let (applicant_arg, form_arg, outbox_arg) = (
        p(&applicant_file),
        format!("to-khai={}", p(&form)),
        p(&outbox),
    );
    let args = |backend: &str| -> Vec<String> {
        [
            "submit",
            "--backend",
            backend,
            "--token",
            &b.token,
            "--procedure",
            "1.000656",
            "--applicant",
            &applicant_arg,
            "--component",
            &form_arg,
            "--on-paper",
            "giay-bao-tu",
            "--outbox",
            &outbox_arg,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let run = |a: Vec<String>| motcua(&a.iter().map(String::as_str).collect::<Vec<_>>());

    let first = run(args(&url));
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = json(&first);
    assert_eq!(first["queued"], false);
    let code = first["code"].as_str().unwrap_or_default().to_owned();
    assert!(code.len() >= 11 && code.contains('-'), "{first}");
    let again = json(&run(args(&url)));
    assert_eq!(
        again["code"],
        code.as_str(),
        "the same command, the same dossier"
    );

    // A backend that is not there: queued, exit 2, the reason given.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| format!("http://{a}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut other = args(&closed);
    other.extend(["--copies".to_owned(), "2".to_owned()]);
    let queued = run(other);
    assert_eq!(queued.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&queued.stderr).into_owned();
    let queued = json(&queued);
    assert_eq!(queued["queued"], true);
    assert_eq!(queued["reason"], "unreachable");
    assert!(
        queued["local_reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("K-"))
    );
    assert!(
        !stderr.contains(NAME) && !stderr.contains(ID_NUMBER),
        "{stderr}"
    );

    // Nothing personal in the outbox's files, in clear.
    let mut bytes = Vec::new();
    for f in std::fs::read_dir(&outbox).into_iter().flatten().flatten() {
        if f.file_name()
            .to_string_lossy()
            .starts_with("outbox.sqlite3")
        {
            bytes.extend(std::fs::read(f.path()).unwrap_or_default());
        }
    }
    for needle in [NAME.as_bytes(), ID_NUMBER.as_bytes(), &doc[40..104]] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "in clear"
        );
    }

    // An applicant file that is not one: refused, its content not echoed.
    let _ = std::fs::write(&applicant_file, format!("{{\"full_name\": \"{NAME}\"}}"));
    let bad = run(args(&url));
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("not an applicant") && !stderr.contains(NAME),
        "{stderr}"
    );
    b.running.shutdown().await;
}

#[test]
fn motcua_chaos_delivers_everything_once_despite_faults_and_kills() {
    let out = motcua(&["chaos", "--dossiers", "6", "--seed", "7", "--kills", "2"]);
    let summary = json(&out);
    assert!(out.status.success(), "{summary}");
    assert_eq!(summary["ok"], true, "{summary}");
    assert_eq!(summary["dossiers"], 6);
    assert_eq!(summary["kills"], 2);
    assert!(
        summary["documents"].as_u64().is_some_and(|d| d >= 6),
        "{summary}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_senders_of_one_document_both_finish_it_through_offset_mismatches() {
    let b = backend().await;
    let options = motcua_core::client::ClientOptions {
        upload_chunk_bytes: 16 * 1024,
        ..Default::default()
    };
    let client = ApiClient::with_options(&b.running.url(), &b.token, &options)
        .unwrap_or_else(|e| panic!("{e}"));
    let doc = pdf("shared", 400_000);
    let (one, two) = tokio::join!(client.upload(&doc), client.upload(&doc));
    for got in [one, two] {
        let state = got.unwrap_or_else(|e| panic!("upload: {e}"));
        assert!(state.complete, "{state:?}");
        assert_eq!(state.received, doc.len() as u64);
        assert_eq!(state.media_type.as_deref(), Some("application/pdf"));
    }
    // Sent again: nothing to send, already complete.
    let again = client.upload(&doc).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(again.complete);
    b.running.shutdown().await;
}
