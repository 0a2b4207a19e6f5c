//! The helper console's API through the router over a real SQLite file
//! with an injected clock: heartbeats and the kiosks' online state, help
//! requests answered, the live event stream, the day's figures from fixed
//! data, the page and its headers, and every refusal.

#[path = "support/logs.rs"]
mod logs;
#[path = "support/app.rs"]
mod support;

use std::time::Duration;

use axum::http::{StatusCode, header};
use http_body_util::BodyExt;
use motcua_server::Clock;
use serde_json::{Value, json};
use support::*;
use tower::ServiceExt;

/// Flat 15.000 đ.
const FLAT: &str = "1.004873";

fn beat() -> Value {
    json!({
        "step": "scan",
        "devices": {"camera": "ok", "scanner": "missing", "printer": "failing", "backend": "ok"},
        "outbox_pending": 3,
        "outbox_needs_helper": 1,
        "version": "0.1.0",
    })
}

async fn heartbeat(t: &TestApp, auth: &str, body: &Value) -> Answer {
    send(
        t,
        request(
            "POST",
            "/v1/kiosks/heartbeat",
            &[("authorization", auth)],
            Some(body),
        ),
    )
    .await
}

async fn console_get(t: &TestApp, token: &str, uri: &str) -> Answer {
    send(t, request("GET", uri, &[("x-staff-token", token)], None)).await
}

async fn help(t: &TestApp, step: &str) -> String {
    let auth = t.auth_a();
    let a = send(
        t,
        request(
            "POST",
            "/v1/help-requests",
            &[("authorization", &auth)],
            Some(&json!({"kiosk_id": "quay-a", "step": step})),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    a.str("id")
}

fn kiosk<'a>(list: &'a Answer, name: &str) -> &'a Value {
    list.body["items"]
        .as_array()
        .and_then(|items| items.iter().find(|k| k["name"] == name))
        .unwrap_or_else(|| panic!("no kiosk {name} in {list:?}"))
}

#[tokio::test]
async fn a_heartbeat_is_kept_per_kiosk_and_online_lasts_ninety_seconds_by_the_clock() {
    let t = app().await;
    let staff = login(&t).await;
    let list = console_get(&t, &staff, "/v1/console/kiosks").await;
    assert_eq!(list.status, StatusCode::OK, "{list:?}");
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(2));
    let a = kiosk(&list, "quay-a");
    assert_eq!(a["online"], false);
    assert!(
        a.get("last_seen_at").is_none() && a.get("heartbeat").is_none(),
        "{a}"
    );

    let ack = heartbeat(&t, &t.auth_a(), &beat()).await;
    assert_eq!(ack.status, StatusCode::OK, "{ack:?}");
    assert_eq!(ack.str("received_at"), "2026-11-26T02:00:00Z");
    let list = console_get(&t, &staff, "/v1/console/kiosks").await;
    let a = kiosk(&list, "quay-a");
    assert_eq!(a["online"], true, "{a}");
    assert_eq!(a["last_seen_at"], "2026-11-26T02:00:00Z");
    assert_eq!(a["heartbeat"], beat());
    assert_eq!(kiosk(&list, "quay-b")["online"], false);

    // The latest replaces the one before, and the server's clock is kept.
    t.advance(60);
    let mut second = beat();
    second["step"] = json!("pay");
    second["devices"]["scanner"] = json!("ok");
    second["outbox_needs_helper"] = json!(0);
    assert_eq!(
        heartbeat(&t, &t.auth_a(), &second).await.status,
        StatusCode::OK
    );
    t.advance(90);
    let list = console_get(&t, &staff, "/v1/console/kiosks").await;
    let a = kiosk(&list, "quay-a");
    assert_eq!(a["online"], true, "exactly 90 s old: {a}");
    assert_eq!(a["heartbeat"], second);
    assert_eq!(a["last_seen_at"], "2026-11-26T02:01:00Z");
    assert_eq!(list.str("now"), "2026-11-26T02:02:30Z");
    t.advance(1);
    let list = console_get(&t, &staff, "/v1/console/kiosks").await;
    assert_eq!(kiosk(&list, "quay-a")["online"], false, "91 s old");
    assert_eq!(t.count("SELECT count(*) FROM kiosk_heartbeats").await, 1);

    // A revoked kiosk is no longer listed, and its heartbeat is refused.
    t.state
        .store
        .revoke_kiosk("quay-b", t.clock.now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let list = console_get(&t, &staff, "/v1/console/kiosks").await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
    problem(
        &heartbeat(&t, &t.auth_b(), &beat()).await,
        StatusCode::UNAUTHORIZED,
        "kiosk_unauthorized",
    );
}

#[tokio::test]
async fn malformed_heartbeats_and_callers_without_a_kiosk_token_are_refused() {
    let t = app().await;
    let staff = login(&t).await;
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut b = beat();
        f(&mut b);
        b
    };
    for (why, body) in [
        (
            "unknown device state",
            edit(&|b| b["devices"]["camera"] = json!("broken")),
        ),
        (
            "a device missing",
            edit(&|b| b["devices"] = json!({"camera": "ok"})),
        ),
        (
            "unknown field",
            edit(&|b| b["full_name"] = json!("NGUYỄN VĂN AN")),
        ),
        (
            "a name as step",
            edit(&|b| b["step"] = json!("Nguyễn Văn An")),
        ),
        (
            "a number as step",
            edit(&|b| b["step"] = json!("001089012345 ")),
        ),
        (
            "a number in a step",
            edit(&|b| b["step"] = json!("scan-0912345678")),
        ),
        ("empty step", edit(&|b| b["step"] = json!(" "))),
        ("negative count", edit(&|b| b["outbox_pending"] = json!(-1))),
        (
            "more needing help than pending",
            edit(&|b| b["outbox_needs_helper"] = json!(4)),
        ),
        ("empty version", edit(&|b| b["version"] = json!(""))),
        (
            "long version",
            edit(&|b| b["version"] = json!("9".repeat(33))),
        ),
    ] {
        let a = heartbeat(&t, &t.auth_a(), &body).await;
        problem(&a, StatusCode::BAD_REQUEST, "invalid_request");
        assert!(!a.str("message").is_empty(), "{why}: a Vietnamese message");
    }
    let a = send(
        &t,
        raw(
            "POST",
            "/v1/kiosks/heartbeat",
            &[
                ("authorization", &t.auth_a()),
                ("content-type", "application/json"),
            ],
            b"{not json".to_vec(),
        ),
    )
    .await;
    problem(&a, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(t.count("SELECT count(*) FROM kiosk_heartbeats").await, 0);

    // Without a kiosk's token: nothing, a wrong one, or a staff session.
    for headers in [
        vec![],
        vec![("authorization", "Bearer not-a-token")],
        vec![("x-staff-token", staff.as_str())],
    ] {
        let a = send(
            &t,
            request("POST", "/v1/kiosks/heartbeat", &headers, Some(&beat())),
        )
        .await;
        problem(&a, StatusCode::UNAUTHORIZED, "kiosk_unauthorized");
    }
}

#[tokio::test]
async fn every_console_route_wants_a_console_session() {
    let t = app().await;
    let helper_mode = unlock(&t).await;
    let kiosk = t.auth_a();
    let id = help(&t, "welcome").await;
    let answer = format!("/v1/help-requests/{id}/answer");
    let helper_cookie = format!("motcua_staff={helper_mode}");
    for (method, uri) in [
        ("GET", "/v1/console/kiosks"),
        ("GET", "/v1/console/help-requests"),
        ("GET", "/v1/console/events"),
        ("GET", "/v1/console/figures"),
        ("GET", "/v1/console/figures?date=2026-11-26"),
        ("POST", answer.as_str()),
    ] {
        for (who, headers) in [
            ("nobody", vec![]),
            ("a kiosk", vec![("authorization", kiosk.as_str())]),
            ("a wrong token", vec![("x-staff-token", "0123456789abcdef")]),
            ("helper mode", vec![("x-staff-token", helper_mode.as_str())]),
            (
                "helper mode as cookie",
                vec![("cookie", helper_cookie.as_str())],
            ),
            (
                "kiosk and helper mode",
                vec![
                    ("authorization", kiosk.as_str()),
                    ("x-staff-token", helper_mode.as_str()),
                ],
            ),
        ] {
            let a = send(&t, request(method, uri, &headers, None)).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{who}: {method} {uri}");
            assert_eq!(a.code(), "staff_unauthorized", "{who}: {method} {uri}");
        }
    }
    assert_eq!(
        t.count("SELECT count(*) FROM help_requests WHERE status = 'open'")
            .await,
        1
    );
    // A session that has ended is refused too.
    let staff = login(&t).await;
    logout(&t, &staff).await;
    problem(
        &console_get(&t, &staff, "/v1/console/kiosks").await,
        StatusCode::UNAUTHORIZED,
        "staff_unauthorized",
    );
}

#[tokio::test]
async fn a_helper_answers_a_help_request_once_and_the_console_lists_the_open_ones() {
    let t = app().await;
    let staff = login(&t).await;
    let first = help(&t, "scan").await;
    t.advance(5);
    let second = help(&t, "pay").await;
    let list = console_get(&t, &staff, "/v1/console/help-requests").await;
    assert_eq!(list.status, StatusCode::OK, "{list:?}");
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, [second.as_str(), first.as_str()], "newest first");

    // Through the cookie, as the page sends it.
    let cookie = format!("motcua_staff={staff}");
    let answer = |id: &str| {
        request(
            "POST",
            &format!("/v1/help-requests/{id}/answer"),
            &[("cookie", &cookie)],
            None,
        )
    };
    let a = send(&t, answer(&first)).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    assert_eq!(a.str("status"), "closed");
    assert_eq!(a.str("step"), "scan");
    let list = console_get(&t, &staff, "/v1/console/help-requests").await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(list.body["items"][0]["id"], second.as_str());
    let staff_id: String = sqlx::query_scalar("SELECT id FROM staff")
        .fetch_one(&t.db().await)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (by, at): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT answered_by, answered_at FROM help_requests WHERE id = $1")
            .bind(&first)
            .fetch_one(&t.db().await)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(by.as_deref(), Some(staff_id.as_str()));
    assert_eq!(at.as_deref(), Some("2026-11-26T02:00:05Z"));

    // Again: nothing changes, not even who answered or when.
    t.advance(30);
    let again = send(&t, answer(&first)).await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.str("status"), "closed");
    assert_eq!(
        t.count("SELECT count(*) FROM help_requests WHERE answered_at = '2026-11-26T02:00:05Z'")
            .await,
        1
    );
    for unknown in [
        "0b0e9f3e-5d2c-4d7e-9a51-000000000000",
        "x'; DROP TABLE x;--",
    ] {
        let uri = format!(
            "/v1/help-requests/{}/answer",
            unknown
                .replace(' ', "%20")
                .replace('\'', "%27")
                .replace(';', "%3B")
        );
        let a = send(
            &t,
            request("POST", &uri, &[("x-staff-token", &staff)], None),
        )
        .await;
        problem(&a, StatusCode::NOT_FOUND, "not_found");
    }
    // The kiosk's own list agrees.
    let auth = t.auth_a();
    let kiosk_list = send(
        &t,
        request(
            "GET",
            "/v1/help-requests",
            &[("authorization", &auth)],
            None,
        ),
    )
    .await;
    assert_eq!(kiosk_list.body["items"].as_array().map(Vec::len), Some(1));
}

/// Reads SSE messages from `body` until `want` kinds have all come (each
/// read waits for the server, at most 10 s, then fails); returns the
/// `(event, data)` pairs read.
async fn read_events(body: &mut axum::body::Body, want: &[&str]) -> Vec<(String, Value)> {
    let mut got: Vec<(String, Value)> = Vec::new();
    let mut buf = String::new();
    while !want.iter().all(|w| got.iter().any(|(k, _)| k == w)) {
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .unwrap_or_else(|_| panic!("no event within 10 s; wanted {want:?}, got {got:?}"))
            .unwrap_or_else(|| panic!("the stream ended; wanted {want:?}, got {got:?}"))
            .unwrap_or_else(|e| panic!("{e}"));
        let Ok(data) = frame.into_data() else {
            continue;
        };
        buf.push_str(&String::from_utf8_lossy(&data));
        while let Some(end) = buf.find("\n\n") {
            let message: String = buf.drain(..end + 2).collect();
            let mut kind = String::new();
            let mut data = Value::Null;
            for line in message.lines() {
                if let Some(k) = line.strip_prefix("event:") {
                    kind = k.trim().to_owned();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data = serde_json::from_str(d.trim()).unwrap_or_else(|e| panic!("{d}: {e}"));
                }
            }
            if !kind.is_empty() {
                got.push((kind, data));
            }
        }
    }
    got
}

/// Waits up to 10 s for the stream `body` to end: `Ok(true)` when it does,
/// `Err` when it does not. An event before the end fails the test, saying
/// `what`.
async fn stream_end(
    body: &mut axum::body::Body,
    what: &str,
) -> Result<bool, tokio::time::error::Elapsed> {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match body.frame().await {
                None => return true,
                Some(Ok(f)) => {
                    let text = f
                        .into_data()
                        .map(|d| String::from_utf8_lossy(&d).into_owned())
                        .unwrap_or_default();
                    assert!(!text.contains("event:"), "{what}: {text}");
                }
                Some(Err(e)) => panic!("{e}"),
            }
        }
    })
    .await
}

#[tokio::test]
async fn the_event_stream_tells_every_change_by_kind_and_id_without_personal_data() {
    let t = app().await;
    let staff = login(&t).await;
    let resp = motcua_server::router(t.state.clone())
        .oneshot(request(
            "GET",
            "/v1/console/events",
            &[("x-staff-token", &staff)],
            None,
        ))
        .await
        .unwrap_or_else(|e| match e {});
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    let mut body = resp.into_body();

    let auth = t.auth_a();
    let help_id = help(&t, "scan").await;
    assert_eq!(heartbeat(&t, &auth, &beat()).await.status, StatusCode::OK);
    let counter = send(
        &t,
        request(
            "POST",
            "/v1/payments",
            &[("authorization", &auth), ("idempotency-key", "k-counter")],
            Some(&json!({"procedure_code": FLAT, "method": "counter"})),
        ),
    )
    .await;
    assert_eq!(counter.status, StatusCode::CREATED, "{counter:?}");
    let payment = counter.str("id");
    let confirmed = send(
        &t,
        request(
            "POST",
            &format!("/v1/counter/payments/{payment}/confirm"),
            &[("x-staff-token", &staff)],
            None,
        ),
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{confirmed:?}");
    let sha = upload(&t, &pdf("events")).await;
    let dossier = send(
        &t,
        request(
            "POST",
            "/v1/dossiers",
            &[("authorization", &auth), ("idempotency-key", "k-dossier")],
            Some(&birth_registration(&sha)),
        ),
    )
    .await;
    assert_eq!(dossier.status, StatusCode::CREATED, "{dossier:?}");
    let code = dossier.str("code");
    let moved = send(
        &t,
        request(
            "POST",
            &format!("/v1/dossiers/{code}/status"),
            &[("x-staff-token", &staff)],
            Some(&json!({"status": "processing"})),
        ),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{moved:?}");
    let answered = send(
        &t,
        request(
            "POST",
            &format!("/v1/help-requests/{help_id}/answer"),
            &[("x-staff-token", &staff)],
            None,
        ),
    )
    .await;
    assert_eq!(answered.status, StatusCode::OK, "{answered:?}");

    let got = read_events(
        &mut body,
        &[
            "help_request_created",
            "heartbeat",
            "payment_created",
            "payment_confirmed",
            "dossier_received",
            "dossier_status_changed",
            "help_request_answered",
        ],
    )
    .await;
    let kinds: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "help_request_created",
            "heartbeat",
            "payment_created",
            "payment_confirmed",
            "dossier_received",
            "dossier_status_changed",
            "help_request_answered",
        ],
        "one event per change, in order"
    );
    let ids: Vec<&str> = got.iter().filter_map(|(_, d)| d["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            help_id.as_str(),
            "quay-a",
            payment.as_str(),
            payment.as_str(),
            code.as_str(),
            code.as_str(),
            help_id.as_str(),
        ]
    );
    for (kind, data) in &got {
        assert_eq!(data["kind"], kind.as_str());
        let keys: Vec<&String> = data
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["id", "kind"], "only these: {data}");
        let text = data.to_string();
        for personal in ["NGUYỄN", "001089012345", "0912345678", "Đông Sơn"] {
            assert!(!text.contains(personal), "{text}");
        }
    }

    // Shutting down ends the stream (else a graceful shutdown would wait
    // for it forever).
    t.state.events.close();
    let end = stream_end(&mut body, "no event after close").await;
    assert_eq!(end, Ok(true), "the stream ends when the server shuts down");
}

#[tokio::test]
async fn a_stream_ends_at_the_first_event_after_its_session_has_ended() {
    let t = app().await;
    let staff = login(&t).await;
    let other = login(&t).await;
    let open = |token: &str| {
        motcua_server::router(t.state.clone()).oneshot(request(
            "GET",
            "/v1/console/events",
            &[("cookie", &format!("motcua_staff={token}"))],
            None,
        ))
    };
    let mut ended = open(&staff)
        .await
        .unwrap_or_else(|e| match e {})
        .into_body();
    let mut live = open(&other)
        .await
        .unwrap_or_else(|e| match e {})
        .into_body();
    logout(&t, &staff).await;
    let id = help(&t, "scan").await;
    let got = read_events(&mut live, &["help_request_created"]).await;
    assert_eq!(got[0].1["id"], id.as_str(), "the other session still hears");
    let end = stream_end(&mut ended, "an event after logout").await;
    assert_eq!(end, Ok(true), "the logged-out stream ends");
}

#[tokio::test]
async fn the_kiosks_client_sends_its_heartbeat_over_a_socket() {
    use motcua_core::client::ApiClient;
    use motcua_protocol::{DeviceHealth, DeviceState, KioskHeartbeat, ProblemCode};
    let t = app().await;
    let staff = login(&t).await;
    let running = serve(t.state.clone()).await;
    let beat = KioskHeartbeat {
        step: "identify".to_owned(),
        devices: DeviceHealth {
            camera: DeviceState::Failing,
            scanner: DeviceState::NotConfigured,
            printer: DeviceState::Missing,
            backend: DeviceState::Ok,
        },
        outbox_pending: 1,
        outbox_needs_helper: 0,
        version: "0.1.0".to_owned(),
    };
    let client = ApiClient::new(&running.url(), &t.kiosk_b).unwrap_or_else(|e| panic!("{e}"));
    let ack = client
        .heartbeat(&beat)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ack.received_at, "2026-11-26T02:00:00Z");
    let list = console_get(&t, &staff, "/v1/console/kiosks").await;
    let b = kiosk(&list, "quay-b");
    assert_eq!(b["online"], true);
    assert_eq!(b["heartbeat"]["devices"]["camera"], "failing");
    assert_eq!(b["heartbeat"]["step"], "identify");

    let bad = KioskHeartbeat {
        step: "NGUYỄN VĂN AN".to_owned(),
        ..beat.clone()
    };
    let refused = client.heartbeat(&bad).await;
    assert_eq!(
        refused.as_ref().err().and_then(|e| e.problem_code()),
        Some(ProblemCode::InvalidRequest),
        "{refused:?}"
    );
    let stranger =
        ApiClient::new(&running.url(), "not-a-kiosk-token").unwrap_or_else(|e| panic!("{e}"));
    let refused = stranger.heartbeat(&beat).await;
    assert_eq!(
        refused.as_ref().err().and_then(|e| e.problem_code()),
        Some(ProblemCode::KioskUnauthorized),
        "{refused:?}"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn a_running_server_shuts_down_with_a_console_listening() {
    let t = app().await;
    let staff = login(&t).await;
    let running = serve(t.state.clone()).await;
    let resp = reqwest::Client::new()
        .get(format!("{}/v1/console/events", running.url()))
        .header("x-staff-token", &staff)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
    let done = tokio::time::timeout(Duration::from_secs(10), running.shutdown()).await;
    assert!(done.is_ok(), "shutdown waited on the event stream");
    drop(resp);
}

/// A dossier row as the store writes it, for fixed figures.
struct Row {
    code: &'static str,
    /// Unix seconds.
    created_at: i64,
    due_at: &'static str,
    status: &'static str,
    /// Files of each component.
    files: &'static [u32],
    /// When it was done, if it was.
    done_at: Option<&'static str>,
}

async fn insert_dossier(db: &sqlx::AnyPool, r: &Row) {
    let components: Vec<Value> = r
        .files
        .iter()
        .enumerate()
        .map(|(i, &files)| {
            json!({"component_id": format!("c{i}"), "name": "Giấy tờ", "files": files,
                   "on_paper": files == 0})
        })
        .collect();
    let number: i64 = r.code[7..].parse().unwrap_or_else(|e| panic!("{e}"));
    let received_at = time::OffsetDateTime::from_unix_timestamp(r.created_at)
        .unwrap_or_else(|e| panic!("{e}"))
        .format(&time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query(
        "INSERT INTO dossiers (code, day, number, kiosk_name, idempotency_key, request_hash, \
         lookup_secret, procedure_code, procedure_name, agency, applicant_json, copies, \
         components_json, processing_time, received_at, due_at, due_date, result_place, status, \
         created_at) VALUES ($1, $7, $2, 'quay-a', $1, 'h', '123456', '1.001193', \
         'Đăng ký khai sinh', 'UBND', '{}', 1, $3, 'Trong ngày', \
         $8, $5, $9, 'Quầy 1', $6, $4)",
    )
    .bind(r.code)
    .bind(number)
    .bind(Value::from(components).to_string())
    .bind(r.created_at)
    .bind(r.due_at)
    .bind(r.status)
    .bind(&r.code[..6])
    .bind(received_at)
    .bind(&r.due_at[..10])
    .execute(db)
    .await
    .unwrap_or_else(|e| panic!("{}: {e}", r.code));
    for (status, at) in [
        ("received", Some("2026-11-20T00:00:00Z")),
        ("done", r.done_at),
    ] {
        let Some(at) = at else { continue };
        sqlx::query("INSERT INTO dossier_history (code, status, at) VALUES ($1, $2, $3)")
            .bind(r.code)
            .bind(status)
            .bind(at)
            .execute(db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

async fn insert_payment(db: &sqlx::AnyPool, n: u32, method: &str, paid_at: Option<i64>) {
    sqlx::query(
        "INSERT INTO payments (id, kiosk_name, idempotency_key, request_hash, procedure_code, \
         procedure_name, copies, amount, method, reference, counter_code, vietqr_payload, status, \
         created_at, expires_at, paid_at) VALUES ($1, 'quay-a', $1, 'h', '1.004873', 'Xác nhận', 1, \
         15000, $2, $1, CASE WHEN $2 = 'counter' THEN $3 END, \
         CASE WHEN $2 = 'vietqr' THEN 'qr' END, CASE WHEN $4 IS NULL THEN 'pending' ELSE 'paid' END, \
         0, 1, $4)",
    )
    .bind(format!("pay-{n}"))
    .bind(method)
    .bind(format!("{n:06}"))
    .bind(paid_at)
    .execute(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// 2026-11-26 00:00 in Vietnam, in Unix seconds.
const DAY: i64 = 1_795_626_000;
const HOUR: i64 = 3600;

#[tokio::test]
async fn the_days_figures_are_computed_from_the_tables_by_the_clock() {
    // 12:00 in Vietnam on Thursday 26 November 2026.
    let t = app_at(time::macros::datetime!(2026-11-26 05:00 UTC)).await;
    let staff = login(&t).await;
    let db = t.db().await;
    for r in [
        // Today: done at 10:00, due 17:00: on time.
        Row {
            code: "261126-0001",
            created_at: DAY + 8 * HOUR + 600,
            due_at: "2026-11-26T17:00:00+07:00",
            status: "done",
            files: &[1, 0],
            done_at: Some("2026-11-26T03:00:00.250Z"),
        },
        // Today: due 10:00, done at 11:00: late.
        Row {
            code: "261126-0002",
            created_at: DAY + 8 * HOUR + 2400,
            due_at: "2026-11-26T10:00:00+07:00",
            status: "done",
            files: &[2],
            done_at: Some("2026-11-26T04:00:00Z"),
        },
        // Today: due 11:00, still processing at 12:00: overdue.
        Row {
            code: "261126-0003",
            created_at: DAY + 9 * HOUR + 900,
            due_at: "2026-11-26T04:00:00Z",
            status: "processing",
            files: &[1],
            done_at: None,
        },
        // Today just after midnight, all on paper, due next week.
        Row {
            code: "261126-0004",
            created_at: DAY + 1800,
            due_at: "2026-12-02T17:00:00+07:00",
            status: "received",
            files: &[0],
            done_at: None,
        },
        // Yesterday; due today 16:00: not overdue yet at 12:00.
        Row {
            code: "261125-0001",
            created_at: DAY - 9 * HOUR,
            due_at: "2026-11-26T16:00:00+07:00",
            status: "received",
            files: &[1],
            done_at: None,
        },
        // Yesterday; due today 08:00 but returned: not counted.
        Row {
            code: "261125-0002",
            created_at: DAY - 8 * HOUR,
            due_at: "2026-11-26T08:00:00+07:00",
            status: "returned",
            files: &[1],
            done_at: None,
        },
        // Yesterday at 23:59.
        Row {
            code: "261125-0003",
            created_at: DAY - 60,
            due_at: "2026-11-27T17:00:00+07:00",
            status: "received",
            files: &[1, 1],
            done_at: None,
        },
    ] {
        insert_dossier(&db, &r).await;
    }
    insert_payment(&db, 1, "vietqr", Some(DAY + 8 * HOUR)).await;
    insert_payment(&db, 2, "vietqr", Some(DAY + 9 * HOUR)).await;
    insert_payment(&db, 3, "counter", Some(DAY + 10 * HOUR)).await;
    insert_payment(&db, 4, "vietqr", Some(DAY - HOUR)).await;
    insert_payment(&db, 5, "counter", None).await;

    let f = console_get(&t, &staff, "/v1/console/figures").await;
    assert_eq!(f.status, StatusCode::OK, "{f:?}");
    assert_eq!(f.str("date"), "2026-11-26", "today in Vietnam by the clock");
    assert_eq!(f.u64("dossiers_received"), 4);
    let share = |name: &str| {
        (
            f.body[name]["count"].as_u64(),
            f.body[name]["of"].as_u64(),
            f.body[name]["percent"].as_f64(),
        )
    };
    assert_eq!(share("submitted_online"), (Some(4), Some(4), Some(100.0)));
    assert_eq!(share("resolved_on_time"), (Some(1), Some(3), Some(33.33)));
    assert_eq!(share("paid_online"), (Some(2), Some(3), Some(66.67)));
    assert_eq!(
        share("components_digitized"),
        (Some(3), Some(5), Some(60.0))
    );
    let mut hours = vec![0u64; 24];
    hours[0] = 1;
    hours[8] = 2;
    hours[9] = 1;
    assert_eq!(f.body["per_hour"], json!(hours));

    // At 17:00 the one due at 16:00 has fallen overdue too.
    t.advance(5 * 3600);
    let f = console_get(&t, &staff, "/v1/console/figures").await;
    assert_eq!(f.body["resolved_on_time"]["count"], 1);
    assert_eq!(f.body["resolved_on_time"]["of"], 4);

    // Another day, by its date.
    let y = console_get(&t, &staff, "/v1/console/figures?date=2026-11-25").await;
    assert_eq!(y.status, StatusCode::OK, "{y:?}");
    assert_eq!(y.str("date"), "2026-11-25");
    assert_eq!(y.u64("dossiers_received"), 3);
    assert_eq!(y.body["per_hour"][15], 1);
    assert_eq!(y.body["per_hour"][16], 1);
    assert_eq!(y.body["per_hour"][23], 1);
    assert_eq!(y.body["paid_online"]["count"], 1);
    assert_eq!(y.body["components_digitized"]["of"], 4);
    assert_eq!(y.body["resolved_on_time"]["of"], 0);
    assert!(y.body["resolved_on_time"].get("percent").is_none(), "{y:?}");

    // A day with nothing.
    let empty = console_get(&t, &staff, "/v1/console/figures?date=2025-01-01").await;
    assert_eq!(empty.u64("dossiers_received"), 0);
    assert_eq!(empty.body["per_hour"], json!(vec![0; 24]));
    assert!(empty.body["paid_online"].get("percent").is_none());

    for bad in [
        "26/11/2026",
        "2026-13-01",
        "2026-11-31",
        "hôm-nay",
        "2026-11-26T00:00",
    ] {
        let uri = format!(
            "/v1/console/figures?date={}",
            bad.replace('/', "%2F").replace('ô', "%C3%B4")
        );
        problem(
            &console_get(&t, &staff, &uri).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        );
    }
}

#[tokio::test]
async fn the_page_is_served_with_a_policy_that_allows_only_this_origin() {
    let t = app().await;
    for (uri, kind, needle) in [
        ("/console", "text/html", "Bảng điều khiển cán bộ"),
        ("/console/", "text/html", "Yêu cầu hỗ trợ"),
        ("/console/console.css", "text/css", "grid-template-columns"),
        ("/console/console.js", "text/javascript", "EventSource"),
    ] {
        let resp = motcua_server::router(t.state.clone())
            .oneshot(request("GET", uri, &[], None))
            .await
            .unwrap_or_else(|e| match e {});
        assert_eq!(resp.status(), StatusCode::OK, "{uri}");
        let h = resp.headers().clone();
        let get = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert!(get("content-type").starts_with(kind), "{uri}");
        assert!(
            get("content-security-policy").starts_with("default-src 'self'"),
            "{uri}"
        );
        assert!(get("content-security-policy").contains("frame-ancestors 'none'"));
        assert_eq!(get("x-content-type-options"), "nosniff");
        let body = resp
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        assert!(
            String::from_utf8_lossy(&body).contains(needle),
            "{uri} lacks {needle}"
        );
    }
}

#[tokio::test]
async fn the_log_of_the_console_names_no_person_and_no_secret() {
    let captured = logs::capture_logs();
    let t = app().await;
    let staff = login(&t).await;
    let id = help(&t, "identify").await;
    let auth = t.auth_a();
    assert_eq!(heartbeat(&t, &auth, &beat()).await.status, StatusCode::OK);
    let refused = {
        let mut b = beat();
        b["step"] = json!("NGUYỄN VĂN AN 001089012345");
        heartbeat(&t, &auth, &b).await
    };
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    for uri in [
        "/v1/console/kiosks",
        "/v1/console/help-requests",
        "/v1/console/figures",
    ] {
        assert_eq!(console_get(&t, &staff, uri).await.status, StatusCode::OK);
    }
    let a = send(
        &t,
        request(
            "POST",
            &format!("/v1/help-requests/{id}/answer"),
            &[("x-staff-token", &staff)],
            None,
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let text = captured.text();
    assert!(
        text.contains("help request answered"),
        "the log is captured"
    );
    for secret in [
        "NGUYỄN",
        "001089012345",
        USER,
        PASSWORD,
        staff.as_str(),
        t.kiosk_a.as_str(),
    ] {
        assert!(!text.contains(secret), "the log holds {secret:?}");
    }
}
