//! The camera worker, end to end on replay folders and scripted sources.
//! Every wait is on the event channel with a timeout, never a bare sleep.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use motcua_camera::synth::{self, Photo};
use motcua_camera::{
    Camera, CameraConfig, CameraError, CameraEvent, Frame, FrameSource, ReplaySource,
};

const CCCD: &str = "001089012345|012345678|Nguyễn Văn An|15031989|Nam|Số 1 phố Hàng Bạc, Hoàn Kiếm, Hà Nội|01012021";
const OTHER: &str = "079301000123||Trần Thị Ngọc Hường|02022001|Nữ|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|11112022";

/// Long enough for a slow CI machine, short enough to fail quickly.
const PATIENCE: Duration = Duration::from_secs(20);

fn channel_sink() -> (
    impl FnMut(CameraEvent) + Send + 'static,
    Receiver<CameraEvent>,
) {
    let (tx, rx) = mpsc::channel();
    (
        move |event| {
            let _ = tx.send(event);
        },
        rx,
    )
}

/// Receives until `want` matches an event; returns the events before it.
fn until(rx: &Receiver<CameraEvent>, want: impl Fn(&CameraEvent) -> bool) -> Vec<CameraEvent> {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(event) if want(&event) => return seen,
            Ok(event) => seen.push(event),
            Err(e) => panic!("no matching event ({e:?}); got {seen:?}"),
        }
    }
}

/// Every event left, up to the end of the stream (the worker's threads
/// gone, the sink dropped); fails rather than hangs if the end never comes.
fn rest(rx: &Receiver<CameraEvent>) -> Vec<CameraEvent> {
    let mut rest = Vec::new();
    loop {
        match rx.recv_timeout(PATIENCE) {
            Ok(event) => rest.push(event),
            Err(RecvTimeoutError::Disconnected) => return rest,
            Err(RecvTimeoutError::Timeout) => panic!("the worker's threads did not end"),
        }
    }
}

fn count_previews(events: &[CameraEvent]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, CameraEvent::Preview(_)))
        .count()
}

fn qr_texts(events: &[CameraEvent]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match e {
            CameraEvent::Qr(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// Stops the camera and checks it was prompt.
fn stop_promptly(camera: Camera) {
    let start = Instant::now();
    camera.stop();
    let took = start.elapsed();
    assert!(took < Duration::from_millis(1500), "stop took {took:?}");
}

fn write_frames(dir: &Path, frames: &[Photo]) {
    for (i, photo) in frames.iter().enumerate() {
        std::fs::write(dir.join(format!("f{i:03}.jpg")), photo.jpeg().unwrap()).unwrap();
    }
}

#[test]
fn the_worker_reads_the_qr_once_and_sends_previews() {
    let dir = tempfile::tempdir().unwrap();
    let paths = synth::write_replay_folder(dir.path(), CCCD, 8, 42).unwrap();
    assert_eq!(paths.len(), 8);
    assert_eq!((0..8).filter(|&i| synth::has_qr(i)).count(), 4);
    let source = ReplaySource::with_fps(dir.path(), 30).unwrap();
    let (sink, rx) = channel_sink();
    let camera = Camera::start(source, sink).unwrap();

    let before = until(&rx, |e| matches!(e, CameraEvent::Qr(t) if t == CCCD));
    assert!(
        before.iter().all(|e| matches!(e, CameraEvent::Preview(_))),
        "{before:?}"
    );
    // Then at least three more loops of the folder: previews come at about
    // 12 a second, the folder loops about 4 times a second.
    let mut after = Vec::new();
    while count_previews(&after) < 12 {
        after.push(rx.recv_timeout(PATIENCE).unwrap());
    }
    assert!(qr_texts(&after).is_empty(), "sent again: {after:?}");
    stop_promptly(camera);

    // Nothing more after the stop, and the stream ended; every preview a
    // small JPEG.
    let mut all = before;
    all.extend(after);
    let tail = rest(&rx);
    assert!(qr_texts(&tail).is_empty());
    all.extend(tail);
    let previews: Vec<_> = all
        .iter()
        .filter_map(|e| match e {
            CameraEvent::Preview(p) => Some(p),
            _ => None,
        })
        .collect();
    assert!(previews.len() >= 12);
    for p in previews {
        assert!(p.width.max(p.height) <= 640);
        let back = Frame::decode(&p.jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (p.width, p.height));
    }
}

#[test]
fn the_qr_text_is_exact_and_its_debug_form_hides_it() {
    let dir = tempfile::tempdir().unwrap();
    write_frames(dir.path(), &[Photo::of_card(CCCD, 1).turned(12.0)]);
    let (sink, rx) = channel_sink();
    let camera = Camera::start(ReplaySource::with_fps(dir.path(), 30).unwrap(), sink).unwrap();
    let deadline = Instant::now() + PATIENCE;
    let event = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left).unwrap() {
            event @ CameraEvent::Qr(_) => break event,
            _ => continue,
        }
    };
    stop_promptly(camera);
    let debug = format!("{event:?}");
    let CameraEvent::Qr(text) = event else {
        unreachable!()
    };
    assert_eq!(text.as_bytes(), CCCD.as_bytes());
    assert_eq!(debug, format!("Qr(<{} bytes>)", CCCD.len()));
}

#[test]
fn a_different_card_is_sent_and_the_same_card_again_after_a_pause() {
    let dir = tempfile::tempdir().unwrap();
    // At 30 fps: card A for 4 frames, card B for 4, then 12 frames (400 ms)
    // of empty desk, in a loop. With repeat_after at 150 ms, each loop
    // sends A then B again; within a loop neither is sent twice.
    let mut frames: Vec<Photo> = (0..4)
        .map(|i| Photo::of_card(CCCD, i).turned(f64::from(i as u8) * 3.0))
        .collect();
    frames
        .extend((0..4).map(|i| Photo::of_card(OTHER, 10 + i).turned(-(f64::from(i as u8) * 3.0))));
    frames.extend((0..12).map(|i| Photo::empty(20 + i)));
    write_frames(dir.path(), &frames);
    let config = CameraConfig {
        repeat_after: Duration::from_millis(150),
        ..CameraConfig::default()
    };
    let (sink, rx) = channel_sink();
    let source = ReplaySource::with_fps(dir.path(), 30).unwrap();
    let camera = Camera::start_with(source, sink, config).unwrap();
    let mut texts = Vec::new();
    while texts.len() < 4 {
        if let CameraEvent::Qr(t) = rx.recv_timeout(PATIENCE).unwrap() {
            texts.push(t);
        }
    }
    stop_promptly(camera);
    let expected = [CCCD, OTHER, CCCD, OTHER];
    assert!(texts == expected, "the sequence differs: {}", texts.len());
}

/// A source that fails `failures` times, then gives a flat frame; it
/// reports the instant of every call.
struct Flaky {
    failures: usize,
    calls: Sender<Instant>,
}

impl FrameSource for Flaky {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let _ = self.calls.send(Instant::now());
        if self.failures > 0 {
            self.failures -= 1;
            return Err(CameraError::Timeout {
                device: "/dev/video9".into(),
                waited_ms: 1000,
            });
        }
        // Paced like a camera.
        std::thread::sleep(Duration::from_millis(20));
        Frame::from_luma(64, 48, vec![128; 64 * 48])
    }

    fn describe(&self) -> String {
        "flaky".into()
    }
}

#[test]
fn a_failing_source_is_reported_once_and_retried_with_backoff() {
    let (calls_tx, calls) = mpsc::channel();
    let source = Flaky {
        failures: 5,
        calls: calls_tx,
    };
    let config = CameraConfig {
        retry_min: Duration::from_millis(10),
        retry_max: Duration::from_millis(40),
        ..CameraConfig::default()
    };
    let (sink, rx) = channel_sink();
    let camera = Camera::start_with(source, sink, config).unwrap();
    let before = until(&rx, |e| matches!(e, CameraEvent::SourceRecovered));
    assert!(
        matches!(
            before.as_slice(),
            [CameraEvent::SourceFailed(CameraError::Timeout { .. })]
        ),
        "{before:?}"
    );
    until(&rx, |e| matches!(e, CameraEvent::Preview(_)));
    stop_promptly(camera);

    // Calls 1..=5 fail; the waits after them are 10, 20, 40, 40, 40 ms.
    let at: Vec<Instant> = calls.try_iter().collect();
    assert!(at.len() >= 6, "{} calls", at.len());
    for (k, want) in [10, 20, 40, 40, 40].into_iter().enumerate() {
        let gap = at[k + 1] - at[k];
        assert!(gap >= Duration::from_millis(want), "wait {k}: {gap:?}");
    }
}

/// A source that always fails.
struct Dead;

impl FrameSource for Dead {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        Err(CameraError::Device {
            device: "/dev/video9".into(),
            reason: "gone".into(),
        })
    }

    fn describe(&self) -> String {
        "dead".into()
    }
}

#[test]
fn stop_is_prompt_during_a_long_backoff() {
    let config = CameraConfig {
        retry_min: Duration::from_secs(30),
        retry_max: Duration::from_secs(30),
        ..CameraConfig::default()
    };
    let (sink, rx) = channel_sink();
    let camera = Camera::start_with(Dead, sink, config).unwrap();
    assert!(matches!(
        rx.recv_timeout(PATIENCE).unwrap(),
        CameraEvent::SourceFailed(CameraError::Device { .. })
    ));
    stop_promptly(camera);
    // Once only, and the threads are gone (the sink was dropped).
    assert_eq!(rest(&rx), vec![]);
}

#[test]
fn dropping_the_camera_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    write_frames(dir.path(), &[Photo::empty(1)]);
    let (sink, rx) = channel_sink();
    let camera = Camera::start(ReplaySource::with_fps(dir.path(), 30).unwrap(), sink).unwrap();
    until(&rx, |e| matches!(e, CameraEvent::Preview(_)));
    let start = Instant::now();
    drop(camera);
    assert!(start.elapsed() < Duration::from_millis(1500));
    // Whatever was in flight, then the end.
    let tail = rest(&rx);
    assert!(tail.iter().all(|e| matches!(e, CameraEvent::Preview(_))));
}

/// A source with a still of its own: frames of level 100 before its first
/// still and 200 after, paced like a camera; each still is `STILL n`, and
/// reports the thread that took it. With a gate, a still first waits for
/// the gate to open (once per still).
struct Stills {
    stills: u32,
    threads: Sender<Option<String>>,
    gate: Option<Receiver<()>>,
}

impl FrameSource for Stills {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        std::thread::sleep(Duration::from_millis(10));
        let level = if self.stills == 0 { 100 } else { 200 };
        Frame::from_luma(64, 48, vec![level; 64 * 48])
    }

    fn still(&mut self) -> Result<motcua_camera::Still, CameraError> {
        self.stills += 1;
        let _ = self
            .threads
            .send(std::thread::current().name().map(str::to_owned));
        if let Some(gate) = &self.gate {
            gate.recv_timeout(PATIENCE)
                .map_err(|_| CameraError::BadFrame("the gate never opened".into()))?;
        }
        Ok(motcua_camera::Still {
            bytes: format!("STILL {}", self.stills).into_bytes(),
            format: motcua_camera::StillFormat::Jpeg,
            width: 4000,
            height: 3000,
        })
    }

    fn describe(&self) -> String {
        "stills".into()
    }
}

fn preview_level(event: &CameraEvent) -> Option<u8> {
    match event {
        CameraEvent::Preview(p) => Some(Frame::decode(&p.jpeg).unwrap().luma()[0]),
        _ => None,
    }
}

#[test]
fn a_still_is_taken_by_the_capture_thread_and_the_preview_goes_on() {
    let (threads_tx, threads) = mpsc::channel();
    let source = Stills {
        stills: 0,
        threads: threads_tx,
        gate: None,
    };
    let (sink, rx) = channel_sink();
    let camera = Camera::start(source, sink).unwrap();
    until(&rx, |e| {
        preview_level(e).is_some_and(|l| l.abs_diff(100) <= 1)
    });

    let still = camera.still().unwrap();
    assert_eq!(still.bytes, b"STILL 1");
    assert_eq!((still.width, still.height), (4000, 3000));
    assert_eq!(
        threads.try_recv().unwrap().as_deref(),
        Some("camera-capture"),
        "the capture thread, which owns the source, took the still"
    );
    // Frames made after the still reach the screen.
    until(&rx, |e| {
        preview_level(e).is_some_and(|l| l.abs_diff(200) <= 1)
    });
    // And a second still, from another thread through a taker.
    let taker = camera.still_taker();
    let second = std::thread::spawn(move || taker.still()).join().unwrap();
    assert_eq!(second.unwrap().bytes, b"STILL 2");
    until(&rx, |e| matches!(e, CameraEvent::Preview(_)));
    stop_promptly(camera);
}

#[test]
fn a_still_that_never_comes_times_out_and_a_late_one_is_dropped() {
    let (threads_tx, threads) = mpsc::channel();
    let (gate_tx, gate) = mpsc::channel();
    let source = Stills {
        stills: 0,
        threads: threads_tx,
        gate: Some(gate),
    };
    let (sink, rx) = channel_sink();
    let camera = Camera::start(source, sink).unwrap();
    let taker = camera.still_taker();
    let start = Instant::now();
    let err = taker.still_within(Duration::from_millis(200)).unwrap_err();
    assert_eq!(err, CameraError::StillTimeout { waited_ms: 200 });
    assert!(start.elapsed() < Duration::from_secs(5));
    // The source did get the request; it answers now, too late.
    threads.recv_timeout(PATIENCE).unwrap();
    gate_tx.send(()).unwrap();
    gate_tx.send(()).unwrap();
    // The next still is the next answer, not the late one.
    assert_eq!(taker.still_within(PATIENCE).unwrap().bytes, b"STILL 2");
    until(&rx, |e| {
        preview_level(e).is_some_and(|l| l.abs_diff(200) <= 1)
    });
    stop_promptly(camera);
}

#[test]
fn a_caller_waiting_for_a_still_hears_of_the_stop_at_once() {
    let (threads_tx, threads) = mpsc::channel();
    let (gate_tx, gate) = mpsc::channel();
    let source = Stills {
        stills: 0,
        threads: threads_tx,
        gate: Some(gate),
    };
    let (sink, _rx) = channel_sink();
    let camera = Camera::start(source, sink).unwrap();
    let taker = camera.still_taker();
    let waiter = std::thread::spawn(move || taker.still_within(PATIENCE));
    // The capture thread is inside the source's still, stuck at the gate.
    threads.recv_timeout(PATIENCE).unwrap();
    let stopper = std::thread::spawn(move || camera.stop());
    assert_eq!(waiter.join().unwrap().unwrap_err(), CameraError::Stopped);
    // Let the stuck still end so the capture thread can be joined.
    gate_tx.send(()).unwrap();
    stopper.join().unwrap();
}

#[test]
fn a_replay_camera_still_is_the_file_and_a_plain_source_gives_a_png() {
    let dir = tempfile::tempdir().unwrap();
    write_frames(dir.path(), &[Photo::empty(3)]);
    let file = std::fs::read(dir.path().join("f000.jpg")).unwrap();
    let (sink, rx) = channel_sink();
    let camera = Camera::start(ReplaySource::with_fps(dir.path(), 30).unwrap(), sink).unwrap();
    assert_eq!(camera.still().unwrap().bytes, file);
    until(&rx, |e| matches!(e, CameraEvent::Preview(_)));
    stop_promptly(camera);

    // Flaky has no still of its own: the default, its next frame as PNG.
    let (calls, _) = mpsc::channel();
    let (sink, _rx) = channel_sink();
    let camera = Camera::start(Flaky { failures: 0, calls }, sink).unwrap();
    let still = camera.still().unwrap();
    assert_eq!(still.format, motcua_camera::StillFormat::Png);
    let back = Frame::decode(&still.bytes).unwrap();
    assert_eq!((back.width(), back.height(), back.luma()[0]), (64, 48, 128));
    stop_promptly(camera);
}

/// A source whose frames always fail but whose still works (a camera
/// whose preview format broke).
struct StillOnly;

impl FrameSource for StillOnly {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        Dead.next_frame()
    }

    fn still(&mut self) -> Result<motcua_camera::Still, CameraError> {
        Ok(motcua_camera::Still {
            bytes: b"STILL".to_vec(),
            format: motcua_camera::StillFormat::Jpeg,
            width: 1,
            height: 1,
        })
    }

    fn describe(&self) -> String {
        "still only".into()
    }
}

#[test]
fn a_still_is_answered_at_once_during_a_long_backoff() {
    let config = CameraConfig {
        retry_min: Duration::from_secs(30),
        retry_max: Duration::from_secs(30),
        ..CameraConfig::default()
    };
    let (sink, rx) = channel_sink();
    let camera = Camera::start_with(StillOnly, sink, config).unwrap();
    assert!(matches!(
        rx.recv_timeout(PATIENCE).unwrap(),
        CameraEvent::SourceFailed(_)
    ));
    // The capture thread is in its 30 s backoff now, or about to be.
    let start = Instant::now();
    let still = camera.still_taker().still_within(Duration::from_secs(5));
    assert_eq!(still.unwrap().bytes, b"STILL");
    assert!(start.elapsed() < Duration::from_secs(5));
    stop_promptly(camera);
}
