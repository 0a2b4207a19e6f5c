//! Helpers (staff): accounts with an argon2id password and PIN, console
//! sessions, helper mode unlocked on one kiosk, and the lock after too many
//! wrong passwords or PINs.
//!
//! A wrong user, password or PIN gets one generic answer. Logs name a helper
//! by the opaque staff id and a session by its id: never a user name, a
//! password, a PIN or a token.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::staff::{
    STAFF_LOCK_SECONDS, STAFF_MAX_FAILURES, STAFF_SESSION_COOKIE, STAFF_SESSION_SECONDS,
    STAFF_UNLOCK_SECONDS,
};
use motcua_protocol::{ProblemCode, STAFF_TOKEN_HEADER, StaffLogin, StaffSession, StaffUnlock};
use sqlx::Row;
use time::OffsetDateTime;

use crate::api::ApiJson;
use crate::audit::{Action, Actor, Subject, at_secs, record};
use crate::store::rfc3339;
use crate::tokens::{TOKEN_MAX_CHARS, new_token, token_hash};
use crate::{ApiError, AppState, AuthedKiosk, Secret, Store, StoreError};

mod cards;
pub(crate) use cards::unlock_card;

/// Shortest password a helper may have.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password (hashing cost aside, nobody types more).
pub const PASSWORD_MAX_CHARS: usize = 256;
/// Longest user name.
pub const STAFF_USER_MAX_CHARS: usize = 64;
/// Longest display name.
pub const DISPLAY_NAME_MAX_CHARS: usize = 100;

/// Why a helper could not be added or changed.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("user name {0}")]
    BadUser(&'static str),
    #[error("display name {0}")]
    BadDisplayName(&'static str),
    #[error("password refused: it {0}")]
    WeakPassword(&'static str),
    #[error("PIN refused: it {0}")]
    BadPin(&'static str),
    #[error("a helper named {0:?} already exists")]
    Exists(String),
    #[error("no helper named {0:?}")]
    Unknown(String),
    #[error("the helper {0:?} is disabled")]
    Disabled(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A helper to add. The password and PIN never show in `Debug` output.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub user: String,
    /// `None` uses the user name.
    pub display_name: Option<String>,
    pub password: Secret,
    pub pin: Secret,
}

/// A user name as stored: trimmed, lowercase; 1 to 64 ASCII letters,
/// digits, `.`, `_` or `-`, starting with a letter or digit.
pub fn check_user(user: &str) -> Result<String, StaffError> {
    let user = user.trim().to_ascii_lowercase();
    if user.is_empty() {
        return Err(StaffError::BadUser("is empty"));
    }
    if user.len() > STAFF_USER_MAX_CHARS {
        return Err(StaffError::BadUser("is longer than 64 characters"));
    }
    if !user
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return Err(StaffError::BadUser(
            "may hold only ASCII letters, digits, '.', '_' and '-'",
        ));
    }
    if !user
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return Err(StaffError::BadUser("must start with a letter or a digit"));
    }
    Ok(user)
}

fn check_display_name(name: &str) -> Result<String, StaffError> {
    let name = motcua_core::text::nfc(name.trim());
    if name.is_empty() {
        return Err(StaffError::BadDisplayName("is empty"));
    }
    if name.chars().count() > DISPLAY_NAME_MAX_CHARS {
        return Err(StaffError::BadDisplayName("is longer than 100 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(StaffError::BadDisplayName("contains control characters"));
    }
    Ok(name)
}

/// The rules a new password must meet; the reasons never quote it.
pub fn check_new_password(user: &str, password: &str) -> Result<(), StaffError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(StaffError::WeakPassword("is shorter than 10 characters"));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(StaffError::WeakPassword("is longer than 256 characters"));
    }
    if password.chars().any(char::is_control) {
        return Err(StaffError::WeakPassword("contains control characters"));
    }
    let mut chars = password.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return Err(StaffError::WeakPassword("repeats one character"));
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err(StaffError::WeakPassword("is only digits"));
    }
    if user.len() >= 3 && password.to_lowercase().contains(user) {
        return Err(StaffError::WeakPassword("contains the user name"));
    }
    Ok(())
}

/// A PIN is exactly 6 ASCII digits.
fn is_pin_shaped(pin: &str) -> bool {
    pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The rules a new PIN must meet; the reasons never quote it.
pub fn check_new_pin(pin: &str) -> Result<(), StaffError> {
    if !is_pin_shaped(pin) {
        return Err(StaffError::BadPin("is not exactly 6 digits"));
    }
    let d: Vec<i16> = pin.bytes().map(|b| i16::from(b - b'0')).collect();
    let steps: Vec<i16> = d.windows(2).map(|w| w[1] - w[0]).collect();
    if steps.iter().all(|&s| s == 0) {
        return Err(StaffError::BadPin("repeats one digit"));
    }
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1) {
        return Err(StaffError::BadPin("is a run of digits"));
    }
    Ok(())
}

/// An argon2id PHC string of `secret` (default parameters, random salt).
fn hash_secret(secret: &str) -> Result<String, StaffError> {
    use rand::RngExt;
    let mut salt = [0u8; 16];
    rand::rng().fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| StaffError::Hash(e.to_string()))?;
    argon2::Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StaffError::Hash(e.to_string()))
}

/// Whether `secret` matches the PHC string `phc`. A malformed hash matches
/// nothing.
fn verify_secret(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(secret.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash no password matches, verified against for unknown users so that
/// they take as long as known ones.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_secret(new_token().expose()).unwrap_or_default())
}

/// Runs argon2 verification on the blocking pool, off the async executor.
async fn verify_blocking(secret: Secret, phc: Option<String>) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify_secret(secret.expose(), &phc),
        None => {
            let _ = verify_secret(secret.expose(), decoy_hash());
            false
        }
    })
    .await
    .map_err(|e| ApiError::new(ProblemCode::Internal, format!("verification task: {e}")))
}

/// A helper as authentication reads them.
#[derive(Debug, Clone)]
struct StaffRow {
    id: String,
    user: String,
    display_name: String,
    password_hash: String,
    pin_hash: String,
    active: bool,
    locked_until: Option<i64>,
}

/// A helper's row as `SELECT id, "user", display_name, password_hash,
/// pin_hash, active, locked_until` reads it.
fn staff_row(r: &sqlx::any::AnyRow) -> Result<StaffRow, StoreError> {
    let active: i64 = r.try_get("active")?;
    Ok(StaffRow {
        id: r.try_get("id")?,
        user: r.try_get("user")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        pin_hash: r.try_get("pin_hash")?,
        active: active != 0,
        locked_until: r.try_get("locked_until")?,
    })
}

/// What kind of staff token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SessionKind {
    Console,
    Kiosk,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Console => "console",
            Self::Kiosk => "kiosk",
        }
    }
}

/// A staff token to record.
#[derive(Debug)]
struct NewSession<'a> {
    id: &'a str,
    token_hash: String,
    staff_id: &'a str,
    /// The helper's user name, for the audit log.
    user: &'a str,
    kind: SessionKind,
    /// The kiosk a helper-mode token is bound to.
    kiosk_name: Option<&'a str>,
    created_at: i64,
    expires_at: i64,
}

/// A live staff token, as the vouch check reads it.
#[derive(Debug, Clone)]
struct SessionRow {
    id: String,
    staff_id: String,
    user: String,
    kind: String,
    kiosk_name: Option<String>,
    expires_at: i64,
    active: bool,
}

/// Helpers and their sessions.
impl Store {
    /// Adds a helper, hashing password and PIN with argon2id on the
    /// blocking pool.
    pub async fn add_staff(&self, new: &NewStaff, now: OffsetDateTime) -> Result<(), StaffError> {
        let user = check_user(&new.user)?;
        let display_name = check_display_name(new.display_name.as_deref().unwrap_or(&user))?;
        let password = motcua_core::text::nfc(new.password.expose());
        check_new_password(&user, &password)?;
        check_new_pin(new.pin.expose())?;
        let pin = new.pin.clone();
        let (password_hash, pin_hash) = tokio::task::spawn_blocking(move || {
            Ok::<_, StaffError>((hash_secret(&password)?, hash_secret(pin.expose())?))
        })
        .await
        .map_err(|e| StaffError::Hash(e.to_string()))??;
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let done = sqlx::query(
            "INSERT INTO staff (id, \"user\", display_name, password_hash, pin_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (\"user\") DO NOTHING",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&user)
        .bind(&display_name)
        .bind(&password_hash)
        .bind(&pin_hash)
        .bind(rfc3339(now)?)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        if done.rows_affected() == 0 {
            return Err(StaffError::Exists(user));
        }
        record(
            &mut tx,
            now,
            Actor::System,
            Action::StaffAdded,
            Subject::Staff(&user),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Disables a helper and ends their sessions. Returns `false` when they
    /// were already disabled.
    pub async fn disable_staff(&self, user: &str) -> Result<bool, StaffError> {
        self.disable_staff_at(user, OffsetDateTime::now_utc()).await
    }

    /// [`Store::disable_staff`] at `now`.
    pub async fn disable_staff_at(
        &self,
        user: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StaffError> {
        let user = check_user(user)?;
        let mut tx = self.begin_immediate().await?;
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT id, active FROM staff WHERE \"user\" = $1")
                .bind(&user)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        let Some((id, active)) = row else {
            return Err(StaffError::Unknown(user));
        };
        sqlx::query("UPDATE staff SET active = 0 WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        if active != 0 {
            record(
                &mut tx,
                now,
                Actor::System,
                Action::StaffDisabled,
                Subject::Staff(&user),
                serde_json::json!({}),
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(active != 0)
    }

    async fn staff_by_user(&self, user: &str) -> Result<Option<StaffRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, \"user\", display_name, password_hash, pin_hash, active, locked_until \
             FROM staff WHERE \"user\" = $1",
        )
        .bind(user)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(staff_row).transpose()
    }

    /// Counts one wrong password or PIN; at the limit, locks the account
    /// until `lock_until` and starts counting afresh. Returns the failures
    /// in a row and whether the account is now locked.
    async fn record_staff_failure(
        &self,
        id: &str,
        lock_until: i64,
    ) -> Result<(u32, bool), StoreError> {
        let row = sqlx::query(
            "UPDATE staff SET \
             locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE locked_until END, \
             failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 \
                                    ELSE failed_attempts + 1 END \
             WHERE id = $1 RETURNING failed_attempts, locked_until",
        )
        .bind(id)
        .bind(i64::from(STAFF_MAX_FAILURES))
        .bind(lock_until)
        .fetch_one(&self.pool)
        .await?;
        let attempts: i64 = row.try_get("failed_attempts")?;
        let locked: Option<i64> = row.try_get("locked_until")?;
        let locked = locked == Some(lock_until);
        let attempts = if locked {
            STAFF_MAX_FAILURES
        } else {
            u32::try_from(attempts).map_err(|_| StoreError::Corrupt("negative failures".into()))?
        };
        Ok((attempts, locked))
    }

    async fn clear_staff_failures(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a staff token (its hash) and drops the expired ones.
    async fn insert_staff_session(&self, new: &NewSession<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1")
            .bind(new.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO staff_sessions (id, token_hash, staff_id, kind, kiosk_name, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new.id)
        .bind(&new.token_hash)
        .bind(new.staff_id)
        .bind(new.kind.as_str())
        .bind(new.kiosk_name)
        .bind(new.created_at)
        .bind(new.expires_at)
        .execute(&mut *tx)
        .await?;
        let (action, detail) = match new.kind {
            SessionKind::Console => (Action::StaffLogin, serde_json::json!({"session": new.id})),
            SessionKind::Kiosk => (
                Action::HelperModeUnlocked,
                serde_json::json!({"session": new.id, "kiosk": new.kiosk_name}),
            ),
        };
        record(
            &mut tx,
            at_secs(new.created_at),
            Actor::Staff(new.user),
            action,
            Subject::Staff(new.user),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn staff_session(&self, token: &str) -> Result<Option<SessionRow>, StoreError> {
        let row = sqlx::query(
            "SELECT s.id, s.staff_id, f.\"user\", s.kind, s.kiosk_name, s.expires_at, f.active \
             FROM staff_sessions s JOIN staff f ON f.id = s.staff_id WHERE s.token_hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let active: i64 = r.try_get("active")?;
            Ok(SessionRow {
                id: r.try_get("id")?,
                staff_id: r.try_get("staff_id")?,
                user: r.try_get("user")?,
                kind: r.try_get("kind")?,
                kiosk_name: r.try_get("kiosk_name")?,
                expires_at: r.try_get("expires_at")?,
                active: active != 0,
            })
        })
        .transpose()
    }

    /// Ends the session whose token is `token`; returns its id if it existed.
    async fn delete_staff_session(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let gone: Option<(String, String, String)> = sqlx::query_as(
            "DELETE FROM staff_sessions WHERE token_hash = $1 RETURNING id, staff_id, kind",
        )
        .bind(token_hash(token))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id, staff_id, kind)) = gone else {
            tx.rollback().await?;
            return Ok(None);
        };
        let user: String = sqlx::query_scalar("SELECT \"user\" FROM staff WHERE id = $1")
            .bind(&staff_id)
            .fetch_one(&mut *tx)
            .await?;
        record(
            &mut tx,
            now,
            Actor::Staff(&user),
            Action::StaffLogout,
            Subject::Staff(&user),
            serde_json::json!({"session": id, "kind": kind}),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }
}

fn login_failed() -> ApiError {
    ApiError::new(
        ProblemCode::StaffLoginFailed,
        "wrong user name, password or PIN",
    )
}

fn locked(until: i64, now: i64) -> ApiError {
    ApiError::new(
        ProblemCode::StaffLocked,
        "too many wrong passwords or PINs; the account is locked for a while",
    )
    .with_retry_after(u64::try_from(until.saturating_sub(now)).unwrap_or(0).max(1))
}

/// Which secret a helper proves themselves with.
#[derive(Debug, Clone, Copy)]
enum Proof {
    Password,
    Pin,
}

/// Checks a helper's password or PIN, counting failures and honouring the
/// lock. Every failure that is not a lock looks the same to the caller.
async fn authenticate(
    s: &AppState,
    user: &str,
    secret: &str,
    proof: Proof,
) -> Result<StaffRow, ApiError> {
    let now = s.clock.now().unix_timestamp();
    let secret = match proof {
        Proof::Password => motcua_core::text::nfc(secret),
        Proof::Pin => secret.to_owned(),
    };
    let well_formed = match proof {
        Proof::Password => (1..=PASSWORD_MAX_CHARS).contains(&secret.chars().count()),
        Proof::Pin => is_pin_shaped(&secret),
    };
    let row = match check_user(user) {
        Ok(user) => s.store.staff_by_user(&user).await?,
        Err(_) => None,
    };
    let Some(row) = row else {
        // As long as a real check, so the time says nothing of who exists.
        verify_blocking(Secret::new(secret), None).await?;
        tracing::info!("staff login for an unknown user refused");
        return Err(login_failed());
    };
    if let Some(until) = row.locked_until
        && until > now
    {
        tracing::info!(staff = %row.id, "staff login refused: locked");
        return Err(locked(until, now));
    }
    let phc = match proof {
        Proof::Password => row.password_hash.clone(),
        Proof::Pin => row.pin_hash.clone(),
    };
    let ok = well_formed && verify_blocking(Secret::new(secret), Some(phc)).await?;
    if !row.active {
        tracing::info!(staff = %row.id, "staff login refused: disabled");
        return Err(login_failed());
    }
    if ok {
        s.store.clear_staff_failures(&row.id).await?;
        return Ok(row);
    }
    let lock_until = now + STAFF_LOCK_SECONDS;
    let (failures, now_locked) = s.store.record_staff_failure(&row.id, lock_until).await?;
    if now_locked {
        tracing::warn!(staff = %row.id, "staff account locked after wrong passwords or PINs");
        return Err(locked(lock_until, now));
    }
    tracing::info!(staff = %row.id, failures, ?proof, "wrong staff password or PIN");
    Err(login_failed())
}

/// Issues a staff token for `row`.
async fn open_session(
    s: &AppState,
    row: &StaffRow,
    kind: SessionKind,
    kiosk: Option<&str>,
    seconds: i64,
) -> Result<StaffSession, ApiError> {
    let now_t = s.clock.now();
    let now = now_t.unix_timestamp();
    let token = new_token();
    let id = uuid::Uuid::new_v4().to_string();
    s.store
        .insert_staff_session(&NewSession {
            id: &id,
            token_hash: token_hash(token.expose()),
            staff_id: &row.id,
            user: &row.user,
            kind,
            kiosk_name: kiosk,
            created_at: now,
            expires_at: now + seconds,
        })
        .await?;
    tracing::info!(staff = %row.id, session = %id, kind = kind.as_str(), kiosk, "staff session opened");
    Ok(StaffSession {
        token: token.expose().to_owned(),
        user: row.user.clone(),
        display_name: row.display_name.clone(),
        expires_at: rfc3339(now_t + time::Duration::seconds(seconds))?,
    })
}

fn cookie(value: &str, max_age: i64) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(&format!(
        "{STAFF_SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/v1; Max-Age={max_age}"
    ))
    .map_err(|e| ApiError::new(ProblemCode::Internal, format!("cookie: {e}")))
}

/// `POST /v1/staff/sessions`: console login with user name and password.
pub(crate) async fn login(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<StaffLogin>,
) -> Result<Response, ApiError> {
    let row = authenticate(&s, &req.user, &req.password, Proof::Password).await?;
    let session = open_session(&s, &row, SessionKind::Console, None, STAFF_SESSION_SECONDS).await?;
    let set_cookie = cookie(&session.token, STAFF_SESSION_SECONDS)?;
    let mut resp = (StatusCode::CREATED, Json(session)).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, set_cookie);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// The staff token of a request: the `X-Staff-Token` header, else the
/// console cookie.
pub(crate) fn staff_token(headers: &HeaderMap) -> Option<&str> {
    let from_header = headers
        .get(STAFF_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let from_cookie = || {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(name, _)| *name == STAFF_SESSION_COOKIE)
            .map(|(_, value)| value.trim())
    };
    from_header
        .or_else(from_cookie)
        .filter(|t| !t.is_empty() && t.len() <= TOKEN_MAX_CHARS)
}

/// `DELETE /v1/staff/sessions`: ends the staff token presented (console
/// session or helper mode) and clears the cookie.
pub(crate) async fn logout(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(token) = staff_token(&headers) else {
        return Err(ApiError::new(
            ProblemCode::StaffUnauthorized,
            "no staff token in X-Staff-Token or the session cookie",
        ));
    };
    if let Some(id) = s.store.delete_staff_session(token, s.clock.now()).await? {
        tracing::info!(session = %id, "staff session closed");
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, cookie("", 0)?);
    Ok(resp)
}

/// `POST /v1/staff/unlock`: helper mode on the calling kiosk, by PIN.
pub(crate) async fn unlock(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiJson(req): ApiJson<StaffUnlock>,
) -> Result<(StatusCode, Json<StaffSession>), ApiError> {
    let row = authenticate(&s, &req.user, &req.pin, Proof::Pin).await?;
    let session = open_session(
        &s,
        &row,
        SessionKind::Kiosk,
        Some(&kiosk.name),
        STAFF_UNLOCK_SECONDS,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// The helper whose helper-mode token (from `/v1/staff/unlock` on the
/// calling kiosk, unexpired) came with the request in `X-Staff-Token`.
#[derive(Debug, Clone)]
pub struct KioskStaff {
    /// The opaque staff id, for logs.
    pub staff_id: String,
    /// The user name, for audit records.
    pub user: String,
}

impl FromRequestParts<AppState> for KioskStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let refuse = |detail: &str| ApiError::new(ProblemCode::StaffUnauthorized, detail);
        let kiosk = AuthedKiosk::from_request_parts(parts, s).await?;
        let token = parts
            .headers
            .get(STAFF_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= TOKEN_MAX_CHARS)
            .ok_or_else(|| refuse("a helper's X-Staff-Token is required"))?;
        let Some(session) = s.store.staff_session(token).await? else {
            tracing::info!(kiosk = %kiosk.name, "unknown staff token refused");
            return Err(refuse("the staff token is unknown or has ended"));
        };
        let now = s.clock.now().unix_timestamp();
        let reason = if session.kind != SessionKind::Kiosk.as_str() {
            Some("not a helper-mode token")
        } else if session.kiosk_name.as_deref() != Some(kiosk.name.as_str()) {
            Some("unlocked on another kiosk")
        } else if session.expires_at <= now {
            Some("expired")
        } else if !session.active {
            Some("the helper is disabled")
        } else {
            None
        };
        if let Some(reason) = reason {
            tracing::info!(session = %session.id, kiosk = %kiosk.name, reason, "staff token refused");
            return Err(refuse(&format!("the staff token is refused: {reason}")));
        }
        Ok(Self {
            staff_id: session.staff_id,
            user: session.user,
        })
    }
}

/// The helper whose console session (from `POST /v1/staff/sessions`,
/// unexpired) came with the request, in `X-Staff-Token` or the console
/// cookie. A kiosk's helper-mode token is refused: what it unlocks is one
/// kiosk's vouching, not the counter's money.
#[derive(Debug, Clone)]
pub struct ConsoleStaff {
    /// The opaque staff id, for logs and records.
    pub staff_id: String,
    /// The user name, for audit records.
    pub user: String,
}

impl FromRequestParts<AppState> for ConsoleStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let token = staff_token(&parts.headers).ok_or_else(|| {
            ApiError::new(
                ProblemCode::StaffUnauthorized,
                "a console session (X-Staff-Token or cookie) is required",
            )
        })?;
        Self::check(s, token).await
    }
}

impl ConsoleStaff {
    /// The helper of the console session whose token is `token`, if it is
    /// live: known, a console session (not helper mode), unexpired, of an
    /// active helper. Long requests (the event stream) ask again later.
    pub(crate) async fn check(s: &AppState, token: &str) -> Result<Self, ApiError> {
        let refuse = |detail: &str| ApiError::new(ProblemCode::StaffUnauthorized, detail);
        let Some(session) = s.store.staff_session(token).await? else {
            tracing::info!("unknown console token refused");
            return Err(refuse("the staff token is unknown or has ended"));
        };
        let now = s.clock.now().unix_timestamp();
        let reason = if session.kind != SessionKind::Console.as_str() {
            Some("a kiosk's helper-mode token, not a console session")
        } else if session.expires_at <= now {
            Some("expired")
        } else if !session.active {
            Some("the helper is disabled")
        } else {
            None
        };
        if let Some(reason) = reason {
            tracing::info!(session = %session.id, reason, "console token refused");
            return Err(refuse(&format!("the staff token is refused: {reason}")));
        }
        Ok(Self {
            staff_id: session.staff_id,
            user: session.user,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_lowercase_ascii() {
        assert_eq!(check_user(" CanBo.Lan ").ok().as_deref(), Some("canbo.lan"));
        for bad in ["", " ", ".lan", "lan lan", "lân", "a/b", &"x".repeat(65)] {
            assert!(check_user(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn weak_passwords_and_pins_are_refused_without_quoting_them() {
        for (pw, why) in [
            ("short1!", "shorter than 10"),
            ("aaaaaaaaaaaa", "repeats one character"),
            ("0123456789123", "only digits"),
            ("xx-canbo.lan-xx", "contains the user name"),
            ("tab\there-long", "control characters"),
        ] {
            match check_new_password("canbo.lan", pw) {
                Err(e) => {
                    let e = e.to_string();
                    assert!(e.contains(why), "{pw:?}: {e}");
                    assert!(!e.contains(pw), "{e}");
                }
                Ok(()) => panic!("{pw:?} accepted"),
            }
        }
        assert!(check_new_password("canbo.lan", "Hoa sen nở 2026").is_ok());
        for (pin, why) in [
            ("12345", "exactly 6"),
            ("1234567", "exactly 6"),
            ("12a456", "exactly 6"),
            ("１２３４５６", "exactly 6"),
            ("000000", "repeats"),
            ("123456", "run"),
            ("876543", "run"),
        ] {
            match check_new_pin(pin) {
                Err(e) => assert!(e.to_string().contains(why), "{pin:?}: {e}"),
                Ok(()) => panic!("{pin:?} accepted"),
            }
        }
        assert!(check_new_pin("482916").is_ok());
    }

    #[test]
    fn argon2id_hashes_verify_and_differ() {
        let a = hash_secret("482916").unwrap_or_default();
        let b = hash_secret("482916").unwrap_or_default();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salts differ");
        assert!(verify_secret("482916", &a));
        assert!(!verify_secret("482917", &a));
        assert!(!verify_secret("482916", "not a hash"));
        assert!(!verify_secret("", decoy_hash()));
    }

    #[test]
    fn the_staff_token_comes_from_the_header_or_the_cookie() {
        let mut h = HeaderMap::new();
        assert_eq!(staff_token(&h), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; motcua_staff=cookie-tok; c=d"),
        );
        assert_eq!(staff_token(&h), Some("cookie-tok"));
        h.insert(STAFF_TOKEN_HEADER, HeaderValue::from_static(" "));
        assert_eq!(staff_token(&h), Some("cookie-tok"));
        h.insert(STAFF_TOKEN_HEADER, HeaderValue::from_static(" header-tok "));
        assert_eq!(staff_token(&h), Some("header-tok"));
    }
}
