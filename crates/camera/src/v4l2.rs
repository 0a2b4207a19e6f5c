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

use std::io;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use linuxvideo::format::{FrameSizes, PixFormat, PixelFormat};
use linuxvideo::stream::ReadStream;
use linuxvideo::{BufType, CapabilityFlags, Device, Fract};

use crate::error::{CameraError, one_line};
use crate::frame::Frame;
use crate::source::FrameSource;

/// The frame size asked for; the driver's nearest size is taken.
pub const WANTED_SIZE: (u32, u32) = (1280, 720);
/// Frame rate asked for: enough for a smooth preview and for reading the
/// QR code, half the decoding work of 30 fps. Drivers may ignore it.
pub const WANTED_FPS: u32 = 15;
/// Longest wait for one frame before the camera counts as stalled.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(1);

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

    fn describe(&self) -> String {
        format!("V4L2 {}", self.device.display())
    }
}

impl Stream {
    /// Waits for a frame, then takes every frame already waiting and keeps
    /// the newest: after a slow moment the consumer sees now, not the past.
    fn newest(&mut self, device: &Path) -> Result<(Vec<u8>, Layout), CameraError> {
        let failed = |what: &str, e: io::Error| CameraError::Device {
            device: device.to_path_buf(),
            reason: format!("{what}: {}", one_line(e)),
        };
        if !wait_readable(&self.stream, FRAME_TIMEOUT).map_err(|e| failed("poll", e))? {
            return Err(CameraError::Timeout {
                device: device.to_path_buf(),
                waited_ms: FRAME_TIMEOUT.as_millis() as u64,
            });
        }
        let mut bytes = Vec::new();
        let mut damaged = false;
        loop {
            self.stream
                .dequeue(|buf| {
                    bytes.clear();
                    bytes.extend_from_slice(&buf);
                    damaged = buf.is_error();
                    Ok(())
                })
                .map_err(|e| failed("reading a frame", e))?;
            if self
                .stream
                .will_block()
                .map_err(|e| failed("querying buffers", e))?
            {
                break;
            }
        }
        if damaged {
            return Err(CameraError::BadFrame(
                "the driver marked the frame as damaged".into(),
            ));
        }
        Ok((bytes, self.layout))
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

/// Opens, configures and starts streaming. `linuxvideo` panics on a few
/// driver answers it does not expect; those become errors here.
fn open_stream(device: &Path) -> Result<Stream, CameraError> {
    std::panic::catch_unwind(|| configure(device)).unwrap_or_else(|_| {
        Err(CameraError::Device {
            device: device.to_path_buf(),
            reason: "the driver gave an answer the V4L2 library does not handle".into(),
        })
    })
}

fn configure(path: &Path) -> Result<Stream, CameraError> {
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
    let unsupported = |offered: &[PixelFormat]| CameraError::UnsupportedFormat {
        device: path.to_path_buf(),
        offered: offered
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    };
    let wanted = [PixelFormat::MJPG, PixelFormat::JPEG, PixelFormat::YUYV]
        .into_iter()
        .find(|f| offered.contains(f))
        .ok_or_else(|| unsupported(&offered))?;
    let (width, height) = device
        .frame_sizes(wanted)
        .ok()
        .and_then(|sizes| choose_size(&sizes))
        .unwrap_or(WANTED_SIZE);
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
        other => return Err(unsupported(&[other])),
    };
    // Not every driver sets a rate; the default one works too.
    let _ = capture.set_frame_interval(Fract::new(1, WANTED_FPS));
    let stream = capture
        .into_stream()
        .map_err(|e| failed("starting the stream", e))?;
    Ok(Stream { stream, layout })
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
