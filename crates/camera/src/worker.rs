//! The camera worker: frames from a source on their own thread, previews
//! and QR codes out to a sink.
//!
//! Two threads. The capture thread reads the source, sends a preview now
//! and then ([`CameraConfig::preview_interval`]) and leaves each frame in
//! a one-frame mailbox, replacing any frame not yet taken. The finder
//! thread takes the newest frame from the mailbox and looks for a QR code:
//! when finding is slower than the camera, frames are skipped, never
//! queued. A QR text is sent once, and again only after it was out of view
//! for [`CameraConfig::repeat_after`].
//!
//! A still (a document page, [`Camera::still`]) is asked of the capture
//! thread, which owns the source: the caller leaves a request in a slot
//! and waits on the condition variable, at most
//! [`CameraConfig::still_timeout`]; the capture thread answers it between
//! two frames (or at once during a backoff) with [`FrameSource::still`],
//! then goes on with the preview. A caller that gave up leaves nothing
//! behind: a late answer is dropped.
//!
//! Source errors are sent once per failure spell, then the source is asked
//! again after a backoff growing from [`CameraConfig::retry_min`] to
//! [`CameraConfig::retry_max`]; every wait wakes at once on stop.
//!
//! Nothing here logs. A QR text is personal data: it goes to the sink and
//! nowhere else; the finder keeps only a hash of the last one.

use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::{CameraError, one_line};
use crate::frame::{Frame, Preview};
use crate::qr::QrFinder;
use crate::source::FrameSource;
use crate::still::Still;

/// What the worker tells the sink.
#[derive(Clone, PartialEq, Eq)]
pub enum CameraEvent {
    /// What the camera sees now, small.
    Preview(Preview),
    /// The raw text of a QR code read. Personal data: show or parse it,
    /// never log it (this type's `Debug` shows only its length).
    Qr(String),
    /// The source failed; the worker keeps trying with a backoff. Sent once
    /// per failure spell, not for every retry.
    SourceFailed(CameraError),
    /// Frames arrive again after a failure.
    SourceRecovered,
}

impl fmt::Debug for CameraEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Preview(p) => write!(f, "Preview({p:?})"),
            Self::Qr(text) => write!(f, "Qr(<{} bytes>)", text.len()),
            Self::SourceFailed(e) => write!(f, "SourceFailed({e:?})"),
            Self::SourceRecovered => write!(f, "SourceRecovered"),
        }
    }
}

/// The worker's timings and finder.
#[derive(Debug, Clone)]
pub struct CameraConfig {
    /// Shortest time between two previews (default 1/12 s).
    pub preview_interval: Duration,
    /// A QR text already sent is sent again only after it was not seen for
    /// this long (default 3 s): the same card shown again later counts.
    pub repeat_after: Duration,
    /// First wait after a source error (default 250 ms); doubled after
    /// each further error up to `retry_max`.
    pub retry_min: Duration,
    /// Longest wait between two tries of a failing source (default 5 s).
    pub retry_max: Duration,
    /// How QR codes are looked for.
    pub finder: QrFinder,
    /// Longest wait for a still (default 10 s): longer than a V4L2
    /// camera's own bound on switching size and settling
    /// ([`crate::v4l2::STILL_TIMEOUT`]) plus a frame in flight.
    pub still_timeout: Duration,
}

impl Default for CameraConfig {
    fn default() -> Self {
        Self {
            preview_interval: Duration::from_secs(1) / 12,
            repeat_after: Duration::from_secs(3),
            retry_min: Duration::from_millis(250),
            retry_max: Duration::from_secs(5),
            finder: QrFinder::default(),
            still_timeout: Duration::from_secs(10),
        }
    }
}

/// A running camera worker. [`Camera::stop`] or dropping it stops and
/// joins its threads; that takes at most the source's current wait (one
/// frame interval, or its timeout for a stalled camera) and one QR search.
pub struct Camera {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    still_timeout: Duration,
}

/// Asks a running [`Camera`] for stills without borrowing it, so a caller
/// may wait for one while the camera is being stopped elsewhere (it then
/// gets [`CameraError::Stopped`] at once).
#[derive(Clone)]
pub struct StillTaker {
    shared: Arc<Shared>,
    timeout: Duration,
}

impl StillTaker {
    /// A still, waiting at most the camera's
    /// [`CameraConfig::still_timeout`].
    pub fn still(&self) -> Result<Still, CameraError> {
        self.shared.request_still(self.timeout)
    }

    /// A still, waiting at most `timeout`.
    pub fn still_within(&self, timeout: Duration) -> Result<Still, CameraError> {
        self.shared.request_still(timeout)
    }
}

/// What the two threads and the owner share.
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

struct State {
    stopping: bool,
    /// The newest frame not yet taken by the finder.
    mailbox: Option<Frame>,
    /// The newest frame, taken or not.
    latest: Option<Frame>,
    /// The still request: who waits for an answer, whether the capture
    /// thread has yet to take it, and the answer.
    still: StillSlot,
}

#[derive(Default)]
struct StillSlot {
    /// The number the next request gets.
    next_id: u64,
    /// The request a caller waits for (one caller at a time).
    waiting: Option<u64>,
    /// Asked, and not yet taken by the capture thread.
    wanted: bool,
    /// The capture thread's answer to `waiting`.
    answer: Option<Result<Still, CameraError>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in a sink leaves nothing half-written in `State`.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stopping(&self) -> bool {
        self.lock().stopping
    }

    fn post(&self, frame: Frame) {
        {
            let mut state = self.lock();
            state.latest = Some(frame.clone());
            state.mailbox = Some(frame);
        }
        self.wake.notify_all();
    }

    /// The newest frame, waiting for one; `None` once stopping.
    fn take(&self) -> Option<Frame> {
        let mut state = self.lock();
        loop {
            if state.stopping {
                return None;
            }
            if let Some(frame) = state.mailbox.take() {
                return Some(frame);
            }
            state = self
                .wake
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Waits `timeout` or until stopping or a still is asked for; true
    /// when stopping.
    fn sleep(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        while !state.stopping && !state.still.wanted {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = self
                .wake
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        state.stopping
    }

    /// Asks the capture thread for a still and waits for it, at most
    /// `timeout` (after any earlier caller's request, within the same
    /// time).
    fn request_still(&self, timeout: Duration) -> Result<Still, CameraError> {
        let deadline = Instant::now() + timeout;
        let timed_out = || CameraError::StillTimeout {
            waited_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        };
        let mut state = self.lock();
        // One request at a time: wait for an earlier caller to be done.
        while state.still.waiting.is_some() {
            if state.stopping {
                return Err(CameraError::Stopped);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(timed_out());
            }
            state = self
                .wake
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let id = state.still.next_id;
        state.still.next_id = id.wrapping_add(1);
        state.still.waiting = Some(id);
        state.still.wanted = true;
        state.still.answer = None;
        self.wake.notify_all();
        let result = loop {
            if let Some(answer) = state.still.answer.take() {
                break answer;
            }
            if state.stopping {
                break Err(CameraError::Stopped);
            }
            let now = Instant::now();
            if now >= deadline {
                break Err(timed_out());
            }
            state = self
                .wake
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        };
        // Done: a late answer to this request is dropped, and the next
        // caller may ask.
        state.still.waiting = None;
        state.still.wanted = false;
        drop(state);
        self.wake.notify_all();
        result
    }

    /// The still request the capture thread should answer now, if any.
    fn take_still_request(&self) -> Option<u64> {
        let mut state = self.lock();
        if !state.still.wanted {
            return None;
        }
        state.still.wanted = false;
        state.still.waiting
    }

    /// Answers request `id`, unless its caller gave up.
    fn answer_still(&self, id: u64, result: Result<Still, CameraError>) {
        {
            let mut state = self.lock();
            if state.still.waiting != Some(id) {
                return;
            }
            state.still.answer = Some(result);
        }
        self.wake.notify_all();
    }
}

type SharedSink = Arc<Mutex<dyn FnMut(CameraEvent) + Send>>;

fn send(sink: &SharedSink, event: CameraEvent) {
    let mut sink = sink.lock().unwrap_or_else(PoisonError::into_inner);
    (*sink)(event);
}

impl Camera {
    /// Starts reading `source` with the default [`CameraConfig`]; events
    /// go to `sink`, called from the worker's threads (one at a time).
    pub fn start<S, F>(source: S, sink: F) -> Result<Self, CameraError>
    where
        S: FrameSource + 'static,
        F: FnMut(CameraEvent) + Send + 'static,
    {
        Self::start_with(source, sink, CameraConfig::default())
    }

    /// Starts reading `source` with `config`.
    pub fn start_with<S, F>(source: S, sink: F, config: CameraConfig) -> Result<Self, CameraError>
    where
        S: FrameSource + 'static,
        F: FnMut(CameraEvent) + Send + 'static,
    {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                stopping: false,
                mailbox: None,
                latest: None,
                still: StillSlot::default(),
            }),
            wake: Condvar::new(),
        });
        let sink: SharedSink = Arc::new(Mutex::new(sink));
        let mut camera = Self {
            shared: Arc::clone(&shared),
            threads: Vec::with_capacity(2),
            still_timeout: config.still_timeout,
        };
        let spawn_error = |e: std::io::Error| CameraError::Spawn(one_line(e));
        let finder = {
            let (shared, sink, config) = (Arc::clone(&shared), Arc::clone(&sink), config.clone());
            std::thread::Builder::new()
                .name("camera-qr".into())
                .spawn(move || find_loop(&shared, &sink, &config))
                .map_err(spawn_error)?
        };
        camera.threads.push(finder);
        // On an error here, dropping `camera` stops and joins the finder.
        let capture = std::thread::Builder::new()
            .name("camera-capture".into())
            .spawn(move || capture_loop(source, &shared, &sink, &config))
            .map_err(spawn_error)?;
        camera.threads.push(capture);
        Ok(camera)
    }

    /// The newest frame the source gave (preview size, luma); `None`
    /// before the first frame. A document page wants [`Camera::still`].
    pub fn latest_frame(&self) -> Option<Frame> {
        self.shared.lock().latest.clone()
    }

    /// A still from the source ([`FrameSource::still`]: full resolution,
    /// as the camera encoded it), taken by the capture thread between two
    /// frames; the preview goes on afterwards. Blocks at most
    /// [`CameraConfig::still_timeout`], then [`CameraError::StillTimeout`];
    /// [`CameraError::Stopped`] if the camera is stopped meanwhile.
    pub fn still(&self) -> Result<Still, CameraError> {
        self.shared.request_still(self.still_timeout)
    }

    /// A handle that asks this camera for stills, usable from any thread
    /// while the camera runs (see [`StillTaker`]).
    pub fn still_taker(&self) -> StillTaker {
        StillTaker {
            shared: Arc::clone(&self.shared),
            timeout: self.still_timeout,
        }
    }

    /// Stops the worker and waits for its threads to end.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.lock().stopping = true;
        self.shared.wake.notify_all();
        for thread in self.threads.drain(..) {
            // A thread that panicked (in a sink) has ended all the same.
            let _ = thread.join();
        }
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn capture_loop<S: FrameSource>(
    mut source: S,
    shared: &Shared,
    sink: &SharedSink,
    config: &CameraConfig,
) {
    let mut last_preview: Option<Instant> = None;
    let mut failing = false;
    let mut backoff = config.retry_min;
    while !shared.stopping() {
        if let Some(id) = shared.take_still_request() {
            // A still's failure is the caller's to report; the preview
            // and its failure spells go on as before.
            let result = source.still();
            shared.answer_still(id, result);
            continue;
        }
        match source.next_frame() {
            Ok(frame) => {
                if failing {
                    failing = false;
                    send(sink, CameraEvent::SourceRecovered);
                }
                backoff = config.retry_min;
                if last_preview.is_none_or(|t| t.elapsed() >= config.preview_interval) {
                    last_preview = Some(Instant::now());
                    if let Ok(preview) = frame.preview() {
                        send(sink, CameraEvent::Preview(preview));
                    }
                }
                shared.post(frame);
            }
            Err(error) => {
                if !failing {
                    failing = true;
                    send(sink, CameraEvent::SourceFailed(error));
                }
                if shared.sleep(backoff) {
                    break;
                }
                backoff = (backoff * 2).min(config.retry_max.max(config.retry_min));
            }
        }
    }
}

fn find_loop(shared: &Shared, sink: &SharedSink, config: &CameraConfig) {
    // The last text sent, as a hash, and when it was last seen.
    let mut last: Option<(u64, Instant)> = None;
    while let Some(frame) = shared.take() {
        let Some(text) = config.finder.find(&frame) else {
            continue;
        };
        let now = Instant::now();
        let hash = hash_of(&text);
        let repeat = match last {
            Some((h, seen)) => h != hash || now.duration_since(seen) >= config.repeat_after,
            None => true,
        };
        last = Some((hash, now));
        if repeat && !shared.stopping() {
            send(sink, CameraEvent::Qr(text));
        }
    }
}

fn hash_of(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn shared() -> Shared {
        Shared {
            state: Mutex::new(State {
                stopping: false,
                mailbox: None,
                latest: None,
                still: StillSlot::default(),
            }),
            wake: Condvar::new(),
        }
    }

    fn flat(value: u8) -> Frame {
        Frame::from_luma(4, 4, vec![value; 16]).unwrap()
    }

    #[test]
    fn the_mailbox_keeps_only_the_newest_frame() {
        let shared = shared();
        for value in [1, 2, 3] {
            shared.post(flat(value));
        }
        assert_eq!(shared.take(), Some(flat(3)));
        assert!(shared.lock().mailbox.is_none());
        assert_eq!(
            shared.lock().latest,
            Some(flat(3)),
            "the latest frame stays"
        );
    }

    #[test]
    fn taking_waits_for_a_frame_and_ends_on_stop() {
        let shared = Arc::new(shared());
        let taker = |shared: &Arc<Shared>| {
            let shared = Arc::clone(shared);
            std::thread::spawn(move || shared.take())
        };
        // Whether the taker waits already or comes later, it gets the frame.
        let first = taker(&shared);
        shared.post(flat(7));
        assert_eq!(first.join().unwrap(), Some(flat(7)));
        // With nothing posted, only the stop ends the wait.
        let second = taker(&shared);
        shared.lock().stopping = true;
        shared.wake.notify_all();
        assert_eq!(second.join().unwrap(), None);
    }

    #[test]
    fn sleep_ends_early_on_stop() {
        let shared = Arc::new(shared());
        let sleeper = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                let start = Instant::now();
                (shared.sleep(Duration::from_secs(60)), start.elapsed())
            })
        };
        shared.lock().stopping = true;
        shared.wake.notify_all();
        let (stopped, slept) = sleeper.join().unwrap();
        assert!(stopped);
        assert!(slept < Duration::from_secs(5), "{slept:?}");
        assert!(!self::shared().sleep(Duration::from_millis(1)));
    }

    #[test]
    fn a_qr_event_debug_form_hides_the_text() {
        let text = "001089012345||NGUYỄN VĂN AN";
        let debug = format!("{:?}", CameraEvent::Qr(text.into()));
        assert_eq!(debug, format!("Qr(<{} bytes>)", text.len()));
        assert!(
            !debug.contains("0010") && !debug.contains("NGUY"),
            "{debug}"
        );
    }
}
