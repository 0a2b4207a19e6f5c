//! The audit log (migration `0008`): one row per state change — who, when,
//! what — written by [`record`], the only function that writes it, inside
//! the transaction of the change it records (so a change without its entry,
//! or an entry without its change, cannot be committed; a refused or failed
//! request writes none). Staff read it with `GET /v1/audit`.
//!
//! Never personal data: the actor is a kiosk's name or a staff user name,
//! the subject an opaque id, the detail a small object of codes, statuses
//! and amounts. A citizen's name, ID number, phone or address never goes
//! in, nor does a one-time code or a lookup secret.

use axum::Json;
use axum::extract::State;
use motcua_protocol::audit::{AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX};
use motcua_protocol::{AuditActorKind, AuditEntry, AuditPage};
use serde::Deserialize;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

use crate::staff::ConsoleStaff;
use crate::{ApiError, AppState, Store, StoreError};

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Actor<'a> {
    /// A kiosk, by its name.
    Kiosk(&'a str),
    /// A helper or clerk, by user name.
    Staff(&'a str),
    /// The bank, through its signed webhook.
    Bank,
    /// The server itself or its command line.
    System,
}

impl Actor<'_> {
    fn kind_and_id(self) -> (&'static str, String) {
        match self {
            Self::Kiosk(name) => ("kiosk", name.to_owned()),
            Self::Staff(user) => ("staff", user.to_owned()),
            Self::Bank => ("bank", "bank".to_owned()),
            Self::System => ("system", "system".to_owned()),
        }
    }
}

/// What happened: a stable code each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    AccountCreated,
    AccountVerified,
    AccountVouched,
    OtpIssued,
    UploadCompleted,
    DossierCreated,
    DossierStatusChanged,
    PaymentCreated,
    PaymentCancelled,
    PaymentExpired,
    PaymentConfirmedByBank,
    PaymentConfirmedCash,
    BankTransactionUnapplied,
    ReceiptIssued,
    HelpRequestCreated,
    HelpRequestResolved,
    KioskAdded,
    KioskTokenRenewed,
    KioskRevoked,
    StaffAdded,
    StaffDisabled,
    StaffCardIssued,
    StaffCardRevoked,
    StaffLogin,
    StaffLogout,
    HelperModeUnlocked,
}

impl Action {
    /// Every action, in declaration order: add a new one here too (the
    /// test of distinct codes reads this list).
    #[cfg(test)]
    pub(crate) const ALL: [Action; 26] = [
        Action::AccountCreated,
        Action::AccountVerified,
        Action::AccountVouched,
        Action::OtpIssued,
        Action::UploadCompleted,
        Action::DossierCreated,
        Action::DossierStatusChanged,
        Action::PaymentCreated,
        Action::PaymentCancelled,
        Action::PaymentExpired,
        Action::PaymentConfirmedByBank,
        Action::PaymentConfirmedCash,
        Action::BankTransactionUnapplied,
        Action::ReceiptIssued,
        Action::HelpRequestCreated,
        Action::HelpRequestResolved,
        Action::KioskAdded,
        Action::KioskTokenRenewed,
        Action::KioskRevoked,
        Action::StaffAdded,
        Action::StaffDisabled,
        Action::StaffCardIssued,
        Action::StaffCardRevoked,
        Action::StaffLogin,
        Action::StaffLogout,
        Action::HelperModeUnlocked,
    ];
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::AccountCreated => "account.created",
            Self::AccountVerified => "account.verified",
            Self::AccountVouched => "account.vouched",
            Self::OtpIssued => "otp.issued",
            Self::UploadCompleted => "upload.completed",
            Self::DossierCreated => "dossier.created",
            Self::DossierStatusChanged => "dossier.status_changed",
            Self::PaymentCreated => "payment.created",
            Self::PaymentCancelled => "payment.cancelled",
            Self::PaymentExpired => "payment.expired",
            Self::PaymentConfirmedByBank => "payment.confirmed_by_bank",
            Self::PaymentConfirmedCash => "payment.cash_confirmed",
            Self::BankTransactionUnapplied => "bank_transaction.unapplied",
            Self::ReceiptIssued => "receipt.issued",
            Self::HelpRequestCreated => "help_request.created",
            Self::HelpRequestResolved => "help_request.resolved",
            Self::KioskAdded => "kiosk.added",
            Self::KioskTokenRenewed => "kiosk.token_renewed",
            Self::KioskRevoked => "kiosk.revoked",
            Self::StaffAdded => "staff.added",
            Self::StaffDisabled => "staff.disabled",
            Self::StaffCardIssued => "staff.card_issued",
            Self::StaffCardRevoked => "staff.card_revoked",
            Self::StaffLogin => "staff.login",
            Self::StaffLogout => "staff.logout",
            Self::HelperModeUnlocked => "staff.helper_mode_unlocked",
        }
    }
}

/// What a change happened to, by an id that names no person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject<'a> {
    /// An account's opaque id (never the ID number).
    Account(&'a str),
    /// A one-time-code challenge's id.
    OtpChallenge(&'a str),
    /// A document's SHA-256.
    Upload(&'a str),
    /// A dossier's code.
    Dossier(&'a str),
    /// A payment intent's id.
    Payment(&'a str),
    /// A receipt: its symbol and number (`AA-26E/0000001`).
    Receipt(&'a str),
    /// The bank's transaction id.
    BankTransaction(&'a str),
    HelpRequest(&'a str),
    /// A kiosk, by name.
    Kiosk(&'a str),
    /// A staff member, by user name.
    Staff(&'a str),
}

impl Subject<'_> {
    fn kind_and_id(self) -> (&'static str, String) {
        let (kind, id) = match self {
            Self::Account(id) => ("account", id),
            Self::OtpChallenge(id) => ("otp_challenge", id),
            Self::Upload(id) => ("upload", id),
            Self::Dossier(id) => ("dossier", id),
            Self::Payment(id) => ("payment", id),
            Self::Receipt(id) => ("receipt", id),
            Self::BankTransaction(id) => ("bank_transaction", id),
            Self::HelpRequest(id) => ("help_request", id),
            Self::Kiosk(id) => ("kiosk", id),
            Self::Staff(id) => ("staff", id),
        };
        (kind, id.to_owned())
    }
}

/// Records one state change. Call it with the connection of the change's
/// own transaction (`&mut *tx`), before committing. `detail` is a JSON
/// object without personal data (`serde_json::json!({})` when nothing).
pub(crate) async fn record(
    conn: &mut AnyConnection,
    at: OffsetDateTime,
    actor: Actor<'_>,
    action: Action,
    subject: Subject<'_>,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    if !detail.is_object() {
        return Err(StoreError::Corrupt(
            "an audit detail must be a JSON object".to_owned(),
        ));
    }
    let (actor_kind, actor_id) = actor.kind_and_id();
    let (subject_kind, subject_id) = subject.kind_and_id();
    let at_ms = i64::try_from(at.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| StoreError::Time("out of range".to_owned()))?;
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_kind, actor_id, action, subject_kind, subject_id, \
         detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(at_ms)
    .bind(actor_kind)
    .bind(actor_id)
    .bind(action.as_str())
    .bind(subject_kind)
    .bind(subject_id)
    .bind(detail.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// The time of an RFC 3339 column, for [`record`].
pub(crate) fn at_rfc3339(s: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| StoreError::Time(e.to_string()))
}

/// The time of a unix-seconds column, for [`record`].
pub(crate) fn at_secs(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A position in the log: after the entry at `at` ms with id `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    at: i64,
    id: String,
}

impl Cursor {
    fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw == "0" {
            return Some(Self {
                at: 0,
                id: String::new(),
            });
        }
        let (at, id) = raw.split_once('.')?;
        let at = at.parse::<i64>().ok().filter(|a| *a >= 0)?;
        uuid::Uuid::parse_str(id).ok()?;
        Some(Self {
            at,
            id: id.to_owned(),
        })
    }

    fn format(&self) -> String {
        format!("{}.{}", self.at, self.id)
    }
}

fn entry_of(r: &sqlx::any::AnyRow) -> Result<AuditEntry, StoreError> {
    let at: i64 = r.try_get("at")?;
    let id: String = r.try_get("id")?;
    let kind: String = r.try_get("actor_kind")?;
    let actor_kind = match kind.as_str() {
        "kiosk" => AuditActorKind::Kiosk,
        "staff" => AuditActorKind::Staff,
        "bank" => AuditActorKind::Bank,
        "system" => AuditActorKind::System,
        other => return Err(StoreError::Corrupt(format!("audit actor kind {other:?}"))),
    };
    let time = OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .map_err(|e| StoreError::Corrupt(format!("audit time: {e}")))?;
    let detail: String = r.try_get("detail")?;
    Ok(AuditEntry {
        cursor: Cursor { at, id: id.clone() }.format(),
        id,
        at: crate::store::rfc3339(time)?,
        actor_kind,
        actor_id: r.try_get("actor_id")?,
        action: r.try_get("action")?,
        subject_kind: r.try_get("subject_kind")?,
        subject_id: r.try_get("subject_id")?,
        detail: serde_json::from_str(&detail)
            .map_err(|e| StoreError::Corrupt(format!("audit detail: {e}")))?,
    })
}

const COLUMNS: &str = "id, at, actor_kind, actor_id, action, subject_kind, subject_id, detail";

impl Store {
    /// Entries after `since` (oldest first), or the latest when `None`.
    pub(crate) async fn audit_page(
        &self,
        since: Option<&Cursor>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = match since {
            Some(c) => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM audit_log WHERE at > $1 OR (at = $1 AND id > $2) \
                     ORDER BY at, id LIMIT $3"
                ))
                .bind(c.at)
                .bind(&c.id)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                let mut rows = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM audit_log ORDER BY at DESC, id DESC LIMIT $1"
                ))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.reverse();
                rows
            }
        };
        rows.iter().map(entry_of).collect()
    }
}

/// Query of `GET /v1/audit`.
#[derive(Debug, Deserialize)]
pub(crate) struct AuditQuery {
    since: Option<String>,
    limit: Option<String>,
}

/// `GET /v1/audit` (console session).
pub(crate) async fn list(
    State(s): State<AppState>,
    _staff: ConsoleStaff,
    crate::api::ApiQuery(q): crate::api::ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = match q.limit.as_deref().map(str::trim) {
        None | Some("") => AUDIT_PAGE_DEFAULT,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|l| (1..=AUDIT_PAGE_MAX).contains(l))
            .ok_or_else(|| {
                ApiError::invalid(format!("limit must be 1 to {AUDIT_PAGE_MAX} entries"))
            })?,
    };
    let since = match q.since.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(Cursor::parse(raw).ok_or_else(|| {
            ApiError::invalid("since must be 0 or a cursor of an earlier answer")
        })?),
    };
    let items = s.store.audit_page(since.as_ref(), limit).await?;
    let next = items
        .last()
        .map(|e| e.cursor.clone())
        .or_else(|| since.map(|c| c.format()));
    Ok(Json(AuditPage { items, next }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let id = uuid::Uuid::now_v7().to_string();
        let c = Cursor::parse(&format!("1764122400000.{id}"));
        assert_eq!(
            c.as_ref().map(Cursor::format),
            Some(format!("1764122400000.{id}"))
        );
        assert_eq!(
            Cursor::parse("0"),
            Some(Cursor {
                at: 0,
                id: String::new()
            })
        );
        for bad in ["", "-1.x", "12", "12.not-a-uuid", "abc.def", "1.2.3"] {
            assert_eq!(Cursor::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn actions_have_distinct_codes() {
        let all = Action::ALL;
        let codes: std::collections::HashSet<_> = all.iter().map(|a| a.as_str()).collect();
        assert_eq!(codes.len(), all.len());
    }
}
