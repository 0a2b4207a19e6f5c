//! Declarations of the API's paths for the OpenAPI document.
//!
//! The functions are never called: they carry the `#[utoipa::path]`
//! annotations that describe each endpoint. The server implements them.
#![allow(dead_code)]

use crate::{Catalog, Health, HelpRequest, HelpRequestList, NewHelpRequest, Problem, Procedure};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Một Cửa Kiosk backend API",
        description = "The API a Một Cửa kiosk submits to. Errors are problem documents with a stable `code` and a Vietnamese `message`.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(healthz, catalog, procedure, create_help_request, list_help_requests),
    components(schemas(Problem))
)]
pub struct ApiDoc;

/// Liveness and the loaded catalog's size.
#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "The server is up", body = Health)))]
fn healthz() {}

/// The center's whole procedure catalog.
#[utoipa::path(get, path = "/v1/catalog", tag = "catalog",
    responses((status = 200, description = "The catalog", body = Catalog)))]
fn catalog() {}

/// One procedure by its national code.
#[utoipa::path(get, path = "/v1/procedures/{code}", tag = "catalog",
    params(("code" = String, Path, description = "National procedure code, e.g. 1.001193")),
    responses(
        (status = 200, description = "The procedure", body = Procedure),
        (status = 404, description = "No such procedure", body = Problem, content_type = "application/problem+json")
    ))]
fn procedure() {}

/// A kiosk calls a helper.
#[utoipa::path(post, path = "/v1/help-requests", tag = "help",
    request_body = NewHelpRequest,
    responses(
        (status = 201, description = "Recorded", body = HelpRequest),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json")
    ))]
fn create_help_request() {}

/// Open help requests, newest first.
#[utoipa::path(get, path = "/v1/help-requests", tag = "help",
    responses((status = 200, description = "Open requests", body = HelpRequestList)))]
fn list_help_requests() {}
