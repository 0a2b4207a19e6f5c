//! The API against a real SQLite file: the router called directly, and once
//! over a real socket through the kiosk's own client.

#[path = "support/app.rs"]
mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use motcua_server::{AppState, Config};
use serde_json::{Value, json};

struct TestApp {
    _dir: support::DataDir,
    state: AppState,
    /// The token of the kiosk `kiosk-01`, sent with every call.
    token: String,
}

/// Registers `name` and returns its token.
async fn add_kiosk(state: &AppState, name: &str) -> String {
    support::kiosk_token(state, name, time::OffsetDateTime::now_utc()).await
}

async fn app() -> TestApp {
    let (dir, state) = support::open_state().await;
    let token = add_kiosk(&state, "kiosk-01").await;
    TestApp {
        _dir: dir,
        state,
        token,
    }
}

/// Calls the router as the kiosk `kiosk-01`, unless the request already
/// has an `Authorization` header.
async fn call(t: &TestApp, mut req: Request<Body>) -> (StatusCode, String, Value) {
    if !req.headers().contains_key(header::AUTHORIZATION) {
        let bearer = format!("Bearer {}", t.token);
        req.headers_mut().insert(
            header::AUTHORIZATION,
            bearer.parse().unwrap_or_else(|e| panic!("{e}")),
        );
    }
    call_bare(t, req).await
}

/// Calls the router with the request as it is.
async fn call_bare(t: &TestApp, req: Request<Body>) -> (StatusCode, String, Value) {
    let a = support::send_to(&t.state, req).await;
    let ctype = a
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (a.status, ctype, a.body)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap_or_default()
}

fn post_json(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .unwrap_or_default()
}

#[tokio::test]
async fn healthz_reports_the_catalog_size() {
    let t = app().await;
    let (status, _, body) = call(&t, get("/healthz")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["procedures"], 10);
}

#[tokio::test]
async fn openapi_document_is_openapi_3_and_names_every_route() {
    let t = app().await;
    let (status, _, doc) = call(&t, get("/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    for path in [
        "/healthz",
        "/v1/catalog",
        "/v1/procedures/{code}",
        "/v1/help-requests",
        "/v1/accounts/lookup",
        "/v1/accounts/otp",
        "/v1/accounts/verify",
        "/v1/accounts/vouch",
        "/v1/staff/sessions",
        "/v1/staff/unlock",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the document"
        );
    }
    for schema in [
        "Catalog",
        "Procedure",
        "FeeRule",
        "Problem",
        "NewHelpRequest",
        "AccountLookup",
        "AccountLookupResult",
        "NewOtpChallenge",
        "OtpChallenge",
        "OtpVerify",
        "AccountVerified",
        "NewVouch",
        "VouchedAccount",
        "StaffLogin",
        "StaffUnlock",
        "StaffSession",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} schema missing"
        );
    }
}

#[tokio::test]
async fn catalog_and_one_procedure() {
    let t = app().await;
    let (status, _, cat) = call(&t, get("/v1/catalog")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cat["procedures"].as_array().map(Vec::len), Some(10));
    let (status, _, p) = call(&t, get("/v1/procedures/2.000815")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["name"], "Chứng thực bản sao từ bản chính");
    assert_eq!(p["fee"]["kind"], "per_page");
    assert_eq!(p["fee"]["max_per_copy"], 200_000);
}

#[tokio::test]
async fn unknown_procedure_and_route_are_problem_documents() {
    let t = app().await;
    for (uri, code) in [
        ("/v1/procedures/9.999999", "not_found"),
        ("/v1/nothing-here", "not_found"),
        ("/v2/catalog", "not_found"),
    ] {
        let (status, ctype, body) = call(&t, get(uri)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(ctype, "application/problem+json", "{uri}");
        assert_eq!(body["code"], code, "{uri}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let req = Request::delete("/v1/catalog")
        .body(Body::empty())
        .unwrap_or_default();
    let (status, _, body) = call(&t, req).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["code"], "method_not_allowed");
}

#[tokio::test]
async fn help_request_is_recorded_and_listed() {
    let t = app().await;
    let (status, _, created) = call(
        &t,
        post_json(
            "/v1/help-requests",
            json!({"kiosk_id": "kiosk-01", "step": "procedure-detail", "procedure_code": "2.000815"})
                .to_string(),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "open");
    let (status, _, list) = call(&t, get("/v1/help-requests")).await;
    assert_eq!(status, StatusCode::OK);
    let items = list["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], created["id"]);
    assert_eq!(items[0]["kiosk_id"], "kiosk-01");
    assert_eq!(items[0]["procedure_code"], "2.000815");
}

#[tokio::test]
async fn bad_help_requests_are_refused_and_change_nothing() {
    let t = app().await;
    let long = "x".repeat(65);
    let big = format!(r#"{{"kiosk_id":"k","step":"{}"}}"#, "y".repeat(70_000));
    let cases: Vec<(String, StatusCode, &str)> = vec![
        ("{".into(), StatusCode::BAD_REQUEST, "invalid_request"),
        ("[]".into(), StatusCode::BAD_REQUEST, "invalid_request"),
        (
            r#"{"kiosk_id":"k"}"#.into(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            r#"{"kiosk_id":"","step":"s"}"#.into(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            json!({"kiosk_id": long, "step": "s"}).to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            json!({"kiosk_id": "k\u{7}", "step": "s"}).to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            json!({"kiosk_id": "k", "step": "s", "extra": 1}).to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            json!({"kiosk_id": "k", "step": "s", "procedure_code": "9.999999"}).to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (big, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
    ];
    for (body, want_status, want_code) in cases {
        let shown: String = body.chars().take(60).collect();
        let (status, ctype, problem) = call(&t, post_json("/v1/help-requests", body)).await;
        assert_eq!(status, want_status, "{shown}");
        assert_eq!(ctype, "application/problem+json", "{shown}");
        assert_eq!(problem["code"], want_code, "{shown}");
    }
    // Not JSON at all.
    let req = Request::post("/v1/help-requests")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("help"))
        .unwrap_or_default();
    let (status, _, _) = call(&t, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, _, list) = call(&t, get("/v1/help-requests")).await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "a refusal stored something"
    );
}

#[tokio::test]
async fn a_help_request_records_the_authenticated_kiosk_not_the_body() {
    let t = app().await;
    // Registered in NFD, stored and recorded in NFC.
    let nfd = "Qua\u{0302}\u{0300}y 1";
    let quay = add_kiosk(&t.state, nfd).await;
    let req = Request::post("/v1/help-requests")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {quay}"))
        .body(Body::from(
            json!({"kiosk_id": "kiosk-01", "step": "welcome"}).to_string(),
        ))
        .unwrap_or_default();
    let (status, _, created) = call(&t, req).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["kiosk_id"], "Quầy 1");
    let (_, _, list) = call(&t, get("/v1/help-requests")).await;
    assert_eq!(list["items"][0]["kiosk_id"], "Quầy 1");
}

#[tokio::test]
async fn help_requests_survive_a_restart_of_the_server() {
    let dir = support::DataDir::new().await;
    let config = dir.config();
    {
        let state = AppState::open(&config)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let token = add_kiosk(&state, "k").await;
        let t = TestApp {
            _dir: support::DataDir::new().await,
            state,
            token,
        };
        let (status, _, _) = call(
            &t,
            post_json(
                "/v1/help-requests",
                json!({"kiosk_id": "k", "step": "s"}).to_string(),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let state = AppState::open(&config)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        state.store.open_help_requests().await.map(|v| v.len()).ok(),
        Some(1)
    );
}

#[tokio::test]
async fn a_broken_catalog_file_stops_the_server_with_every_problem_named() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("catalog.toml");
    let broken =
        motcua_core::catalog::SAMPLE_TOML.replacen("field = \"ho-tich\"", "field = \"nope\"", 1);
    std::fs::write(&path, broken).unwrap_or_else(|e| panic!("{e}"));
    let config = Config::new(dir.path().to_path_buf());
    match AppState::open(&config).await {
        Err(e) => assert!(e.to_string().contains("unknown field \"nope\""), "{e}"),
        Ok(_) => panic!("a broken catalog was accepted"),
    }
}

#[tokio::test]
async fn over_a_real_socket_with_the_kiosk_client() {
    let (_dir, state) = support::open_state().await;
    let token = add_kiosk(&state, "kiosk-socket").await;
    let running = support::serve(state).await;
    let client = motcua_core::client::ApiClient::new(&running.url(), &token)
        .unwrap_or_else(|e| panic!("client: {e}"));
    let health = client
        .health()
        .await
        .unwrap_or_else(|e| panic!("health: {e}"));
    assert_eq!(health.procedures, 10);
    let catalog = client
        .catalog()
        .await
        .unwrap_or_else(|e| panic!("catalog: {e}"));
    assert!(catalog.procedures.iter().any(|p| p.code == "1.004222"));
    let created = client
        .create_help_request(&motcua_protocol::NewHelpRequest {
            kiosk_id: "kiosk-socket".into(),
            step: "welcome".into(),
            procedure_code: None,
        })
        .await
        .unwrap_or_else(|e| panic!("help: {e}"));
    let list = client
        .help_requests()
        .await
        .unwrap_or_else(|e| panic!("list: {e}"));
    assert_eq!(list.items.first().map(|h| &h.id), Some(&created.id));
    // A refusal reaches the client as the server's problem document.
    let refused = client
        .create_help_request(&motcua_protocol::NewHelpRequest {
            kiosk_id: String::new(),
            step: "welcome".into(),
            procedure_code: None,
        })
        .await;
    match refused {
        Err(motcua_core::client::ClientError::Problem(p)) => {
            assert_eq!(p.code, motcua_protocol::ProblemCode::InvalidRequest)
        }
        other => panic!("expected a problem, got {other:?}"),
    }
    running.shutdown().await;
    assert!(
        client.health().await.is_err(),
        "server still answers after shutdown"
    );
}
