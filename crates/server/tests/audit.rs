//! The audit log through the router over a real SQLite file: every state
//! change of a whole day (help, accounts, uploads, dossiers, payments,
//! staff, kiosks) writes exactly one entry with the right actor, refused
//! requests write none, no entry holds the citizen's name, ID number,
//! phone or address (the whole table is searched), and `GET /v1/audit` is
//! for console sessions only, paginated by cursor.

#[path = "support/app.rs"]
mod support;

use axum::http::StatusCode;
use motcua_server::Clock;
use serde_json::{Value, json};
use support::*;

/// Flat 15.000 đ.
const FLAT: &str = "1.004873";
/// A citizen vouched for by a helper.
const THUY_ID: &str = "038155001234";
const THUY_NAME: &str = "LÊ THỊ THỦY";
const THUY_ADDRESS: &str = "Thôn 3, Quảng Xương, Thanh Hóa";

/// (actor kind, actor id, action) of every entry, oldest first.
async fn entries(t: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT actor_kind, actor_id, action FROM audit_log ORDER BY at, id")
        .fetch_all(&t.db().await)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The whole table as text.
async fn dump(t: &TestApp) -> String {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT id || '|' || at || '|' || actor_kind || '|' || actor_id || '|' || action || '|' \
         || subject_kind || '|' || subject_id || '|' || detail FROM audit_log",
    )
    .fetch_all(&t.db().await)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    rows.join("\n")
}

/// Checks that the entries written since `seen` are exactly `want`, and
/// moves `seen` past them.
async fn expect(t: &TestApp, seen: &mut usize, what: &str, want: &[(&str, &str, &str)]) {
    let all = entries(t).await;
    let mut new: Vec<(String, String, String)> = all[*seen..].to_vec();
    let mut want: Vec<(String, String, String)> = want
        .iter()
        .map(|(k, i, a)| ((*k).to_owned(), (*i).to_owned(), (*a).to_owned()))
        .collect();
    new.sort();
    want.sort();
    assert_eq!(new, want, "{what}");
    *seen = all.len();
}

async fn kiosk_post(t: &TestApp, uri: &str, headers: &[(&str, &str)], body: &Value) -> Answer {
    let auth = t.auth_a();
    let mut all = vec![("authorization", auth.as_str())];
    all.extend_from_slice(headers);
    send(t, request("POST", uri, &all, Some(body))).await
}

fn otp_body() -> Value {
    json!({
        "id_number": ID_NUMBER,
        "full_name": NAME,
        "date_of_birth": "1989-03-15",
        "sex": "male",
        "address": ADDRESS,
        "phone": PHONE,
    })
}

fn last_code(t: &TestApp) -> String {
    let outbox = std::fs::read_to_string(t.dir.path().join(motcua_server::SMS_OUTBOX_FILE))
        .unwrap_or_default();
    let text = outbox
        .lines()
        .last()
        .and_then(|l| serde_json::from_str::<Value>(l).ok())
        .and_then(|m| m["text"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no SMS sent"));
    text.split(": ")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn every_state_change_writes_one_entry_with_its_actor_and_no_personal_data() {
    let t = app().await;
    let mut seen = 0;
    expect(
        &t,
        &mut seen,
        "set-up: two kiosks and a helper",
        &[
            ("system", "system", "kiosk.added"),
            ("system", "system", "kiosk.added"),
            ("system", "system", "staff.added"),
        ],
    )
    .await;

    // Help.
    let help = kiosk_post(
        &t,
        "/v1/help-requests",
        &[],
        &json!({"kiosk_id": "quay-a", "step": "chup-giay-to"}),
    )
    .await;
    assert_eq!(help.status, StatusCode::CREATED, "{help:?}");
    expect(
        &t,
        &mut seen,
        "help",
        &[("kiosk", "quay-a", "help_request.created")],
    )
    .await;
    let console = login(&t).await;
    expect(&t, &mut seen, "login", &[("staff", USER, "staff.login")]).await;
    let staff = [("x-staff-token", console.as_str())];
    let answer_uri = format!("/v1/help-requests/{}/answer", help.str("id"));
    let answered = send(&t, request("POST", &answer_uri, &staff, None)).await;
    assert_eq!(answered.status, StatusCode::OK, "{answered:?}");
    expect(
        &t,
        &mut seen,
        "answered",
        &[("staff", USER, "help_request.resolved")],
    )
    .await;
    let again = send(&t, request("POST", &answer_uri, &staff, None)).await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    expect(&t, &mut seen, "answered again changes nothing", &[]).await;

    // An account by one-time code: a wrong code is refused and writes nothing.
    let ch = kiosk_post(&t, "/v1/accounts/otp", &[], &otp_body()).await;
    assert_eq!(ch.status, StatusCode::CREATED, "{ch:?}");
    expect(&t, &mut seen, "otp", &[("kiosk", "quay-a", "otp.issued")]).await;
    let code = last_code(&t);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = kiosk_post(
        &t,
        "/v1/accounts/verify",
        &[],
        &json!({"challenge_id": ch.str("challenge_id"), "code": wrong}),
    )
    .await;
    assert_eq!(refused.code(), "otp_wrong", "{refused:?}");
    expect(&t, &mut seen, "wrong code", &[]).await;
    let verified = kiosk_post(
        &t,
        "/v1/accounts/verify",
        &[],
        &json!({"challenge_id": ch.str("challenge_id"), "code": code}),
    )
    .await;
    assert_eq!(verified.status, StatusCode::CREATED, "{verified:?}");
    expect(
        &t,
        &mut seen,
        "verified",
        &[("kiosk", "quay-a", "account.created")],
    )
    .await;

    // A helper unlocks helper mode and vouches for a citizen without a phone.
    let helper = unlock(&t).await;
    expect(
        &t,
        &mut seen,
        "unlock",
        &[("staff", USER, "staff.helper_mode_unlocked")],
    )
    .await;
    let vouched = kiosk_post(
        &t,
        "/v1/accounts/vouch",
        &[("x-staff-token", &helper)],
        &json!({
            "id_number": THUY_ID,
            "full_name": THUY_NAME,
            "date_of_birth": "1955-01-01",
            "sex": "female",
            "address": THUY_ADDRESS,
            "reason": "Bà không có điện thoại",
        }),
    )
    .await;
    assert_eq!(vouched.status, StatusCode::CREATED, "{vouched:?}");
    expect(
        &t,
        &mut seen,
        "vouch",
        &[("staff", USER, "account.vouched")],
    )
    .await;

    // An upload in two chunks: only its completion is a recorded change.
    let doc = pdf("tờ khai nhật ký");
    let sha = sha256(&doc);
    let auth = t.auth_a();
    let d = declare(&t, &auth, &sha, doc.len() as u64).await;
    assert_eq!(d.status, StatusCode::CREATED, "{d:?}");
    let half = patch(&t, &auth, &sha, 0, &doc[..10]).await;
    assert_eq!(half.status, StatusCode::OK, "{half:?}");
    expect(&t, &mut seen, "declared and half sent", &[]).await;
    let done = patch(&t, &auth, &sha, 10, &doc[10..]).await;
    assert_eq!(done.body["complete"], true, "{done:?}");
    expect(
        &t,
        &mut seen,
        "complete",
        &[("kiosk", "quay-a", "upload.completed")],
    )
    .await;

    // A dossier, replayed: one entry.
    let mut body = birth_registration(&sha);
    body["account_id"] = verified.body["account_id"].clone();
    let dossier = kiosk_post(&t, "/v1/dossiers", &[("idempotency-key", "nk-1")], &body).await;
    assert_eq!(dossier.status, StatusCode::CREATED, "{dossier:?}");
    let replay = kiosk_post(&t, "/v1/dossiers", &[("idempotency-key", "nk-1")], &body).await;
    assert!(replay.status.is_success(), "{replay:?}");
    expect(
        &t,
        &mut seen,
        "dossier",
        &[("kiosk", "quay-a", "dossier.created")],
    )
    .await;
    let code_uri = format!("/v1/dossiers/{}/status", dossier.str("code"));
    let moved = send(
        &t,
        request(
            "POST",
            &code_uri,
            &staff,
            Some(&json!({"status": "processing"})),
        ),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{moved:?}");
    expect(
        &t,
        &mut seen,
        "status",
        &[("staff", USER, "dossier.status_changed")],
    )
    .await;
    let backwards = send(
        &t,
        request(
            "POST",
            &code_uri,
            &staff,
            Some(&json!({"status": "received"})),
        ),
    )
    .await;
    assert_eq!(backwards.code(), "dossier_status_conflict", "{backwards:?}");
    expect(&t, &mut seen, "refused status change", &[]).await;

    // Payments: by the bank, at the counter, cancelled.
    paid_intent(
        &t,
        &auth,
        &json!({"procedure_code": FLAT, "method": "vietqr"}),
    )
    .await;
    expect(
        &t,
        &mut seen,
        "vietqr paid",
        &[
            ("kiosk", "quay-a", "payment.created"),
            ("bank", "bank", "payment.confirmed_by_bank"),
            ("bank", "bank", "receipt.issued"),
        ],
    )
    .await;
    let counter = kiosk_post(
        &t,
        "/v1/payments",
        &[("idempotency-key", "pay-counter")],
        &json!({"procedure_code": FLAT, "method": "counter"}),
    )
    .await;
    assert_eq!(counter.status, StatusCode::CREATED, "{counter:?}");
    let confirm_uri = format!("/v1/counter/payments/{}/confirm", counter.str("id"));
    let confirmed = send(&t, request("POST", &confirm_uri, &staff, None)).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{confirmed:?}");
    expect(
        &t,
        &mut seen,
        "cash",
        &[
            ("kiosk", "quay-a", "payment.created"),
            ("staff", USER, "payment.cash_confirmed"),
            ("staff", USER, "receipt.issued"),
        ],
    )
    .await;
    let dropped = kiosk_post(
        &t,
        "/v1/payments",
        &[("idempotency-key", "pay-cancel")],
        &json!({"procedure_code": FLAT, "method": "counter"}),
    )
    .await;
    let cancelled = kiosk_post(
        &t,
        &format!("/v1/payments/{}/cancel", dropped.str("id")),
        &[],
        &json!({}),
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{cancelled:?}");
    expect(
        &t,
        &mut seen,
        "cancelled",
        &[
            ("kiosk", "quay-a", "payment.created"),
            ("kiosk", "quay-a", "payment.cancelled"),
        ],
    )
    .await;

    // Staff and kiosks.
    logout(&t, &console).await;
    expect(&t, &mut seen, "logout", &[("staff", USER, "staff.logout")]).await;
    let now = t.clock.now();
    assert!(
        t.state
            .store
            .revoke_kiosk("quay-b", now)
            .await
            .unwrap_or(false)
    );
    assert!(
        !t.state
            .store
            .revoke_kiosk("quay-b", now)
            .await
            .unwrap_or(true)
    );
    expect(
        &t,
        &mut seen,
        "revoked once",
        &[("system", "system", "kiosk.revoked")],
    )
    .await;
    assert!(t.state.store.disable_staff(USER).await.unwrap_or(false));
    expect(
        &t,
        &mut seen,
        "disabled",
        &[("system", "system", "staff.disabled")],
    )
    .await;

    // Nothing personal anywhere in the table.
    let all = dump(&t).await;
    // (It is the real table: the opaque ids are there.)
    for opaque in [
        dossier.str("code"),
        verified.str("account_id"),
        vouched.str("account_id"),
        sha.clone(),
        counter.str("id"),
    ] {
        assert!(all.contains(&opaque), "{opaque} missing from:\n{all}");
    }
    for personal in [
        ID_NUMBER,
        NAME,
        "Nguyễn Văn An",
        PHONE,
        "912345678",
        ADDRESS,
        "Đông Sơn",
        THUY_ID,
        THUY_NAME,
        THUY_ADDRESS,
        "không có điện thoại",
        &code,
        &dossier.str("lookup_secret"),
        &counter.str("counter_code"),
    ] {
        assert!(!personal.is_empty());
        assert!(
            !all.contains(personal),
            "{personal:?} in the audit log:\n{all}"
        );
    }
}

#[tokio::test]
async fn refused_and_failed_requests_write_nothing() {
    let t = app().await;
    let before = entries(&t).await.len();
    let bad_token = send(
        &t,
        request(
            "POST",
            "/v1/help-requests",
            &[("authorization", "Bearer nope")],
            Some(&json!({"kiosk_id": "quay-a", "step": "x"})),
        ),
    )
    .await;
    assert_eq!(bad_token.status, StatusCode::UNAUTHORIZED);
    let auth = t.auth_a();
    let malformed = send(
        &t,
        raw(
            "POST",
            "/v1/dossiers",
            &[
                ("authorization", &auth),
                ("idempotency-key", "k"),
                ("content-type", "application/json"),
            ],
            b"{\"procedure_code\":".to_vec(),
        ),
    )
    .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let not_uploaded = kiosk_post(
        &t,
        "/v1/dossiers",
        &[("idempotency-key", "k2")],
        &birth_registration(&sha256(b"never sent")),
    )
    .await;
    assert!(not_uploaded.status.is_client_error(), "{not_uploaded:?}");
    let wrong_password = send(
        &t,
        request(
            "POST",
            "/v1/staff/sessions",
            &[],
            Some(&json!({"user": USER, "password": "sai mật khẩu rồi"})),
        ),
    )
    .await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    let unsigned = send(
        &t,
        raw(
            "POST",
            "/v1/bank/webhook",
            &[("content-type", "application/json"), ("x-signature", "00")],
            b"{}".to_vec(),
        ),
    )
    .await;
    assert_eq!(unsigned.status, StatusCode::UNAUTHORIZED);
    let disguised = b"<html>not a pdf</html>".to_vec();
    let sha = sha256(&disguised);
    declare(&t, &auth, &sha, disguised.len() as u64).await;
    let refused = patch(&t, &auth, &sha, 0, &disguised).await;
    assert_eq!(refused.code(), "upload_type_refused", "{refused:?}");
    let mut bad_otp = otp_body();
    bad_otp["phone"] = json!("12345");
    let bad_phone = kiosk_post(&t, "/v1/accounts/otp", &[], &bad_otp).await;
    assert!(bad_phone.status.is_client_error(), "{bad_phone:?}");
    assert_eq!(entries(&t).await.len(), before, "{}", dump(&t).await);
}

#[tokio::test]
async fn staff_read_the_log_by_cursor_and_nobody_else_does() {
    let t = app().await;
    for step in ["a", "b", "c", "d"] {
        let help = kiosk_post(
            &t,
            "/v1/help-requests",
            &[],
            &json!({"kiosk_id": "quay-a", "step": format!("buoc-{step}")}),
        )
        .await;
        assert_eq!(help.status, StatusCode::CREATED, "{help:?}");
    }
    let console = login(&t).await;
    let total = entries(&t).await.len();
    assert_eq!(total, 3 + 4 + 1);
    let staff = [("x-staff-token", console.as_str())];
    let latest = send(&t, request("GET", "/v1/audit?limit=2", &staff, None)).await;
    assert_eq!(latest.status, StatusCode::OK, "{latest:?}");
    let items = latest.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["action"], "staff.login", "the newest last");
    assert_eq!(items[1]["actor_kind"], "staff");
    assert_eq!(items[1]["actor_id"], USER);
    assert_eq!(items[0]["action"], "help_request.created");
    assert_eq!(items[0]["subject_kind"], "help_request");
    assert_eq!(items[0]["actor_id"], "quay-a");

    // From the beginning, three at a time, every entry once.
    let mut since = "0".to_owned();
    let mut read = Vec::new();
    loop {
        let page = send(
            &t,
            request(
                "GET",
                &format!("/v1/audit?since={since}&limit=3"),
                &staff,
                None,
            ),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "{page:?}");
        let items = page.body["items"].as_array().cloned().unwrap_or_default();
        let next = page.str("next");
        if items.is_empty() {
            assert_eq!(next, since, "nothing new: the same cursor");
            break;
        }
        assert!(items.len() <= 3);
        read.extend(
            items
                .iter()
                .map(|e| e["id"].as_str().unwrap_or_default().to_owned()),
        );
        since = next;
    }
    assert_eq!(read.len(), total);
    let distinct: std::collections::HashSet<_> = read.iter().collect();
    assert_eq!(distinct.len(), total);

    for bad in [
        "limit=0",
        "limit=501",
        "limit=x",
        "since=yesterday",
        "since=12",
    ] {
        let a = send(
            &t,
            request("GET", &format!("/v1/audit?{bad}"), &staff, None),
        )
        .await;
        problem(&a, StatusCode::BAD_REQUEST, "invalid_request");
    }

    let anonymous = send(&t, request("GET", "/v1/audit", &[], None)).await;
    problem(&anonymous, StatusCode::UNAUTHORIZED, "staff_unauthorized");
    let auth = t.auth_a();
    let kiosk = send(
        &t,
        request("GET", "/v1/audit", &[("authorization", &auth)], None),
    )
    .await;
    problem(&kiosk, StatusCode::UNAUTHORIZED, "staff_unauthorized");
    let helper = unlock(&t).await;
    let helper_mode = send(
        &t,
        request(
            "GET",
            "/v1/audit",
            &[("authorization", &auth), ("x-staff-token", &helper)],
            None,
        ),
    )
    .await;
    problem(&helper_mode, StatusCode::UNAUTHORIZED, "staff_unauthorized");
}
