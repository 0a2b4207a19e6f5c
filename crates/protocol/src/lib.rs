//! Wire types of the Một Cửa backend API, version 1.
//!
//! This crate is the contract between a kiosk and any backend that serves it:
//! the reference server in `motcua-server`, or a center's own system behind the
//! same API. Every type here is serialised as JSON; [`openapi`] builds the
//! OpenAPI 3 document from these types and the path declarations in [`paths`].
//!
//! It holds no behaviour beyond (de)serialisation and small invariants of the
//! wire format, so both sides can depend on it without pulling anything else.

pub mod accounts;
mod catalog;
pub mod help;
pub mod paths;
mod problem;

pub use accounts::{
    AccountLookup, AccountLookupResult, AccountVerified, NewOtpChallenge, NewVouch, OtpChallenge,
    OtpVerify, Sex, VouchedAccount,
};
pub use catalog::{Catalog, Component, FeeRule, Field, Procedure, ProcessingTime};
pub use help::{HelpRequest, HelpRequestList, HelpStatus, NewHelpRequest};
pub use problem::{Problem, ProblemCode};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The API version prefix every versioned path starts with.
pub const API_PREFIX: &str = "/v1";

/// Header carrying the caller's idempotency key on state-changing requests.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// Answer of `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `"ok"` when the server answers at all.
    pub status: String,
    /// The server's version (its crate version).
    pub version: String,
    /// How many procedures the loaded catalog holds.
    pub procedures: u32,
}

/// The OpenAPI 3 document of this API, generated from the types of this crate.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    paths::ApiDoc::openapi()
}
