//! Camera frames for Một Cửa Kiosk, and reading the citizen ID card's QR
//! code from them.
//!
//! - [`Frame`]: 8-bit luma, shared; [`Frame::preview`] makes the small
//!   JPEG the screen shows.
//! - [`QrFinder`] / [`find_qr`]: the raw text of a QR code in a frame
//!   (rxing). Parsing it as an ID card is `motcua_core::cccd`'s work.
//! - [`synth`]: generated photos of an ID card, for tests and benchmarks.
//!
//! Never depends on Tauri, the network or the server.

pub mod error;
pub mod frame;
pub mod qr;
pub mod synth;

pub use error::CameraError;
pub use frame::{Frame, PREVIEW_QUALITY, PREVIEW_SIDE, Preview};
pub use qr::{QrFinder, find_qr};
