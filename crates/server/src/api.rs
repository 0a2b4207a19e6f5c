//! The HTTP API: routes, extractors and handlers.

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use motcua_protocol::help::HELP_FIELD_MAX_CHARS;
use motcua_protocol::{
    Catalog, Health, HelpRequest, HelpRequestList, NewHelpRequest, ProblemCode, Procedure,
};
use serde::de::DeserializeOwned;
use tower_http::trace::TraceLayer;

use crate::{ApiError, AppState, AuthedKiosk};

/// Largest JSON body the API reads.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// The whole API over `state`.
pub fn router(state: AppState) -> Router {
    // Every route a kiosk calls needs its bearer token: the layer runs before
    // any handler or body extractor, so an unauthenticated request learns
    // nothing but 401.
    let kiosk = Router::new()
        .route("/catalog", get(catalog))
        .route("/procedures/{code}", get(procedure))
        .route(
            "/help-requests",
            get(list_help_requests).post(create_help_request),
        )
        .route("/accounts/lookup", post(crate::accounts::lookup))
        .route("/accounts/otp", post(crate::accounts::request_otp))
        .route("/accounts/verify", post(crate::accounts::verify))
        .route("/accounts/vouch", post(crate::accounts::vouch))
        .route("/staff/unlock", post(crate::staff::unlock))
        .route("/staff/unlock-card", post(crate::staff::unlock_card))
        .route("/fees/quote", post(crate::payments::quote))
        .route("/payments", post(crate::payments::create))
        .route("/payments/{id}", get(crate::payments::get_one))
        .route("/payments/{id}/cancel", post(crate::payments::cancel))
        .route("/uploads", post(crate::uploads::declare))
        .route(
            "/uploads/{sha256}",
            get(crate::uploads::get_one).patch(crate::uploads::append),
        )
        .route("/dossiers", post(crate::dossiers::create))
        .route("/dossiers/lookup", post(crate::dossiers::lookup))
        .route("/kiosks/heartbeat", post(crate::console::heartbeat))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::kiosks::require_kiosk,
        ));
    // The console's login needs no kiosk: it is how a helper gets a session.
    // The counter's routes want a console session instead, and the bank's
    // webhook its signature.
    let console = Router::new()
        .route(
            "/staff/sessions",
            post(crate::staff::login).delete(crate::staff::logout),
        )
        .route("/counter/payments", get(crate::payments::counter_list))
        .route(
            "/counter/payments/{id}/confirm",
            post(crate::payments::counter_confirm),
        )
        .route("/bank/webhook", post(crate::payments::bank_webhook))
        .route("/dossiers", get(crate::dossiers::list))
        .route("/dossiers/{code}", get(crate::dossiers::get_one))
        .route("/dossiers/{code}/status", post(crate::dossiers::set_status))
        .route(
            "/dossiers/{code}/documents/{sha256}",
            get(crate::dossiers::document),
        )
        .route(
            "/help-requests/{id}/answer",
            post(crate::console::answer_help_request),
        )
        .route("/console/kiosks", get(crate::console::kiosks))
        .route("/console/help-requests", get(crate::console::help_requests))
        .route("/console/events", get(crate::console::events))
        .route("/console/figures", get(crate::console::figures))
        .route("/audit", get(crate::audit::list));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi))
        .merge(crate::console_page::routes())
        .nest(motcua_protocol::API_PREFIX, kiosk.merge(console))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A JSON body whose rejections are problem documents.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

/// Path parameters whose rejection is a problem document. The only way a
/// `String` parameter fails is bytes that are not UTF-8 once decoded
/// (`%FF`): no resource has such a name, so 404, as for any unknown one.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(Self(v)),
            Err(rejection) => Err(ApiError::not_found(format!(
                "no such resource: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// A query string whose rejection (a field twice, not UTF-8, a wrong type)
/// is a problem document (400), not axum's plain text.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(Self(v)),
            Err(rejection) => Err(ApiError::invalid(rejection.body_text())),
        }
    }
}

fn json_rejection(r: &JsonRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            ProblemCode::PayloadTooLarge,
            format!("body exceeds {MAX_JSON_BYTES} bytes"),
        )
    } else {
        ApiError::invalid(r.body_text())
    }
}

async fn healthz(State(s): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        procedures: u32::try_from(s.catalog.procedures.len()).unwrap_or(u32::MAX),
    })
}

async fn openapi() -> Response {
    Json(motcua_protocol::openapi()).into_response()
}

async fn catalog(State(s): State<AppState>) -> Json<Catalog> {
    Json((*s.catalog).clone())
}

async fn procedure(
    State(s): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Procedure>, ApiError> {
    motcua_core::catalog::find(&s.catalog, &code)
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no procedure with code {code:?}")))
}

fn check_text(name: &str, value: &str) -> Result<String, ApiError> {
    check_text_max(name, value, HELP_FIELD_MAX_CHARS)
}

/// Trimmed, NFC, non-empty, at most `max` characters, no control characters.
pub(crate) fn check_text_max(name: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let value = motcua_core::text::nfc(value.trim());
    if value.is_empty() {
        return Err(ApiError::invalid(format!("{name} is empty")));
    }
    if value.chars().count() > max {
        return Err(ApiError::invalid(format!(
            "{name} is longer than {max} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "{name} contains control characters"
        )));
    }
    Ok(value)
}

/// Records a help request from the calling kiosk. The body's `kiosk_id` is
/// still checked (it is part of the wire contract) but the request is
/// recorded under the name the kiosk authenticated as.
async fn create_help_request(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiJson(req): ApiJson<NewHelpRequest>,
) -> Result<(StatusCode, Json<HelpRequest>), ApiError> {
    check_text("kiosk_id", &req.kiosk_id)?;
    let clean = NewHelpRequest {
        kiosk_id: kiosk.name,
        step: check_text("step", &req.step)?,
        procedure_code: match req.procedure_code.as_deref() {
            None => None,
            Some(code) if motcua_core::catalog::find(&s.catalog, code).is_some() => {
                Some(code.to_owned())
            }
            Some(_) => return Err(ApiError::invalid("procedure_code is not in the catalog")),
        },
    };
    let id = uuid::Uuid::new_v4().to_string();
    let now = s
        .clock
        .now()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| ApiError::new(ProblemCode::Internal, format!("clock: {e}")))?;
    let stored = s.store.insert_help_request(&clean, &id, &now).await?;
    tracing::info!(help_request = %stored.id, kiosk = %stored.kiosk_id, step = %stored.step, "help requested");
    s.events.publish(
        motcua_protocol::ConsoleEventKind::HelpRequestCreated,
        stored.id.clone(),
    );
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn list_help_requests(State(s): State<AppState>) -> Result<Json<HelpRequestList>, ApiError> {
    Ok(Json(HelpRequestList {
        items: s.store.open_help_requests().await?,
    }))
}

async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(format!("no route {}", req.uri().path()))
}

async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::new(
        ProblemCode::MethodNotAllowed,
        format!(
            "method {} not allowed on {}",
            req.method(),
            req.uri().path()
        ),
    )
}
