//! The citizen-side domain of Một Cửa Kiosk, with no UI and no Tauri.
//!
//! - [`catalog`]: load and validate the center's procedure catalog (a data
//!   file the center edits), and describe fees and processing times in words.
//! - [`fee`]: compute a fee from the catalog's rules.
//! - [`text`]: Vietnamese text rules: NFC, money in digits and in words.
//! - `client` (feature `client`): the HTTP client of the backend API.

pub mod catalog;
#[cfg(feature = "client")]
pub mod client;
pub mod fee;
pub mod text;
pub mod vietqr;
