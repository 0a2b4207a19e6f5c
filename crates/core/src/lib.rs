//! The citizen-side domain of Một Cửa Kiosk, with no UI and no Tauri.
//!
//! - [`calendar`]: Vietnamese working days (weekends, public holidays from
//!   `catalog/holidays-vn.toml`) and the due date of a dossier.
//! - [`catalog`]: load and validate the center's procedure catalog (a data
//!   file the center edits), and describe fees and processing times in words.
//! - [`fee`]: compute a fee from the catalog's rules, and quote it with an
//!   exemption (amount in words, legal basis, the proving document).
//! - [`cccd`]: parse and check the QR on the front of the citizen ID card.
//! - [`names`]: compare names with case and tone-mark placement folded.
//! - [`keyboard`]: the on-screen Vietnamese keyboard's composition, and Telex.
//! - [`phone`]: Vietnamese mobile numbers: normalise and mask.
//! - [`text`]: Vietnamese text rules: NFC, money in digits and in words.
//! - [`vietqr`]: NAPAS VietQR transfer payloads: encode, decode, CRC.
//! - `client` (feature `client`): the HTTP client of the backend API.
//! - `outbox` (feature `outbox`): the durable, encrypted outbox of dossiers
//!   and its delivery worker.

pub mod calendar;
pub mod catalog;
pub mod cccd;
#[cfg(feature = "client")]
pub mod client;
pub mod fee;
pub mod keyboard;
pub mod names;
#[cfg(feature = "outbox")]
pub mod outbox;
pub mod phone;
pub mod text;
pub mod vietqr;
