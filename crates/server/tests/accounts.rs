//! The accounts API against a real SQLite file through the router, with an
//! injected clock; the HTTP SMS gateway against a stub; the log output of a
//! whole flow; and once over a real socket with the kiosk's own client.

#[path = "support/logs.rs"]
mod logs;
#[path = "support/app.rs"]
mod support;
use logs::capture_logs;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use motcua_server::{AppState, Clock, Config, HttpGateway, ManualClock, Secret, SmsConfig};
use serde_json::{Value, json};

const AN_ID: &str = "001089012345";
const AN_NAME: &str = "NGUYỄN VĂN AN";
const AN_PHONE: &str = "0912345678";
const THUY_ID: &str = "038155000123";
const THUY_NAME: &str = "Lê Thị Thủy";

struct TestApp {
    dir: support::DataDir,
    state: AppState,
    clock: Arc<ManualClock>,
    /// The token of the kiosk `kiosk-01`, sent with every call.
    token: String,
}

impl TestApp {
    fn outbox(&self) -> std::path::PathBuf {
        self.dir.path().join(motcua_server::SMS_OUTBOX_FILE)
    }

    /// The messages the file sink holds, oldest first.
    fn sent(&self) -> Vec<Value> {
        std::fs::read_to_string(self.outbox())
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("outbox line: {e}")))
            .collect()
    }

    /// The code of the last message sent.
    fn last_code(&self) -> String {
        let sent = self.sent();
        let text = sent
            .last()
            .and_then(|m| m["text"].as_str())
            .unwrap_or_else(|| panic!("no SMS sent"));
        code_in(text)
    }

    fn advance(&self, seconds: i64) {
        self.clock.advance(time::Duration::seconds(seconds));
    }

    async fn counts(&self) -> (i64, i64, i64) {
        self.state
            .store
            .account_counts()
            .await
            .unwrap_or_else(|e| panic!("counts: {e}"))
    }
}

fn code_in(text: &str) -> String {
    let code: String = text
        .split(": ")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(code.len(), 6, "no code in {text:?}");
    code
}

async fn app() -> TestApp {
    let (dir, mut state) = support::open_state().await;
    let clock = Arc::new(ManualClock::new(
        time::macros::datetime!(2026-03-02 02:00 UTC),
    ));
    state.clock = clock.clone();
    let token = support::kiosk_token(&state, "kiosk-01", clock.now()).await;
    TestApp {
        dir,
        state,
        clock,
        token,
    }
}

/// POSTs `body` as the kiosk whose token is `token`.
async fn call_with_headers(
    state: &AppState,
    token: &str,
    uri: &str,
    body: &Value,
) -> (StatusCode, HeaderMap, Value) {
    call_as_helper(state, token, None, uri, body).await
}

/// POSTs `body` as the kiosk whose token is `token`, with a helper's staff
/// token if given.
async fn call_as_helper(
    state: &AppState,
    token: &str,
    staff_token: Option<&str>,
    uri: &str,
    body: &Value,
) -> (StatusCode, HeaderMap, Value) {
    let mut req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(staff) = staff_token {
        req = req.header(motcua_protocol::STAFF_TOKEN_HEADER, staff);
    }
    let req = req.body(Body::from(body.to_string())).unwrap_or_default();
    let a = support::send_to(state, req).await;
    (a.status, a.headers, a.body)
}

async fn post(t: &TestApp, uri: &str, body: &Value) -> (StatusCode, Value) {
    let (s, _, b) = call_with_headers(&t.state, &t.token, uri, body).await;
    (s, b)
}

fn an(phone: &str) -> Value {
    json!({
        "id_number": AN_ID,
        "full_name": AN_NAME,
        "date_of_birth": "1989-03-15",
        "sex": "male",
        "address": "Số 5, Đông Sơn, Thanh Hóa",
        "phone": phone,
    })
}

fn thuy_vouch(reason: &str) -> Value {
    json!({
        "id_number": THUY_ID,
        "full_name": THUY_NAME,
        "date_of_birth": "1955-01-01",
        "sex": "female",
        "address": "Thôn 3, Quảng Xương, Thanh Hóa",
        "reason": reason,
    })
}

/// The PIN every helper of these tests has.
const HELPER_PIN: &str = "482916";

/// Adds the helper `user` and unlocks helper mode for them on the test's
/// kiosk; their staff token.
async fn helper(t: &TestApp, user: &str) -> String {
    t.state
        .store
        .add_staff(
            &support::new_staff(user, None, "Mật khẩu đủ dài 2026", HELPER_PIN),
            t.clock.now(),
        )
        .await
        .unwrap_or_else(|e| panic!("add helper: {e}"));
    let (status, session) = post(
        t,
        "/v1/staff/unlock",
        &json!({"user": user, "pin": HELPER_PIN}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    session["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {session}"))
        .to_owned()
}

async fn vouch(t: &TestApp, staff_token: &str, body: &Value) -> (StatusCode, Value) {
    let (s, _, b) = call_as_helper(
        &t.state,
        &t.token,
        Some(staff_token),
        "/v1/accounts/vouch",
        body,
    )
    .await;
    (s, b)
}

async fn lookup(t: &TestApp, id: &str) -> Value {
    let (status, body) = post(t, "/v1/accounts/lookup", &json!({ "id_number": id })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Requests a code and returns the challenge id.
async fn request_code(t: &TestApp, body: &Value) -> String {
    let (status, ch) = post(t, "/v1/accounts/otp", body).await;
    assert_eq!(status, StatusCode::CREATED, "{ch}");
    ch["challenge_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no challenge id in {ch}"))
        .to_owned()
}

async fn verify(t: &TestApp, challenge: &str, code: &str) -> (StatusCode, Value) {
    post(
        t,
        "/v1/accounts/verify",
        &json!({ "challenge_id": challenge, "code": code }),
    )
    .await
}

fn wrong(code: &str) -> String {
    let first = code
        .chars()
        .next()
        .and_then(|c| c.to_digit(10))
        .unwrap_or(0);
    format!("{}{}", (first + 1) % 10, code.get(1..).unwrap_or_default())
}

#[tokio::test]
async fn lookup_before_and_after_the_otp_flow_and_no_takeover_by_another_phone() {
    let t = app().await;
    assert_eq!(lookup(&t, AN_ID).await, json!({ "found": false }));

    let (status, ch) = post(&t, "/v1/accounts/otp", &an("+84 912 345 678")).await;
    assert_eq!(status, StatusCode::CREATED, "{ch}");
    assert_eq!(ch["resend_after_seconds"], 60);
    assert_eq!(ch["expires_at"], "2026-03-02T02:05:00Z");
    let sent = t.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0]["phone"], AN_PHONE,
        "normalised to the national form"
    );
    let code = t.last_code();
    assert_eq!(
        sent[0]["text"],
        format!("Mã xác thực Một Cửa: {code}. Hiệu lực 5 phút. Không chia sẻ mã này.")
    );
    let challenge = ch["challenge_id"].as_str().unwrap_or_default().to_owned();

    let (status, verified) = verify(&t, &challenge, &code).await;
    assert_eq!(status, StatusCode::CREATED, "{verified}");
    assert_eq!(verified["created"], true);
    let account = verified["account_id"].clone();

    let found = lookup(&t, AN_ID).await;
    assert_eq!(
        found,
        json!({ "found": true, "account_id": account, "masked_phone": "09xx xxx 678" })
    );
    assert!(!found.to_string().contains(AN_PHONE));

    // Someone who knows what is on the card, with another phone: refused,
    // nothing sent, the account keeps its phone.
    t.advance(30);
    let (status, refused) = post(&t, "/v1/accounts/otp", &an("0398 765 123")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "account_has_other_phone");
    assert_eq!(t.sent().len(), 1, "a code went to the other phone");
    assert_eq!(lookup(&t, AN_ID).await["masked_phone"], "09xx xxx 678");

    // The same citizen on the same phone again: verified, not doubled.
    t.advance(60);
    let challenge = request_code(&t, &an(AN_PHONE)).await;
    let (status, linked) = verify(&t, &challenge, &t.last_code()).await;
    assert_eq!(status, StatusCode::CREATED, "{linked}");
    assert_eq!(linked, json!({ "account_id": account, "created": false }));
    assert_eq!(t.counts().await.0, 1);
}

#[tokio::test]
async fn wrong_codes_count_down_then_lock_the_challenge() {
    let t = app().await;
    let challenge = request_code(&t, &an(AN_PHONE)).await;
    let code = t.last_code();
    let bad = wrong(&code);
    for (try_code, want_status, want_code, attempts_left) in [
        (&bad, 400, "otp_wrong", 4),
        (&bad, 400, "otp_wrong", 3),
        (&bad, 400, "otp_wrong", 2),
        (&bad, 400, "otp_wrong", 1),
        (&bad, 403, "otp_locked", 0),
        // Locked: even the right code no longer works.
        (&code, 403, "otp_locked", 0),
    ] {
        let (status, p) = verify(&t, &challenge, try_code).await;
        assert_eq!(status.as_u16(), want_status, "{p}");
        assert_eq!(p["code"], want_code, "{p}");
        assert_eq!(p["attempts_left"], attempts_left, "{p}");
        assert!(p["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(lookup(&t, AN_ID).await["found"], false);
}

#[tokio::test]
async fn an_expired_code_is_refused_and_a_fresh_one_works_until_its_last_second() {
    let t = app().await;
    let old = request_code(&t, &an(AN_PHONE)).await;
    let old_code = t.last_code();
    t.advance(300);
    let (status, p) = verify(&t, &old, &old_code).await;
    assert_eq!(status, StatusCode::GONE, "{p}");
    assert_eq!(p["code"], "otp_expired");

    let fresh = request_code(&t, &an(AN_PHONE)).await;
    let code = t.last_code();
    t.advance(299);
    let (status, p) = verify(&t, &fresh, &code).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
}

#[tokio::test]
async fn a_used_challenge_cannot_be_used_again() {
    let t = app().await;
    let challenge = request_code(&t, &an(AN_PHONE)).await;
    let code = t.last_code();
    let (status, _) = verify(&t, &challenge, &code).await;
    assert_eq!(status, StatusCode::CREATED);
    for attempt in [code.clone(), wrong(&code)] {
        let (status, p) = verify(&t, &challenge, &attempt).await;
        assert_eq!(status, StatusCode::CONFLICT, "{p}");
        assert_eq!(p["code"], "otp_used");
    }
    assert_eq!(t.counts().await, (1, 1, 0));
}

#[tokio::test]
async fn malformed_or_unknown_verifications_are_refused() {
    let t = app().await;
    let challenge = request_code(&t, &an(AN_PHONE)).await;
    let unknown = "5b0f7a52-7a9f-4c1e-9d1f-000000000000";
    for (body, want_status, want_code) in [
        (
            json!({"challenge_id": "nope", "code": "123456"}),
            400,
            "invalid_request",
        ),
        (
            json!({"challenge_id": challenge, "code": "12345"}),
            400,
            "invalid_request",
        ),
        (
            json!({"challenge_id": challenge, "code": "12345a"}),
            400,
            "invalid_request",
        ),
        (
            json!({"challenge_id": challenge, "code": "１２３４５６"}),
            400,
            "invalid_request",
        ),
        (json!({"challenge_id": challenge}), 400, "invalid_request"),
        (
            json!({"challenge_id": unknown, "code": "123456"}),
            404,
            "not_found",
        ),
    ] {
        let (status, p) = post(&t, "/v1/accounts/verify", &body).await;
        assert_eq!(status.as_u16(), want_status, "{body}: {p}");
        assert_eq!(p["code"], want_code, "{body}");
    }
    // None of those spent an attempt.
    let (status, p) = verify(&t, &challenge, &wrong(&t.last_code())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(p["attempts_left"], 4);
}

#[tokio::test]
async fn codes_per_phone_are_limited_per_hour_and_per_minute() {
    let t = app().await;
    // (seconds since start, phone, status, code, Retry-After)
    let steps: &[(i64, &str, u16, &str, Option<u64>)] = &[
        (0, AN_PHONE, 201, "", None),
        (30, AN_PHONE, 429, "resend_too_soon", Some(30)),
        (30, "0398765123", 201, "", None),
        (59, "+84912345678", 429, "resend_too_soon", Some(1)),
        (60, AN_PHONE, 201, "", None),
        (120, AN_PHONE, 201, "", None),
        (180, AN_PHONE, 429, "too_many_codes", Some(3420)),
        (3599, AN_PHONE, 429, "too_many_codes", Some(1)),
        (3600, AN_PHONE, 201, "", None),
        (3630, AN_PHONE, 429, "too_many_codes", Some(30)),
        (3661, AN_PHONE, 201, "", None),
        (3720, AN_PHONE, 429, "resend_too_soon", Some(1)),
    ];
    let mut elapsed = 0;
    let mut sent = 0;
    for &(at, phone, want_status, want_code, retry) in steps {
        t.advance(at - elapsed);
        elapsed = at;
        let (status, headers, body) =
            call_with_headers(&t.state, &t.token, "/v1/accounts/otp", &an(phone)).await;
        assert_eq!(status.as_u16(), want_status, "t={at}: {body}");
        if want_status == 201 {
            sent += 1;
            continue;
        }
        assert_eq!(body["code"], want_code, "t={at}");
        let header = headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert_eq!(header, retry.map(|r| r.to_string()), "t={at}");
        assert_eq!(body["retry_after_seconds"], json!(retry), "t={at}");
    }
    assert_eq!(t.sent().len(), sent, "a refused request sent an SMS");
    // Challenges older than the hour were purged with their personal data:
    // only those of 3600, 3661 remain.
    assert_eq!(t.counts().await, (0, 2, 0));
}

#[tokio::test]
async fn invalid_card_data_or_phone_is_refused_and_nothing_is_stored() {
    let t = app().await;
    let with = |field: &str, value: Value| {
        let mut body = an(AN_PHONE);
        body[field] = value;
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (with("id_number", json!("00108901234")), "invalid_card"),
        (with("id_number", json!("999089012345")), "invalid_card"),
        (with("sex", json!("female")), "invalid_card"),
        (with("date_of_birth", json!("1988-03-15")), "invalid_card"),
        (with("date_of_birth", json!("15/03/1989")), "invalid_card"),
        (with("date_of_birth", json!("2999-03-15")), "invalid_card"),
        (with("full_name", json!("An 2")), "invalid_card"),
        (with("full_name", json!(" ")), "invalid_card"),
        (with("address", json!("")), "invalid_card"),
        (with("address", json!("X\u{202E}")), "invalid_card"),
        (with("phone", json!("0212345678")), "invalid_phone"),
        (with("phone", json!("091234567")), "invalid_phone"),
        (with("phone", json!("+1 202 555 0100")), "invalid_phone"),
        (with("phone", json!("09123456ab")), "invalid_phone"),
        (with("phone", json!("")), "invalid_phone"),
        (with("sex", json!("nam")), "invalid_request"),
        (with("extra", json!(1)), "invalid_request"),
    ];
    for (body, want) in cases {
        let (status, p) = post(&t, "/v1/accounts/otp", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {p}");
        assert_eq!(p["code"], want, "{body}");
        // The detail names the rule, never the value.
        let detail = p["detail"].as_str().unwrap_or_default();
        assert!(
            !detail.contains(AN_ID) && !detail.contains("0212345678"),
            "{detail}"
        );
    }
    for id in ["", "12345", "999089012345", "001889012345"] {
        let (status, p) = post(&t, "/v1/accounts/lookup", &json!({ "id_number": id })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{id}");
        assert_eq!(p["code"], "invalid_card", "{id}");
    }
    assert_eq!(t.counts().await, (0, 0, 0));
    assert!(!t.outbox().exists(), "an SMS was sent for refused data");
}

#[tokio::test]
async fn nfd_input_is_stored_in_nfc() {
    use unicode_normalization::UnicodeNormalization;
    let t = app().await;
    let mut body = an(AN_PHONE);
    body["full_name"] = json!(AN_NAME.nfd().collect::<String>());
    body["address"] = json!("Số 5, Đông Sơn, Thanh Hóa".nfd().collect::<String>());
    let challenge = request_code(&t, &body).await;
    let (status, _) = verify(&t, &challenge, &t.last_code()).await;
    assert_eq!(status, StatusCode::CREATED);
    let pool = t.state.store.pool();
    let (name, address): (String, String) =
        sqlx::query_as("SELECT full_name, address FROM accounts")
            .fetch_one(pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(name, AN_NAME);
    assert_eq!(address, "Số 5, Đông Sơn, Thanh Hóa");
    let hashes: Vec<(String,)> = sqlx::query_as("SELECT code_hash FROM otp_challenges")
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        hashes
            .iter()
            .all(|(h,)| h.len() == 64 && !h.contains(&t.last_code())),
        "the code is stored in clear"
    );
}

#[tokio::test]
async fn a_helper_vouches_for_a_citizen_without_a_phone() {
    let t = app().await;
    let lan = helper(&t, "canbo.lan").await;
    let minh = helper(&t, "canbo.minh").await;
    let (status, v) = vouch(&t, &lan, &thuy_vouch("Bà không có điện thoại")).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["created"], true, "{v}");
    let account = v["account_id"].clone();
    assert_eq!(
        lookup(&t, THUY_ID).await,
        json!({ "found": true, "account_id": account })
    );
    // Vouching again finds the same account and records a second vouch.
    let (status, again) = vouch(&t, &minh, &thuy_vouch("Lần hai")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["account_id"], account);
    assert_eq!(
        again["created"], false,
        "the second vouch finds the account"
    );
    assert_eq!(t.counts().await, (1, 0, 2));
    // The audit rows name the helpers whose tokens were used.
    let pool = t.state.store.pool();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT staff_user, reason, account_id FROM account_vouches ORDER BY staff_user",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        rows,
        [
            (
                "canbo.lan".to_owned(),
                "Bà không có điện thoại".to_owned(),
                account.as_str().unwrap_or_default().to_owned()
            ),
            (
                "canbo.minh".to_owned(),
                "Lần hai".to_owned(),
                account.as_str().unwrap_or_default().to_owned()
            ),
        ]
    );

    for (body, want) in [
        (thuy_vouch(""), "invalid_request"),
        (thuy_vouch("  "), "invalid_request"),
        (thuy_vouch("lý\u{7} do"), "invalid_request"),
        (thuy_vouch(&"x".repeat(501)), "invalid_request"),
        (
            // The helper is no longer named in the body.
            {
                let mut b = thuy_vouch("lý do");
                b["staff_user"] = json!("canbo.lan");
                b
            },
            "invalid_request",
        ),
        (
            {
                let mut b = thuy_vouch("lý do");
                b["sex"] = json!("male");
                b
            },
            "invalid_card",
        ),
    ] {
        let (status, p) = vouch(&t, &lan, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(p["code"], want, "{body}");
    }
    // Without a staff token: refused before the body is read.
    let (status, p) = post(&t, "/v1/accounts/vouch", &thuy_vouch("lý do")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{p}");
    assert_eq!(p["code"], "staff_unauthorized");
    assert_eq!(t.counts().await, (1, 0, 2), "a refusal stored something");
}

/// One call a stub SMS gateway received: its Authorization header and body.
type Call = (Option<String>, Value);

/// What a stub SMS gateway received.
#[derive(Default, Clone)]
struct Received(Arc<Mutex<Vec<Call>>>);

async fn stub_gateway(answer: StatusCode) -> (String, Received) {
    use axum::routing::post;
    let received = Received::default();
    let r = received.clone();
    let app = axum::Router::new().route(
        "/send",
        post(move |headers: HeaderMap, body: axum::Json<Value>| {
            let r = r.clone();
            async move {
                let auth = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                r.0.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push((auth, body.0));
                answer
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/send"), received)
}

fn gateway(url: &str) -> Arc<HttpGateway> {
    Arc::new(HttpGateway::new(url, Secret::new("test-token")).unwrap_or_else(|e| panic!("{e}")))
}

#[tokio::test]
async fn the_http_gateway_posts_json_with_the_bearer_token() {
    let (url, received) = stub_gateway(StatusCode::OK).await;
    let mut t = app().await;
    t.state.sms = gateway(&url);
    let challenge = request_code(&t, &an("84912345678")).await;
    let got = received
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    assert_eq!(got.len(), 1);
    let (auth, body) = &got[0];
    assert_eq!(auth.as_deref(), Some("Bearer test-token"));
    assert_eq!(body["to"], AN_PHONE);
    let text = body["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("Mã xác thực Một Cửa: "), "{text}");
    assert_eq!(body.as_object().map(|o| o.len()), Some(2), "{body}");
    let (status, v) = verify(&t, &challenge, &code_in(text)).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert!(!t.outbox().exists(), "the file sink was used");
}

#[tokio::test]
async fn a_failing_gateway_leaves_no_usable_challenge() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let (refusing, _) = stub_gateway(StatusCode::INTERNAL_SERVER_ERROR).await;
    for url in [format!("http://127.0.0.1:{closed}/send"), refusing] {
        let mut t = app().await;
        t.state.sms = gateway(&url);
        for _ in 0..2 {
            // Twice in a row: a failed send does not count as "sent".
            let (status, p) = post(&t, "/v1/accounts/otp", &an(AN_PHONE)).await;
            assert_eq!(status, StatusCode::BAD_GATEWAY, "{url}: {p}");
            assert_eq!(p["code"], "sms_unavailable");
        }
        assert_eq!(t.counts().await, (0, 0, 0), "{url}");
    }
    assert!(HttpGateway::new("ftp://x", Secret::new("t")).is_err());
    assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(..)");
}

#[tokio::test]
async fn the_log_of_a_whole_flow_holds_no_personal_data() {
    let captured = capture_logs();

    let t = app().await;
    lookup(&t, AN_ID).await;
    let challenge = request_code(&t, &an("+84 912 345 678")).await;
    let code = t.last_code();
    let (status, _) = post(&t, "/v1/accounts/otp", &an(AN_PHONE)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, _) = verify(&t, &challenge, &wrong(&code)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = verify(&t, &challenge, &code).await;
    assert_eq!(status, StatusCode::CREATED);
    lookup(&t, AN_ID).await;
    let staff_token = helper(&t, "canbo.lan").await;
    let (status, _) = vouch(&t, &staff_token, &thuy_vouch("Không có điện thoại")).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut bad = an("0212345678");
    bad["sex"] = json!("female");
    let (status, _) = post(&t, "/v1/accounts/otp", &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    t.advance(3_700);
    let mut failing = t.state.clone();
    failing.sms = gateway("http://127.0.0.1:9/send");
    let (status, _, _) =
        call_with_headers(&failing, &t.token, "/v1/accounts/otp", &an(AN_PHONE)).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);

    let log = captured.text();
    assert!(
        log.contains("one-time code sent"),
        "nothing captured:\n{log}"
    );
    assert!(log.contains(&challenge), "the opaque id should be logged");
    for secret in [
        AN_ID,
        THUY_ID,
        AN_PHONE,
        "912345678",
        "912 345 678",
        "0398765123",
        "0212345678",
        &code,
        &wrong(&code),
        AN_NAME,
        THUY_NAME,
        "NGUY",
        "Đông Sơn",
        "Quảng Xương",
        "canbo.lan",
        "điện thoại",
        HELPER_PIN,
        &staff_token,
        &t.token,
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}

#[tokio::test]
async fn over_a_real_socket_with_the_kiosk_client() {
    use motcua_core::client::{ApiClient, ClientError};
    use motcua_protocol::{NewOtpChallenge, NewVouch, ProblemCode, Sex};

    let dir = support::DataDir::new().await;
    let outbox = dir.path().join("outbox.jsonl");
    let config = Config {
        sms: SmsConfig::File(outbox.clone()),
        ..dir.config()
    };
    let state = AppState::open(&config)
        .await
        .unwrap_or_else(|e| panic!("open: {e}"));
    let token = state
        .store
        .add_kiosk("kiosk-socket", time::OffsetDateTime::now_utc())
        .await
        .unwrap_or_else(|e| panic!("add kiosk: {e}"));
    state
        .store
        .add_staff(
            &motcua_server::NewStaff {
                user: "canbo.lan".into(),
                display_name: Some("Nguyễn Thị Lan".into()),
                password: Secret::new("Mật khẩu đủ dài 2026"),
                pin: Secret::new(HELPER_PIN),
            },
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap_or_else(|e| panic!("add helper: {e}"));
    let running = support::serve(state).await;
    let client =
        ApiClient::new(&running.url(), token.expose()).unwrap_or_else(|e| panic!("client: {e}"));

    let before = client
        .lookup_account(AN_ID)
        .await
        .unwrap_or_else(|e| panic!("lookup: {e}"));
    assert!(!before.found);
    let mut req = NewOtpChallenge {
        id_number: AN_ID.into(),
        full_name: AN_NAME.into(),
        date_of_birth: "1989-03-15".into(),
        sex: Sex::Male,
        address: "Số 5, Đông Sơn, Thanh Hóa".into(),
        phone: AN_PHONE.into(),
    };
    let challenge = client
        .request_otp(&req)
        .await
        .unwrap_or_else(|e| panic!("otp: {e}"));
    assert_eq!(challenge.resend_after_seconds, 60);
    let line = std::fs::read_to_string(&outbox).unwrap_or_else(|e| panic!("outbox: {e}"));
    let sms: Value = serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        sms["at"].as_str().is_some_and(|a| a.ends_with('Z')),
        "{sms}"
    );
    let code = code_in(sms["text"].as_str().unwrap_or_default());
    let verified = client
        .verify_otp(&challenge.challenge_id, &code)
        .await
        .unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(verified.created);
    let after = client
        .lookup_account(AN_ID)
        .await
        .unwrap_or_else(|e| panic!("lookup: {e}"));
    assert_eq!(
        after.account_id.as_deref(),
        Some(verified.account_id.as_str())
    );
    assert_eq!(after.masked_phone.as_deref(), Some("09xx xxx 678"));

    let thuy = NewVouch {
        id_number: THUY_ID.into(),
        full_name: THUY_NAME.into(),
        date_of_birth: "1955-01-01".into(),
        sex: Sex::Female,
        address: "Thôn 3".into(),
        reason: "Không có điện thoại".into(),
    };
    let helper = client
        .unlock_staff("canbo.lan", HELPER_PIN)
        .await
        .unwrap_or_else(|e| panic!("unlock: {e}"));
    assert_eq!(helper.display_name, "Nguyễn Thị Lan");
    let vouched = client
        .vouch_account(&helper.token, &thuy)
        .await
        .unwrap_or_else(|e| panic!("vouch: {e}"));
    assert!(!vouched.account_id.is_empty());
    // Helper mode ended: the token no longer vouches.
    client
        .end_staff_session(&helper.token)
        .await
        .unwrap_or_else(|e| panic!("end: {e}"));
    match client.vouch_account(&helper.token, &thuy).await {
        Err(ClientError::Problem(p)) => assert_eq!(p.code, ProblemCode::StaffUnauthorized),
        other => panic!("expected staff_unauthorized, got {other:?}"),
    }

    // Refusals arrive as the server's problem documents.
    req.phone = "0212345678".into();
    match client.request_otp(&req).await {
        Err(ClientError::Problem(p)) => assert_eq!(p.code, ProblemCode::InvalidPhone),
        other => panic!("expected invalid_phone, got {other:?}"),
    }
    match client.verify_otp(&challenge.challenge_id, &code).await {
        Err(ClientError::Problem(p)) => assert_eq!(p.code, ProblemCode::OtpUsed),
        other => panic!("expected otp_used, got {other:?}"),
    }
    req.phone = AN_PHONE.into();
    match client.request_otp(&req).await {
        Err(ClientError::Problem(p)) => {
            assert_eq!(p.code, ProblemCode::ResendTooSoon);
            assert!(p.retry_after_seconds.is_some_and(|s| s <= 60));
        }
        other => panic!("expected resend_too_soon, got {other:?}"),
    }
    running.shutdown().await;
}

#[tokio::test]
async fn two_codes_racing_for_one_new_id_number_give_one_phone_only() {
    let t = app().await;
    let first = request_code(&t, &an(AN_PHONE)).await;
    let first_code = t.last_code();
    let second = request_code(&t, &an("0398 765 123")).await;
    let second_code = t.last_code();

    let (status, created) = verify(&t, &first, &first_code).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, refused) = verify(&t, &second, &second_code).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "account_has_other_phone");
    assert_eq!(lookup(&t, AN_ID).await["masked_phone"], "09xx xxx 678");
}
