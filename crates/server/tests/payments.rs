//! Payments against a real SQLite file through the router, with an injected
//! clock: the fee quote, idempotent intents, the VietQR payload, the bank's
//! signed webhook, the counter's confirmation by a console session,
//! cancelling, expiry, gap-free receipt numbers under concurrency, the log,
//! and once over a real socket with the kiosk's client.

#[path = "support/logs.rs"]
mod logs;
#[path = "support/app.rs"]
mod support;
use logs::capture_logs;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use motcua_server::PaymentConfig;
use serde_json::{Value, json};
use support::*;

/// Flat 15.000 đ.
const FLAT: &str = "1.004873";
/// 8.000 đ a copy.
const PER_COPY: &str = "2.000635";
/// The certified-copy rule.
const PER_PAGE: &str = "2.000815";
/// Free when on time.
const FREE: &str = "1.001193";

fn payment_config(secret: Option<&str>) -> PaymentConfig {
    payment_config_with(secret, Some("UBND xã Đông Sơn"))
}

async fn app_at(start: time::OffsetDateTime) -> TestApp {
    app_with(
        start,
        Some(payment_config(Some(WEBHOOK_SECRET))),
        vec![lan()],
    )
    .await
}

async fn app() -> TestApp {
    app_at(time::macros::datetime!(2026-03-02 02:00 UTC)).await
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn quote(t: &TestApp, body: &Value) -> Answer {
    let auth = bearer(&t.kiosk_a);
    send(
        t,
        request(
            "POST",
            "/v1/fees/quote",
            &[("authorization", &auth)],
            Some(body),
        ),
    )
    .await
}

/// Creates an intent as the kiosk whose token is `token`.
async fn create_as(t: &TestApp, token: &str, key: &str, body: &Value) -> Answer {
    let auth = bearer(token);
    send(
        t,
        request(
            "POST",
            "/v1/payments",
            &[("authorization", &auth), ("idempotency-key", key)],
            Some(body),
        ),
    )
    .await
}

async fn create(t: &TestApp, key: &str, body: &Value) -> Answer {
    create_as(t, &t.kiosk_a.clone(), key, body).await
}

/// A new intent of kiosk A that must succeed; its body.
async fn new_intent(t: &TestApp, body: &Value) -> Value {
    let a = create(t, &uuid::Uuid::new_v4().to_string(), body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    a.body
}

async fn get_as(t: &TestApp, token: &str, id: &str) -> Answer {
    let auth = bearer(token);
    send(
        t,
        request(
            "GET",
            &format!("/v1/payments/{id}"),
            &[("authorization", &auth)],
            None,
        ),
    )
    .await
}

async fn cancel_as(t: &TestApp, token: &str, id: &str) -> Answer {
    let auth = bearer(token);
    send(
        t,
        request(
            "POST",
            &format!("/v1/payments/{id}/cancel"),
            &[("authorization", &auth)],
            None,
        ),
    )
    .await
}

enum Sig<'a> {
    Good,
    With(&'a str),
    Header(&'a str),
    Missing,
}

fn webhook_request(body: &[u8], sig: &Sig<'_>) -> Request<Body> {
    let mut req =
        Request::post("/v1/bank/webhook").header(header::CONTENT_TYPE, "application/json");
    let value = match sig {
        Sig::Good => Some(motcua_server::sign_webhook(WEBHOOK_SECRET, body)),
        Sig::With(secret) => Some(motcua_server::sign_webhook(secret, body)),
        Sig::Header(h) => Some((*h).to_owned()),
        Sig::Missing => None,
    };
    if let Some(v) = value {
        req = req.header("x-signature", v);
    }
    req.body(Body::from(body.to_vec()))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn transfer(reference: &str, amount: u64, transaction_id: &str) -> Vec<u8> {
    json!({
        "reference": reference,
        "amount": amount,
        "transaction_id": transaction_id,
        "paid_at": "2026-03-02T09:05:00+07:00",
    })
    .to_string()
    .into_bytes()
}

async fn webhook(t: &TestApp, body: &[u8], sig: Sig<'_>) -> Answer {
    send(t, webhook_request(body, &sig)).await
}

async fn counter_list(t: &TestApp, headers: &[(&str, &str)], query: &str) -> Answer {
    send(
        t,
        request(
            "GET",
            &format!("/v1/counter/payments{query}"),
            headers,
            None,
        ),
    )
    .await
}

async fn confirm(t: &TestApp, headers: &[(&str, &str)], id: &str) -> Answer {
    send(
        t,
        request(
            "POST",
            &format!("/v1/counter/payments/{id}/confirm"),
            headers,
            None,
        ),
    )
    .await
}

fn counter(code: &str) -> Value {
    json!({"procedure_code": code, "method": "counter"})
}

fn qr(code: &str) -> Value {
    json!({"procedure_code": code, "method": "vietqr"})
}

#[tokio::test]
async fn the_quote_table() {
    let t = app().await;
    // (body, amount, words)
    let table: Vec<(Value, u64, &str)> = vec![
        (
            json!({"procedure_code": FLAT}),
            15_000,
            "Mười lăm nghìn đồng",
        ),
        (
            json!({"procedure_code": FLAT, "copies": 3}),
            15_000,
            "Mười lăm nghìn đồng",
        ),
        (json!({"procedure_code": PER_COPY}), 8000, "Tám nghìn đồng"),
        (
            json!({"procedure_code": PER_COPY, "copies": 3}),
            24_000,
            "Hai mươi tư nghìn đồng",
        ),
        (
            json!({"procedure_code": PER_PAGE, "pages": 1}),
            2000,
            "Hai nghìn đồng",
        ),
        (
            json!({"procedure_code": PER_PAGE, "pages": 3}),
            5000,
            "Năm nghìn đồng",
        ),
        (
            json!({"procedure_code": PER_PAGE, "pages": 3, "copies": 2}),
            10_000,
            "Mười nghìn đồng",
        ),
        (
            json!({"procedure_code": PER_PAGE, "pages": 500}),
            200_000,
            "Hai trăm nghìn đồng",
        ),
        (
            json!({"procedure_code": PER_PAGE, "pages": 500, "copies": 2}),
            400_000,
            "Bốn trăm nghìn đồng",
        ),
        (json!({"procedure_code": FREE}), 0, "Không đồng"),
    ];
    for (body, amount, words) in table {
        let a = quote(&t, &body).await;
        assert_eq!(a.status, StatusCode::OK, "{body}: {a:?}");
        assert_eq!(a.body["amount"], amount, "{body}");
        assert_eq!(a.body["amount_in_words"], words, "{body}");
        assert!(!a.str("legal_basis").is_empty(), "{body}");
        assert!(a.body.get("exemption").is_none(), "{body}");
    }
    let free = quote(&t, &json!({"procedure_code": FREE})).await;
    assert!(free.str("free_condition").contains("đúng hạn"), "{free:?}");
    assert_eq!(free.str("rule_text"), "Miễn phí");
    let per_page = quote(&t, &json!({"procedure_code": PER_PAGE, "pages": 3})).await;
    assert_eq!(per_page.str("legal_basis"), "Thông tư 226/2016/TT-BTC");
    assert!(
        per_page
            .str("rule_text")
            .contains("tối đa 200.000 đồng mỗi bản")
    );

    for (exemption, document) in [
        ("ho_ngheo", "Giấy chứng nhận hộ nghèo"),
        ("khuyet_tat", "Giấy xác nhận khuyết tật"),
        ("nguoi_co_cong", "người có công"),
    ] {
        let a = quote(
            &t,
            &json!({"procedure_code": PER_COPY, "copies": 2, "exemption": exemption}),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{a:?}");
        assert_eq!(a.body["amount"], 0, "{exemption}");
        assert_eq!(a.body["amount_in_words"], "Không đồng");
        let e = &a.body["exemption"];
        assert_eq!(e["kind"], exemption);
        assert_eq!(e["waived_amount"], 16_000);
        assert_eq!(e["required_document"]["required"], true);
        assert!(
            e["required_document"]["name"]
                .as_str()
                .is_some_and(|n| n.contains(document)),
            "{e}"
        );
    }
    // A free procedure has nothing to waive.
    let a = quote(
        &t,
        &json!({"procedure_code": FREE, "exemption": "ho_ngheo"}),
    )
    .await;
    assert_eq!(a.body["amount"], 0);
    assert!(a.body.get("exemption").is_none(), "{a:?}");
}

#[tokio::test]
async fn what_cannot_be_quoted() {
    let t = app().await;
    problem(
        &quote(&t, &json!({"procedure_code": "9.999999"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    for body in [
        json!({"procedure_code": PER_PAGE}),
        json!({"procedure_code": PER_COPY, "copies": 0}),
        json!({"procedure_code": PER_COPY, "copies": 101}),
        json!({"procedure_code": PER_PAGE, "pages": 0}),
        json!({"procedure_code": PER_COPY, "exemption": "giau_co"}),
        json!({"procedure_code": PER_COPY, "amount": 1}),
        json!({"procedure_code": PER_COPY, "copies": -1}),
    ] {
        problem(
            &quote(&t, &body).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        );
    }
    let no_token = send(
        &t,
        request(
            "POST",
            "/v1/fees/quote",
            &[],
            Some(&json!({"procedure_code": FLAT})),
        ),
    )
    .await;
    problem(&no_token, StatusCode::UNAUTHORIZED, "kiosk_unauthorized");
}

#[tokio::test]
async fn creation_is_idempotent_per_kiosk_and_key() {
    let t = app().await;
    let body = json!({"procedure_code": PER_COPY, "copies": 2, "method": "vietqr"});
    let first = create(&t, "key-1", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    assert_eq!(first.body["status"], "pending");
    assert_eq!(first.body["amount"], 16_000);
    assert_eq!(first.body["amount_in_words"], "Mười sáu nghìn đồng");
    assert_eq!(first.body["method"], "vietqr");
    assert_eq!(first.body["created_at"], "2026-03-02T02:00:00Z");
    assert_eq!(first.body["expires_at"], "2026-03-02T02:30:00Z");
    let reference = first.str("reference");
    assert!(
        reference.len() == 10
            && reference.starts_with("MC")
            && reference[2..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)),
        "{reference}"
    );
    assert!(first.body.get("counter_code").is_none());

    t.advance(60);
    let again = create(&t, "key-1", &body).await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.body, first.body, "the same intent, unchanged");

    let other = create(&t, "key-2", &body).await;
    assert_eq!(other.status, StatusCode::CREATED);
    assert_ne!(other.str("id"), first.str("id"));
    assert_ne!(other.str("reference"), reference);

    // The same key for another request is refused, not answered with the first.
    let mut changed = body.clone();
    changed["copies"] = json!(3);
    problem(
        &create(&t, "key-1", &changed).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    // Keys belong to a kiosk: kiosk B's "key-1" is its own intent.
    let b = create_as(&t, &t.kiosk_b.clone(), "key-1", &body).await;
    assert_eq!(b.status, StatusCode::CREATED);
    assert_ne!(b.str("id"), first.str("id"));

    // No key, or a malformed one.
    let auth = bearer(&t.kiosk_a);
    let no_key = send(
        &t,
        request(
            "POST",
            "/v1/payments",
            &[("authorization", &auth)],
            Some(&body),
        ),
    )
    .await;
    problem(&no_key, StatusCode::BAD_REQUEST, "invalid_request");
    problem(
        &create(&t, &"k".repeat(129), &body).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM payments").await, 3);

    // Counter intents carry a 6-digit code and no QR.
    let c = new_intent(&t, &counter(FLAT)).await;
    let code = c["counter_code"].as_str().unwrap_or_default();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{c}"
    );
    assert!(c.get("vietqr").is_none());
    assert_eq!(c["amount"], 15_000);
}

#[tokio::test]
async fn free_and_exempt_fees_are_not_paid() {
    let t = app().await;
    problem(
        &create(&t, "k1", &qr(FREE)).await,
        StatusCode::CONFLICT,
        "free_procedure",
    );
    let exempt =
        json!({"procedure_code": PER_COPY, "exemption": "khuyet_tat", "method": "counter"});
    problem(
        &create(&t, "k2", &exempt).await,
        StatusCode::CONFLICT,
        "free_procedure",
    );
    problem(
        &create(
            &t,
            "k3",
            &json!({"procedure_code": PER_PAGE, "method": "vietqr"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    problem(
        &create(
            &t,
            "k4",
            &json!({"procedure_code": PER_COPY, "method": "cash"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM payments").await, 0);
}

#[tokio::test]
async fn the_vietqr_payload_parses_back_with_the_amount_and_reference() {
    let t = app().await;
    let p = new_intent(
        &t,
        &json!({"procedure_code": PER_PAGE, "pages": 3, "copies": 2, "method": "vietqr"}),
    )
    .await;
    let reference = p["reference"].as_str().unwrap_or_default();
    let q = &p["vietqr"];
    assert_eq!(q["bank_bin"], BANK_BIN);
    assert_eq!(q["account_number"], BANK_ACCOUNT);
    assert_eq!(q["account_name"], BANK_ACCOUNT_NAME);
    assert_eq!(q["sample"], false);
    let payload = q["payload"].as_str().unwrap_or_default();
    let decoded = motcua_core::vietqr::decode(payload).unwrap_or_else(|e| panic!("{e}: {payload}"));
    assert!(decoded.dynamic);
    let tr = decoded.transfer;
    assert_eq!(tr.amount, Some(10_000));
    assert_eq!(tr.bin, BANK_BIN);
    assert_eq!(tr.account, BANK_ACCOUNT);
    assert_eq!(tr.reference.as_deref(), Some(reference));
    assert_eq!(
        tr.purpose.as_deref(),
        Some(reference),
        "the transfer content"
    );

    // With the sample account, the intent says so.
    let mut sample = t.state.clone();
    sample.payments = Arc::new(PaymentConfig::sample());
    let auth = bearer(&t.kiosk_a);
    let a = send_to(
        &sample,
        request(
            "POST",
            "/v1/payments",
            &[("authorization", &auth), ("idempotency-key", "sample-1")],
            Some(&qr(FLAT)),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    assert_eq!(a.body["vietqr"]["sample"], true);
    assert_eq!(a.body["vietqr"]["bank_bin"], motcua_server::SAMPLE_BANK_BIN);
}

#[tokio::test]
async fn the_webhook_wants_the_signature_of_the_raw_body() {
    let t = app().await;
    let p = new_intent(&t, &qr(FLAT)).await;
    let reference = p["reference"].as_str().unwrap_or_default();
    let body = transfer(reference, 15_000, "FT26061000001");

    problem(
        &webhook(&t, &body, Sig::Missing).await,
        StatusCode::UNAUTHORIZED,
        "bad_signature",
    );
    problem(
        &webhook(&t, &body, Sig::With("another-long-secret-value")).await,
        StatusCode::UNAUTHORIZED,
        "bad_signature",
    );
    let good = motcua_server::sign_webhook(WEBHOOK_SECRET, &body);
    for bad in [
        good.trim_start_matches("sha256="),
        "sha256=",
        "sha256=not-hex",
        &good[..good.len() - 2],
    ] {
        problem(
            &webhook(&t, &body, Sig::Header(bad)).await,
            StatusCode::UNAUTHORIZED,
            "bad_signature",
        );
    }
    // The signature of the same JSON written otherwise does not carry over:
    // the raw bytes are signed, not their meaning.
    let mut spaced = body.clone();
    spaced.insert(1, b' ');
    problem(
        &webhook(&t, &spaced, Sig::Header(&good)).await,
        StatusCode::UNAUTHORIZED,
        "bad_signature",
    );
    // A body that is not even JSON is refused for its signature first.
    problem(
        &webhook(&t, b"not json", Sig::Missing).await,
        StatusCode::UNAUTHORIZED,
        "bad_signature",
    );
    problem(
        &webhook(&t, b"not json", Sig::Good).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );

    // Without a configured secret every webhook is refused.
    let mut unset = t.state.clone();
    unset.payments = Arc::new(payment_config(None));
    problem(
        &send_to(&unset, webhook_request(&body, &Sig::Good)).await,
        StatusCode::UNAUTHORIZED,
        "bad_signature",
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM bank_transactions").await, 0);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM payments WHERE status = 'pending'")
            .await,
        1
    );

    // The good one needs no kiosk token.
    let a = webhook(&t, &body, Sig::Good).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
}

#[tokio::test]
async fn a_transfer_pays_once_and_its_replay_changes_nothing() {
    let t = app().await;
    let p = new_intent(
        &t,
        &json!({"procedure_code": PER_COPY, "copies": 3, "method": "vietqr"}),
    )
    .await;
    let id = p["id"].as_str().unwrap_or_default();
    let reference = p["reference"].as_str().unwrap_or_default();
    t.advance(120);
    // The bank may write the reference in lower case.
    let body = transfer(&reference.to_lowercase(), 24_000, "FT26061000001");
    let a = webhook(&t, &body, Sig::Good).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    assert_eq!(a.body["payment_id"], id);
    assert_eq!(a.body["status"], "paid");
    assert_eq!(a.body["duplicate"], false);
    assert_eq!(a.body["receipt_number"], 1);

    let paid = get_as(&t, &t.kiosk_a, id).await;
    assert_eq!(paid.status, StatusCode::OK);
    assert_eq!(paid.body["status"], "paid");
    assert_eq!(paid.body["paid_at"], "2026-03-02T02:02:00Z");
    let r = &paid.body["receipt"];
    assert_eq!(r["title"], "Biên lai thu phí, lệ phí");
    assert_eq!(r["template"], "01BLP0-001");
    assert_eq!(r["symbol"], "AA-26E");
    assert_eq!(r["number"], 1);
    assert_eq!(r["number_text"], "0000001");
    assert_eq!(r["issued_at"], "2026-03-02T02:02:00Z");
    assert_eq!(r["issuer"], "UBND xã Đông Sơn");
    assert_eq!(r["procedure_code"], PER_COPY);
    assert_eq!(r["procedure_name"], "Cấp bản sao trích lục hộ tịch");
    assert_eq!(r["amount"], 24_000);
    assert_eq!(r["amount_text"], "24.000 đồng");
    assert_eq!(r["amount_in_words"], "Hai mươi tư nghìn đồng");
    assert_eq!(r["method"], "vietqr");
    assert_eq!(r["reference"], reference);
    let receipt_keys: Vec<&String> = r
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert!(
        !receipt_keys
            .iter()
            .any(|k| k.contains("name") && *k != "procedure_name"),
        "no payer on the receipt: {receipt_keys:?}"
    );

    // The bank delivers it again: 200, nothing changes.
    t.advance(60);
    let replay = webhook(&t, &body, Sig::Good).await;
    assert_eq!(replay.status, StatusCode::OK, "{replay:?}");
    assert_eq!(replay.body["duplicate"], true);
    assert_eq!(replay.body["receipt_number"], 1);
    assert_eq!(get_as(&t, &t.kiosk_a, id).await.body, paid.body);
    assert_eq!(t.count("SELECT COUNT(*) FROM receipts").await, 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM bank_transactions").await, 1);

    // The same transaction id with other content is refused.
    let forged = transfer(reference, 1000, "FT26061000001");
    problem(
        &webhook(&t, &forged, Sig::Good).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );

    // A second transfer for a paid intent is money to refund: 409, recorded.
    let twice = transfer(reference, 24_000, "FT26061000002");
    problem(
        &webhook(&t, &twice, Sig::Good).await,
        StatusCode::CONFLICT,
        "payment_closed",
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM bank_transactions WHERE outcome = 'closed'")
            .await,
        1
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM receipts").await, 1);

    // A paid intent cannot be cancelled.
    problem(
        &cancel_as(&t, &t.kiosk_a, id).await,
        StatusCode::CONFLICT,
        "payment_closed",
    );
}

#[tokio::test]
async fn a_wrong_amount_leaves_the_intent_pending() {
    let t = app().await;
    let p = new_intent(&t, &qr(FLAT)).await;
    let id = p["id"].as_str().unwrap_or_default();
    let reference = p["reference"].as_str().unwrap_or_default();
    let short = transfer(reference, 10_000, "FT-SHORT-1");
    let a = webhook(&t, &short, Sig::Good).await;
    problem(&a, StatusCode::CONFLICT, "payment_amount_mismatch");
    assert_eq!(get_as(&t, &t.kiosk_a, id).await.body["status"], "pending");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM bank_transactions WHERE outcome = 'amount_mismatch'")
            .await,
        1
    );
    // Its replay gets the same answer and records nothing more.
    problem(
        &webhook(&t, &short, Sig::Good).await,
        StatusCode::CONFLICT,
        "payment_amount_mismatch",
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM bank_transactions").await, 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM receipts").await, 0);
    // The right amount then pays it.
    let right = transfer(reference, 15_000, "FT-RIGHT-1");
    let a = webhook(&t, &right, Sig::Good).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    assert_eq!(get_as(&t, &t.kiosk_a, id).await.body["status"], "paid");
}

#[tokio::test]
async fn unknown_expired_and_cancelled_intents_are_not_paid() {
    let t = app().await;
    problem(
        &webhook(&t, &transfer("MCAAAAAAAA", 15_000, "FT-UNKNOWN"), Sig::Good).await,
        StatusCode::NOT_FOUND,
        "payment_not_found",
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM bank_transactions WHERE outcome = 'unknown_reference' AND payment_id IS NULL")
            .await,
        1
    );

    let cancelled = new_intent(&t, &qr(FLAT)).await;
    let c_id = cancelled["id"].as_str().unwrap_or_default();
    assert_eq!(cancel_as(&t, &t.kiosk_a, c_id).await.status, StatusCode::OK);
    let late = transfer(
        cancelled["reference"].as_str().unwrap_or_default(),
        15_000,
        "FT-C",
    );
    problem(
        &webhook(&t, &late, Sig::Good).await,
        StatusCode::CONFLICT,
        "payment_closed",
    );
    assert_eq!(
        get_as(&t, &t.kiosk_a, c_id).await.body["status"],
        "cancelled"
    );

    let expiring = new_intent(&t, &qr(FLAT)).await;
    let e_id = expiring["id"].as_str().unwrap_or_default();
    t.advance(motcua_protocol::payments::PAYMENT_TTL_SECONDS);
    let late = transfer(
        expiring["reference"].as_str().unwrap_or_default(),
        15_000,
        "FT-E",
    );
    problem(
        &webhook(&t, &late, Sig::Good).await,
        StatusCode::CONFLICT,
        "payment_closed",
    );
    assert_eq!(get_as(&t, &t.kiosk_a, e_id).await.body["status"], "expired");
    // Money for closed intents is recorded for a refund by hand.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM bank_transactions WHERE outcome = 'closed'")
            .await,
        2
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM receipts").await, 0);
}

#[tokio::test]
async fn the_counter_lists_and_confirms_with_a_console_session_only() {
    let t = app().await;
    let first = new_intent(&t, &counter(FLAT)).await;
    t.advance(10);
    let second = new_intent(
        &t,
        &json!({"procedure_code": PER_COPY, "copies": 2, "method": "counter"}),
    )
    .await;
    new_intent(&t, &qr(FLAT)).await;
    let b = create_as(&t, &t.kiosk_b.clone(), "b-1", &counter(PER_COPY)).await;
    assert_eq!(b.status, StatusCode::CREATED);
    let cancelled = new_intent(&t, &counter(FLAT)).await;
    cancel_as(&t, &t.kiosk_a, cancelled["id"].as_str().unwrap_or_default()).await;

    let console = login(&t).await;
    let helper = unlock(&t).await;

    // No session, a kiosk's helper-mode token, a kiosk token, or garbage: refused.
    let kiosk_auth = bearer(&t.kiosk_a);
    for headers in [
        vec![],
        vec![("x-staff-token", helper.as_str())],
        vec![("authorization", kiosk_auth.as_str())],
        vec![("x-staff-token", "f00d")],
    ] {
        problem(
            &counter_list(&t, &headers, "").await,
            StatusCode::UNAUTHORIZED,
            "staff_unauthorized",
        );
        problem(
            &confirm(&t, &headers, first["id"].as_str().unwrap_or_default()).await,
            StatusCode::UNAUTHORIZED,
            "staff_unauthorized",
        );
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM receipts").await, 0);

    let by_header = [("x-staff-token", console.as_str())];
    let list = counter_list(&t, &by_header, "?status=pending").await;
    assert_eq!(list.status, StatusCode::OK, "{list:?}");
    let items = list.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 3, "pending counter intents only: {items:?}");
    assert_eq!(items[0]["id"], first["id"], "oldest first");
    assert_eq!(items[0]["kiosk"], "quay-a");
    assert_eq!(items[0]["procedure_code"], FLAT);
    assert_eq!(items[0]["procedure_name"], "Xác nhận tình trạng hôn nhân");
    assert_eq!(items[0]["amount"], 15_000);
    assert_eq!(items[0]["amount_text"], "15.000 đồng");
    assert_eq!(items[0]["counter_code"], first["counter_code"]);
    assert_eq!(items[0]["status"], "pending");
    assert_eq!(items[0]["created_at"], "2026-03-02T02:00:00Z");
    assert_eq!(items[1]["id"], second["id"]);
    assert_eq!(items[2]["kiosk"], "quay-b");
    problem(
        &counter_list(&t, &by_header, "?status=whatever").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    let c = counter_list(&t, &by_header, "?status=cancelled").await;
    assert_eq!(c.body["items"].as_array().map(Vec::len), Some(1));

    // Confirmed by the console cookie as well as the header.
    let cookie = format!("motcua_staff={console}");
    let by_cookie = [("cookie", cookie.as_str())];
    let id = second["id"].as_str().unwrap_or_default();
    let a = confirm(&t, &by_cookie, id).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    assert_eq!(a.body["status"], "paid");
    assert_eq!(a.body["receipt"]["number"], 1);
    assert_eq!(a.body["receipt"]["method"], "counter");
    assert_eq!(a.body["receipt"]["amount"], 16_000);
    let recorded: (String, String) =
        sqlx::query_as("SELECT p.confirmed_by_user, p.paid_by FROM payments p WHERE p.id = $1")
            .bind(id)
            .fetch_one(&t.db().await)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(recorded, (USER.to_owned(), "counter".to_owned()));
    // Bound, not written into the SQL: sqlx logs statements, and the log
    // test of this binary looks for the user name.
    let staff_match: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM payments p JOIN staff s ON s.id = p.confirmed_by WHERE s.user = $1",
    )
    .bind(USER)
    .fetch_one(&t.db().await)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(staff_match, 1);
    // The kiosk sees it paid.
    let seen = get_as(&t, &t.kiosk_a, id).await;
    assert_eq!(seen.body["status"], "paid");
    assert_eq!(seen.body["receipt"], a.body["receipt"]);

    // Confirming twice is refused: the second clerk must not take the money.
    problem(
        &confirm(&t, &by_header, id).await,
        StatusCode::CONFLICT,
        "payment_closed",
    );
    // Cancelled intents and VietQR ones are not the counter's to confirm.
    problem(
        &confirm(&t, &by_header, cancelled["id"].as_str().unwrap_or_default()).await,
        StatusCode::CONFLICT,
        "payment_closed",
    );
    let qr_only = new_intent(&t, &qr(PER_COPY)).await;
    problem(
        &confirm(&t, &by_header, qr_only["id"].as_str().unwrap_or_default()).await,
        StatusCode::NOT_FOUND,
        "payment_not_found",
    );
    problem(
        &confirm(&t, &by_header, "no-such-id").await,
        StatusCode::NOT_FOUND,
        "payment_not_found",
    );
    let left = counter_list(&t, &by_header, "").await;
    assert_eq!(left.body["items"].as_array().map(Vec::len), Some(2));
    let paid = counter_list(&t, &by_header, "?status=paid").await;
    assert_eq!(paid.body["items"][0]["id"], second["id"]);

    // After logout the console token no longer works.
    let out = send(
        &t,
        request("DELETE", "/v1/staff/sessions", &by_header, None),
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    problem(
        &counter_list(&t, &by_header, "").await,
        StatusCode::UNAUTHORIZED,
        "staff_unauthorized",
    );
}

#[tokio::test]
async fn cancel_rules() {
    let t = app().await;
    // A citizen switches from QR to cash: the QR intent is cancelled and a
    // counter intent created.
    let by_qr = new_intent(&t, &qr(PER_COPY)).await;
    let id = by_qr["id"].as_str().unwrap_or_default();
    problem(
        &cancel_as(&t, &t.kiosk_b, id).await,
        StatusCode::NOT_FOUND,
        "payment_not_found",
    );
    problem(
        &get_as(&t, &t.kiosk_b, id).await,
        StatusCode::NOT_FOUND,
        "payment_not_found",
    );
    let a = cancel_as(&t, &t.kiosk_a, id).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    assert_eq!(a.body["status"], "cancelled");
    let again = cancel_as(&t, &t.kiosk_a, id).await;
    assert_eq!(again.status, StatusCode::OK, "cancelling twice is harmless");
    assert_eq!(again.body["status"], "cancelled");
    let by_cash = new_intent(&t, &counter(PER_COPY)).await;
    assert_eq!(by_cash["status"], "pending");
    problem(
        &cancel_as(&t, &t.kiosk_a, "nope").await,
        StatusCode::NOT_FOUND,
        "payment_not_found",
    );
    let no_token = send(
        &t,
        request("POST", &format!("/v1/payments/{id}/cancel"), &[], None),
    )
    .await;
    problem(&no_token, StatusCode::UNAUTHORIZED, "kiosk_unauthorized");
}

#[tokio::test]
async fn expiry_follows_the_clock() {
    let t = app().await;
    let p = new_intent(&t, &counter(FLAT)).await;
    let id = p["id"].as_str().unwrap_or_default();
    let console = login(&t).await;
    let staff = [("x-staff-token", console.as_str())];
    t.advance(motcua_protocol::payments::PAYMENT_TTL_SECONDS - 1);
    assert_eq!(get_as(&t, &t.kiosk_a, id).await.body["status"], "pending");
    assert_eq!(
        counter_list(&t, &staff, "").await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    t.advance(1);
    assert_eq!(get_as(&t, &t.kiosk_a, id).await.body["status"], "expired");
    assert_eq!(
        counter_list(&t, &staff, "").await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let expired = counter_list(&t, &staff, "?status=expired").await;
    assert_eq!(expired.body["items"][0]["status"], "expired");
    problem(
        &confirm(&t, &staff, id).await,
        StatusCode::CONFLICT,
        "payment_closed",
    );
    problem(
        &cancel_as(&t, &t.kiosk_a, id).await,
        StatusCode::CONFLICT,
        "payment_closed",
    );
    // The same idempotency key still answers the expired intent, as it is.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM payments WHERE status = 'expired'")
            .await,
        1
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM receipts").await, 0);
}

async fn numbers(t: &TestApp, symbol: &str) -> Vec<i64> {
    sqlx::query_scalar("SELECT number FROM receipts WHERE symbol = $1 ORDER BY number")
        .bind(symbol)
        .fetch_all(&t.db().await)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn receipt_numbers_are_gap_free_under_concurrency() {
    let t = app().await;
    // Every other request goes to a second server on the same database.
    let instances = [t.state.clone(), second_instance(&t).await];
    let console = login(&t).await;
    let mut qr_refs = Vec::new();
    let mut counter_ids = Vec::new();
    for i in 0..50 {
        if i % 2 == 0 {
            let p = new_intent(&t, &qr(PER_COPY)).await;
            qr_refs.push(p["reference"].as_str().unwrap_or_default().to_owned());
        } else {
            let p = new_intent(&t, &counter(FLAT)).await;
            counter_ids.push(p["id"].as_str().unwrap_or_default().to_owned());
        }
    }
    // Intents that must not get a number: cancelled ones, raced for too.
    let mut closed_refs = Vec::new();
    let mut closed_ids = Vec::new();
    for _ in 0..3 {
        let q = new_intent(&t, &qr(PER_COPY)).await;
        cancel_as(&t, &t.kiosk_a, q["id"].as_str().unwrap_or_default()).await;
        closed_refs.push(q["reference"].as_str().unwrap_or_default().to_owned());
        let c = new_intent(&t, &counter(FLAT)).await;
        cancel_as(&t, &t.kiosk_a, c["id"].as_str().unwrap_or_default()).await;
        closed_ids.push(c["id"].as_str().unwrap_or_default().to_owned());
    }

    let mut tasks = tokio::task::JoinSet::new();
    let hook = |i: usize, reference: String, tx: String, want: StatusCode| {
        let state = instances[i % 2].clone();
        async move {
            let body = transfer(&reference, 8000, &tx);
            let a = send_to(&state, webhook_request(&body, &Sig::Good)).await;
            assert_eq!(a.status, want, "{a:?}");
        }
    };
    let confirm_one = |i: usize, id: String, want: Option<StatusCode>| {
        let state = instances[i % 2].clone();
        let console = console.clone();
        async move {
            let req = request(
                "POST",
                &format!("/v1/counter/payments/{id}/confirm"),
                &[("x-staff-token", &console)],
                None,
            );
            let a = send_to(&state, req).await;
            match want {
                Some(w) => assert_eq!(a.status, w, "{a:?}"),
                // A duplicate: one of the two wins, the other is closed.
                None => assert!(
                    a.status == StatusCode::OK || a.status == StatusCode::CONFLICT,
                    "{a:?}"
                ),
            }
        }
    };
    for (i, reference) in qr_refs.iter().enumerate() {
        tasks.spawn(hook(
            i,
            reference.clone(),
            format!("FT-{i}"),
            StatusCode::OK,
        ));
        if i % 5 == 0 {
            // The bank delivers some twice, at once (to the other server).
            tasks.spawn(hook(
                i + 1,
                reference.clone(),
                format!("FT-{i}"),
                StatusCode::OK,
            ));
        }
    }
    for (i, id) in counter_ids.iter().enumerate() {
        tasks.spawn(confirm_one(i, id.clone(), None));
        if i % 5 == 0 {
            tasks.spawn(confirm_one(i + 1, id.clone(), None));
        }
    }
    for (i, reference) in closed_refs.iter().enumerate() {
        tasks.spawn(hook(
            i,
            reference.clone(),
            format!("FT-closed-{i}"),
            StatusCode::CONFLICT,
        ));
    }
    for (i, id) in closed_ids.iter().enumerate() {
        tasks.spawn(confirm_one(i, id.clone(), Some(StatusCode::CONFLICT)));
    }
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done {
            std::panic::resume_unwind(e.into_panic());
        }
    }

    assert_eq!(numbers(&t, "AA-26E").await, (1..=50).collect::<Vec<i64>>());
    assert_eq!(
        t.count("SELECT COUNT(*) FROM payments WHERE status = 'paid'")
            .await,
        50
    );
    assert_eq!(
        t.count(
            "SELECT last_number FROM receipt_sequences WHERE symbol = 'AA-26E' AND year = 2026"
        )
        .await,
        50
    );
}

#[tokio::test]
async fn the_year_in_vietnam_starts_a_new_symbol_and_sequence() {
    // 16:55 UTC on 31 December is 23:55 in Hà Nội.
    let t = app_at(time::macros::datetime!(2026-12-31 16:55 UTC)).await;
    let console = login(&t).await;
    let staff = [("x-staff-token", console.as_str())];
    let old = new_intent(&t, &counter(FLAT)).await;
    let new = new_intent(&t, &counter(FLAT)).await;
    let a = confirm(&t, &staff, old["id"].as_str().unwrap_or_default()).await;
    assert_eq!(a.body["receipt"]["symbol"], "AA-26E");
    assert_eq!(a.body["receipt"]["number"], 1);
    t.advance(6 * 60); // 00:01 on 1 January 2027 in Hà Nội
    let b = confirm(&t, &staff, new["id"].as_str().unwrap_or_default()).await;
    assert_eq!(b.body["receipt"]["symbol"], "AA-27E");
    assert_eq!(b.body["receipt"]["number"], 1);
    assert_eq!(b.body["receipt"]["template"], "01BLP0-001");
}

#[test]
fn every_problem_message_is_nfc() {
    use unicode_normalization::is_nfc;
    for c in motcua_protocol::ProblemCode::ALL {
        assert!(is_nfc(c.message_vi()), "{}", c.as_str());
    }
}

#[tokio::test]
async fn the_log_holds_no_secret_signature_token_code_or_reference() {
    let captured = capture_logs();
    let t = app().await;
    let paid_by_bank = new_intent(&t, &qr(PER_COPY)).await;
    let reference = paid_by_bank["reference"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let body = transfer(&reference, 8000, "FT-LOG-1");
    let signature = motcua_server::sign_webhook(WEBHOOK_SECRET, &body);
    let forged = motcua_server::sign_webhook("a-guess-at-the-secret", &body);
    assert_eq!(
        webhook(&t, &body, Sig::Header(&forged)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let short = transfer(&reference, 5000, "FT-LOG-0");
    assert_eq!(
        webhook(&t, &short, Sig::Good).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        webhook(&t, &body, Sig::Header(&signature)).await.status,
        StatusCode::OK
    );
    assert_eq!(webhook(&t, &body, Sig::Good).await.status, StatusCode::OK);

    let at_counter = new_intent(&t, &counter(FLAT)).await;
    let code = at_counter["counter_code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let counter_ref = at_counter["reference"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let console = login(&t).await;
    let helper = unlock(&t).await;
    let id = at_counter["id"].as_str().unwrap_or_default();
    assert_eq!(
        confirm(&t, &[("x-staff-token", &helper)], id).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        confirm(&t, &[("x-staff-token", &console)], id).await.status,
        StatusCode::OK
    );
    let cancelled = new_intent(&t, &qr(FLAT)).await;
    cancel_as(&t, &t.kiosk_a, cancelled["id"].as_str().unwrap_or_default()).await;

    let log = captured.text();
    for expected in [
        "payment intent created",
        "bank webhook refused: missing or wrong signature",
        "bank transfer amount differs",
        "bank transfer applied, receipt issued",
        "bank transaction replayed",
        "counter payment confirmed, receipt issued",
        "console token refused",
        "payment intent cancelled",
        "quay-a",
        paid_by_bank["id"].as_str().unwrap_or_default(),
    ] {
        assert!(
            log.contains(expected),
            "{expected:?} not in the log:\n{log}"
        );
    }
    let helper_sig = signature.trim_start_matches("sha256=");
    // The 6-digit code as a token of its own (a timestamp's microseconds
    // may hold the same digits).
    let standalone = |hay: &str, needle: &str| {
        hay.match_indices(needle).any(|(i, _)| {
            let before = hay[..i].chars().next_back();
            let after = hay[i + needle.len()..].chars().next();
            ![before, after]
                .into_iter()
                .flatten()
                .any(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
    };
    assert!(
        !standalone(&log, &code),
        "the counter code {code} in the log:\n{log}"
    );
    for secret in [
        WEBHOOK_SECRET,
        helper_sig,
        forged.trim_start_matches("sha256="),
        &t.kiosk_a,
        &t.kiosk_b,
        &console,
        &helper,
        USER,
        PASSWORD,
        PIN,
        "Nguyễn Thị Lan",
        &reference,
        &counter_ref,
        BANK_ACCOUNT,
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}

#[tokio::test]
async fn over_a_real_socket_with_the_kiosk_client() {
    use motcua_core::client::{ApiClient, ClientError};
    use motcua_protocol::{
        Exemption, FeeQuoteRequest, NewPayment, PaymentMethod, PaymentStatus, ProblemCode,
    };

    let t = app().await;
    let running = serve(t.state.clone()).await;
    let client = ApiClient::new(&running.url(), &t.kiosk_a).unwrap_or_else(|e| panic!("{e}"));

    let q = client
        .quote_fee(&FeeQuoteRequest {
            procedure_code: PER_PAGE.into(),
            copies: Some(2),
            pages: Some(3),
            exemption: None,
        })
        .await
        .unwrap_or_else(|e| panic!("quote: {e}"));
    assert_eq!(q.amount, 10_000);
    assert_eq!(q.amount_in_words, "Mười nghìn đồng");
    let exempt = client
        .quote_fee(&FeeQuoteRequest {
            procedure_code: PER_COPY.into(),
            copies: None,
            pages: None,
            exemption: Some(Exemption::NguoiCoCong),
        })
        .await
        .unwrap_or_else(|e| panic!("quote: {e}"));
    assert_eq!(exempt.amount, 0);
    assert!(exempt.exemption.is_some());

    let by_qr = NewPayment {
        procedure_code: PER_PAGE.into(),
        copies: Some(2),
        pages: Some(3),
        exemption: None,
        method: PaymentMethod::Vietqr,
    };
    let p = client
        .create_payment("kiosk-a-0001", &by_qr)
        .await
        .unwrap_or_else(|e| panic!("create: {e}"));
    assert_eq!(p.amount, 10_000);
    assert!(p.vietqr.is_some());
    let same = client
        .create_payment("kiosk-a-0001", &by_qr)
        .await
        .unwrap_or_else(|e| panic!("create again: {e}"));
    assert_eq!(same, p);
    let cancelled = client
        .cancel_payment(&p.id)
        .await
        .unwrap_or_else(|e| panic!("cancel: {e}"));
    assert_eq!(cancelled.status, PaymentStatus::Cancelled);

    let by_cash = NewPayment {
        method: PaymentMethod::Counter,
        ..by_qr.clone()
    };
    let c = client
        .create_payment("kiosk-a-0002", &by_cash)
        .await
        .unwrap_or_else(|e| panic!("create: {e}"));
    assert!(c.counter_code.is_some());

    let helper = client
        .unlock_staff(USER, PIN)
        .await
        .unwrap_or_else(|e| panic!("unlock: {e}"));
    let refused = client.confirm_counter_payment(&helper.token, &c.id).await;
    assert_eq!(
        refused.as_ref().err().and_then(ClientError::problem_code),
        Some(ProblemCode::StaffUnauthorized),
        "{refused:?}"
    );
    let console = login(&t).await;
    let pending = client
        .counter_payments(&console)
        .await
        .unwrap_or_else(|e| panic!("list: {e}"));
    assert_eq!(pending.items.len(), 1);
    assert_eq!(
        pending.items[0].counter_code,
        c.counter_code.clone().unwrap_or_default()
    );
    let paid = client
        .confirm_counter_payment(&console, &c.id)
        .await
        .unwrap_or_else(|e| panic!("confirm: {e}"));
    assert_eq!(paid.status, PaymentStatus::Paid);
    let receipt = paid.receipt.clone().unwrap_or_else(|| panic!("no receipt"));
    assert_eq!(receipt.number, 1);
    assert_eq!(receipt.amount_in_words, "Mười nghìn đồng");
    assert_eq!(client.payment(&c.id).await.ok(), Some(paid));

    let free = client
        .create_payment(
            "kiosk-a-0003",
            &NewPayment {
                procedure_code: FREE.into(),
                copies: None,
                pages: None,
                exemption: None,
                method: PaymentMethod::Vietqr,
            },
        )
        .await;
    assert_eq!(
        free.as_ref().err().and_then(ClientError::problem_code),
        Some(ProblemCode::FreeProcedure),
        "{free:?}"
    );
    let other = ApiClient::new(&running.url(), &t.kiosk_b).unwrap_or_else(|e| panic!("{e}"));
    let hidden = other.payment(&c.id).await;
    assert_eq!(
        hidden.as_ref().err().and_then(ClientError::problem_code),
        Some(ProblemCode::PaymentNotFound),
        "{hidden:?}"
    );
    running.shutdown().await;
}
