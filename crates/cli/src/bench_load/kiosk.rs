//! One simulated kiosk: submits 3-page dossiers one after another through
//! core's [`ApiClient`] (each page declared and sent as an upload, then
//! the dossier under its `Idempotency-Key`), and retries a dossier with
//! the same key, by the outbox's rule of what is worth retrying, until
//! the backend acknowledges it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use motcua_core::client::{ApiClient, ClientError, ClientOptions, sha256_hex};
use motcua_core::outbox::is_transient;
use motcua_protocol::ProblemCode;
use motcua_protocol::dossiers::{MAX_CHUNK_BYTES, NewDossier, NewUpload, SubmittedComponent};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tokio::sync::watch;

use crate::chaos::plan;

/// The procedure every simulated dossier is for (birth registration, free)
/// and where its three pages go.
const PROCEDURE: &str = "1.001193";
const PAGES: [&str; 3] = ["to-khai", "giay-chung-sinh", "giay-chung-sinh"];

/// The kinds of request timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Req {
    /// `POST /v1/uploads`: a page declared by hash and size.
    Declare,
    /// `PATCH /v1/uploads/{sha256}`: the page's bytes in one chunk.
    Chunk,
    /// A resumed upload (`ApiClient::upload`: state, remaining chunks),
    /// after a crash, a lost answer or a refused offset.
    Resume,
    /// `POST /v1/dossiers` with the `Idempotency-Key`.
    Create,
}

pub const REQS: [Req; 4] = [Req::Declare, Req::Chunk, Req::Resume, Req::Create];

impl Req {
    pub fn label(self) -> &'static str {
        match self {
            Req::Declare => "POST /v1/uploads",
            Req::Chunk => "PATCH /v1/uploads/{sha}",
            Req::Resume => "upload resumed (client)",
            Req::Create => "POST /v1/dossiers",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One timed request: when it ended (ms since the run's start) and how
/// long it took (µs).
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub at_ms: u64,
    pub us: u64,
}

/// An acknowledged dossier.
#[derive(Debug, Clone)]
pub struct Acked {
    pub key: String,
    pub code: String,
    /// Ms since the run's start, when it was first tried and acknowledged.
    pub started_ms: u64,
    pub acked_ms: u64,
    pub attempts: u32,
    pub bytes: u64,
    /// What was sent, to send it again with the same key at the check.
    pub dossier: NewDossier,
}

/// What a kiosk did.
#[derive(Debug, Default)]
pub struct KioskLog {
    /// Which kiosk (its token is the run's `index`-th).
    pub index: usize,
    pub acked: Vec<Acked>,
    /// Successful requests of each kind ([`REQS`] order).
    pub samples: [Vec<Sample>; 4],
    /// Failed requests of each kind, with when they failed.
    pub errors: [Vec<u64>; 4],
    /// Dossiers given up (still failing at the deadline) or refused for
    /// good: key and reason.
    pub failed: Vec<(String, String)>,
}

impl KioskLog {
    fn record<T>(&mut self, req: Req, start: Instant, epoch: Instant, r: &Result<T, ClientError>) {
        let at_ms = epoch.elapsed().as_millis() as u64;
        match r {
            Ok(_) => self.samples[req.index()].push(Sample {
                at_ms,
                us: start.elapsed().as_micros() as u64,
            }),
            Err(_) => self.errors[req.index()].push(at_ms),
        }
    }
}

/// What all kiosks share with the conductor.
pub struct Shared {
    /// The server's current URL (it changes if a restart gets another port).
    pub url: watch::Receiver<String>,
    /// Set: start no new dossier (the current one is still finished).
    pub stop: AtomicBool,
    /// Dossiers acknowledged so far, by all kiosks.
    pub acked: AtomicUsize,
    /// Kiosks working on a dossier right now.
    pub busy: AtomicUsize,
    /// The run's start, from which every time is measured.
    pub epoch: Instant,
    /// After this, a failing dossier is given up.
    pub deadline: Instant,
    /// Prefix of the run's idempotency keys.
    pub run: String,
    pub seed: u64,
    pub page_bytes: usize,
}

/// The kiosk `index` with its token, until [`Shared::stop`].
pub async fn run(index: usize, token: String, shared: Arc<Shared>) -> KioskLog {
    let mut log = KioskLog {
        index,
        ..KioskLog::default()
    };
    let mut url = shared.url.clone();
    let options = ClientOptions {
        timeout: Duration::from_secs(30),
        ..ClientOptions::default()
    };
    let mut client: Option<ApiClient> = None;
    let mut rng =
        StdRng::seed_from_u64(shared.seed ^ (index as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407));
    let mut seq = 0usize;
    while !shared.stop.load(Ordering::SeqCst) {
        let key = format!("{}-k{index:03}-{seq:05}", shared.run);
        seq += 1;
        let (dossier, pages) = make_dossier(&mut rng, &key, shared.page_bytes);
        let bytes = pages.iter().map(|(_, p)| p.len() as u64).sum();
        let started = Instant::now();
        let started_ms = shared.epoch.elapsed().as_millis() as u64;
        shared.busy.fetch_add(1, Ordering::SeqCst);
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            if client.is_none() || url.has_changed().unwrap_or(false) {
                let base = url.borrow_and_update().clone();
                match ApiClient::with_options(&base, &token, &options) {
                    Ok(c) => client = Some(c),
                    Err(e) => {
                        log.failed.push((key.clone(), e.to_string()));
                        break;
                    }
                }
            }
            let Some(c) = &client else { break };
            match attempt(c, &key, &dossier, &pages, &mut log, shared.epoch).await {
                Ok(d) => {
                    shared.acked.fetch_add(1, Ordering::SeqCst);
                    log.acked.push(Acked {
                        key: key.clone(),
                        code: d.code,
                        started_ms,
                        acked_ms: started_ms + started.elapsed().as_millis() as u64,
                        attempts,
                        bytes,
                        dossier: dossier.clone(),
                    });
                    break;
                }
                Err(e) if is_transient(&e) && Instant::now() < shared.deadline => {
                    // Full jitter, 100 ms doubling to 2 s.
                    let cap = 100u64 << attempts.min(5);
                    let wait = rng.random_range(cap / 4..=cap.min(2000));
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                Err(e) => {
                    let reason = match e.problem_code() {
                        Some(code) => code.as_str().to_owned(),
                        None => e.to_string(),
                    };
                    log.failed.push((key.clone(), reason));
                    break;
                }
            }
        }
        shared.busy.fetch_sub(1, Ordering::SeqCst);
    }
    log
}

/// One attempt: every page that the server does not hold whole, then the
/// dossier. A page is declared and sent in one chunk; any other state
/// (part of it staged before a crash, another sender) goes through the
/// client's resumable upload.
async fn attempt(
    c: &ApiClient,
    key: &str,
    dossier: &NewDossier,
    pages: &[(String, Vec<u8>)],
    log: &mut KioskLog,
    epoch: Instant,
) -> Result<motcua_protocol::dossiers::Dossier, ClientError> {
    for (sha, page) in pages {
        let t = Instant::now();
        let declared = c
            .declare_upload(&NewUpload {
                sha256: sha.clone(),
                size: page.len() as u64,
            })
            .await;
        log.record(Req::Declare, t, epoch, &declared);
        let state = declared?;
        if state.complete {
            continue;
        }
        if state.received == 0 && page.len() as u64 <= MAX_CHUNK_BYTES {
            let t = Instant::now();
            let sent = c.upload_chunk(sha, 0, page).await;
            log.record(Req::Chunk, t, epoch, &sent);
            match sent {
                Ok(s) if s.complete => continue,
                Ok(_) => {}
                Err(e) if e.problem_code() == Some(ProblemCode::UploadOffsetMismatch) => {}
                Err(e) => return Err(e),
            }
        }
        let t = Instant::now();
        let resumed = c.upload(page).await;
        log.record(Req::Resume, t, epoch, &resumed);
        resumed?;
    }
    let t = Instant::now();
    let created = c.create_dossier(key, dossier).await;
    log.record(Req::Create, t, epoch, &created);
    created
}

/// A birth registration with three pages of about `page_bytes` each (±25 %,
/// random bytes behind a PDF header, so no two pages are alike), its
/// local reference the idempotency key (so the back office can find it).
fn make_dossier(
    rng: &mut StdRng,
    key: &str,
    page_bytes: usize,
) -> (NewDossier, Vec<(String, Vec<u8>)>) {
    let applicant = plan::applicant(rng);
    let mut pages = Vec::with_capacity(PAGES.len());
    let mut components: Vec<SubmittedComponent> = Vec::new();
    for (j, component) in PAGES.iter().enumerate() {
        let low = page_bytes - page_bytes / 4;
        let len = rng.random_range(low..=page_bytes + page_bytes / 4);
        let page = plan::fake_pdf(rng, &format!("bench {key} {j}"), len);
        let sha = sha256_hex(&page);
        match components.iter_mut().find(|c| c.component_id == *component) {
            Some(c) => c.uploads.push(sha.clone()),
            None => components.push(SubmittedComponent {
                component_id: (*component).to_owned(),
                uploads: vec![sha.clone()],
                on_paper: false,
            }),
        }
        pages.push((sha, page));
    }
    let dossier = NewDossier {
        procedure_code: PROCEDURE.to_owned(),
        applicant,
        account_id: None,
        copies: None,
        exemption: None,
        payment_id: None,
        components,
        local_reference: Some(key.to_owned()),
    };
    (dossier, pages)
}
