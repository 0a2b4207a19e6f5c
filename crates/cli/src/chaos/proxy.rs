//! A fault-injecting TCP proxy in front of the server, one HTTP request per
//! connection (the chaos client does not reuse connections): it passes most
//! requests through and, chosen at random from the run's seed, drops the
//! connection, answers 503, stalls past the client's timeout (before or
//! after the server did the work), cuts the answer short, or trickles the
//! request or the answer slowly.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Pass,
    Drop,
    Refuse503,
    StallRequest,
    StallAnswer,
    CutAnswer,
    TrickleRequest,
    TrickleAnswer,
}

const FAULTS: [(Fault, &str); 7] = [
    (Fault::Drop, "dropped"),
    (Fault::Refuse503, "answered_503"),
    (Fault::StallRequest, "stalled_before_server"),
    (Fault::StallAnswer, "stalled_after_server"),
    (Fault::CutAnswer, "answer_cut"),
    (Fault::TrickleRequest, "request_trickled"),
    (Fault::TrickleAnswer, "answer_trickled"),
];

/// Relative weights of the faults, in the order of [`FAULTS`].
const WEIGHTS: [u32; 7] = [20, 20, 4, 6, 15, 20, 15];

/// The proxy's dice and counters.
pub struct Faults {
    rng: Mutex<StdRng>,
    /// Share of connections that get a fault, 0 to 1.
    rate: f64,
    /// How long a stall lasts (longer than the client's timeout).
    stall: Duration,
    connections: AtomicU64,
    counts: [AtomicU64; 7],
}

impl Faults {
    pub fn new(seed: u64, rate: f64, stall: Duration) -> Self {
        Self {
            rng: Mutex::new(StdRng::seed_from_u64(seed ^ 0x5EED_F00D)),
            rate: rate.clamp(0.0, 1.0),
            stall,
            connections: AtomicU64::new(0),
            counts: Default::default(),
        }
    }

    /// The fault for the next connection, and how fast a trickle goes
    /// (bytes per piece, milliseconds between pieces).
    fn pick(&self) -> (Fault, usize, u64) {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let piece = rng.random_range(256..4096usize);
        let pause = rng.random_range(2..25u64);
        if !rng.random_bool(self.rate) {
            return (Fault::Pass, piece, pause);
        }
        let total: u32 = WEIGHTS.iter().sum();
        let mut roll = rng.random_range(0..total);
        for (i, w) in WEIGHTS.iter().enumerate() {
            if roll < *w {
                return (FAULTS[i].0, piece, pause);
            }
            roll -= w;
        }
        (Fault::Pass, piece, pause)
    }

    fn count(&self, fault: Fault) {
        if let Some(i) = FAULTS.iter().position(|(f, _)| *f == fault)
            && let Some(c) = self.counts.get(i)
        {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Faults injected, by kind.
    pub fn counts(&self) -> Vec<(&'static str, u64)> {
        FAULTS
            .iter()
            .zip(self.counts.iter())
            .map(|((_, name), c)| (*name, c.load(Ordering::Relaxed)))
            .collect()
    }
}

/// Listens on loopback and forwards to `upstream`, injecting faults.
pub async fn start(upstream: SocketAddr, faults: Arc<Faults>) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let faults = faults.clone();
            tokio::spawn(async move {
                faults.connections.fetch_add(1, Ordering::Relaxed);
                // Whatever happens, a connection lives at most this long.
                let limit = faults.stall * 4 + Duration::from_secs(30);
                let _ = tokio::time::timeout(limit, serve(client, upstream, &faults)).await;
            });
        }
    });
    Ok(addr)
}

async fn serve(mut client: TcpStream, upstream: SocketAddr, faults: &Faults) -> Option<()> {
    let (fault, piece, pause) = faults.pick();
    if fault == Fault::Drop {
        faults.count(fault);
        return None;
    }
    let request = read_request(&mut client).await?;
    faults.count(fault);
    match fault {
        Fault::Pass | Fault::Drop => {
            let answer = forward(upstream, &request, None).await?;
            client.write_all(&answer).await.ok()
        }
        Fault::Refuse503 => client
            .write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await
            .ok(),
        Fault::StallRequest => {
            tokio::time::sleep(faults.stall).await;
            None
        }
        Fault::StallAnswer => {
            let _answer = forward(upstream, &request, None).await?;
            tokio::time::sleep(faults.stall).await;
            None
        }
        Fault::CutAnswer => {
            let answer = forward(upstream, &request, None).await?;
            let half = answer.get(..answer.len() / 2)?;
            client.write_all(half).await.ok()
        }
        Fault::TrickleRequest => {
            let answer = forward(upstream, &request, Some((piece, pause))).await?;
            client.write_all(&answer).await.ok()
        }
        Fault::TrickleAnswer => {
            let answer = forward(upstream, &request, None).await?;
            trickle(&mut client, &answer, piece, pause).await
        }
    }
}

/// Sends the request upstream (slowly with `trickle`) and reads the whole
/// answer: the request asks the server to close after it.
async fn forward(
    upstream: SocketAddr,
    request: &[u8],
    slow: Option<(usize, u64)>,
) -> Option<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).await.ok()?;
    match slow {
        Some((piece, pause)) => trickle(&mut server, request, piece, pause).await?,
        None => server.write_all(request).await.ok()?,
    }
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await.ok()?;
    Some(answer)
}

async fn trickle(to: &mut TcpStream, bytes: &[u8], piece: usize, pause: u64) -> Option<()> {
    for part in bytes.chunks(piece.max(1)) {
        to.write_all(part).await.ok()?;
        to.flush().await.ok()?;
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    Some(())
}

/// One whole request from the client (head and `Content-Length` body),
/// rewritten to ask for `Connection: close`.
async fn read_request(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let end = loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(chunk.get(..n)?);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(buf.get(..end)?).into_owned();
    let mut lines = head.split("\r\n");
    let first = lines.next()?.to_owned();
    let mut length = 0usize;
    let mut out = format!("{first}\r\n");
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("connection") {
            continue;
        }
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut body = buf.get(end + 4..)?.to_vec();
    while body.len() < length {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(chunk.get(..n)?);
    }
    let mut request = out.into_bytes();
    request.extend_from_slice(&body);
    Some(request)
}
