//! Kiosk tokens: every kiosk-facing route refuses a request without the
//! token of a registered, unrevoked kiosk; the open routes stay open; only a
//! hash of a token is ever stored.

#[path = "support/app.rs"]
mod support;

use axum::http::{HeaderMap, StatusCode, header};
use motcua_server::{AppState, KioskError};
use serde_json::{Value, json};
use support::{open_state, request, send_to};

struct TestApp {
    dir: support::DataDir,
    state: AppState,
}

async fn app() -> TestApp {
    let (dir, state) = open_state().await;
    TestApp { dir, state }
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

async fn add(t: &TestApp, name: &str) -> String {
    support::kiosk_token(&t.state, name, now()).await
}

async fn call(
    t: &TestApp,
    method: &str,
    uri: &str,
    auth: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, HeaderMap, Value) {
    let headers: Vec<(&str, &str)> = auth.map(|a| ("authorization", a)).into_iter().collect();
    let req = request(method, uri, &headers, body);
    let a = send_to(&t.state, req).await;
    (a.status, a.headers, a.body)
}

/// One request of each kiosk-facing route, with a body that would be
/// accepted (or at least reach the handler) with a good token.
fn kiosk_routes() -> Vec<(&'static str, &'static str, Option<Value>)> {
    let identity = json!({
        "id_number": "001089012345",
        "full_name": "NGUYỄN VĂN AN",
        "date_of_birth": "1989-03-15",
        "sex": "male",
        "address": "Số 5, Đông Sơn, Thanh Hóa",
    });
    let mut otp = identity.clone();
    otp["phone"] = json!("0912345678");
    let mut vouch = identity;
    vouch["reason"] = json!("Không có điện thoại");
    vec![
        ("GET", "/v1/catalog", None),
        ("GET", "/v1/procedures/2.000815", None),
        ("GET", "/v1/help-requests", None),
        (
            "POST",
            "/v1/help-requests",
            Some(json!({"kiosk_id": "k", "step": "welcome"})),
        ),
        (
            "POST",
            "/v1/accounts/lookup",
            Some(json!({"id_number": "001089012345"})),
        ),
        ("POST", "/v1/accounts/otp", Some(otp)),
        (
            "POST",
            "/v1/accounts/verify",
            Some(json!({"challenge_id": uuid_like(), "code": "123456"})),
        ),
        ("POST", "/v1/accounts/vouch", Some(vouch)),
        (
            "POST",
            "/v1/staff/unlock",
            Some(json!({"user": "canbo.lan", "pin": "482916"})),
        ),
        (
            "POST",
            "/v1/uploads",
            Some(json!({"sha256": SHA, "size": 10})),
        ),
        ("GET", UPLOAD_URI, None),
        ("PATCH", UPLOAD_URI, None),
        (
            "POST",
            "/v1/dossiers",
            Some(
                json!({"procedure_code": "1.000656", "applicant": {"full_name": "A",
                "id_number": "001089012345", "address": "X"}, "components": []}),
            ),
        ),
        (
            "POST",
            "/v1/dossiers/lookup",
            Some(json!({"code": "261126-0001", "secret": "123456"})),
        ),
    ]
}

const SHA: &str = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
const UPLOAD_URI: &str =
    "/v1/uploads/5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

fn uuid_like() -> &'static str {
    "0b5a3c1e-1f0e-4d55-9a43-2f1f8f0c9a11"
}

#[tokio::test]
async fn every_kiosk_route_refuses_a_missing_bad_or_revoked_token() {
    let t = app().await;
    let good = add(&t, "quay-1").await;
    let revoked = add(&t, "quay-2").await;
    assert!(
        t.state
            .store
            .revoke_kiosk("quay-2", now())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    );
    let replaced = add(&t, "quay-3").await;
    t.state
        .store
        .renew_kiosk("quay-3", now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let refused: Vec<(String, Option<String>)> = vec![
        ("no header".into(), None),
        ("empty bearer".into(), Some("Bearer ".into())),
        ("another scheme".into(), Some(format!("Basic {good}"))),
        (
            "unknown token".into(),
            Some(format!("Bearer {}", "ab".repeat(32))),
        ),
        (
            "token with a digit changed".into(),
            Some(format!("Bearer {}x", &good[..63])),
        ),
        ("revoked token".into(), Some(format!("Bearer {revoked}"))),
        ("replaced token".into(), Some(format!("Bearer {replaced}"))),
        ("the hash of a token".into(), {
            use sha2::Digest;
            let h = sha2::Sha256::digest(good.as_bytes());
            Some(format!(
                "Bearer {}",
                h.iter().map(|b| format!("{b:02x}")).collect::<String>()
            ))
        }),
    ];
    for (method, uri, body) in kiosk_routes() {
        for (what, auth) in &refused {
            let (status, headers, problem) =
                call(&t, method, uri, auth.as_deref(), body.as_ref()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}, {what}");
            assert_eq!(
                problem["code"], "kiosk_unauthorized",
                "{method} {uri}, {what}"
            );
            assert_eq!(problem["status"], 401);
            assert_eq!(
                headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok()),
                Some("application/problem+json")
            );
            assert_eq!(
                headers
                    .get(header::WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok()),
                Some("Bearer realm=\"motcua\""),
                "{method} {uri}, {what}"
            );
        }
        // The good token gets past the check (whatever the handler says).
        let (_, _, body) = call(
            &t,
            method,
            uri,
            Some(&format!("Bearer {good}")),
            body.as_ref(),
        )
        .await;
        assert_ne!(body["code"], "kiosk_unauthorized", "{method} {uri}: {body}");
    }
    // The refusals stored nothing: the one accepted help request, one code
    // sent, no account.
    let help = t
        .state
        .store
        .open_help_requests()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(help.len(), 1);
    assert_eq!(help[0].kiosk_id, "quay-1");
    let (accounts, challenges, _) = t
        .state
        .store
        .account_counts()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((accounts, challenges), (0, 1));
}

#[tokio::test]
async fn health_and_the_openapi_document_need_no_token() {
    let t = app().await;
    for uri in ["/healthz", "/openapi.json"] {
        let (status, _, body) = call(&t, "GET", uri, None, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    }
    // An unknown path is still a 404, token or not.
    let (status, _, body) = call(&t, "GET", "/v1/nothing-here", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let t = app().await;
    let mut tokens = Vec::new();
    for name in ["quay-1", "quay-2", "quay-3"] {
        tokens.push(add(&t, name).await);
    }
    tokens.push(
        t.state
            .store
            .renew_kiosk("quay-2", now())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .expose()
            .to_owned(),
    );
    for tok in &tokens {
        assert_eq!(tok.len(), 64, "{tok}");
        assert!(tok.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    // Everything the database holds, read raw (SQLite's files, or every
    // PostgreSQL row as text).
    let bytes = support::stored_bytes(&t.dir, &t.state).await;
    assert!(!bytes.is_empty(), "no database content found");
    for tok in &tokens {
        assert!(
            !bytes.windows(tok.len()).any(|w| w == tok.as_bytes()),
            "a token in clear in the database"
        );
    }
    // What is stored is the SHA-256 of the token.
    let (hash,): (String,) = sqlx::query_as("SELECT token_hash FROM kiosks WHERE name = 'quay-1'")
        .fetch_one(t.state.store.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    use sha2::Digest;
    let want: String = sha2::Sha256::digest(tokens[0].as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash, want);
}

#[tokio::test]
async fn adding_revoking_and_listing_kiosks() {
    let t = app().await;
    let first = add(&t, "quay-1").await;
    match t.state.store.add_kiosk(" quay-1 ", now()).await {
        Err(KioskError::Exists(n)) => assert_eq!(n, "quay-1"),
        other => panic!("a second quay-1 was added: {other:?}"),
    }
    for bad in ["", "  ", "a\u{7}b"] {
        assert!(
            matches!(
                t.state.store.add_kiosk(bad, now()).await,
                Err(KioskError::BadName(_))
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        t.state.store.revoke_kiosk("nope", now()).await,
        Err(KioskError::Unknown(_))
    ));
    let store = &t.state.store;
    assert_eq!(
        store.kiosk_by_token(&first).await.ok().flatten().as_deref(),
        Some("quay-1")
    );
    assert!(
        store
            .revoke_kiosk("quay-1", now())
            .await
            .unwrap_or_default()
    );
    assert!(!store.revoke_kiosk("quay-1", now()).await.unwrap_or(true));
    assert_eq!(store.kiosk_by_token(&first).await.ok().flatten(), None);
    // A revoked name stays taken; renewing lifts the revocation.
    assert!(matches!(
        store.add_kiosk("quay-1", now()).await,
        Err(KioskError::Exists(_))
    ));
    let list = store.kiosks().await.unwrap_or_default();
    assert_eq!(list.len(), 1);
    assert!(list[0].revoked_at.is_some());
    let renewed = store
        .renew_kiosk("quay-1", now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(renewed.expose(), first);
    assert_eq!(
        store
            .kiosk_by_token(renewed.expose())
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("quay-1")
    );
    assert!(
        store.kiosks().await.unwrap_or_default()[0]
            .revoked_at
            .is_none()
    );
}

#[test]
fn every_problem_message_is_nfc_vietnamese() {
    for code in motcua_protocol::ProblemCode::ALL {
        let m = code.message_vi();
        assert!(motcua_core::text::is_nfc(m), "{} is not NFC", code.as_str());
    }
}
