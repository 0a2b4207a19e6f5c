//! Staff QR cards: a second way to unlock helper mode on a kiosk, beside
//! the PIN. `motcua server staff card USER` issues a card (32 random bytes
//! in a QR, `MOTCUA:CB:<hex>`); only the SHA-256 of the secret is stored,
//! and the card is found by it, so comparing takes no time that depends on
//! the card. Issuing again replaces the card (the old one stops working);
//! revoking deletes it. Logs name the helper by the opaque staff id only.

use crate::audit::{Action, Actor, Subject, record};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_protocol::staff::STAFF_UNLOCK_SECONDS;
use motcua_protocol::{ProblemCode, StaffCardUnlock, StaffSession, parse_staff_card};
use time::OffsetDateTime;

use super::{
    SessionKind, StaffError, StaffRow, check_user, locked, login_failed, open_session, staff_row,
};
use crate::api::ApiJson;
use crate::store::rfc3339;
use crate::tokens::{new_token, token_hash};
use crate::{ApiError, AppState, AuthedKiosk, Secret, Store, StoreError};

impl Store {
    /// Issues a new staff card for `user`, replacing any earlier one, and
    /// returns its QR text (shown once: only its hash is kept).
    pub async fn issue_staff_card(
        &self,
        user: &str,
        now: OffsetDateTime,
    ) -> Result<Secret, StaffError> {
        let user = check_user(user)?;
        let row = self
            .staff_by_user(&user)
            .await?
            .ok_or_else(|| StaffError::Unknown(user.clone()))?;
        if !row.active {
            return Err(StaffError::Disabled(user));
        }
        let secret = new_token();
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        sqlx::query(
            "INSERT INTO staff_cards (staff_id, card_hash, issued_at) VALUES ($1, $2, $3) \
             ON CONFLICT (staff_id) DO UPDATE SET card_hash = excluded.card_hash, \
             issued_at = excluded.issued_at",
        )
        .bind(&row.id)
        .bind(token_hash(secret.expose()))
        .bind(rfc3339(now)?)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        record(
            &mut tx,
            now,
            Actor::System,
            Action::StaffCardIssued,
            Subject::Staff(&user),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(staff = %row.id, "staff card issued");
        Ok(Secret::new(motcua_protocol::staff_card_text(
            secret.expose(),
        )))
    }

    /// Revokes `user`'s staff card. Returns `false` when they had none.
    pub async fn revoke_staff_card(
        &self,
        user: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StaffError> {
        let user = check_user(user)?;
        let row = self
            .staff_by_user(&user)
            .await?
            .ok_or_else(|| StaffError::Unknown(user.clone()))?;
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let done = sqlx::query("DELETE FROM staff_cards WHERE staff_id = $1")
            .bind(&row.id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        let revoked = done.rows_affected() > 0;
        if revoked {
            record(
                &mut tx,
                now,
                Actor::System,
                Action::StaffCardRevoked,
                Subject::Staff(&user),
                serde_json::json!({}),
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        if revoked {
            tracing::info!(staff = %row.id, "staff card revoked");
        }
        Ok(revoked)
    }

    /// The helper holding the card whose secret is `secret`.
    async fn staff_by_card(&self, secret: &str) -> Result<Option<StaffRow>, StoreError> {
        let row = sqlx::query(
            "SELECT f.id, f.\"user\", f.display_name, f.password_hash, f.pin_hash, f.active, \
             f.locked_until FROM staff_cards c JOIN staff f ON f.id = c.staff_id \
             WHERE c.card_hash = $1",
        )
        .bind(token_hash(secret))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(staff_row).transpose()
    }
}

/// `POST /v1/staff/unlock-card`: helper mode on the calling kiosk, by the
/// helper's staff QR card.
pub(crate) async fn unlock_card(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiJson(req): ApiJson<StaffCardUnlock>,
) -> Result<(StatusCode, Json<StaffSession>), ApiError> {
    let Some(secret) = parse_staff_card(&req.card) else {
        return Err(ApiError::new(
            ProblemCode::InvalidRequest,
            "card is not a staff card's QR text (MOTCUA:CB: and 64 hex digits)",
        ));
    };
    let Some(row) = s.store.staff_by_card(secret).await? else {
        tracing::info!(kiosk = %kiosk.name, "unknown or revoked staff card refused");
        return Err(login_failed());
    };
    let now = s.clock.now().unix_timestamp();
    if !row.active {
        tracing::info!(staff = %row.id, "staff card refused: disabled");
        return Err(login_failed());
    }
    if let Some(until) = row.locked_until
        && until > now
    {
        tracing::info!(staff = %row.id, "staff card refused: locked");
        return Err(locked(until, now));
    }
    let session = open_session(
        &s,
        &row,
        SessionKind::Kiosk,
        Some(&kiosk.name),
        STAFF_UNLOCK_SECONDS,
    )
    .await?;
    tracing::info!(staff = %row.id, kiosk = %kiosk.name, "helper mode unlocked by card");
    Ok((StatusCode::CREATED, Json(session)))
}
