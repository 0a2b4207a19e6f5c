//! Dossiers through the router over a real SQLite file with an injected
//! clock: submission (codes, due dates, idempotency, racing duplicates),
//! every refusal (incomplete, uploads, fees and payments, applicant data),
//! the lookup and its lockout, the back office's status changes, and the
//! log.

#[path = "support/logs.rs"]
mod logs;
#[path = "support/app.rs"]
mod support;

use axum::http::{StatusCode, header};
use logs::capture_logs;
use serde_json::{Value, json};
use support::*;

/// Free when on time; same day, cutoff 15:00; two required components.
const FREE: &str = "1.001193";
/// Flat 15.000 đ; 3 working days; `to-khai` required, `giay-to-ly-hon` not.
const FLAT: &str = "1.004873";

async fn submit_as(t: &TestApp, auth: &str, key: &str, body: &Value) -> Answer {
    send(
        t,
        request(
            "POST",
            "/v1/dossiers",
            &[("authorization", auth), ("idempotency-key", key)],
            Some(body),
        ),
    )
    .await
}

async fn submit(t: &TestApp, key: &str, body: &Value) -> Answer {
    submit_as(t, &t.auth_a(), key, body).await
}

/// A birth registration with the declaration uploaded and the birth
/// certificate on paper.
async fn birth(t: &TestApp) -> Value {
    let sha = upload(t, &pdf(&uuid::Uuid::new_v4().to_string())).await;
    let mut body = birth_registration(&sha);
    body["local_reference"] = json!("QA-0001");
    body
}

fn marital(payment_id: Option<&str>) -> Value {
    let mut body = json!({
        "procedure_code": FLAT,
        "applicant": applicant(),
        "components": [{"component_id": "to-khai", "on_paper": true}],
    });
    if let Some(id) = payment_id {
        body["payment_id"] = json!(id);
    }
    body
}

async fn lookup_as(t: &TestApp, auth: &str, code: &str, secret: &str) -> Answer {
    send(
        t,
        request(
            "POST",
            "/v1/dossiers/lookup",
            &[("authorization", auth)],
            Some(&json!({"code": code, "secret": secret})),
        ),
    )
    .await
}

async fn lookup(t: &TestApp, code: &str, secret: &str) -> Answer {
    lookup_as(t, &t.auth_a(), code, secret).await
}

async fn set_status(t: &TestApp, headers: &[(&str, &str)], code: &str, body: &Value) -> Answer {
    send(
        t,
        request(
            "POST",
            &format!("/v1/dossiers/{code}/status"),
            headers,
            Some(body),
        ),
    )
    .await
}

#[tokio::test]
async fn a_free_dossier_is_received_numbered_and_due_the_same_day() {
    let t = app().await;
    let body = birth(&t).await;
    let a = submit(&t, "k-1", &body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    let d = &a.body;
    assert_eq!(d["code"], "261126-0001");
    let secret = a.str("lookup_secret");
    assert!(secret.len() == 6 && secret.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(d["procedure_code"], FREE);
    assert_eq!(d["procedure_name"], "Đăng ký khai sinh");
    assert_eq!(d["agency"], motcua_server::DEFAULT_AGENCY);
    assert_eq!(d["applicant"]["full_name"], NAME);
    assert_eq!(d["applicant"]["phone"], PHONE);
    assert_eq!(d["copies"], 1);
    // In catalog order, whatever order the kiosk sent them in.
    assert_eq!(
        d["components"],
        json!([
            {"component_id": "to-khai", "name": "Tờ khai đăng ký khai sinh", "files": 1, "on_paper": false},
            {"component_id": "giay-chung-sinh", "name": "Giấy chứng sinh", "files": 0, "on_paper": true},
        ])
    );
    assert_eq!(d["processing_time"], "Trong ngày");
    assert_eq!(d["received_at"], "2026-11-26T02:00:00Z");
    assert_eq!(d["due_date"], "2026-11-26");
    assert_eq!(d["due_at"], "2026-11-26T10:00:00Z");
    assert_eq!(
        d["result_place"],
        "Quầy trả kết quả, Trung tâm Phục vụ hành chính công xã"
    );
    assert_eq!(d["status"], "received");
    assert_eq!(
        d["history"],
        json!([{"status": "received", "label": "Đã tiếp nhận", "at": "2026-11-26T02:00:00Z"}])
    );
    assert!(d.get("receipt").is_none());
    assert_eq!(d["local_reference"], "QA-0001");
    // Committed before the answer, with its files.
    assert_eq!(t.count("SELECT COUNT(*) FROM dossiers").await, 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM dossier_files").await, 1);

    // The day's next number; another kiosk numbers in the same sequence.
    let second = submit_as(&t, &t.auth_b(), "k-1", &birth(&t).await).await;
    assert_eq!(second.status, StatusCode::CREATED, "{second:?}");
    assert_eq!(second.str("code"), "261126-0002");
    // The next day starts again at 1.
    t.advance(24 * 3600);
    let next_day = submit(&t, "k-3", &birth(&t).await).await;
    assert_eq!(next_day.str("code"), "261127-0001");
}

#[tokio::test]
async fn due_dates_skip_the_weekend_by_the_clock() {
    // Friday 27 November 2026, 16:00 in Vietnam: after the 15:00 cutoff.
    let t = app_at(time::macros::datetime!(2026-11-27 09:00 UTC)).await;
    let free = submit(&t, "k-free", &birth(&t).await).await;
    assert_eq!(free.status, StatusCode::CREATED, "{free:?}");
    assert_eq!(free.str("code"), "261127-0001");
    assert_eq!(free.str("due_date"), "2026-11-30");
    assert_eq!(free.str("due_at"), "2026-11-30T10:00:00Z");
    let id = paid_intent(
        &t,
        &t.auth_a(),
        &json!({"procedure_code": FLAT, "method": "vietqr"}),
    )
    .await;
    let flat = submit(&t, "k-flat", &marital(Some(&id))).await;
    assert_eq!(flat.status, StatusCode::CREATED, "{flat:?}");
    assert_eq!(flat.str("processing_time"), "3 ngày làm việc");
    assert_eq!(flat.str("due_date"), "2026-12-02");
    assert_eq!(flat.str("due_at"), "2026-12-02T10:00:00Z");
    // 23:30 UTC Friday is Saturday in Vietnam: a new day, due Monday.
    t.advance(14 * 3600 + 30 * 60);
    let saturday = submit(&t, "k-sat", &birth(&t).await).await;
    assert_eq!(saturday.str("code"), "261128-0001");
    assert_eq!(saturday.str("due_date"), "2026-11-30");
}

#[tokio::test]
async fn the_code_grows_past_9999_in_a_day() {
    let t = app().await;
    sqlx::query("INSERT INTO dossier_sequences (day, last_number) VALUES ('261126', 9999)")
        .execute(&t.db().await)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let a = submit(&t, "k", &birth(&t).await).await;
    assert_eq!(a.str("code"), "261126-10000", "{a:?}");
    let found = lookup(&t, "26112610000", &a.str("lookup_secret")).await;
    assert_eq!(found.status, StatusCode::OK, "{found:?}");
}

#[tokio::test]
async fn the_same_key_gives_the_same_dossier_and_another_body_is_refused() {
    let t = app().await;
    let body = birth(&t).await;
    let first = submit(&t, "key-1", &body).await;
    assert_eq!(first.status, StatusCode::CREATED);
    t.advance(60);
    let again = submit(&t, "key-1", &body).await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.body, first.body, "same code, secret and times");
    // Whitespace and NFD in the name are the same request once normalised.
    let mut nfd = body.clone();
    nfd["applicant"]["full_name"] = json!(format!(
        "  {}",
        unicode_normalization::UnicodeNormalization::nfd(NAME).collect::<String>()
    ));
    assert_eq!(submit(&t, "key-1", &nfd).await.status, StatusCode::OK);
    let mut other = body.clone();
    other["applicant"]["address"] = json!("Số 7, Đông Sơn, Thanh Hóa");
    let reused = submit(&t, "key-1", &other).await;
    problem(
        &reused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM dossiers").await, 1);
    // Keys are per kiosk.
    let b = submit_as(&t, &t.auth_b(), "key-1", &body).await;
    assert_eq!(b.status, StatusCode::CREATED);
    assert_ne!(b.str("code"), first.str("code"));
}

#[tokio::test]
async fn racing_identical_submissions_make_one_dossier() {
    let t = app().await;
    let body = birth(&t).await;
    let auth = t.auth_a();
    let go = |_: usize| {
        let req = request(
            "POST",
            "/v1/dossiers",
            &[("authorization", &auth), ("idempotency-key", "race")],
            Some(&body),
        );
        send(&t, req)
    };
    let answers = futures_join(vec![go(0), go(1), go(2), go(3)]).await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    let replayed = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert_eq!((created, replayed), (1, 3), "{answers:?}");
    let codes: std::collections::HashSet<String> = answers.iter().map(|a| a.str("code")).collect();
    let secrets: std::collections::HashSet<String> =
        answers.iter().map(|a| a.str("lookup_secret")).collect();
    assert_eq!((codes.len(), secrets.len()), (1, 1));
    assert_eq!(t.count("SELECT COUNT(*) FROM dossiers").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_database_number_the_day_without_gaps_or_twins() {
    let t = app().await;
    let instances = [t.state.clone(), second_instance(&t).await];
    let body = birth(&t).await;
    let auth = t.auth_a();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40 {
        let state = instances[i % 2].clone();
        // Some keys twice, to the other server at once: one dossier each.
        let key = format!("k-{}", i - i % 8 / 7);
        let req = request(
            "POST",
            "/v1/dossiers",
            &[("authorization", &auth), ("idempotency-key", &key)],
            Some(&body),
        );
        tasks.spawn(async move { (key, send_to(&state, req).await) });
    }
    let mut by_key = std::collections::BTreeMap::<String, Vec<String>>::new();
    while let Some(done) = tasks.join_next().await {
        let (key, a) = done.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        assert!(a.status.is_success(), "{a:?}");
        by_key.entry(key).or_default().push(a.str("code"));
    }
    // Every answer under one key names the same dossier.
    for codes in by_key.values() {
        assert!(codes.iter().all(|c| c == &codes[0]), "{codes:?}");
    }
    let mut codes: Vec<String> = by_key.values().map(|c| c[0].clone()).collect();
    codes.sort();
    let want: Vec<String> = (1..=by_key.len())
        .map(|n| format!("261126-{n:04}"))
        .collect();
    assert_eq!(codes, want);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM dossiers").await,
        i64::try_from(by_key.len()).unwrap_or(-1)
    );
}

#[tokio::test]
async fn incomplete_dossiers_and_unfinished_uploads_are_refused() {
    let t = app().await;
    let sha = upload(&t, &pdf("tờ khai")).await;
    // A required component missing, or named without uploads nor paper.
    for components in [
        json!([{"component_id": "to-khai", "uploads": [sha]}]),
        json!([{"component_id": "to-khai", "uploads": [sha]}, {"component_id": "giay-chung-sinh"}]),
        json!([]),
    ] {
        let body =
            json!({"procedure_code": FREE, "applicant": applicant(), "components": components});
        let a = submit(&t, &uuid::Uuid::new_v4().to_string(), &body).await;
        problem(&a, StatusCode::UNPROCESSABLE_ENTITY, "dossier_incomplete");
    }
    // A component that is not the procedure's.
    let foreign = json!({"procedure_code": FREE, "applicant": applicant(), "components": [
        {"component_id": "to-khai", "on_paper": true},
        {"component_id": "giay-chung-sinh", "on_paper": true},
        {"component_id": "giay-chung-nhan-ho-ngheo", "on_paper": true},
    ]});
    problem(
        &submit(&t, "foreign", &foreign).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "dossier_incomplete",
    );
    // An upload declared but not finished, and one never declared.
    let partial = pdf("nửa chừng");
    let partial_sha = sha256(&partial);
    declare(&t, &t.auth_a(), &partial_sha, partial.len() as u64).await;
    patch(&t, &t.auth_a(), &partial_sha, 0, &partial[..5]).await;
    for missing in [partial_sha, sha256(b"never")] {
        let body = json!({"procedure_code": FREE, "applicant": applicant(), "components": [
            {"component_id": "to-khai", "uploads": [sha, missing]},
            {"component_id": "giay-chung-sinh", "on_paper": true},
        ]});
        let a = submit(&t, &uuid::Uuid::new_v4().to_string(), &body).await;
        problem(&a, StatusCode::CONFLICT, "upload_incomplete");
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM dossiers").await, 0);
    assert_eq!(t.count("SELECT COUNT(*) FROM dossier_sequences").await, 0);
}

#[tokio::test]
async fn requests_and_applicants_are_checked() {
    let t = app().await;
    let good = birth(&t).await;
    let with = |path: &[&str], v: Value| {
        let mut b = good.clone();
        let mut at = &mut b;
        for p in &path[..path.len() - 1] {
            at = &mut at[*p];
        }
        at[path[path.len() - 1]] = v;
        b
    };
    let table: Vec<(Value, StatusCode, &str)> = vec![
        (
            with(&["procedure_code"], json!("9.999999")),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            with(&["applicant", "id_number"], json!("12345")),
            StatusCode::BAD_REQUEST,
            "invalid_card",
        ),
        (
            with(&["applicant", "id_number"], json!("999089012345")),
            StatusCode::BAD_REQUEST,
            "invalid_card",
        ),
        (
            with(&["applicant", "phone"], json!("12345")),
            StatusCode::BAD_REQUEST,
            "invalid_phone",
        ),
        (
            with(&["applicant", "full_name"], json!("   ")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            with(&["applicant", "full_name"], json!("A".repeat(101))),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            with(&["applicant", "address"], json!("")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            with(&["applicant", "date_of_birth"], json!("15/03/1989")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            with(&["applicant", "email"], json!("not an email")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            with(&["copies"], json!(0)),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            with(&["local_reference"], json!("có dấu")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            with(&["status"], json!("done")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            with(
                &["components"],
                json!([
                {"component_id": "to-khai", "on_paper": true},
                {"component_id": "to-khai", "on_paper": true},
                {"component_id": "giay-chung-sinh", "on_paper": true}]),
            ),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            with(
                &["components"],
                json!([
                {"component_id": "to-khai", "uploads": ["not-a-hash"]},
                {"component_id": "giay-chung-sinh", "on_paper": true}]),
            ),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
    ];
    for (body, status, code) in table {
        let a = submit(&t, &uuid::Uuid::new_v4().to_string(), &body).await;
        assert_eq!((a.status, a.code()), (status, code), "{body}: {a:?}");
    }
    // The longest name passes.
    let long = with(&["applicant", "full_name"], json!("A".repeat(100)));
    assert_eq!(submit(&t, "long", &long).await.status, StatusCode::CREATED);
    // No key, a bad key, malformed JSON, no token.
    let auth = t.auth_a();
    let no_key = send(
        &t,
        request(
            "POST",
            "/v1/dossiers",
            &[("authorization", &auth)],
            Some(&good),
        ),
    )
    .await;
    problem(&no_key, StatusCode::BAD_REQUEST, "invalid_request");
    let bad_key = submit(&t, "two words", &good).await;
    problem(&bad_key, StatusCode::BAD_REQUEST, "invalid_request");
    let malformed = send(
        &t,
        raw(
            "POST",
            "/v1/dossiers",
            &[
                ("authorization", &auth),
                ("idempotency-key", "m"),
                ("content-type", "application/json"),
            ],
            b"{\"procedure_code\": ".to_vec(),
        ),
    )
    .await;
    problem(&malformed, StatusCode::BAD_REQUEST, "invalid_request");
    for a in ["", "Bearer nope"] {
        problem(
            &submit_as(&t, a, "k", &good).await,
            StatusCode::UNAUTHORIZED,
            "kiosk_unauthorized",
        );
        problem(
            &lookup_as(&t, a, "261126-0001", "123456").await,
            StatusCode::UNAUTHORIZED,
            "kiosk_unauthorized",
        );
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM dossiers").await, 1);
}

#[tokio::test]
async fn a_fee_needs_a_paid_intent_of_this_kiosk_used_once() {
    let t = app().await;
    // No payment, an unknown one, an unpaid one.
    problem(
        &submit(&t, "none", &marital(None)).await,
        StatusCode::PAYMENT_REQUIRED,
        "payment_required",
    );
    problem(
        &submit(
            &t,
            "unknown",
            &marital(Some("0b5a3c1e-1f0e-4d55-9a43-2f1f8f0c9a11")),
        )
        .await,
        StatusCode::PAYMENT_REQUIRED,
        "payment_required",
    );
    let pending = send(
        &t,
        request(
            "POST",
            "/v1/payments",
            &[
                ("authorization", &t.auth_a()),
                ("idempotency-key", "p-pending"),
            ],
            Some(&json!({"procedure_code": FLAT, "method": "counter"})),
        ),
    )
    .await;
    assert_eq!(pending.status, StatusCode::CREATED);
    problem(
        &submit(&t, "pending", &marital(Some(&pending.str("id")))).await,
        StatusCode::PAYMENT_REQUIRED,
        "payment_required",
    );
    // Paid, but by kiosk B, or for another procedure.
    let of_b = paid_intent(
        &t,
        &t.auth_b(),
        &json!({"procedure_code": FLAT, "method": "vietqr"}),
    )
    .await;
    problem(
        &submit(&t, "of-b", &marital(Some(&of_b))).await,
        StatusCode::PAYMENT_REQUIRED,
        "payment_required",
    );
    let other = paid_intent(
        &t,
        &t.auth_a(),
        &json!({"procedure_code": "2.000635", "method": "vietqr"}),
    )
    .await;
    problem(
        &submit(&t, "other", &marital(Some(&other))).await,
        StatusCode::PAYMENT_REQUIRED,
        "payment_required",
    );
    // A paid intent of this kiosk: accepted, with its receipt.
    let paid = paid_intent(
        &t,
        &t.auth_a(),
        &json!({"procedure_code": FLAT, "method": "vietqr"}),
    )
    .await;
    let a = submit(&t, "paid", &marital(Some(&paid))).await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    assert_eq!(a.body["receipt"]["amount"], 15_000);
    assert_eq!(a.body["receipt"]["procedure_code"], FLAT);
    assert!(a.body["receipt"]["number"].as_u64().is_some_and(|n| n >= 1));
    // The same payment for a second dossier.
    let reused = submit(&t, "paid-again", &marital(Some(&paid))).await;
    problem(&reused, StatusCode::PAYMENT_REQUIRED, "payment_required");
    // A replay of the first is still answered.
    assert_eq!(
        submit(&t, "paid", &marital(Some(&paid))).await.status,
        StatusCode::OK
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM dossiers").await, 1);
}

#[tokio::test]
async fn an_exemption_waives_the_fee_and_asks_for_its_proof() {
    let t = app().await;
    let mut body = marital(None);
    body["exemption"] = json!("ho_ngheo");
    problem(
        &submit(&t, "no-proof", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "dossier_incomplete",
    );
    let proof = upload(&t, &pdf("hộ nghèo")).await;
    body["components"] = json!([
        {"component_id": "to-khai", "on_paper": true},
        {"component_id": "giay-chung-nhan-ho-ngheo", "uploads": [proof]},
    ]);
    let a = submit(&t, "proof", &body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    assert!(a.body.get("receipt").is_none());
    assert_eq!(a.body["components"][1]["name"], "Giấy chứng nhận hộ nghèo");
}

#[tokio::test]
async fn a_lookup_shows_the_status_without_personal_data_and_locks_after_ten_wrong_secrets() {
    let t = app().await;
    let a = submit(&t, "k", &birth(&t).await).await;
    let code = a.str("code");
    let secret = a.str("lookup_secret");
    for asked in [code.clone(), code.replace('-', ""), format!(" {code} ")] {
        let found = lookup(&t, &asked, &secret).await;
        assert_eq!(found.status, StatusCode::OK, "{asked}: {found:?}");
        assert_eq!(found.str("code"), code);
        assert_eq!(found.str("status"), "received");
        assert_eq!(found.str("status_label"), "Đã tiếp nhận");
        assert_eq!(found.str("due_date"), "2026-11-26");
        let text = found.body.to_string();
        for personal in [NAME, ID_NUMBER, PHONE, ADDRESS, secret.as_str()] {
            assert!(!text.contains(personal), "lookup shows {personal}: {text}");
        }
    }
    // Another kiosk may look it up too (the citizen may come back anywhere).
    assert_eq!(
        lookup_as(&t, &t.auth_b(), &code, &secret).await.status,
        StatusCode::OK
    );

    let wrong = if secret == "000000" {
        "000001"
    } else {
        "000000"
    };
    let unknown = lookup(&t, "261126-9999", &secret).await;
    let bad = lookup(&t, &code, wrong).await;
    problem(&unknown, StatusCode::NOT_FOUND, "dossier_not_found");
    problem(&bad, StatusCode::NOT_FOUND, "dossier_not_found");
    assert_eq!(
        unknown.body["detail"], bad.body["detail"],
        "never says which was wrong"
    );
    assert_eq!(unknown.body["message"], bad.body["message"]);
    problem(
        &lookup(&t, "abc", &secret).await,
        StatusCode::NOT_FOUND,
        "dossier_not_found",
    );

    // 1 wrong so far; 8 more still say not found, the 10th locks.
    for _ in 0..8 {
        t.advance(30);
        problem(
            &lookup(&t, &code, wrong).await,
            StatusCode::NOT_FOUND,
            "dossier_not_found",
        );
    }
    t.advance(30);
    let locked = lookup(&t, &code, "12345").await;
    problem(&locked, StatusCode::TOO_MANY_REQUESTS, "lookup_locked");
    // Even the right secret waits; the first failure was 270 s ago.
    let right = lookup(&t, &code, &secret).await;
    problem(&right, StatusCode::TOO_MANY_REQUESTS, "lookup_locked");
    assert_eq!(right.body["retry_after_seconds"], 15 * 60 - 270);
    assert_eq!(
        right
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()),
        Some("630")
    );
    // Other codes are not locked.
    let other = submit(&t, "k2", &birth(&t).await).await;
    assert_eq!(
        lookup(&t, &other.str("code"), &other.str("lookup_secret"))
            .await
            .status,
        StatusCode::OK
    );
    // When the oldest failures leave the window, lookups work again.
    t.advance(630);
    let back = lookup(&t, &code, &secret).await;
    assert_eq!(back.status, StatusCode::OK, "{back:?}");
}

#[tokio::test]
async fn the_back_office_moves_a_dossier_through_its_statuses() {
    let t = app().await;
    let a = submit(&t, "k", &birth(&t).await).await;
    let code = a.str("code");
    let secret = a.str("lookup_secret");
    let console = login(&t).await;
    let staff = [("x-staff-token", console.as_str())];
    let cookie = format!("motcua_staff={console}");
    let by_cookie = [("cookie", cookie.as_str())];

    // Staff only: a kiosk token or a helper-mode token is not enough.
    let helper = unlock(&t).await;
    let kiosk_auth = t.auth_a();
    for headers in [
        vec![],
        vec![("authorization", kiosk_auth.as_str())],
        vec![("x-staff-token", helper.as_str())],
        vec![("x-staff-token", "f00d")],
    ] {
        let got = send(
            &t,
            request("GET", &format!("/v1/dossiers/{code}"), &headers, None),
        )
        .await;
        problem(&got, StatusCode::UNAUTHORIZED, "staff_unauthorized");
        let changed = set_status(&t, &headers, &code, &json!({"status": "processing"})).await;
        problem(&changed, StatusCode::UNAUTHORIZED, "staff_unauthorized");
        let listed = send(
            &t,
            request(
                "GET",
                "/v1/dossiers?local_reference=QA-0001",
                &headers,
                None,
            ),
        )
        .await;
        problem(&listed, StatusCode::UNAUTHORIZED, "staff_unauthorized");
    }
    // The whole dossier, by header or cookie, dash optional.
    let full = send(
        &t,
        request(
            "GET",
            &format!("/v1/dossiers/{}", code.replace('-', "")),
            &staff,
            None,
        ),
    )
    .await;
    assert_eq!(full.status, StatusCode::OK, "{full:?}");
    assert_eq!(full.body, a.body);
    let listed = send(
        &t,
        request(
            "GET",
            "/v1/dossiers?local_reference=QA-0001",
            &by_cookie,
            None,
        ),
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    assert_eq!(listed.body["items"][0]["code"], code.as_str());
    let none = send(
        &t,
        request("GET", "/v1/dossiers?local_reference=QA-9", &staff, None),
    )
    .await;
    assert_eq!(none.body["items"], json!([]));
    problem(
        &send(&t, request("GET", "/v1/dossiers", &staff, None)).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    // What axum's extractors refuse is a problem document too, with a
    // status the document declares: a query field twice or not UTF-8 is
    // malformed (400), a path that is not UTF-8 names nothing (404).
    for uri in [
        "/v1/dossiers?local_reference=a&local_reference=b",
        "/v1/dossiers?local_reference=%FF",
        "/v1/console/figures?date=a&date=b",
        "/v1/counter/payments?status=a&status=b",
        "/v1/audit?limit=1&limit=2",
    ] {
        problem(
            &send(&t, request("GET", uri, &staff, None)).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        );
    }
    for (method, uri) in [
        ("GET", "/v1/dossiers/%FF%FE"),
        ("POST", "/v1/dossiers/%FF/status"),
        ("GET", "/v1/dossiers/%FF/documents/%FE"),
        ("POST", "/v1/help-requests/%FF/answer"),
        ("POST", "/v1/counter/payments/%FF/confirm"),
    ] {
        problem(
            &send(&t, request(method, uri, &staff, None)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    let kiosk = t.auth_a();
    for (method, uri) in [
        ("GET", "/v1/procedures/%FF"),
        ("GET", "/v1/payments/%FF"),
        ("POST", "/v1/payments/%FF/cancel"),
        ("GET", "/v1/uploads/%FF"),
    ] {
        problem(
            &send(
                &t,
                request(method, uri, &[("authorization", kiosk.as_str())], None),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    problem(
        &send(&t, request("GET", "/v1/dossiers/261126-0999", &staff, None)).await,
        StatusCode::NOT_FOUND,
        "dossier_not_found",
    );

    t.advance(3600);
    let processing = set_status(&t, &by_cookie, &code, &json!({"status": "processing"})).await;
    assert_eq!(processing.status, StatusCode::OK, "{processing:?}");
    assert_eq!(processing.str("status"), "processing");
    // Back to received is not a move the back office makes.
    let back = set_status(&t, &staff, &code, &json!({"status": "received"})).await;
    problem(&back, StatusCode::CONFLICT, "dossier_status_conflict");
    // needs_more_documents and returned need a note, at most 500 characters.
    for body in [
        json!({"status": "needs_more_documents"}),
        json!({"status": "needs_more_documents", "note": "  "}),
        json!({"status": "returned", "note": "x".repeat(501)}),
        json!({"status": "someday"}),
    ] {
        let a = set_status(&t, &staff, &code, &body).await;
        problem(&a, StatusCode::BAD_REQUEST, "invalid_request");
    }
    let note = "Ông/Bà vui lòng mang bản chính Giấy chứng sinh.";
    let more = set_status(
        &t,
        &staff,
        &code,
        &json!({"status": "needs_more_documents", "note": note}),
    )
    .await;
    assert_eq!(more.status, StatusCode::OK, "{more:?}");
    // needs_more_documents cannot jump to done.
    problem(
        &set_status(&t, &staff, &code, &json!({"status": "done"})).await,
        StatusCode::CONFLICT,
        "dossier_status_conflict",
    );
    assert_eq!(
        set_status(&t, &staff, &code, &json!({"status": "processing"}))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        set_status(
            &t,
            &staff,
            &code,
            &json!({"status": "done", "note": "x".repeat(500)})
        )
        .await
        .status,
        StatusCode::OK
    );
    // Final.
    for next in ["processing", "returned", "needs_more_documents", "done"] {
        let a = set_status(&t, &staff, &code, &json!({"status": next, "note": "n"})).await;
        problem(&a, StatusCode::CONFLICT, "dossier_status_conflict");
    }
    problem(
        &set_status(&t, &staff, "261126-0999", &json!({"status": "processing"})).await,
        StatusCode::NOT_FOUND,
        "dossier_not_found",
    );

    // The citizen's lookup shows the history with the note, no staff.
    let seen = lookup(&t, &code, &secret).await;
    assert_eq!(seen.str("status"), "done");
    assert_eq!(seen.str("status_label"), "Đã có kết quả");
    let history = seen.body["history"].as_array().cloned().unwrap_or_default();
    let statuses: Vec<&str> = history
        .iter()
        .filter_map(|h| h["status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "received",
            "processing",
            "needs_more_documents",
            "processing",
            "done"
        ]
    );
    assert_eq!(history[2]["note"], note);
    assert_eq!(history[1]["at"], "2026-11-26T03:00:00Z");
    assert!(!seen.body.to_string().contains(USER));
    assert!(history.iter().all(|h| h.get("staff_id").is_none()));
    // The staff member is recorded for each change.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM dossier_history WHERE staff_id IS NOT NULL")
            .await,
        4
    );
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM dossier_history WHERE staff_id IS NULL AND status = 'received'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_log_of_a_whole_flow_names_no_person_and_no_secret() {
    let logs = capture_logs();
    let t = app().await;
    let paid = paid_intent(
        &t,
        &t.auth_a(),
        &json!({"procedure_code": FLAT, "method": "vietqr"}),
    )
    .await;
    let mut body = marital(Some(&paid));
    body["applicant"]["email"] = json!("an.nguyen@example.vn");
    let a = submit(&t, "log-key", &body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    let code = a.str("code");
    let secret = a.str("lookup_secret");
    assert_eq!(submit(&t, "log-key", &body).await.status, StatusCode::OK);
    lookup(&t, &code, &secret).await;
    lookup(&t, &code, "999999").await;
    let console = login(&t).await;
    let note = "Mang theo Giấy chứng sinh bản chính";
    set_status(
        &t,
        &[("x-staff-token", &console)],
        &code,
        &json!({"status": "needs_more_documents", "note": note}),
    )
    .await;
    let text = logs.text();
    assert!(text.contains(&code), "the code is logged");
    for personal in [
        NAME,
        "NGUY",
        ID_NUMBER,
        PHONE,
        "Đông Sơn",
        "an.nguyen",
        note,
        USER,
        &console,
    ] {
        assert!(!text.contains(personal), "the log holds {personal:?}");
    }
    // The secret is six digits: look for it as a logged value, not as any
    // six digits of a timestamp.
    for shape in [
        format!("={secret}"),
        format!("\"{secret}\""),
        format!(":{secret}"),
    ] {
        assert!(!text.contains(&shape), "the lookup secret is logged");
    }
}

#[tokio::test]
async fn the_holiday_file_in_the_data_folder_moves_due_dates_and_a_bad_one_stops_the_server() {
    let dir = DataDir::new().await;
    let file = dir.path().join(motcua_server::HOLIDAYS_FILE);
    std::fs::write(
        &file,
        "first_year = 2026\nlast_year = 2026\n[[holidays]]\nname = \"Ngày nghỉ của tỉnh\"\n\
         status = \"announced\"\ndays = [\"2026-11-27\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let state = motcua_server::AppState::open(&dir.config())
        .await
        .unwrap_or_else(|e| panic!("open: {e}"));
    let thursday = time::macros::datetime!(2026-11-26 09:00 UTC);
    let free = motcua_protocol::ProcessingTime::SameDay {
        cutoff: Some("15:00".into()),
    };
    // After the cutoff on Thursday; Friday is the province's day off.
    assert_eq!(
        state.calendar.due(thursday, &free),
        time::macros::date!(2026 - 11 - 30)
    );
    std::fs::write(&file, "first_year = 2026\nlast_year = 2026\nholidays = 3\n")
        .unwrap_or_else(|e| panic!("{e}"));
    match motcua_server::AppState::open(&dir.config()).await {
        Ok(_) => panic!("a malformed holiday file was accepted"),
        Err(e) => assert!(e.to_string().contains("holiday"), "{e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_get_no_more_tries_than_sequential_ones() {
    let t = app().await;
    let a = submit(&t, "k", &birth(&t).await).await;
    let code = a.str("code");
    let secret = a.str("lookup_secret");
    let wrong = if secret == "000000" {
        "111111"
    } else {
        "000000"
    };
    let auth = t.auth_a();
    let mut guesses = tokio::task::JoinSet::new();
    for _ in 0..30 {
        let (state, auth, code) = (t.state.clone(), auth.clone(), code.clone());
        guesses.spawn(async move {
            send_to(
                &state,
                request(
                    "POST",
                    "/v1/dossiers/lookup",
                    &[("authorization", &auth)],
                    Some(&json!({"code": code, "secret": wrong})),
                ),
            )
            .await
            .status
        });
    }
    let mut not_found = 0;
    let mut locked = 0;
    while let Some(status) = guesses.join_next().await {
        match status.unwrap_or_else(|e| panic!("{e}")) {
            StatusCode::NOT_FOUND => not_found += 1,
            StatusCode::TOO_MANY_REQUESTS => locked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    // Ten wrong secrets in the window, however they arrive: nine are told
    // "not found", the tenth and every later one are locked out.
    assert_eq!((not_found, locked), (9, 21));
    let right = lookup(&t, &code, &secret).await;
    problem(&right, StatusCode::TOO_MANY_REQUESTS, "lookup_locked");
}

/// The status, content type and bytes `GET uri` answers with `headers`.
async fn bytes_at(
    t: &TestApp,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, String, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let resp = motcua_server::router(t.state.clone())
        .oneshot(request("GET", uri, headers, None))
        .await
        .unwrap_or_else(|e| match e {});
    let status = resp.status();
    let media = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    (status, media, body)
}

#[tokio::test]
async fn staff_read_a_dossiers_documents_and_nobody_else_does() {
    let t = app().await;
    let doc = pdf("tờ khai đọc lại");
    let sha = upload(&t, &doc).await;
    let other = upload(&t, &pdf("không thuộc hồ sơ")).await;
    let auth = t.auth_a();
    let d = send(
        &t,
        request(
            "POST",
            "/v1/dossiers",
            &[("authorization", &auth), ("idempotency-key", "read-back-1")],
            Some(&birth_registration(&sha)),
        ),
    )
    .await;
    assert_eq!(d.status, StatusCode::CREATED, "{d:?}");
    let code = d.str("code");
    let staff = login(&t).await;
    let uri = format!("/v1/dossiers/{code}/documents/{sha}");
    let (status, media, body) = bytes_at(&t, &uri, &[("x-staff-token", &staff)]).await;
    assert_eq!(
        (status, media.as_str()),
        (StatusCode::OK, "application/pdf")
    );
    assert_eq!(body, doc);
    let (status, _, _) = bytes_at(&t, &uri, &[("authorization", &auth)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a kiosk token is refused");
    let (status, _, _) = bytes_at(&t, &uri, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = bytes_at(
        &t,
        &format!("/v1/dossiers/{code}/documents/{other}"),
        &[("x-staff-token", &staff)],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not a document of this dossier"
    );
    let (status, _, _) = bytes_at(
        &t,
        &format!("/v1/dossiers/{code}/documents/nothex"),
        &[("x-staff-token", &staff)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
