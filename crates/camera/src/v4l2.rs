//! A V4L2 camera through the pure-Rust `linuxvideo` crate: MJPEG (decoded
//! to luma by [`Frame::decode`]) or YUYV (luma taken directly), near
//! 1280×720, memory-mapped streaming.
//!
//! `linuxvideo` opens the device blocking, and its `dequeue` waits for a
//! frame with no timeout: a camera that stalls or is unplugged would hang
//! the thread. Every read therefore first waits with `poll(2)` (rustix),
//! at most [`FRAME_TIMEOUT`]. Any device error drops the stream; the next
//! call opens the device again, so a camera that was unplugged and plugged
//! back in comes back through the worker's retries.
//!
//! A still ([`FrameSource::still`]) stops the preview stream, opens the
//! device again at its largest MJPEG size (`plan_still`; the largest YUYV
//! size, as a gray PNG, when MJPEG is not larger than the preview; the
//! preview size when nothing is), drops [`STILL_SETTLE_FRAMES`] frames so
//! exposure settles, and returns the newest MJPEG buffer unchanged: a
//! colour JPEG, at full resolution. The still stream is then dropped, and
//! the next frame opens the preview again. Every wait is bounded: the whole
//! still by [`STILL_TIMEOUT`], each frame by [`STILL_FRAME_TIMEOUT`].
//!
//! The device path itself is not exercised by this crate's tests: they run
//! where there is no `/dev/video*` and no way to load `vivid` or
//! `v4l2loopback`. What is tested without a device: the choice of format
//! and size from what a driver offers, the frame counting and waits, the
//! errors of a missing or wrong device, and the YUYV conversion.

use std::io;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use linuxvideo::format::{FrameSizes, PixFormat, PixelFormat};
use linuxvideo::stream::ReadStream;
use linuxvideo::{BufType, CapabilityFlags, Device, Fract};

use crate::error::{CameraError, one_line};
use crate::frame::Frame;
use crate::source::FrameSource;
use crate::still::{Still, StillFormat, encode_png, header_size};

/// The frame size asked for; the driver's nearest size is taken.
pub const WANTED_SIZE: (u32, u32) = (1280, 720);
/// Frame rate asked for: enough for a smooth preview and for reading the
/// QR code, half the decoding work of 30 fps. Drivers may ignore it.
pub const WANTED_FPS: u32 = 15;
/// Longest wait for one frame before the camera counts as stalled.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(1);
/// Frames dropped after switching to the still's size, so that automatic
/// exposure and white balance settle; the one after them is the still.
pub const STILL_SETTLE_FRAMES: u32 = 3;
/// Longest wait for one frame of a still: large frames come slower, and
/// the first after switching slower still.
pub const STILL_FRAME_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest a still may take, from the first frame waited for to the last;
/// then it fails with [`CameraError::Timeout`].
pub const STILL_TIMEOUT: Duration = Duration::from_secs(6);

/// A V4L2 capture device, opened on first use and again after an error.
pub struct V4l2Source {
    device: PathBuf,
    stream: Option<Stream>,
}

/// How the frames of an open stream are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Each buffer is a JPEG image (MJPEG, possibly without Huffman tables,
    /// which zune-jpeg fills in).
    Jpeg,
    /// Packed 4:2:2, Y0 U Y1 V; luma is every other byte.
    Yuyv {
        width: u32,
        height: u32,
        stride: u32,
    },
}

struct Stream {
    stream: ReadStream,
    layout: Layout,
}

impl V4l2Source {
    /// A source for `device` (e.g. `/dev/video0`), not opened yet.
    pub fn new(device: &Path) -> Self {
        Self {
            device: device.to_path_buf(),
            stream: None,
        }
    }

    /// Opens `device` now: an error says at once whether the camera is
    /// there and usable.
    pub fn open(device: &Path) -> Result<Self, CameraError> {
        let mut source = Self::new(device);
        source.stream = Some(open_stream(device)?);
        Ok(source)
    }

    fn read(&mut self) -> Result<Frame, CameraError> {
        let stream = match &mut self.stream {
            Some(stream) => stream,
            none => none.insert(open_stream(&self.device)?),
        };
        let (bytes, layout) = stream.newest(&self.device)?;
        match layout {
            Layout::Jpeg => Frame::decode(&bytes).map_err(|e| CameraError::BadFrame(one_line(e))),
            Layout::Yuyv {
                width,
                height,
                stride,
            } => Frame::from_luma(width, height, yuyv_luma(&bytes, width, height, stride)?),
        }
    }
}

impl FrameSource for V4l2Source {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let result = self.read();
        if matches!(
            result,
            Err(CameraError::Device { .. } | CameraError::Timeout { .. })
        ) {
            // Closed now, opened again on the next call.
            self.stream = None;
        }
        result
    }

    /// A full-resolution still (see the module's documentation). The
    /// preview stream is closed first and stays closed: the next frame
    /// opens it again at the preview size.
    fn still(&mut self) -> Result<Still, CameraError> {
        // A device streams at one size at a time.
        self.stream = None;
        let mut stream = open_with(&self.device, still_choice)?;
        take_still(&mut stream, &self.device)
        // `stream` is dropped here: streaming stops, the buffers go.
    }

    fn describe(&self) -> String {
        format!("V4L2 {}", self.device.display())
    }
}

/// Drops settling frames, then takes the newest frame as a still, all
/// within [`STILL_TIMEOUT`].
fn take_still(stream: &mut Stream, device: &Path) -> Result<Still, CameraError> {
    let deadline = Instant::now() + STILL_TIMEOUT;
    let mut seen = 0u32;
    loop {
        let wait = frame_wait(deadline.saturating_duration_since(Instant::now())).ok_or(
            CameraError::Timeout {
                device: device.to_path_buf(),
                waited_ms: STILL_TIMEOUT.as_millis() as u64,
            },
        )?;
        let newest = stream.newest_within(device, wait)?;
        seen = seen.saturating_add(newest.count);
        if !settled(seen) || newest.damaged {
            continue;
        }
        return match stream.layout {
            Layout::Jpeg => {
                let (width, height) = match header_size(&newest.bytes) {
                    Some((StillFormat::Jpeg, size)) => size,
                    _ => {
                        return Err(CameraError::BadFrame(
                            "the camera's MJPEG buffer has no JPEG frame header".into(),
                        ));
                    }
                };
                Ok(Still {
                    bytes: newest.bytes,
                    format: StillFormat::Jpeg,
                    width,
                    height,
                })
            }
            Layout::Yuyv {
                width,
                height,
                stride,
            } => {
                let frame = Frame::from_luma(
                    width,
                    height,
                    yuyv_luma(&newest.bytes, width, height, stride)?,
                )?;
                Ok(Still {
                    bytes: encode_png(&frame)?,
                    format: StillFormat::Png,
                    width,
                    height,
                })
            }
        };
    }
}

/// Whether `seen` frames since the still stream started are enough: the
/// settling ones dropped, and one more to keep.
fn settled(seen: u32) -> bool {
    seen > STILL_SETTLE_FRAMES
}

/// How long to wait for the next frame of a still with `left` of
/// [`STILL_TIMEOUT`] remaining; `None` when the time is up.
fn frame_wait(left: Duration) -> Option<Duration> {
    (!left.is_zero()).then(|| left.min(STILL_FRAME_TIMEOUT))
}

/// The newest of the frames waiting in a stream.
struct Newest {
    bytes: Vec<u8>,
    /// The driver marked it damaged.
    damaged: bool,
    /// How many frames were taken (the newest and the older ones dropped).
    count: u32,
}

impl Stream {
    /// Waits for a frame, then takes every frame already waiting and keeps
    /// the newest: after a slow moment the consumer sees now, not the past.
    fn newest(&mut self, device: &Path) -> Result<(Vec<u8>, Layout), CameraError> {
        let newest = self.newest_within(device, FRAME_TIMEOUT)?;
        if newest.damaged {
            return Err(CameraError::BadFrame(
                "the driver marked the frame as damaged".into(),
            ));
        }
        Ok((newest.bytes, self.layout))
    }

    /// Waits at most `timeout` for a frame, then takes every frame already
    /// waiting and keeps the newest.
    fn newest_within(&mut self, device: &Path, timeout: Duration) -> Result<Newest, CameraError> {
        let failed = |what: &str, e: io::Error| CameraError::Device {
            device: device.to_path_buf(),
            reason: format!("{what}: {}", one_line(e)),
        };
        if !wait_readable(&self.stream, timeout).map_err(|e| failed("poll", e))? {
            return Err(CameraError::Timeout {
                device: device.to_path_buf(),
                waited_ms: timeout.as_millis() as u64,
            });
        }
        let mut bytes = Vec::new();
        let mut damaged = false;
        let mut count = 0u32;
        loop {
            self.stream
                .dequeue(|buf| {
                    bytes.clear();
                    bytes.extend_from_slice(&buf);
                    damaged = buf.is_error();
                    Ok(())
                })
                .map_err(|e| failed("reading a frame", e))?;
            count = count.saturating_add(1);
            if self
                .stream
                .will_block()
                .map_err(|e| failed("querying buffers", e))?
            {
                break;
            }
        }
        Ok(Newest {
            bytes,
            damaged,
            count,
        })
    }
}

/// Whether `fd` became readable within `timeout`.
fn wait_readable(fd: &impl AsFd, timeout: Duration) -> io::Result<bool> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let timeout = Timespec {
        tv_sec: timeout.as_secs() as i64,
        tv_nsec: timeout.subsec_nanos().into(),
    };
    let mut fds = [PollFd::new(fd, PollFlags::IN)];
    let ready = rustix::io::retry_on_intr(|| poll(&mut fds, Some(&timeout)))?;
    Ok(ready > 0)
}

/// Opens, configures and starts streaming for the preview.
fn open_stream(device: &Path) -> Result<Stream, CameraError> {
    open_with(device, preview_choice)
}

/// The format and size a stream is opened with, picked from the device
/// and the pixel formats it offers; an error when none will do.
type Choice = fn(&Path, &Device, &[PixelFormat]) -> Result<(PixelFormat, (u32, u32)), CameraError>;

/// Opens, configures (format and size from `choose`) and starts
/// streaming. `linuxvideo` panics on a few driver answers it does not
/// expect; those become errors here.
fn open_with(device: &Path, choose: Choice) -> Result<Stream, CameraError> {
    std::panic::catch_unwind(|| configure(device, choose)).unwrap_or_else(|_| {
        Err(CameraError::Device {
            device: device.to_path_buf(),
            reason: "the driver gave an answer the V4L2 library does not handle".into(),
        })
    })
}

fn configure(path: &Path, choose: Choice) -> Result<Stream, CameraError> {
    let failed = |what: &str, e: io::Error| CameraError::Device {
        device: path.to_path_buf(),
        reason: format!("{what}: {}", one_line(e)),
    };
    let device = Device::open(path).map_err(|e| failed("cannot open", e))?;
    let caps = device
        .capabilities()
        .map_err(|e| failed("querying capabilities", e))?
        .device_capabilities();
    if !caps.contains(CapabilityFlags::VIDEO_CAPTURE | CapabilityFlags::STREAMING) {
        return Err(CameraError::Device {
            device: path.to_path_buf(),
            reason: "not a video capture device with streaming".into(),
        });
    }
    let offered = device
        .formats(BufType::VIDEO_CAPTURE)
        .map(|f| f.map(|f| f.pixel_format()))
        .collect::<io::Result<Vec<_>>>()
        .map_err(|e| failed("listing formats", e))?;
    let (wanted, (width, height)) = choose(path, &device, &offered)?;
    let capture = device
        .video_capture(PixFormat::new(width, height, wanted))
        .map_err(|e| failed("setting the format", e))?;
    let format = capture.format();
    let layout = match format.pixel_format() {
        PixelFormat::MJPG | PixelFormat::JPEG => Layout::Jpeg,
        PixelFormat::YUYV => Layout::Yuyv {
            width: format.width(),
            height: format.height(),
            stride: format.bytes_per_line(),
        },
        other => return Err(unsupported(path, &[other])),
    };
    // Not every driver sets a rate; the default one works too.
    let _ = capture.set_frame_interval(Fract::new(1, WANTED_FPS));
    let stream = capture
        .into_stream()
        .map_err(|e| failed("starting the stream", e))?;
    Ok(Stream { stream, layout })
}

fn unsupported(device: &Path, offered: &[PixelFormat]) -> CameraError {
    CameraError::UnsupportedFormat {
        device: device.to_path_buf(),
        offered: offered
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The preview's format (MJPEG, else YUYV) and the size nearest
/// [`WANTED_SIZE`].
fn preview_choice(
    path: &Path,
    device: &Device,
    offered: &[PixelFormat],
) -> Result<(PixelFormat, (u32, u32)), CameraError> {
    let wanted = [PixelFormat::MJPG, PixelFormat::JPEG, PixelFormat::YUYV]
        .into_iter()
        .find(|f| offered.contains(f))
        .ok_or_else(|| unsupported(path, offered))?;
    let size = device
        .frame_sizes(wanted)
        .ok()
        .and_then(|sizes| choose_size(&sizes))
        .unwrap_or(WANTED_SIZE);
    Ok((wanted, size))
}

/// The still's format and size: [`plan_still`] over the largest size of
/// each format the device offers.
fn still_choice(
    path: &Path,
    device: &Device,
    offered: &[PixelFormat],
) -> Result<(PixelFormat, (u32, u32)), CameraError> {
    let mjpeg = [PixelFormat::MJPG, PixelFormat::JPEG]
        .into_iter()
        .find(|f| offered.contains(f));
    let largest_of = |format: PixelFormat| {
        device
            .frame_sizes(format)
            .ok()
            .and_then(|sizes| largest(&offered_sizes(&sizes), motcua_scan::MAX_PIXELS))
    };
    let offers = StillOffers {
        mjpeg: mjpeg.map(largest_of),
        yuyv: offered
            .contains(&PixelFormat::YUYV)
            .then(|| largest_of(PixelFormat::YUYV)),
    };
    let preview = preview_choice(path, device, offered)?.1;
    let plan = plan_still(&offers, preview).ok_or_else(|| unsupported(path, offered))?;
    let format = match plan.kind {
        StillKind::Jpeg => mjpeg.unwrap_or(PixelFormat::MJPG),
        StillKind::Yuyv => PixelFormat::YUYV,
    };
    Ok((format, plan.size))
}

/// The frame sizes a driver offers for one format, as plain numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Offered {
    /// A list of sizes.
    Discrete(Vec<(u32, u32)>),
    /// Any size from `min` to `max` in steps of `step` (a continuous range
    /// has steps of 1).
    Stepwise {
        min: (u32, u32),
        max: (u32, u32),
        step: (u32, u32),
    },
}

fn offered_sizes(sizes: &FrameSizes) -> Offered {
    match sizes {
        FrameSizes::Discrete(list) => {
            Offered::Discrete(list.iter().map(|s| (s.width(), s.height())).collect())
        }
        FrameSizes::Stepwise(s) | FrameSizes::Continuous(s) => Offered::Stepwise {
            min: (s.min_width(), s.min_height()),
            max: (s.max_width(), s.max_height()),
            step: (s.step_width(), s.step_height()),
        },
    }
}

/// The largest offered size of at most `max_pixels` pixels (the page
/// pipeline's limit): by area, then by width. A stepwise range larger than
/// that is scaled down in proportion, onto its steps.
fn largest(offered: &Offered, max_pixels: u64) -> Option<(u32, u32)> {
    let area = |(w, h): (u32, u32)| u64::from(w) * u64::from(h);
    match offered {
        Offered::Discrete(list) => list
            .iter()
            .copied()
            .filter(|&(w, h)| w > 0 && h > 0 && area((w, h)) <= max_pixels)
            .max_by_key(|&(w, h)| (area((w, h)), w)),
        &Offered::Stepwise { min, max, step } => {
            let (max_w, max_h) = (max.0.max(min.0), max.1.max(min.1));
            let scale = if area((max_w, max_h)) <= max_pixels {
                1.0
            } else {
                (max_pixels as f64 / area((max_w, max_h)) as f64).sqrt()
            };
            let side = |max: u32, min: u32, step: u32| {
                // Rounded down: within the limit whatever the steps.
                on_step((f64::from(max) * scale).floor() as u32, min, max, step)
            };
            let size = (side(max_w, min.0, step.0), side(max_h, min.1, step.1));
            (size.0 > 0 && size.1 > 0 && area(size) <= max_pixels).then_some(size)
        }
    }
}

/// How a still is taken from the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StillKind {
    /// MJPEG: the buffer is the still, in colour.
    Jpeg,
    /// YUYV: the luma becomes a gray PNG.
    Yuyv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StillPlan {
    kind: StillKind,
    size: (u32, u32),
}

/// What a device offers for stills: for MJPEG and YUYV, `None` when the
/// format is not offered, `Some(None)` when it is but its sizes are not
/// known, else its largest size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct StillOffers {
    mjpeg: Option<Option<(u32, u32)>>,
    yuyv: Option<Option<(u32, u32)>>,
}

/// Picks the still's format and size: MJPEG at its largest size when that
/// is larger than the `preview` (colour, as the camera compressed it);
/// else YUYV at its largest when that is larger (gray, but sharper); else
/// the preview's size, MJPEG if offered. `None` when neither is offered.
fn plan_still(offers: &StillOffers, preview: (u32, u32)) -> Option<StillPlan> {
    let area = |(w, h): (u32, u32)| u64::from(w) * u64::from(h);
    let larger =
        |size: Option<Option<(u32, u32)>>| size.flatten().filter(|&s| area(s) > area(preview));
    if let Some(size) = larger(offers.mjpeg) {
        return Some(StillPlan {
            kind: StillKind::Jpeg,
            size,
        });
    }
    if let Some(size) = larger(offers.yuyv) {
        return Some(StillPlan {
            kind: StillKind::Yuyv,
            size,
        });
    }
    let kind = if offers.mjpeg.is_some() {
        StillKind::Jpeg
    } else if offers.yuyv.is_some() {
        StillKind::Yuyv
    } else {
        return None;
    };
    Some(StillPlan {
        kind,
        size: preview,
    })
}

/// The size nearest [`WANTED_SIZE`] that the device offers.
fn choose_size(sizes: &FrameSizes) -> Option<(u32, u32)> {
    match sizes {
        FrameSizes::Discrete(list) => {
            let list: Vec<_> = list.iter().map(|s| (s.width(), s.height())).collect();
            nearest(&list, WANTED_SIZE)
        }
        FrameSizes::Stepwise(s) | FrameSizes::Continuous(s) => Some((
            on_step(WANTED_SIZE.0, s.min_width(), s.max_width(), s.step_width()),
            on_step(
                WANTED_SIZE.1,
                s.min_height(),
                s.max_height(),
                s.step_height(),
            ),
        )),
    }
}

/// Of `sizes`, the one nearest `want` in area and then in shape (both on a
/// log scale, so 2× too large and 2× too small count the same).
fn nearest(sizes: &[(u32, u32)], want: (u32, u32)) -> Option<(u32, u32)> {
    let log = |w: u32, h: u32| (f64::from(w.max(1)).ln(), f64::from(h.max(1)).ln());
    let (ww, wh) = log(want.0, want.1);
    let score = |&(w, h): &(u32, u32)| {
        let (lw, lh) = log(w, h);
        let area = ((lw + lh) - (ww + wh)).abs();
        let shape = ((lw - lh) - (ww - wh)).abs();
        area + shape / 2.0
    };
    sizes
        .iter()
        .copied()
        .filter(|&(w, h)| w > 0 && h > 0)
        .min_by(|a, b| score(a).total_cmp(&score(b)))
}

/// `want` clamped to `min..=max` and rounded down to `min + k × step`.
fn on_step(want: u32, min: u32, max: u32, step: u32) -> u32 {
    let v = want.clamp(min, max.max(min));
    if step <= 1 {
        v
    } else {
        min + (v - min) / step * step
    }
}

/// The luma plane of a packed YUYV image with `stride` bytes a row (at
/// least `2 × width`; 0 means exactly that).
fn yuyv_luma(bytes: &[u8], width: u32, height: u32, stride: u32) -> Result<Vec<u8>, CameraError> {
    let (w, h) = (width as usize, height as usize);
    let stride = (stride as usize).max(2 * w);
    let needed = match h {
        0 => 0,
        h => stride * (h - 1) + 2 * w,
    };
    if w == 0 || h == 0 || bytes.len() < needed {
        return Err(CameraError::BadFrame(format!(
            "a {width}×{height} YUYV frame needs {needed} bytes, {} came",
            bytes.len()
        )));
    }
    let mut luma = Vec::with_capacity(w * h);
    for row in bytes.chunks(stride).take(h) {
        luma.extend(row[..2 * w].iter().step_by(2));
    }
    Ok(luma)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_missing_device_is_a_clear_error() {
        let missing = Path::new("/dev/video-motcua-missing-97");
        let err = V4l2Source::open(missing).err().unwrap();
        let text = err.to_string();
        assert!(
            matches!(&err, CameraError::Device { device, .. } if device == missing),
            "{err:?}"
        );
        assert!(text.contains("/dev/video-motcua-missing-97"), "{text}");
        assert!(text.contains("cannot open"), "{text}");
        assert!(text.contains("No such file"), "{text}");
    }

    #[test]
    fn a_lazy_source_reports_the_missing_device_on_each_read() {
        let mut source = V4l2Source::new(Path::new("/dev/video-motcua-missing-98"));
        assert_eq!(source.describe(), "V4L2 /dev/video-motcua-missing-98");
        for _ in 0..2 {
            assert!(matches!(
                source.next_frame(),
                Err(CameraError::Device { .. })
            ));
        }
    }

    #[test]
    fn a_file_that_is_no_video_device_is_refused() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let err = V4l2Source::open(file.path()).err().unwrap();
        assert!(matches!(err, CameraError::Device { .. }), "{err:?}");
    }

    #[test]
    fn the_size_nearest_720p_is_chosen() {
        let check = |sizes: &[(u32, u32)], expected: Option<(u32, u32)>| {
            assert_eq!(nearest(sizes, WANTED_SIZE), expected, "{sizes:?}");
        };
        check(&[(640, 480), (1280, 720), (1920, 1080)], Some((1280, 720)));
        check(&[(640, 480), (1280, 960), (1920, 1080)], Some((1280, 960)));
        check(&[(320, 240), (640, 480)], Some((640, 480)));
        check(&[(1920, 1080), (3840, 2160)], Some((1920, 1080)));
        check(&[(1024, 768), (1280, 800)], Some((1280, 800)));
        check(&[], None);
        check(&[(0, 0)], None);
    }

    #[test]
    fn a_stepwise_size_is_clamped_and_on_a_step() {
        assert_eq!(on_step(1280, 160, 1920, 16), 1280);
        assert_eq!(on_step(720, 120, 1080, 100), 720);
        assert_eq!(on_step(720, 100, 1080, 64), 676);
        assert_eq!(on_step(1280, 160, 640, 8), 640);
        assert_eq!(on_step(1280, 1600, 1920, 0), 1600);
    }

    #[test]
    fn a_missing_device_gives_no_still_and_no_hang() {
        let mut source = V4l2Source::new(Path::new("/dev/video-motcua-missing-99"));
        for _ in 0..2 {
            let err = source.still().unwrap_err();
            assert!(matches!(err, CameraError::Device { .. }), "{err:?}");
        }
        let file = tempfile::NamedTempFile::new().unwrap();
        let err = V4l2Source::new(file.path()).still().unwrap_err();
        assert!(matches!(err, CameraError::Device { .. }), "{err:?}");
    }

    const MAX: u64 = motcua_scan::MAX_PIXELS;

    #[test]
    fn the_largest_discrete_size_within_the_limit_is_taken() {
        let discrete = |list: &[(u32, u32)]| Offered::Discrete(list.to_vec());
        let sizes = discrete(&[(640, 480), (3264, 2448), (1280, 720), (1920, 1080)]);
        assert_eq!(largest(&sizes, MAX), Some((3264, 2448)));
        // The same area: the wider one.
        assert_eq!(
            largest(&discrete(&[(1200, 1600), (1600, 1200)]), MAX),
            Some((1600, 1200))
        );
        // Larger than the page pipeline takes: the largest below it.
        assert_eq!(
            largest(&discrete(&[(9000, 6000), (7680, 4320), (640, 480)]), MAX),
            Some((7680, 4320))
        );
        assert_eq!(largest(&discrete(&[(9000, 6000)]), MAX), None);
        assert_eq!(largest(&discrete(&[]), MAX), None);
        assert_eq!(largest(&discrete(&[(0, 0), (0, 720)]), MAX), None);
    }

    #[test]
    fn the_largest_stepwise_size_is_the_maximum_or_scaled_onto_the_steps() {
        let stepwise = |min, max, step| Offered::Stepwise { min, max, step };
        assert_eq!(
            largest(&stepwise((160, 120), (2592, 1944), (16, 8)), MAX),
            Some((2592, 1944))
        );
        // Continuous ranges have steps of 1.
        assert_eq!(
            largest(&stepwise((1, 1), (4000, 3000), (1, 1)), MAX),
            Some((4000, 3000))
        );
        // 10000 × 10000 is twice the limit: scaled by 1/√2, onto the steps.
        let (w, h) = largest(&stepwise((16, 16), (10000, 10000), (16, 16)), MAX).unwrap();
        assert!(u64::from(w) * u64::from(h) <= MAX, "{w}×{h}");
        assert_eq!((w, h), (7056, 7056));
        assert_eq!((w - 16) % 16, 0);
        // A maximum below the minimum counts as the minimum.
        assert_eq!(
            largest(&stepwise((640, 480), (320, 240), (8, 8)), MAX),
            Some((640, 480))
        );
        assert_eq!(largest(&stepwise((0, 0), (0, 0), (1, 1)), MAX), None);
    }

    #[test]
    fn the_still_is_mjpeg_at_its_largest_else_larger_yuyv_else_the_preview_size() {
        let preview = (1280, 720);
        let plan = |mjpeg, yuyv| plan_still(&StillOffers { mjpeg, yuyv }, preview);
        let jpeg = |size| {
            Some(StillPlan {
                kind: StillKind::Jpeg,
                size,
            })
        };
        let yuyv = |size| {
            Some(StillPlan {
                kind: StillKind::Yuyv,
                size,
            })
        };
        // A document camera: MJPEG up to 8 MP, YUYV up to 8 MP at 2 fps.
        assert_eq!(
            plan(Some(Some((3264, 2448))), Some(Some((3264, 2448)))),
            jpeg((3264, 2448))
        );
        // Colour wins whenever MJPEG is larger than the preview at all.
        assert_eq!(
            plan(Some(Some((1920, 1080))), Some(Some((3264, 2448)))),
            jpeg((1920, 1080))
        );
        // MJPEG no larger than the preview: the larger YUYV, in gray.
        assert_eq!(
            plan(Some(Some((1280, 720))), Some(Some((2592, 1944)))),
            yuyv((2592, 1944))
        );
        assert_eq!(plan(None, Some(Some((2592, 1944)))), yuyv((2592, 1944)));
        // Nothing larger: the preview's size, MJPEG if there is one.
        assert_eq!(
            plan(Some(Some((1280, 720))), Some(Some((640, 480)))),
            jpeg(preview)
        );
        assert_eq!(plan(Some(None), Some(None)), jpeg(preview));
        assert_eq!(plan(None, Some(Some((640, 480)))), yuyv(preview));
        assert_eq!(plan(None, Some(None)), yuyv(preview));
        assert_eq!(plan(None, None), None);
    }

    #[test]
    fn a_still_drops_the_settling_frames_and_waits_boundedly() {
        assert_eq!(STILL_SETTLE_FRAMES, 3);
        assert!(!(0..=STILL_SETTLE_FRAMES).any(settled));
        assert!(settled(STILL_SETTLE_FRAMES + 1));
        assert!(settled(u32::MAX));
        assert_eq!(frame_wait(Duration::ZERO), None);
        assert_eq!(
            frame_wait(Duration::from_millis(300)),
            Some(Duration::from_millis(300))
        );
        assert_eq!(frame_wait(STILL_TIMEOUT), Some(STILL_FRAME_TIMEOUT));
        // A large size at 2 fps settles well within the time.
        assert!(Duration::from_millis(500) * (STILL_SETTLE_FRAMES + 1) * 2 <= STILL_TIMEOUT);
        assert!(STILL_TIMEOUT < crate::CameraConfig::default().still_timeout);
    }

    #[test]
    fn yuyv_luma_is_every_other_byte_of_each_row() {
        // 2×2 image, rows padded to 6 bytes.
        let bytes = [10, 1, 20, 2, 99, 99, 30, 3, 40, 4, 99, 99];
        assert_eq!(yuyv_luma(&bytes, 2, 2, 6).unwrap(), vec![10, 20, 30, 40]);
        // Stride 0: rows are exactly 2 × width.
        assert_eq!(
            yuyv_luma(&bytes[..8], 2, 2, 0).unwrap(),
            vec![10, 20, 99, 30]
        );
        // The last row need not be padded.
        assert_eq!(
            yuyv_luma(&bytes[..10], 2, 2, 6).unwrap(),
            vec![10, 20, 30, 40]
        );
        assert!(matches!(
            yuyv_luma(&bytes[..9], 2, 2, 6),
            Err(CameraError::BadFrame(_))
        ));
        assert!(yuyv_luma(&[], 0, 0, 0).is_err());
    }
}
