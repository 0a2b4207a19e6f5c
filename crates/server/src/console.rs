//! The helper console's API: kiosk heartbeats, the kiosks' state, help
//! requests answered by a helper, live events (Server-Sent Events) and one
//! day's figures. The page itself is in `console_page.rs`.
//!
//! Events carry a kind and an opaque id (a help request's id, a kiosk's
//! name, a payment's id, a dossier's code), never personal data; the page
//! reads what changed through the other routes. Logs name kiosks, staff
//! ids and help request ids only.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use motcua_protocol::console::{
    HEARTBEAT_STEP_MAX_CHARS, HEARTBEAT_VERSION_MAX_CHARS, KIOSK_ONLINE_SECONDS,
};
use motcua_protocol::{
    ConsoleEvent, ConsoleEventKind, DailyFigures, DeviceHealth, DeviceState, HeartbeatAck,
    HelpRequest, HelpRequestList, HelpStatus, KioskHeartbeat, KioskState, KioskStateList,
    ProblemCode, Share,
};
use serde::Deserialize;
use sqlx::Row;
use time::{OffsetDateTime, UtcOffset};
use tokio::sync::{broadcast, watch};

use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::store::{Dialect, rfc3339};
use crate::{ApiError, AppState, AuthedKiosk, ConsoleStaff, Store, StoreError};

/// How many events a slow console may fall behind before it is told to
/// re-read everything.
const EVENT_BUFFER: usize = 256;
/// Interval of the SSE keep-alive comments.
pub const KEEP_ALIVE_SECONDS: u64 = 15;
/// Vietnam's offset from UTC (no daylight saving).
const VIETNAM_SECONDS: i32 = 7 * 3600;

/// The console's live events: a broadcast of [`ConsoleEvent`]s, and a flag
/// that ends every open stream when the server shuts down (an endless
/// response would otherwise hold the graceful shutdown forever).
#[derive(Debug, Clone)]
pub struct ConsoleEvents {
    tx: broadcast::Sender<ConsoleEvent>,
    closed: watch::Sender<bool>,
}

impl Default for ConsoleEvents {
    fn default() -> Self {
        Self::new()
    }
}

impl ConsoleEvents {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(EVENT_BUFFER);
        let (closed, _) = watch::channel(false);
        Self { tx, closed }
    }

    /// Tells every open console that `id` changed (nobody listening is fine).
    pub fn publish(&self, kind: ConsoleEventKind, id: impl Into<String>) {
        let _ = self.tx.send(ConsoleEvent {
            kind,
            id: id.into(),
        });
    }

    /// A receiver of the events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<ConsoleEvent> {
        self.tx.subscribe()
    }

    /// Ends every open event stream, now and for streams opened later.
    pub fn close(&self) {
        self.closed.send_replace(true);
    }
}

/// Longest run of digits a screen name may hold: a phone or an ID number
/// never fits.
const STEP_MAX_DIGIT_RUN: usize = 3;

/// A screen name: 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting
/// with a letter, with no more than 3 digits in a row; so a heartbeat
/// cannot carry a name or a number a citizen typed.
fn check_step(step: &str) -> Result<String, ApiError> {
    let step = step.trim();
    let longest_digits = step
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    let ok = (1..=HEARTBEAT_STEP_MAX_CHARS).contains(&step.len())
        && step.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && longest_digits <= STEP_MAX_DIGIT_RUN
        && step
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(step.to_owned())
    } else {
        Err(ApiError::invalid(format!(
            "step must be a screen name: 1 to {HEARTBEAT_STEP_MAX_CHARS} ASCII letters, digits, \
             '-', '_' or '.', starting with a letter, at most {STEP_MAX_DIGIT_RUN} digits in a row"
        )))
    }
}

/// 1 to 32 printable ASCII characters without spaces.
fn check_version(version: &str) -> Result<String, ApiError> {
    let v = version.trim();
    let ok = (1..=HEARTBEAT_VERSION_MAX_CHARS).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(v.to_owned())
    } else {
        Err(ApiError::invalid(format!(
            "version must be 1 to {HEARTBEAT_VERSION_MAX_CHARS} printable ASCII characters"
        )))
    }
}

fn device(s: &str) -> Result<DeviceState, StoreError> {
    DeviceState::parse(s).ok_or_else(|| StoreError::Corrupt(format!("device state {s:?}")))
}

fn count(v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("count {v}")))
}

fn utc_text(unix: i64) -> Result<String, StoreError> {
    let t = OffsetDateTime::from_unix_timestamp(unix)
        .map_err(|e| StoreError::Corrupt(format!("time {unix}: {e}")))?;
    rfc3339(t)
}

/// Heartbeats, help answers and the figures.
impl Store {
    /// Keeps `beat` as the latest of `kiosk`, received at `now`.
    async fn record_heartbeat(
        &self,
        kiosk: &str,
        beat: &KioskHeartbeat,
        now: i64,
    ) -> Result<(), StoreError> {
        let d = &beat.devices;
        sqlx::query(
            "INSERT INTO kiosk_heartbeats (kiosk_name, received_at, step, camera, scanner, \
             printer, backend, outbox_pending, outbox_needs_helper, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (kiosk_name) DO UPDATE SET received_at = excluded.received_at, \
             step = excluded.step, camera = excluded.camera, scanner = excluded.scanner, \
             printer = excluded.printer, backend = excluded.backend, \
             outbox_pending = excluded.outbox_pending, \
             outbox_needs_helper = excluded.outbox_needs_helper, version = excluded.version",
        )
        .bind(kiosk)
        .bind(now)
        .bind(&beat.step)
        .bind(d.camera.as_str())
        .bind(d.scanner.as_str())
        .bind(d.printer.as_str())
        .bind(d.backend.as_str())
        .bind(i64::from(beat.outbox_pending))
        .bind(i64::from(beat.outbox_needs_helper))
        .bind(&beat.version)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every kiosk whose token works, by name, with its last heartbeat.
    async fn kiosk_states(&self, now: i64) -> Result<Vec<KioskState>, StoreError> {
        let rows = sqlx::query(
            "SELECT k.name, h.received_at, h.step, h.camera, h.scanner, h.printer, h.backend, \
             h.outbox_pending, h.outbox_needs_helper, h.version \
             FROM kiosks k LEFT JOIN kiosk_heartbeats h ON h.kiosk_name = k.name \
             WHERE k.revoked_at IS NULL ORDER BY k.name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let name: String = r.try_get("name")?;
                let received: Option<i64> = r.try_get("received_at")?;
                let Some(received) = received else {
                    return Ok(KioskState {
                        name,
                        online: false,
                        last_seen_at: None,
                        heartbeat: None,
                    });
                };
                let heartbeat = KioskHeartbeat {
                    step: r.try_get("step")?,
                    devices: DeviceHealth {
                        camera: device(&r.try_get::<String, _>("camera")?)?,
                        scanner: device(&r.try_get::<String, _>("scanner")?)?,
                        printer: device(&r.try_get::<String, _>("printer")?)?,
                        backend: device(&r.try_get::<String, _>("backend")?)?,
                    },
                    outbox_pending: count(r.try_get("outbox_pending")?)?,
                    outbox_needs_helper: count(r.try_get("outbox_needs_helper")?)?,
                    version: r.try_get("version")?,
                };
                let age = now - received;
                Ok(KioskState {
                    name,
                    online: (0..=i64::from(KIOSK_ONLINE_SECONDS)).contains(&age),
                    last_seen_at: Some(utc_text(received)?),
                    heartbeat: Some(heartbeat),
                })
            })
            .collect()
    }

    /// Closes the help request `id` as answered by `staff_id`; `None` when
    /// there is no such request. An answered one stays as it was.
    async fn answer_help_request(
        &self,
        id: &str,
        staff_id: &str,
        staff_user: &str,
        at: &str,
    ) -> Result<Option<(HelpRequest, bool)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE help_requests SET status = 'closed', answered_at = $2, answered_by = $3 \
             WHERE id = $1 AND status = 'open'",
        )
        .bind(id)
        .bind(at)
        .bind(staff_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if changed {
            crate::audit::record(
                &mut tx,
                crate::audit::at_rfc3339(at)?,
                crate::audit::Actor::Staff(staff_user),
                crate::audit::Action::HelpRequestResolved,
                crate::audit::Subject::HelpRequest(id),
                serde_json::json!({}),
            )
            .await?;
        }
        let row = sqlx::query(
            "SELECT id, kiosk_id, step, procedure_code, created_at, status FROM help_requests \
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            Ok((
                HelpRequest {
                    id: r.try_get("id")?,
                    kiosk_id: r.try_get("kiosk_id")?,
                    step: r.try_get("step")?,
                    procedure_code: r.try_get("procedure_code")?,
                    created_at: r.try_get("created_at")?,
                    status: if status == "open" {
                        HelpStatus::Open
                    } else {
                        HelpStatus::Closed
                    },
                },
                changed,
            ))
        })
        .transpose()
    }

    /// The figures of the Vietnam day starting at `start` (Unix seconds),
    /// as of `now`. See [`DailyFigures`] for what each share counts.
    async fn daily_figures(
        &self,
        date: String,
        start: i64,
        now: i64,
    ) -> Result<DailyFigures, StoreError> {
        let end = start + 86_400;
        // Overdue is judged at the end of the day, or now for today.
        let cutoff = end.min(now);
        let mut per_hour = vec![0u32; 24];
        let mut received = 0u32;
        let hours = sqlx::query(
            "SELECT (created_at - $1) / 3600 AS hour, count(*) AS n FROM dossiers \
             WHERE created_at >= $1 AND created_at < $2 GROUP BY hour",
        )
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await?;
        for r in &hours {
            let hour: i64 = r.try_get("hour")?;
            let n = count(r.try_get("n")?)?;
            let slot = usize::try_from(hour)
                .ok()
                .and_then(|h| per_hour.get_mut(h))
                .ok_or_else(|| StoreError::Corrupt(format!("hour {hour}")))?;
            *slot += n;
            received += n;
        }
        // The components of each dossier: JSON functions differ.
        let (has_files, each_component) = match self.dialect {
            Dialect::Sqlite => (
                "json_extract(c.value, '$.files') > 0",
                "json_each(d.components_json) c",
            ),
            Dialect::Postgres => (
                "(c.value ->> 'files')::bigint > 0",
                "jsonb_array_elements(d.components_json::jsonb) AS c(value)",
            ),
        };
        let components = sqlx::query(&format!(
            "SELECT count(*) AS total, \
             coalesce(sum(CASE WHEN {has_files} THEN 1 ELSE 0 END), 0) AS digitized \
             FROM dossiers d, {each_component} \
             WHERE d.created_at >= $1 AND d.created_at < $2",
        ))
        .bind(start)
        .bind(end)
        .fetch_one(&self.pool)
        .await?;
        let paid = sqlx::query(
            "SELECT count(*) AS total, coalesce(sum(CASE WHEN method = 'vietqr' THEN 1 ELSE 0 END), 0) AS online \
             FROM payments WHERE status = 'paid' AND paid_at >= $1 AND paid_at < $2",
        )
        .bind(start)
        .bind(end)
        .fetch_one(&self.pool)
        .await?;
        // RFC 3339 text to Unix seconds.
        let epoch = |column: &str| match self.dialect {
            Dialect::Sqlite => format!("unixepoch({column})"),
            Dialect::Postgres => format!("extract(epoch FROM {column}::timestamptz)::bigint"),
        };
        let on_time = sqlx::query(&format!(
            "WITH done AS ( \
                 SELECT code, min({done_at}) AS done_at FROM dossier_history \
                 WHERE status = 'done' GROUP BY code), \
             judged AS ( \
                 SELECT d.status, {due} AS due, done.done_at \
                 FROM dossiers d LEFT JOIN done ON done.code = d.code) \
             SELECT count(*) AS total, \
                 coalesce(sum(CASE WHEN done_at >= $1 AND done_at < $2 AND done_at <= due \
                     THEN 1 ELSE 0 END), 0) AS on_time \
             FROM judged \
             WHERE (done_at >= $1 AND done_at < $2) \
                OR (due >= $1 AND due < $3 AND status != 'returned' \
                    AND (done_at IS NULL OR done_at > due))",
            done_at = epoch("at"),
            due = epoch("d.due_at"),
        ))
        .bind(start)
        .bind(end)
        .bind(cutoff)
        .fetch_one(&self.pool)
        .await?;
        Ok(DailyFigures {
            date,
            dossiers_received: received,
            submitted_online: Share::new(received, received),
            resolved_on_time: Share::new(
                count(on_time.try_get("on_time")?)?,
                count(on_time.try_get("total")?)?,
            ),
            paid_online: Share::new(
                count(paid.try_get("online")?)?,
                count(paid.try_get("total")?)?,
            ),
            components_digitized: Share::new(
                count(components.try_get("digitized")?)?,
                count(components.try_get("total")?)?,
            ),
            per_hour,
        })
    }
}

/// `POST /v1/kiosks/heartbeat` (kiosk token).
pub(crate) async fn heartbeat(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiJson(beat): ApiJson<KioskHeartbeat>,
) -> Result<Json<HeartbeatAck>, ApiError> {
    let beat = KioskHeartbeat {
        step: check_step(&beat.step)?,
        version: check_version(&beat.version)?,
        ..beat
    };
    if beat.outbox_needs_helper > beat.outbox_pending {
        return Err(ApiError::invalid(
            "outbox_needs_helper cannot exceed outbox_pending",
        ));
    }
    let now = s.clock.now();
    s.store
        .record_heartbeat(&kiosk.name, &beat, now.unix_timestamp())
        .await?;
    tracing::debug!(kiosk = %kiosk.name, step = %beat.step, pending = beat.outbox_pending,
        needs_helper = beat.outbox_needs_helper, "kiosk heartbeat");
    s.events.publish(ConsoleEventKind::Heartbeat, kiosk.name);
    Ok(Json(HeartbeatAck {
        received_at: rfc3339(now.to_offset(UtcOffset::UTC))?,
    }))
}

/// `GET /v1/console/kiosks` (console).
pub(crate) async fn kiosks(
    State(s): State<AppState>,
    _staff: ConsoleStaff,
) -> Result<Json<KioskStateList>, ApiError> {
    let now = s.clock.now();
    Ok(Json(KioskStateList {
        items: s.store.kiosk_states(now.unix_timestamp()).await?,
        now: rfc3339(now.to_offset(UtcOffset::UTC))?,
    }))
}

/// `GET /v1/console/help-requests` (console).
pub(crate) async fn help_requests(
    State(s): State<AppState>,
    _staff: ConsoleStaff,
) -> Result<Json<HelpRequestList>, ApiError> {
    Ok(Json(HelpRequestList {
        items: s.store.open_help_requests().await?,
    }))
}

/// `POST /v1/help-requests/{id}/answer` (console).
pub(crate) async fn answer_help_request(
    State(s): State<AppState>,
    staff: ConsoleStaff,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<HelpRequest>, ApiError> {
    let id = id.trim();
    let not_found = || ApiError::not_found("no help request with this id");
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(not_found());
    }
    let at = rfc3339(s.clock.now().to_offset(UtcOffset::UTC))?;
    let Some((req, changed)) = s
        .store
        .answer_help_request(id, &staff.staff_id, &staff.user, &at)
        .await?
    else {
        return Err(not_found());
    };
    if changed {
        tracing::info!(help_request = %req.id, kiosk = %req.kiosk_id, staff = %staff.staff_id,
            "help request answered");
        s.events
            .publish(ConsoleEventKind::HelpRequestAnswered, req.id.clone());
    }
    Ok(Json(req))
}

/// `GET /v1/console/events` (console): Server-Sent Events until the client
/// goes away or the server shuts down.
/// The session is checked again before each event is sent: a stream ends
/// at the first event after its session has ended (logout, expiry, a
/// disabled helper), and heartbeats make that within a minute.
pub(crate) async fn events(
    State(s): State<AppState>,
    headers: HeaderMap,
    staff: ConsoleStaff,
) -> Response {
    let rx = s.events.subscribe();
    let closed = s.events.closed.subscribe();
    let token = crate::staff::staff_token(&headers)
        .unwrap_or_default()
        .to_owned();
    tracing::info!(staff = %staff.staff_id, "console events opened");
    let state = (rx, closed, s, token, staff.staff_id);
    let stream =
        futures_util::stream::unfold(state, |(mut rx, mut closed, s, token, staff)| async move {
            if *closed.borrow_and_update() {
                return None;
            }
            let event = tokio::select! {
                got = rx.recv() => match got {
                    Ok(e) => e,
                    Err(broadcast::error::RecvError::Lagged(_)) => ConsoleEvent {
                        kind: ConsoleEventKind::Resync,
                        id: String::new(),
                    },
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = closed.changed() => return None,
            };
            if ConsoleStaff::check(&s, &token).await.is_err() {
                tracing::info!(staff = %staff, "console events closed: the session has ended");
                return None;
            }
            let sse = Event::default()
                .event(event.kind.as_str())
                .data(serde_json::to_string(&event).unwrap_or_default());
            Some((Ok::<_, Infallible>(sse), (rx, closed, s, token, staff)))
        });
    let mut resp = Sse::new(stream)
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(KEEP_ALIVE_SECONDS))
                .text("keep-alive"),
        )
        .into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    resp
}

/// Query of `GET /v1/console/figures`.
#[derive(Debug, Deserialize)]
pub(crate) struct FiguresQuery {
    date: Option<String>,
}

/// `GET /v1/console/figures?date=YYYY-MM-DD` (console); today in Vietnam
/// by default.
pub(crate) async fn figures(
    State(s): State<AppState>,
    _staff: ConsoleStaff,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Json<DailyFigures>, ApiError> {
    let vietnam = UtcOffset::from_whole_seconds(VIETNAM_SECONDS)
        .map_err(|e| ApiError::new(ProblemCode::Internal, format!("offset: {e}")))?;
    let now = s.clock.now();
    let date = match q.date.as_deref().map(str::trim) {
        None | Some("") => now.to_offset(vietnam).date(),
        Some(raw) => time::Date::parse(
            raw,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| ApiError::invalid("date must be YYYY-MM-DD"))?,
    };
    let start = date.midnight().assume_offset(vietnam).unix_timestamp();
    let shown = format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    Ok(Json(
        s.store
            .daily_figures(shown, start, now.unix_timestamp())
            .await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_screen_names_and_versions_printable() {
        assert_eq!(
            check_step(" scan-page_2.a ").ok().as_deref(),
            Some("scan-page_2.a")
        );
        assert!(check_step("page-123").is_ok());
        for bad in [
            "",
            "Nguyễn",
            "a b",
            "x/y",
            "2fa",
            "id0010890",
            "p-0912",
            &"s".repeat(65),
        ] {
            assert!(check_step(bad).is_err(), "{bad:?}");
        }
        assert!(check_version("0.1.0+abc").is_ok());
        for bad in ["", "0.1 beta", "ư", &"9".repeat(33)] {
            assert!(check_version(bad).is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn closing_the_events_ends_streams_opened_before_and_after() {
        let events = ConsoleEvents::new();
        let mut before = events.closed.subscribe();
        events.close();
        assert!(before.changed().await.is_ok());
        assert!(*events.closed.subscribe().borrow());
    }
}
