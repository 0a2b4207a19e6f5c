//! Camera frames for Một Cửa Kiosk, and reading the citizen ID card's QR
//! code from them.
//!
//! - [`FrameSource`]: frames one at a time, from a real V4L2 camera
//!   ([`V4l2Source`], pure Rust through `linuxvideo`) or from a folder of
//!   images played in a loop ([`ReplaySource`]); [`parse_source_spec`]
//!   reads the kiosk's `--camera` option.
//! - [`Still`]: one full-resolution picture for a document page, the
//!   encoded JPEG or PNG the source gave ([`FrameSource::still`]: a V4L2
//!   camera's largest MJPEG size, in colour; a replay's original file).
//! - [`Frame`]: 8-bit luma, shared; [`Frame::preview`] makes the small
//!   JPEG the screen shows.
//! - [`QrFinder`] / [`find_qr`]: the raw text of a QR code in a frame
//!   (rxing). Parsing it as an ID card is `motcua_core::cccd`'s work.
//! - [`Camera`]: the worker, running a source on its own threads and
//!   sending [`CameraEvent`]s (previews, QR texts once each, source
//!   failures) to a plain callback, so the shell can wire it to anything;
//!   [`Camera::still`] asks its capture thread for a still, bounded in time.
//! - [`synth`]: generated photos of an ID card, for tests and benchmarks.
//!
//! Never depends on Tauri, the network or the server. Logs nothing: a QR
//! text is personal data and goes only to the sink.

pub mod error;
pub mod frame;
pub mod qr;
pub mod replay;
pub mod source;
pub mod still;
pub mod synth;
pub mod v4l2;
pub mod worker;

pub use error::CameraError;
pub use frame::{Frame, PREVIEW_QUALITY, PREVIEW_SIDE, Preview};
pub use qr::{QrFinder, find_qr};
pub use replay::ReplaySource;
pub use source::{FrameSource, parse_source_spec};
pub use still::{Still, StillFormat};
pub use v4l2::V4l2Source;
pub use worker::{Camera, CameraConfig, CameraEvent, StillTaker};
