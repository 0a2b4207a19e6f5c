//! Kiosks and their tokens: every kiosk-facing `/v1` route needs
//! `Authorization: Bearer <token>` of a registered kiosk that is not
//! revoked. Handlers read the calling kiosk as [`AuthedKiosk`].
//!
//! Logs name kiosks (devices), never a token.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use motcua_protocol::ProblemCode;
use motcua_protocol::help::HELP_FIELD_MAX_CHARS;
use sqlx::Row;
use time::OffsetDateTime;

use crate::audit::{Action, Actor, Subject, record};
use crate::store::rfc3339;
use crate::tokens::{TOKEN_MAX_CHARS, new_token, same, token_hash};
use crate::{ApiError, AppState, Secret, Store, StoreError};

/// Longest kiosk name: it is what help requests record.
pub const KIOSK_NAME_MAX_CHARS: usize = HELP_FIELD_MAX_CHARS;

/// The kiosk a request was authenticated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthedKiosk {
    pub name: String,
}

/// Why a kiosk could not be added, renewed or revoked.
#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error("kiosk name {0}")]
    BadName(&'static str),
    #[error("a kiosk named {0:?} already exists")]
    Exists(String),
    #[error("no kiosk named {0:?}")]
    Unknown(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A kiosk as `motcua server kiosk list` shows it: never its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskRow {
    pub name: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC; `None` while the kiosk's token works.
    pub revoked_at: Option<String>,
}

/// Trimmed and NFC; 1 to [`KIOSK_NAME_MAX_CHARS`] characters, none of them
/// control characters.
pub fn check_kiosk_name(name: &str) -> Result<String, KioskError> {
    let name = motcua_core::text::nfc(name.trim());
    if name.is_empty() {
        return Err(KioskError::BadName("is empty"));
    }
    if name.chars().count() > KIOSK_NAME_MAX_CHARS {
        return Err(KioskError::BadName("is longer than 64 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(KioskError::BadName("contains control characters"));
    }
    Ok(name)
}

/// The audit entry of a kiosk change made from the command line (or by
/// the embedded backend for its own kiosk).
async fn audit_kiosk(
    tx: &mut crate::store::Tx<'_>,
    now: OffsetDateTime,
    action: Action,
    name: &str,
) -> Result<(), StoreError> {
    record(
        tx,
        now,
        Actor::System,
        action,
        Subject::Kiosk(name),
        serde_json::json!({}),
    )
    .await
}

impl Store {
    /// Registers a kiosk and returns its token, the only time it is seen.
    /// Refuses a name already taken, even by a revoked kiosk.
    pub async fn add_kiosk(&self, name: &str, now: OffsetDateTime) -> Result<Secret, KioskError> {
        let name = check_kiosk_name(name)?;
        let token = new_token();
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let done = sqlx::query(
            "INSERT INTO kiosks (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&name)
        .bind(token_hash(token.expose()))
        .bind(rfc3339(now)?)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        if done.rows_affected() == 0 {
            return Err(KioskError::Exists(name));
        }
        audit_kiosk(&mut tx, now, Action::KioskAdded, &name).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(token)
    }

    /// Gives the kiosk `name` a fresh token, registering it if needed and
    /// lifting a revocation; its old token stops working. The embedded
    /// backend does this for its own kiosk at every start.
    pub async fn renew_kiosk(&self, name: &str, now: OffsetDateTime) -> Result<Secret, KioskError> {
        let name = check_kiosk_name(name)?;
        let token = new_token();
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        sqlx::query(
            "INSERT INTO kiosks (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, revoked_at = NULL",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&name)
        .bind(token_hash(token.expose()))
        .bind(rfc3339(now)?)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        audit_kiosk(&mut tx, now, Action::KioskTokenRenewed, &name).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(token)
    }

    /// Revokes a kiosk's token. Returns `false` when it was already revoked.
    pub async fn revoke_kiosk(&self, name: &str, now: OffsetDateTime) -> Result<bool, KioskError> {
        let name = check_kiosk_name(name)?;
        let revoked_at: Option<Option<String>> =
            sqlx::query_scalar("SELECT revoked_at FROM kiosks WHERE name = $1")
                .bind(&name)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from)?;
        match revoked_at {
            None => Err(KioskError::Unknown(name)),
            Some(Some(_)) => Ok(false),
            Some(None) => {
                let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
                let done = sqlx::query(
                    "UPDATE kiosks SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
                )
                .bind(&name)
                .bind(rfc3339(now)?)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
                if done.rows_affected() == 1 {
                    audit_kiosk(&mut tx, now, Action::KioskRevoked, &name).await?;
                }
                tx.commit().await.map_err(StoreError::from)?;
                Ok(done.rows_affected() == 1)
            }
        }
    }

    /// Every kiosk, by name.
    pub async fn kiosks(&self) -> Result<Vec<KioskRow>, StoreError> {
        let rows = sqlx::query("SELECT name, created_at, revoked_at FROM kiosks ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(KioskRow {
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// The name of the kiosk whose token is `token`, if it is registered and
    /// not revoked.
    pub async fn kiosk_by_token(&self, token: &str) -> Result<Option<String>, StoreError> {
        let hash = token_hash(token);
        let row = sqlx::query(
            "SELECT name, token_hash FROM kiosks WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let stored: String = row.try_get("token_hash")?;
        Ok(same(&stored, &hash)
            .then(|| row.try_get("name"))
            .transpose()?)
    }
}

/// The token of an `Authorization: Bearer <token>` header, if well-formed.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= TOKEN_MAX_CHARS)
        .then_some(token)
}

fn unauthorized(detail: &str) -> ApiError {
    ApiError::new(ProblemCode::KioskUnauthorized, detail)
}

/// Middleware of the kiosk-facing routes: lets a request through only with
/// the token of a registered kiosk that is not revoked, and hands the
/// kiosk to the handler as an [`AuthedKiosk`] extension.
pub(crate) async fn require_kiosk(
    State(s): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(token) = bearer(req.headers()) else {
        tracing::info!(
            path = req.uri().path(),
            "request without a kiosk token refused"
        );
        return Err(unauthorized("a kiosk bearer token is required"));
    };
    let Some(name) = s.store.kiosk_by_token(token).await? else {
        tracing::info!(
            path = req.uri().path(),
            "unknown or revoked kiosk token refused"
        );
        return Err(unauthorized("the kiosk token is unknown or revoked"));
    };
    req.extensions_mut().insert(AuthedKiosk { name });
    Ok(next.run(req).await)
}

impl<S: Send + Sync> FromRequestParts<S> for AuthedKiosk {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<AuthedKiosk>()
            .cloned()
            .ok_or_else(|| unauthorized("the route is not behind the kiosk check"))
    }
}

/// The `WWW-Authenticate` challenge sent with `kiosk_unauthorized`.
pub(crate) fn challenge() -> HeaderValue {
    HeaderValue::from_static("Bearer realm=\"motcua\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_only_when_well_formed() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        for (value, want) in [
            ("Bearer abc", Some("abc")),
            ("bearer  abc ", Some("abc")),
            ("Basic abc", None),
            ("Bearer", None),
            ("Bearer ", None),
            ("abc", None),
        ] {
            h.insert(AUTHORIZATION, HeaderValue::from_static(value));
            assert_eq!(bearer(&h), want, "{value:?}");
        }
        let long = format!("Bearer {}", "a".repeat(TOKEN_MAX_CHARS + 1));
        h.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&long).unwrap_or_else(|e| panic!("{e}")),
        );
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn kiosk_names_are_checked_and_nfc() {
        assert_eq!(
            check_kiosk_name(" Qua\u{0302}\u{0300}y 1 ").ok().as_deref(),
            Some("Quầy 1")
        );
        for bad in ["", "  ", "a\u{7}", &"x".repeat(65)] {
            assert!(check_kiosk_name(bad).is_err(), "{bad:?}");
        }
    }
}
