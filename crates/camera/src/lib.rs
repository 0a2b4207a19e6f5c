//! Camera frames for Một Cửa Kiosk, and reading the citizen ID card's QR
//! code from them.
//!
//! - [`Frame`]: 8-bit luma, shared; [`Frame::preview`] makes the small
//!   JPEG the screen shows.
//!
//! Never depends on Tauri, the network or the server.

pub mod error;
pub mod frame;

pub use error::CameraError;
pub use frame::{Frame, PREVIEW_QUALITY, PREVIEW_SIDE, Preview};
