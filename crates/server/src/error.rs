use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::{Problem, ProblemCode};

/// An error answer of the API, sent as a problem document.
#[derive(Debug, thiserror::Error)]
#[error("{code:?}: {detail}")]
pub struct ApiError {
    pub code: ProblemCode,
    pub detail: String,
    /// Sent as the problem's `attempts_left`.
    pub attempts_left: Option<u32>,
    /// Sent as the `Retry-After` header and the problem's
    /// `retry_after_seconds`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ProblemCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            attempts_left: None,
            retry_after: None,
        }
    }

    pub fn with_attempts_left(mut self, n: u32) -> Self {
        self.attempts_left = Some(n);
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(ProblemCode::InvalidRequest, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ProblemCode::NotFound, detail)
    }
}

impl From<crate::StoreError> for ApiError {
    fn from(e: crate::StoreError) -> Self {
        // The store error may name SQL, never personal data; log it whole and
        // tell the client only that the server failed.
        tracing::error!(error = %e, "store failure");
        Self::new(ProblemCode::Internal, "storage failure")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut problem = Problem::new(self.code, self.detail);
        problem.attempts_left = self.attempts_left;
        problem.retry_after_seconds = self.retry_after;
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.code == ProblemCode::KioskUnauthorized {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, crate::kiosks::challenge());
        }
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}
