//! Document photos from the kiosk camera: a still of any [`FrameSource`]
//! ([`FrameSource::still`]), as the camera encoded it.
//!
//! The kiosk's V4L2 source streams near 1280×720 for the preview and the
//! ID card's QR code: about 110 DPI across an A4 page filling the frame,
//! soft for small print. A still switches the camera to its largest size
//! for one picture (a colour MJPEG frame, or a gray PNG from YUYV); a
//! replay folder gives its original files; any other source its next
//! frame as a lossless gray PNG.

use motcua_camera::{Frame, FrameSource};

use crate::error::{CaptureError, one_line};
use crate::{Capture, PageSource, SourceKind};

/// Takes stills from a camera: each capture is the source's still (after
/// skipping some frames, if asked), its bytes as the source gave them.
pub struct CameraStillSource<S = Box<dyn FrameSource>> {
    source: S,
    skip_frames: u32,
}

impl<S: FrameSource> CameraStillSource<S> {
    /// Stills from `source`.
    pub fn new(source: S) -> Self {
        Self {
            source,
            skip_frames: 0,
        }
    }

    /// Drops `frames` preview frames before each still (a V4L2 still
    /// settles its exposure by itself; this is for sources that do not).
    pub fn skipping(mut self, frames: u32) -> Self {
        self.skip_frames = frames;
        self
    }

    /// The frame source, back.
    pub fn into_inner(self) -> S {
        self.source
    }
}

impl<S: FrameSource> PageSource for CameraStillSource<S> {
    fn capture(&mut self) -> Result<Capture, CaptureError> {
        for _ in 0..self.skip_frames {
            self.source.next_frame()?;
        }
        let still = self.source.still()?;
        Ok(Capture {
            bytes: still.bytes,
            source_dpi: None,
        })
    }

    fn describe(&self) -> String {
        format!("camera stills from {}", self.source.describe())
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Camera
    }
}

/// A frame as an 8-bit gray PNG ([`motcua_camera::still::encode_png`]).
pub fn encode_png(frame: &Frame) -> Result<Vec<u8>, CaptureError> {
    motcua_camera::still::encode_png(frame).map_err(|e| CaptureError::Encode(one_line(e)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use motcua_camera::CameraError;

    use super::*;

    /// Frames of one gray level each, 10, 20, 30, ..., or an error when
    /// `fail_at` is reached.
    struct Counting {
        n: u8,
        fail_at: Option<u8>,
    }

    impl FrameSource for Counting {
        fn next_frame(&mut self) -> Result<Frame, CameraError> {
            self.n += 1;
            if Some(self.n) == self.fail_at {
                return Err(CameraError::BadFrame("test".into()));
            }
            let mut luma = vec![self.n * 10; 64 * 48];
            // A dark block, so the picture is not flat.
            for y in 10..20 {
                for x in 10..30 {
                    luma[y * 64 + x] = 0;
                }
            }
            Frame::from_luma(64, 48, luma)
        }

        fn describe(&self) -> String {
            "counting frames".into()
        }
    }

    fn counting() -> Counting {
        Counting {
            n: 0,
            fail_at: None,
        }
    }

    #[test]
    fn a_still_is_the_next_frame_losslessly_as_png() {
        let mut source = CameraStillSource::new(counting());
        assert_eq!(source.kind(), SourceKind::Camera);
        assert_eq!(source.describe(), "camera stills from counting frames");
        for level in [10u8, 20, 30] {
            let capture = source.capture().unwrap();
            assert!(capture.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
            assert_eq!(capture.source_dpi, None);
            let back = Frame::decode(&capture.bytes).unwrap();
            assert_eq!((back.width(), back.height()), (64, 48));
            assert_eq!(back.luma()[0], level);
            assert_eq!(back.luma()[15 * 64 + 20], 0);
        }
    }

    #[test]
    fn skipped_frames_are_dropped_before_each_still() {
        let mut source = CameraStillSource::new(counting()).skipping(2);
        let levels: Vec<u8> = (0..2)
            .map(|_| {
                Frame::decode(&source.capture().unwrap().bytes)
                    .unwrap()
                    .luma()[0]
            })
            .collect();
        assert_eq!(levels, [30, 60]);
    }

    #[test]
    fn a_camera_error_is_passed_on_and_the_next_still_works() {
        let mut source = CameraStillSource::new(Counting {
            n: 0,
            fail_at: Some(2),
        });
        source.capture().unwrap();
        assert_eq!(
            source.capture().unwrap_err(),
            CaptureError::Camera(CameraError::BadFrame("test".into()))
        );
        let level = Frame::decode(&source.capture().unwrap().bytes)
            .unwrap()
            .luma()[0];
        assert_eq!(level, 30);
    }

    /// A source whose stills differ from its frames.
    struct WithStill(Counting);

    impl FrameSource for WithStill {
        fn next_frame(&mut self) -> Result<Frame, CameraError> {
            self.0.next_frame()
        }

        fn still(&mut self) -> Result<motcua_camera::Still, CameraError> {
            let n = self.0.next_frame()?.luma()[0];
            Ok(motcua_camera::Still {
                bytes: vec![0xFF, 0xD8, 0xFF, n],
                format: motcua_camera::StillFormat::Jpeg,
                width: 4000,
                height: 3000,
            })
        }

        fn describe(&self) -> String {
            "with stills".into()
        }
    }

    #[test]
    fn a_capture_is_the_sources_still_unchanged() {
        let mut source = CameraStillSource::new(WithStill(counting())).skipping(1);
        assert_eq!(source.capture().unwrap().bytes, [0xFF, 0xD8, 0xFF, 20]);
        assert_eq!(source.capture().unwrap().bytes, [0xFF, 0xD8, 0xFF, 40]);
        // Boxed as the kiosk holds it, the still is still the source's own.
        let boxed: Box<dyn FrameSource> = Box::new(WithStill(counting()));
        let mut source = CameraStillSource::new(boxed);
        assert_eq!(source.capture().unwrap().bytes, [0xFF, 0xD8, 0xFF, 10]);
    }

    #[test]
    fn a_boxed_replay_camera_gives_pages_the_pipeline_accepts() {
        let dir = tempfile::tempdir().unwrap();
        // A 1280×720 photo-like frame of a page of text, turned by 2°.
        let photo = motcua_scan::synth::photo_like(1280, 720, 2.0, 7);
        let png = encode_png(&Frame::from_gray(photo).unwrap()).unwrap();
        std::fs::write(dir.path().join("page.png"), &png).unwrap();
        let camera = motcua_camera::parse_source_spec(&format!("replay:{}", dir.path().display()))
            .unwrap()
            .unwrap();
        let mut source = CameraStillSource::new(camera);
        assert!(
            source
                .describe()
                .starts_with("camera stills from replay of ")
        );
        let capture = source.capture().unwrap();
        assert_eq!(
            capture.bytes, png,
            "the replayed frame comes back unchanged"
        );
        let page = motcua_scan::process(&capture.bytes).unwrap();
        assert!(page.width_px > 0 && page.height_px > 0);
        assert!((page.skew_deg.abs() - 2.0).abs() < 0.5, "{}", page.skew_deg);
    }
}
