//! Helpers: console login with a password, helper mode unlocked on a kiosk
//! with a PIN, the lock after five failures (with an injected clock), the
//! staff token a vouch needs, and the log of it all.

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

const MINH: &str = "canbo.minh";
const MINH_PASSWORD: &str = "Trống đồng Đông Sơn";
const MINH_PIN: &str = "730518";

impl TestApp {
    async fn sessions(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM staff_sessions").await
    }
}

/// The app with the helpers Lan and Minh (no display name), and the
/// payment settings `AppState::open` chose.
async fn app() -> TestApp {
    app_with(
        time::macros::datetime!(2026-03-02 02:00 UTC),
        None,
        vec![lan(), new_staff(MINH, None, MINH_PASSWORD, MINH_PIN)],
    )
    .await
}

fn post(uri: &str, body: &Value, headers: &[(&str, &str)]) -> Request<Body> {
    let mut req = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::from(body.to_string()))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn login(t: &TestApp, user: &str, password: &str) -> Answer {
    send(
        t,
        post(
            "/v1/staff/sessions",
            &json!({"user": user, "password": password}),
            &[],
        ),
    )
    .await
}

async fn unlock(t: &TestApp, kiosk_token: &str, user: &str, pin: &str) -> Answer {
    send(
        t,
        post(
            "/v1/staff/unlock",
            &json!({"user": user, "pin": pin}),
            &[("authorization", &bearer(kiosk_token))],
        ),
    )
    .await
}

fn header_str(a: &Answer, name: header::HeaderName) -> &str {
    a.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn console_login_sets_a_strict_httponly_cookie_and_logout_ends_it() {
    let t = app().await;
    // No kiosk token needed; the user name is not case-sensitive.
    let a = login(&t, " CanBo.Lan ", PASSWORD).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let token = a.body["token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(token.len(), 64);
    assert_eq!(a.body["user"], USER);
    assert_eq!(a.body["display_name"], DISPLAY);
    assert_eq!(a.body["expires_at"], "2026-03-02T14:00:00Z");
    let cookie = header_str(&a, header::SET_COOKIE);
    assert_eq!(
        cookie,
        format!("motcua_staff={token}; HttpOnly; SameSite=Strict; Path=/v1; Max-Age=43200")
    );
    assert_eq!(header_str(&a, header::CACHE_CONTROL), "no-store");
    assert_eq!(t.sessions().await, 1);

    // The display name defaults to the user name.
    let m = login(&t, MINH, MINH_PASSWORD).await;
    assert_eq!(m.body["display_name"], MINH);
    assert_eq!(t.sessions().await, 2);

    // Logging out with the cookie ends that session and clears the cookie.
    let req = Request::delete("/v1/staff/sessions")
        .header(header::COOKIE, format!("theme=dark; motcua_staff={token}"))
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let out = send(&t, req).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(
        header_str(&out, header::SET_COOKIE).starts_with("motcua_staff=; HttpOnly;")
            && header_str(&out, header::SET_COOKIE).ends_with("Max-Age=0")
    );
    assert_eq!(t.sessions().await, 1);
    // And with the header.
    let req = Request::delete("/v1/staff/sessions")
        .header(
            "x-staff-token",
            m.body["token"].as_str().unwrap_or_default(),
        )
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(send(&t, req).await.status, StatusCode::NO_CONTENT);
    assert_eq!(t.sessions().await, 0);
    // Without any token: refused.
    let req = Request::delete("/v1/staff/sessions")
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let none = send(&t, req).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.body["code"], "staff_unauthorized");
}

#[tokio::test]
async fn a_wrong_password_an_unknown_user_and_a_wrong_pin_get_one_generic_answer() {
    let t = app().await;
    let mut answers = Vec::new();
    for (user, password) in [
        (USER, "Hoa sen nở 2025"),
        (USER, ""),
        ("nobody", PASSWORD),
        ("not a user!", PASSWORD),
        ("", ""),
    ] {
        answers.push(login(&t, user, password).await);
    }
    for (user, pin) in [(USER, "000000"), (USER, "48291"), ("nobody", PIN)] {
        answers.push(unlock(&t, &t.kiosk_a, user, pin).await);
    }
    let first = &answers[0].body;
    for a in &answers {
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
        assert_eq!(a.body["code"], "staff_login_failed");
        // Word for word the same: nothing says which part was wrong.
        assert_eq!(a.body["detail"], first["detail"]);
        assert_eq!(a.body["message"], first["message"]);
        assert!(a.headers.get(header::SET_COOKIE).is_none());
    }
    assert_eq!(t.sessions().await, 0);
    // A malformed body is still a plain 400.
    let bad = send(&t, post("/v1/staff/sessions", &json!({"user": USER}), &[])).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn five_failures_in_a_row_lock_the_account_for_15_minutes() {
    let t = app().await;
    // Wrong passwords and wrong PINs count together.
    for i in 0..4 {
        let a = if i % 2 == 0 {
            login(&t, USER, "sai mật khẩu rồi").await
        } else {
            unlock(&t, &t.kiosk_a, USER, "111222").await
        };
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "failure {i}: {}",
            a.body
        );
    }
    let fifth = login(&t, USER, "sai mật khẩu rồi").await;
    assert_eq!(
        fifth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        fifth.body
    );
    assert_eq!(fifth.body["code"], "staff_locked");
    assert_eq!(fifth.body["retry_after_seconds"], 900);
    assert_eq!(header_str(&fifth, header::RETRY_AFTER), "900");

    // Locked: the right password and the right PIN are refused too.
    t.advance(600);
    let a = login(&t, USER, PASSWORD).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header_str(&a, header::RETRY_AFTER), "300");
    let a = unlock(&t, &t.kiosk_a, USER, PIN).await;
    assert_eq!(a.body["code"], "staff_locked");
    // Another helper is not affected.
    assert_eq!(
        login(&t, MINH, MINH_PASSWORD).await.status,
        StatusCode::CREATED
    );

    t.advance(299);
    assert_eq!(
        login(&t, USER, PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "unlocked a second early"
    );
    t.advance(1);
    let a = login(&t, USER, PASSWORD).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);

    // A success starts the count afresh: four failures, a success, four
    // more failures, and the account is still open.
    for round in 0..2 {
        for _ in 0..4 {
            let a = login(&t, USER, "sai mật khẩu rồi").await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "round {round}");
        }
        let a = unlock(&t, &t.kiosk_a, USER, PIN).await;
        assert_eq!(a.status, StatusCode::CREATED, "round {round}: {}", a.body);
    }
}

#[tokio::test]
async fn unlock_needs_the_kiosk_token_and_gives_a_15_minute_token() {
    let t = app().await;
    let body = json!({"user": USER, "pin": PIN});
    for auth in [None, Some("Bearer nope".to_owned())] {
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let a = send(&t, post("/v1/staff/unlock", &body, &headers)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert_eq!(a.body["code"], "kiosk_unauthorized");
    }
    let a = unlock(&t, &t.kiosk_a, USER, PIN).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.body["expires_at"], "2026-03-02T02:15:00Z");
    assert_eq!(a.body["user"], USER);
    assert_eq!(a.body["token"].as_str().map(str::len), Some(64));
    assert!(
        a.headers.get(header::SET_COOKIE).is_none(),
        "no cookie on a kiosk"
    );
    // The PIN does not open the console, nor the password helper mode.
    assert_eq!(login(&t, USER, PIN).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unlock(&t, &t.kiosk_a, USER, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_disabled_helper_cannot_log_in_and_their_sessions_end() {
    let t = app().await;
    assert_eq!(login(&t, USER, PASSWORD).await.status, StatusCode::CREATED);
    assert_eq!(
        unlock(&t, &t.kiosk_b, USER, PIN).await.status,
        StatusCode::CREATED
    );
    assert_eq!(t.sessions().await, 2);
    assert!(
        t.state
            .store
            .disable_staff("CANBO.LAN")
            .await
            .unwrap_or_default()
    );
    assert!(!t.state.store.disable_staff(USER).await.unwrap_or(true));
    assert!(matches!(
        t.state.store.disable_staff("nobody").await,
        Err(StaffError::Unknown(_))
    ));
    assert_eq!(t.sessions().await, 0);
    let a = login(&t, USER, PASSWORD).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.body["code"], "staff_login_failed");
    assert_eq!(
        unlock(&t, &t.kiosk_b, USER, PIN).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn adding_a_helper_checks_the_rules_and_stores_only_argon2id_hashes() {
    let t = app().await;
    let store = &t.state.store;
    let at = t.clock.now();
    for (s, want) in [
        (new_staff(USER, None, PASSWORD, PIN), "already exists"),
        (new_staff("lan 2", None, PASSWORD, PIN), "user name"),
        (new_staff("lan2", None, "ngắn quá", PIN), "shorter than 10"),
        (
            new_staff("lan2", None, PASSWORD, "12345"),
            "exactly 6 digits",
        ),
        (
            new_staff("lan2", None, PASSWORD, "12345a"),
            "exactly 6 digits",
        ),
        (new_staff("lan2", Some(" "), PASSWORD, PIN), "display name"),
    ] {
        match store.add_staff(&s, at).await {
            Err(e) => {
                let e = e.to_string();
                assert!(e.contains(want), "{e}");
                assert!(!e.contains(PASSWORD) && !e.contains("ngắn quá"), "{e}");
            }
            Ok(()) => panic!("{s:?} added"),
        }
    }
    // Debug output of a new helper hides the secrets.
    let shown = format!("{:?}", new_staff("x", None, PASSWORD, PIN));
    assert!(!shown.contains(PASSWORD) && !shown.contains(PIN), "{shown}");

    let a = login(&t, USER, PASSWORD).await;
    let token = a.body["token"].as_str().unwrap_or_default().to_owned();
    let db = t.db().await;
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT \"user\", password_hash, pin_hash FROM staff ORDER BY \"user\"")
            .fetch_all(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows.len(), 2);
    for (user, password_hash, pin_hash) in &rows {
        for h in [password_hash, pin_hash] {
            assert!(
                h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
                "{user}: {h}"
            );
        }
        assert_ne!(password_hash, pin_hash);
    }
    let hashes: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM staff_sessions")
        .fetch_all(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(hashes.len(), 1);
    assert_ne!(hashes[0].0, token);
    // No file of the database holds a password, a PIN or a token in clear.
    for entry in std::fs::read_dir(t.dir.path()).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let bytes = std::fs::read(&path).unwrap_or_default();
        for secret in [PASSWORD, MINH_PASSWORD, PIN, MINH_PIN, &token, &t.kiosk_a] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret:?} in clear in {}",
                path.display()
            );
        }
    }
}

fn thuy() -> Value {
    json!({
        "id_number": "038155000123",
        "full_name": "Lê Thị Thủy",
        "date_of_birth": "1955-01-01",
        "sex": "female",
        "address": "Thôn 3, Quảng Xương, Thanh Hóa",
        "reason": "Không có điện thoại",
    })
}

/// Vouches for Thủy as the kiosk `kiosk_token`, with `staff_token` if any.
async fn vouch(t: &TestApp, kiosk_token: &str, staff_token: Option<&str>) -> Answer {
    let auth = bearer(kiosk_token);
    let mut headers = vec![("authorization", auth.as_str())];
    if let Some(s) = staff_token {
        headers.push(("x-staff-token", s));
    }
    send(t, post("/v1/accounts/vouch", &thuy(), &headers)).await
}

async fn vouchers(t: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT staff_user FROM account_vouches ORDER BY created_at, rowid")
        .fetch_all(&t.db().await)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn token_of(a: &Answer) -> String {
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.body["token"].as_str().unwrap_or_default().to_owned()
}

fn assert_staff_refused(a: &Answer, what: &str) {
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{what}: {}", a.body);
    assert_eq!(a.body["code"], "staff_unauthorized", "{what}");
}

#[tokio::test]
async fn a_pin_unlock_lets_the_helper_vouch_on_that_kiosk_for_15_minutes() {
    let t = app().await;
    let on_a = token_of(&unlock(&t, &t.kiosk_a, USER, PIN).await);

    let ok = vouch(&t, &t.kiosk_a, Some(&on_a)).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(vouchers(&t).await, [USER]);

    // Refused: no token, a made-up one, kiosk A's token on kiosk B, and a
    // console session (a password login is not helper mode on a kiosk).
    assert_staff_refused(&vouch(&t, &t.kiosk_a, None).await, "no token");
    assert_staff_refused(
        &vouch(&t, &t.kiosk_a, Some(&"0".repeat(64))).await,
        "made up",
    );
    assert_staff_refused(&vouch(&t, &t.kiosk_b, Some(&on_a)).await, "A's token on B");
    let console = token_of(&login(&t, USER, PASSWORD).await);
    assert_staff_refused(&vouch(&t, &t.kiosk_a, Some(&console)).await, "console");
    // A staff token is no kiosk token.
    let a = vouch(&t, &on_a, Some(&on_a)).await;
    assert_eq!(a.body["code"], "kiosk_unauthorized");

    // Works until its last second, not after.
    t.advance(15 * 60 - 1);
    assert_eq!(
        vouch(&t, &t.kiosk_a, Some(&on_a)).await.status,
        StatusCode::CREATED
    );
    t.advance(1);
    assert_staff_refused(&vouch(&t, &t.kiosk_a, Some(&on_a)).await, "expired");
    assert_eq!(vouchers(&t).await, [USER, USER]);

    // Ended early by the helper.
    let again = token_of(&unlock(&t, &t.kiosk_b, USER, PIN).await);
    let req = Request::delete("/v1/staff/sessions")
        .header("x-staff-token", again.as_str())
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(send(&t, req).await.status, StatusCode::NO_CONTENT);
    assert_staff_refused(&vouch(&t, &t.kiosk_b, Some(&again)).await, "logged out");

    // A helper disabled meanwhile: their token ends with them.
    let minh = token_of(&unlock(&t, &t.kiosk_b, MINH, MINH_PIN).await);
    assert_eq!(
        vouch(&t, &t.kiosk_b, Some(&minh)).await.status,
        StatusCode::CREATED
    );
    assert!(t.state.store.disable_staff(MINH).await.unwrap_or_default());
    assert_staff_refused(&vouch(&t, &t.kiosk_b, Some(&minh)).await, "disabled");
    // A revoked kiosk's helper tokens go with it.
    let on_b = token_of(&unlock(&t, &t.kiosk_b, USER, PIN).await);
    t.state
        .store
        .revoke_kiosk("quay-b", t.clock.now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        vouch(&t, &t.kiosk_b, Some(&on_b)).await.body["code"],
        "kiosk_unauthorized"
    );
    assert_eq!(vouchers(&t).await, [USER, USER, MINH]);
}

#[tokio::test]
async fn the_log_holds_no_token_password_pin_or_user_name() {
    let captured = capture_logs();
    let t = app().await;

    let wrong_password = "Hoa sen nở 2099";
    let wrong_pin = "193847";
    assert_eq!(
        login(&t, USER, wrong_password).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&t, "nobody.here", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let console = login(&t, USER, PASSWORD).await;
    let console_token = console.body["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        unlock(&t, &t.kiosk_a, USER, wrong_pin).await.status,
        StatusCode::UNAUTHORIZED
    );
    let helper = unlock(&t, &t.kiosk_a, USER, PIN).await;
    let helper_token = helper.body["token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(helper.status, StatusCode::CREATED);
    assert_eq!(
        vouch(&t, &t.kiosk_a, Some(&helper_token)).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        vouch(&t, &t.kiosk_b, Some(&helper_token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Refused kiosk tokens, and a wrong one that looks right.
    let fake_kiosk = "f".repeat(64);
    assert_eq!(
        unlock(&t, &fake_kiosk, USER, PIN).await.status,
        StatusCode::UNAUTHORIZED
    );
    for _ in 0..5 {
        login(&t, MINH, wrong_password).await;
    }
    let req = Request::delete("/v1/staff/sessions")
        .header("x-staff-token", console_token.as_str())
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(send(&t, req).await.status, StatusCode::NO_CONTENT);

    let log = captured.text();
    assert!(
        log.contains("staff session opened"),
        "nothing captured:\n{log}"
    );
    assert!(log.contains("staff account locked"), "{log}");
    assert!(log.contains("account vouched for by a helper"), "{log}");
    assert!(log.contains("unlocked on another kiosk"), "{log}");
    assert!(log.contains("quay-a"), "the kiosk (a device) is named");
    for secret in [
        PASSWORD,
        wrong_password,
        MINH_PASSWORD,
        PIN,
        wrong_pin,
        MINH_PIN,
        &console_token,
        &helper_token,
        &t.kiosk_a,
        &t.kiosk_b,
        &fake_kiosk,
        USER,
        MINH,
        "nobody.here",
        DISPLAY,
        "$argon2",
        "038155000123",
        "Lê Thị Thủy",
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}

#[tokio::test]
async fn over_a_real_socket_with_the_kiosk_client() {
    use motcua_core::client::{ApiClient, ClientError};
    use motcua_protocol::ProblemCode;

    let t = app().await;
    let running = serve(t.state.clone()).await;
    let client = ApiClient::new(&running.url(), &t.kiosk_a).unwrap_or_else(|e| panic!("{e}"));

    let wrong = client.unlock_staff(USER, "000111").await;
    assert_eq!(
        wrong.as_ref().err().and_then(ClientError::problem_code),
        Some(ProblemCode::StaffLoginFailed),
        "{wrong:?}"
    );
    let session = client
        .unlock_staff(USER, PIN)
        .await
        .unwrap_or_else(|e| panic!("unlock: {e}"));
    assert_eq!(session.user, USER);
    assert_eq!(session.display_name, DISPLAY);
    assert!(!format!("{session:?}").contains(&session.token));
    assert_eq!(t.sessions().await, 1);
    client
        .end_staff_session(&session.token)
        .await
        .unwrap_or_else(|e| panic!("end: {e}"));
    assert_eq!(t.sessions().await, 0);
    assert!(matches!(
        client.end_staff_session(" ").await,
        Err(ClientError::BadToken)
    ));

    // A revoked kiosk's client is refused with its own code.
    t.state
        .store
        .revoke_kiosk("quay-a", t.clock.now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let refused = client.unlock_staff(USER, PIN).await;
    assert_eq!(
        refused.as_ref().err().and_then(ClientError::problem_code),
        Some(ProblemCode::KioskUnauthorized),
        "{refused:?}"
    );
    running.shutdown().await;
}
