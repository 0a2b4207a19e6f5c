//! Staff QR cards: issued (and reissued) for a helper, unlocking helper mode
//! on a kiosk like the PIN; revoked, replaced, disabled or locked cards and
//! other QR texts refused; only the card's hash stored; the log never holds
//! the card.

#[path = "support/logs.rs"]
mod logs;
#[path = "support/app.rs"]
mod support;
use logs::capture_logs;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use motcua_server::{Clock, StaffError};
use serde_json::{Value, json};
use support::*;

fn post(uri: &str, body: &Value, kiosk_token: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {kiosk_token}"))
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn unlock_card(t: &TestApp, kiosk_token: &str, card: &str) -> Answer {
    send(
        t,
        post(
            "/v1/staff/unlock-card",
            &json!({ "card": card }),
            kiosk_token,
        ),
    )
    .await
}

async fn issue(t: &TestApp, user: &str) -> String {
    t.state
        .store
        .issue_staff_card(user, t.clock.now())
        .await
        .unwrap_or_else(|e| panic!("issue card: {e}"))
        .expose()
        .to_owned()
}

async fn app() -> TestApp {
    app_with(
        time::macros::datetime!(2026-03-02 02:00 UTC),
        None,
        vec![
            lan(),
            new_staff("canbo.minh", None, "Trống đồng Đông Sơn", "730518"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_card_unlocks_helper_mode_on_the_kiosk_that_read_it() {
    let t = app().await;
    let card = issue(&t, " CanBo.Lan ").await;
    assert!(card.starts_with("MOTCUA:CB:"), "{card}");
    assert_eq!(card.len(), "MOTCUA:CB:".len() + 64);

    let a = unlock_card(&t, &t.kiosk_a, &card).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.body["user"], USER);
    assert_eq!(a.body["display_name"], DISPLAY);
    assert_eq!(a.body["expires_at"], "2026-03-02T02:15:00Z");
    // The token is a helper-mode token of kiosk A: it lets the helper vouch there.
    let token = a.body["token"].as_str().unwrap_or_default().to_owned();
    let vouch = Request::post("/v1/accounts/vouch")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, t.auth_a())
        .header("x-staff-token", token.as_str())
        .body(Body::from(
            json!({
                "id_number": ID_NUMBER, "full_name": NAME, "date_of_birth": "1989-03-15",
                "sex": "male", "address": ADDRESS, "reason": "Không có điện thoại"
            })
            .to_string(),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    let v = send(&t, vouch).await;
    assert_eq!(v.status, StatusCode::CREATED, "{}", v.body);

    // Without a kiosk token, nothing.
    let req = Request::post("/v1/staff/unlock-card")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "card": card }).to_string()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(send(&t, req).await.body["code"], "kiosk_unauthorized");
}

#[tokio::test]
async fn other_qr_texts_and_unknown_cards_are_refused_and_change_nothing() {
    let t = app().await;
    let card = issue(&t, USER).await;
    let sessions = t.count("SELECT COUNT(*) FROM staff_sessions").await;
    for (text, status, code) in [
        (
            "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5|20042021".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "MOTCUA:HS:261126-0001:042917".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            card.to_uppercase(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            format!("MOTCUA:CB:{}", "0".repeat(64)),
            StatusCode::UNAUTHORIZED,
            "staff_login_failed",
        ),
    ] {
        let a = unlock_card(&t, &t.kiosk_a, &text).await;
        assert_eq!(a.status, status, "{text}: {}", a.body);
        assert_eq!(a.body["code"], code, "{text}");
        assert!(!a.body.to_string().contains("NGUYỄN"), "{}", a.body);
    }
    // Malformed bodies.
    for body in [
        json!({}),
        json!({"card": card, "pin": "482916"}),
        json!({"card": 5}),
    ] {
        let a = send(&t, post("/v1/staff/unlock-card", &body, &t.kiosk_a)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}: {}", a.body);
    }
    assert_eq!(
        t.count("SELECT COUNT(*) FROM staff_sessions").await,
        sessions
    );
    // Wrong cards do not lock the helper: their card and PIN still work.
    assert_eq!(
        unlock_card(&t, &t.kiosk_a, &card).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_reissued_or_revoked_card_stops_working_at_once() {
    let t = app().await;
    let first = issue(&t, USER).await;
    let second = issue(&t, USER).await;
    assert_ne!(first, second);
    let a = unlock_card(&t, &t.kiosk_a, &first).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    assert_eq!(a.body["code"], "staff_login_failed");
    assert_eq!(
        unlock_card(&t, &t.kiosk_b, &second).await.status,
        StatusCode::CREATED
    );
    // One card per helper; another helper's card is theirs.
    let minh = issue(&t, "canbo.minh").await;
    assert_eq!(t.count("SELECT COUNT(*) FROM staff_cards").await, 2);
    let a = unlock_card(&t, &t.kiosk_a, &minh).await;
    assert_eq!(a.body["user"], "canbo.minh");

    assert!(
        t.state
            .store
            .revoke_staff_card(USER, t.clock.now())
            .await
            .unwrap_or_default()
    );
    assert!(
        !t.state
            .store
            .revoke_staff_card(USER, t.clock.now())
            .await
            .unwrap_or(true)
    );
    assert_eq!(
        unlock_card(&t, &t.kiosk_a, &second).await.body["code"],
        "staff_login_failed"
    );
    // Each issue and the one revocation that ended a card are in the audit log.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.card_issued'")
            .await,
        3
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.card_revoked'")
            .await,
        1
    );
    assert!(matches!(
        t.state
            .store
            .issue_staff_card("nobody", t.clock.now())
            .await,
        Err(StaffError::Unknown(_))
    ));
    assert!(matches!(
        t.state
            .store
            .revoke_staff_card("bad user!", t.clock.now())
            .await,
        Err(StaffError::BadUser(_))
    ));

    // A disabled helper's card is refused, and no card is issued to them.
    assert!(
        t.state
            .store
            .disable_staff("canbo.minh")
            .await
            .unwrap_or_default()
    );
    assert_eq!(
        unlock_card(&t, &t.kiosk_a, &minh).await.body["code"],
        "staff_login_failed"
    );
    assert!(matches!(
        t.state
            .store
            .issue_staff_card("canbo.minh", t.clock.now())
            .await,
        Err(StaffError::Disabled(_))
    ));
}

#[tokio::test]
async fn a_locked_helper_card_waits_for_the_lock_to_end() {
    let t = app().await;
    let card = issue(&t, USER).await;
    for _ in 0..5 {
        let a = send(
            &t,
            post(
                "/v1/staff/unlock",
                &json!({"user": USER, "pin": "111222"}),
                &t.kiosk_a,
            ),
        )
        .await;
        assert_ne!(a.status, StatusCode::CREATED);
    }
    let a = unlock_card(&t, &t.kiosk_a, &card).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
    assert_eq!(a.body["code"], "staff_locked");
    t.advance(15 * 60);
    assert_eq!(
        unlock_card(&t, &t.kiosk_a, &card).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn only_the_card_hash_is_stored_and_the_log_never_holds_the_card() {
    let captured = capture_logs();
    let t = app().await;
    let card = issue(&t, USER).await;
    let secret = card.trim_start_matches("MOTCUA:CB:").to_owned();
    assert_eq!(
        unlock_card(&t, &t.kiosk_a, &card).await.status,
        StatusCode::CREATED
    );
    let _ = unlock_card(&t, &t.kiosk_a, &format!("MOTCUA:CB:{}", "1".repeat(64))).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT card_hash FROM staff_cards")
        .fetch_all(&t.db().await)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], secret);
    assert_eq!(stored[0].len(), 64);
    let db = std::fs::read(t.dir.path().join(motcua_server::DB_FILE)).unwrap_or_default();
    let db = String::from_utf8_lossy(&db);
    assert!(
        !db.contains(&secret),
        "the card's secret is in the database"
    );
    let log = captured.text();
    assert!(log.contains("helper mode unlocked by card"), "{log}");
    for secret_part in [secret.as_str(), &secret[..16], USER, DISPLAY] {
        assert!(
            !log.contains(secret_part),
            "the log holds {secret_part:?}:\n{log}"
        );
    }
}
