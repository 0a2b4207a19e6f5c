//! The commands wired through Tauri's mock runtime (no display), against the
//! embedded backend on a real SQLite file.

use motcua_kiosk::{Kiosk, Options};
use serde_json::{Value, json};
use tauri::Manager;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;

struct Harness {
    dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    window: tauri::WebviewWindow<MockRuntime>,
}

/// The page source the options name (none by default).
fn options_scanner(options: &Options) -> std::sync::Arc<motcua_kiosk::scanning::Scanner> {
    std::sync::Arc::new(
        motcua_kiosk::scanning::Scanner::new(options.scanner.as_deref().unwrap_or("none"))
            .unwrap_or_else(|e| panic!("scanner: {e}")),
    )
}

fn harness(options: Options) -> Harness {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let kiosk = tauri::async_runtime::block_on(Kiosk::start(&options, dir.path()))
        .unwrap_or_else(|e| panic!("kiosk start: {e:#}"));
    let app = mock_builder()
        .invoke_handler(motcua_kiosk::specta_builder::<MockRuntime>().invoke_handler())
        .manage(kiosk)
        .manage(motcua_kiosk::speech::Speech::default())
        .manage(motcua_kiosk::session::Session::default())
        .manage(motcua_kiosk::camera::CameraService::none())
        .manage(options_scanner(&options))
        .manage(motcua_kiosk::heartbeat::Heartbeat::default())
        .manage(
            motcua_kiosk::printing::ReceiptPrinter::new(
                options.printer.as_deref().unwrap_or("none"),
            )
            .unwrap_or_else(|e| panic!("printer: {e}")),
        )
        .build(mock_context(noop_assets()))
        .unwrap_or_else(|e| panic!("mock app: {e}"));
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap_or_else(|e| panic!("window: {e}"));
    Harness {
        dir,
        _app: app,
        window,
    }
}

fn invoke(h: &Harness, cmd: &str, args: Value) -> Result<Value, Value> {
    let req = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost"
            .parse()
            .unwrap_or_else(|e| panic!("url: {e}")),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&h.window, req).map(|body| {
        body.deserialize::<Value>()
            .unwrap_or_else(|e| panic!("response is not JSON: {e}"))
    })
}

#[test]
fn embedded_backend_serves_the_catalog_through_the_commands() {
    let h = harness(Options::default());
    let info = invoke(&h, "kiosk_info", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info["embedded"], true);
    assert_eq!(info["kioskId"], "kiosk-1");
    assert_eq!(info["idleSeconds"], 120);
    assert_eq!(info["countdownSeconds"], 30);
    assert!(
        info["backendUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://127.0.0.1:")),
        "{info}"
    );

    let catalog = invoke(&h, "list_procedures", json!({})).unwrap_or_else(|e| panic!("{e}"));
    let fields = catalog["fields"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(names, ["Hộ tịch", "Chứng thực", "Cư trú"]);
    let procedures: usize = fields
        .iter()
        .map(|f| f["procedures"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(procedures, 10);

    let p =
        invoke(&h, "get_procedure", json!({"code": "2.000635"})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p["name"], "Cấp bản sao trích lục hộ tịch");
    assert_eq!(p["feeText"], "8.000 đồng mỗi bản");
    assert_eq!(p["feeInWords"], "Tám nghìn đồng mỗi bản");
    assert_eq!(p["fieldName"], "Hộ tịch");

    let free =
        invoke(&h, "get_procedure", json!({"code": "1.001193"})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(free["feeText"], "Miễn phí");
    assert_eq!(free["feeInWords"], Value::Null);
    assert!(
        free["feeCondition"]
            .as_str()
            .is_some_and(|c| c.contains("đúng hạn"))
    );
}

#[test]
fn unknown_procedure_is_a_not_found_error() {
    let h = harness(Options::default());
    let err = invoke(&h, "get_procedure", json!({"code": "9.999999"}))
        .err()
        .unwrap_or_else(|| panic!("unknown code accepted"));
    assert_eq!(err["code"], "not_found", "{err}");
}

#[test]
fn call_helper_records_the_request_on_the_backend() {
    let h = harness(Options {
        kiosk_id: Some("quay-3".into()),
        ..Options::default()
    });
    let call = invoke(
        &h,
        "call_helper",
        json!({"step": "procedure-detail", "procedureCode": "2.000815"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let id = call["requestId"].as_str().unwrap_or_default().to_owned();
    assert!(!id.is_empty());

    let kiosk = h.window.state::<Kiosk>();
    let list = tauri::async_runtime::block_on(kiosk.client.help_requests())
        .unwrap_or_else(|e| panic!("list: {e}"));
    let got = list.items.iter().find(|r| r.id == id);
    assert!(got.is_some_and(|r| r.kiosk_id == "quay-3"
        && r.step == "procedure-detail"
        && r.procedure_code.as_deref() == Some("2.000815")));
}

#[test]
fn refused_help_call_is_an_invalid_request_error() {
    let h = harness(Options::default());
    let err = invoke(
        &h,
        "call_helper",
        json!({"step": "", "procedureCode": null}),
    )
    .err()
    .unwrap_or_else(|| panic!("empty step accepted"));
    assert_eq!(err["code"], "invalid_request", "{err}");
}

#[test]
fn unreachable_backend_is_reported_not_panicked() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let h = harness(Options {
        backend: Some(format!("http://127.0.0.1:{port}")),
        backend_token: Some(motcua_server::Secret::new("t0ken")),
        ..Options::default()
    });
    let info = invoke(&h, "kiosk_info", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info["embedded"], false);
    let err = invoke(&h, "list_procedures", json!({}))
        .err()
        .unwrap_or_else(|| panic!("closed port answered"));
    assert_eq!(err["code"], "backend_unreachable", "{err}");
}

#[test]
fn speech_commands_refuse_empty_text_and_stop_cleanly() {
    let h = harness(Options::default());
    let settings = json!({"rate": "slow", "volume": "normal"});
    let err = invoke(&h, "speak", json!({"text": "  \n ", "settings": settings}))
        .err()
        .unwrap_or_else(|| panic!("empty text accepted"));
    assert_eq!(err["code"], "invalid_request", "{err}");
    let bad = invoke(
        &h,
        "speak",
        json!({"text": "Xin chào", "settings": {"rate": "warp"}}),
    );
    assert!(bad.is_err(), "an unknown rate was accepted");
    assert!(invoke(&h, "stop_speaking", json!({})).is_ok());
}

#[test]
fn read_card_shows_the_card_and_sorts_refusals_into_three_answers() {
    let h = harness(Options::default());
    let payload = "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021\r\n";
    let card =
        invoke(&h, "read_card", json!({ "payload": payload })).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(card["fullName"], "NGUYỄN VĂN AN");
    assert_eq!(card["idNumber"], "001089012345");
    assert_eq!(card["dateOfBirth"], "15/03/1989");
    assert_eq!(card["sex"], "Nam");
    assert_eq!(card["issueDate"], "20/04/2021");
    let session = h.window.state::<motcua_kiosk::session::Session>();
    assert!(
        !session.is_empty(),
        "the card read is not held for the next steps"
    );
    invoke(&h, "end_session", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert!(session.is_empty(), "end_session left the card behind");
    for (payload, code) in [
        ("https://dichvucong.gov.vn/", "card_foreign"),
        (
            "00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA530370454061800005802VN62230819thanh toan don hang630470FA",
            "card_foreign",
        ),
        ("001089012345||NGUYỄN VĂN AN|15031989", "card_unreadable"),
        // Century digit says 2000s, the date of birth says 1989.
        (
            "001289012345||NGUYỄN VĂN AN|15031989|Nam|Số 5|20042021",
            "card_invalid",
        ),
    ] {
        let err = invoke(&h, "read_card", json!({ "payload": payload }))
            .err()
            .unwrap_or_else(|| panic!("{payload} accepted"));
        assert_eq!(err["code"], code, "{payload}: {err}");
        let detail = err["detail"].as_str().unwrap_or_default();
        assert!(
            !detail.contains("NGUYỄN") && !detail.contains("001"),
            "detail leaks data: {detail}"
        );
    }
}

/// The last code the embedded backend's SMS file sink "sent".
fn last_sms_code(h: &Harness) -> String {
    let outbox = h.dir.path().join("backend").join("sms-outbox.jsonl");
    let text =
        std::fs::read_to_string(&outbox).unwrap_or_else(|e| panic!("{}: {e}", outbox.display()));
    let last: Value = text
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("no SMS in {text:?}"));
    let body = last["text"].as_str().unwrap_or_default();
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no 6-digit code in {body:?}"))
        .to_owned()
}

#[test]
fn account_by_sms_code_for_the_card_read() {
    let h = harness(Options::default());
    let err = invoke(&h, "find_account", json!({}))
        .err()
        .unwrap_or_else(|| panic!("found without a card"));
    assert_eq!(err["code"], "no_card", "{err}");

    let payload = "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021";
    invoke(&h, "read_card", json!({ "payload": payload })).unwrap_or_else(|e| panic!("{e}"));
    let status = invoke(&h, "find_account", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status["found"], false);

    let err = invoke(&h, "send_code", json!({ "phone": "0212345678" }))
        .err()
        .unwrap_or_else(|| panic!("a landline was accepted"));
    assert_eq!(err["code"], "invalid_phone", "{err}");

    let sent =
        invoke(&h, "send_code", json!({ "phone": "0912345678" })).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent["resendAfterSeconds"], 60);
    let code = last_sms_code(&h);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = invoke(&h, "verify_code", json!({ "code": wrong }))
        .err()
        .unwrap_or_else(|| panic!("a wrong code was accepted"));
    assert_eq!(err["code"], "otp_wrong", "{err}");
    assert_eq!(err["attemptsLeft"], 4, "{err}");

    let again = invoke(&h, "send_code", json!({ "phone": "0912345678" }))
        .err()
        .unwrap_or_else(|| panic!("a second code at once was sent"));
    assert_eq!(again["code"], "resend_too_soon", "{again}");
    assert!(
        again["retryAfterSeconds"]
            .as_u64()
            .is_some_and(|s| s > 0 && s <= 60),
        "{again}"
    );

    let ready =
        invoke(&h, "verify_code", json!({ "code": code })).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ready["created"], true);
    let status = invoke(&h, "find_account", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status["found"], true);
    assert_eq!(status["maskedPhone"], "09xx xxx 678");

    invoke(&h, "end_session", json!({})).unwrap_or_else(|e| panic!("{e}"));
    let err = invoke(&h, "verify_code", json!({ "code": code }))
        .err()
        .unwrap_or_else(|| panic!("verified after the wipe"));
    assert_eq!(err["code"], "otp_expired", "{err}");
}

#[test]
fn a_remote_backend_without_a_token_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for token in [None, Some("  ")] {
        let options = Options {
            backend: Some("http://127.0.0.1:9".into()),
            backend_token: token.map(motcua_server::Secret::new),
            ..Options::default()
        };
        match tauri::async_runtime::block_on(Kiosk::start(&options, dir.path())) {
            Err(e) => {
                let e = format!("{e:#}");
                assert!(e.contains("MOTCUA_BACKEND_TOKEN"), "{e}");
                assert!(e.contains("--backend-token"), "{e}");
            }
            Ok(_) => panic!("started without a token ({token:?})"),
        }
    }
}

/// A backend on a socket with a kiosk `name` registered (as `motcua server
/// kiosk add` does), its clock replaced when one is given; and that kiosk's
/// token.
fn remote_backend(
    dir: &std::path::Path,
    name: &str,
    clock: Option<std::sync::Arc<dyn motcua_server::Clock>>,
) -> (motcua_server::Running, motcua_server::Secret) {
    tauri::async_runtime::block_on(async {
        let mut state =
            motcua_server::AppState::open(&motcua_server::Config::new(dir.to_path_buf()))
                .await
                .unwrap_or_else(|e| panic!("open: {e}"));
        if let Some(clock) = clock {
            state.clock = clock;
        }
        let token = state
            .store
            .add_kiosk(name, time::OffsetDateTime::now_utc())
            .await
            .unwrap_or_else(|e| panic!("add kiosk: {e}"));
        let running = motcua_server::serve_state(
            state,
            "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        )
        .await
        .unwrap_or_else(|e| panic!("serve: {e}"));
        (running, token)
    })
}

#[test]
fn a_remote_backend_takes_the_kiosk_token_and_refuses_a_wrong_one() {
    let server_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (running, token) = remote_backend(server_dir.path(), "quay-7", None);
    let h = harness(Options {
        backend: Some(running.url()),
        backend_token: Some(token),
        ..Options::default()
    });
    let catalog = invoke(&h, "list_procedures", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert!(catalog["fields"].as_array().is_some_and(|f| !f.is_empty()));
    // The help request is recorded under the name the kiosk was added as.
    let call = invoke(
        &h,
        "call_helper",
        json!({"step": "welcome", "procedureCode": null}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let kiosk = h.window.state::<Kiosk>();
    let list = tauri::async_runtime::block_on(kiosk.client.help_requests())
        .unwrap_or_else(|e| panic!("list: {e}"));
    assert!(
        list.items
            .iter()
            .any(|r| r.id == call["requestId"] && r.kiosk_id == "quay-7"),
        "{list:?}"
    );

    let wrong = harness(Options {
        backend: Some(running.url()),
        backend_token: Some(motcua_server::Secret::new("0".repeat(64))),
        ..Options::default()
    });
    let err = invoke(&wrong, "list_procedures", json!({}))
        .err()
        .unwrap_or_else(|| panic!("a wrong token was let in"));
    assert_eq!(err["code"], "backend_error", "{err}");
    assert!(
        err["detail"]
            .as_str()
            .is_some_and(|d| d.contains("kiosk_unauthorized")),
        "{err}"
    );
    tauri::async_runtime::block_on(running.shutdown());
}

#[test]
fn the_embedded_backend_gives_the_kiosk_a_fresh_token_at_each_start() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let first = tauri::async_runtime::block_on(Kiosk::start(&Options::default(), dir.path()))
        .unwrap_or_else(|e| panic!("first start: {e:#}"));
    tauri::async_runtime::block_on(first.client.catalog())
        .unwrap_or_else(|e| panic!("first catalog: {e}"));
    // A second start on the same data folder (the first still running)
    // renews the token: the first one stops working at once.
    let second = tauri::async_runtime::block_on(Kiosk::start(&Options::default(), dir.path()))
        .unwrap_or_else(|e| panic!("second start: {e:#}"));
    tauri::async_runtime::block_on(second.client.catalog())
        .unwrap_or_else(|e| panic!("second catalog: {e}"));
    match tauri::async_runtime::block_on(first.client.catalog()) {
        Err(motcua_core::client::ClientError::Problem(p)) => {
            assert_eq!(p.code, motcua_protocol::ProblemCode::KioskUnauthorized)
        }
        other => panic!("the old token still works: {other:?}"),
    }
    // Renewed, not added again.
    let db = dir.path().join("backend").join(motcua_server::DB_FILE);
    let kiosks = tauri::async_runtime::block_on(async {
        motcua_server::Store::open(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .kiosks()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    });
    assert_eq!(kiosks.len(), 1);
    assert_eq!(kiosks[0].name, "kiosk-1");
}

/// Types `keys` through the `compose` command, the way the keyboard does.
fn type_keys(h: &Harness, keys: &[Value]) -> String {
    let mut text = String::new();
    for key in keys {
        let r = invoke(h, "compose", json!({"text": text, "key": key}))
            .unwrap_or_else(|e| panic!("compose {key}: {e}"));
        text = r["text"].as_str().unwrap_or_default().to_owned();
    }
    text
}

#[test]
fn the_keyboard_composes_in_rust_and_refuses_what_is_not_a_key() {
    let h = harness(Options::default());
    let ch = |c: &str| json!({"kind": "char", "value": c});
    let typed = type_keys(
        &h,
        &[
            ch("T"),
            ch("r"),
            ch("â"),
            ch("n"),
            json!({"kind": "tone", "value": "huyen"}),
            json!({"kind": "space"}),
            ch("H"),
            ch("o"),
            ch("a"),
            json!({"kind": "tone", "value": "huyen"}),
        ],
    );
    assert_eq!(typed, "Trần Hòa");
    let more = invoke(&h, "compose", json!({"text": typed, "key": ch("n")}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        more["text"], "Trần Hoàn",
        "the tone moves with the syllable"
    );
    let telex = ["d", "d", "o", "o", "j"]
        .iter()
        .map(|k| json!({"kind": "telex", "value": k}))
        .collect::<Vec<_>>();
    assert_eq!(type_keys(&h, &telex), "độ");
    let back = invoke(
        &h,
        "compose",
        json!({"text": "độ", "key": {"kind": "backspace"}}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back["text"], "đ");
    let no_vowel = invoke(
        &h,
        "compose",
        json!({"text": "đ", "key": {"kind": "tone", "value": "sac"}}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(no_vowel["changed"], false);
    assert_eq!(no_vowel["text"], "đ");

    for (text, key) in [
        ("", ch("ab")),
        ("", ch("")),
        ("bell\u{7}", ch("a")),
        ("", json!({"kind": "tone", "value": "loud"})),
    ] {
        let err = invoke(&h, "compose", json!({"text": text, "key": key}));
        assert!(err.is_err(), "{text:?} {key} accepted: {err:?}");
    }
}

#[test]
fn procedures_are_found_by_name_without_marks() {
    let h = harness(Options::default());
    let found = invoke(&h, "search_procedures", json!({"query": "ket hon"}))
        .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = found
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["Đăng ký kết hôn"]);
    let none =
        invoke(&h, "search_procedures", json!({"query": "  "})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(none, json!([]));
}

/// Adds a helper to the embedded backend's database, as
/// `motcua server staff add` would.
fn add_helper(h: &Harness, user: &str, pin: &str) {
    let db = h.dir.path().join("backend").join(motcua_server::DB_FILE);
    tauri::async_runtime::block_on(async {
        let store = motcua_server::Store::open(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .add_staff(
                &motcua_server::NewStaff {
                    user: user.to_owned(),
                    display_name: Some("Nguyễn Thị Lan".to_owned()),
                    password: motcua_server::Secret::new("mật-khẩu-dài-đủ".to_owned()),
                    pin: motcua_server::Secret::new(pin.to_owned()),
                },
                time::OffsetDateTime::now_utc(),
            )
            .await
            .unwrap_or_else(|e| panic!("add staff: {e}"));
    });
}

#[test]
fn a_helper_vouches_with_a_pin_for_a_citizen_without_a_phone() {
    let h = harness(Options::default());
    add_helper(&h, "canbo.lan", "482916");
    let payload = "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021";
    invoke(&h, "read_card", json!({ "payload": payload })).unwrap_or_else(|e| panic!("{e}"));

    // No helper mode yet.
    let err = invoke(&h, "vouch_account", json!({}))
        .err()
        .unwrap_or_else(|| panic!("vouched without a helper"));
    assert_eq!(err["code"], "staff_required", "{err}");
    // A wrong PIN and an unknown user get the same answer.
    for (user, pin) in [("canbo.lan", "000000"), ("ai.do", "482916")] {
        let err = invoke(&h, "unlock_staff", json!({ "user": user, "pin": pin }))
            .err()
            .unwrap_or_else(|| panic!("{user}/{pin} unlocked"));
        assert_eq!(err["code"], "staff_denied", "{err}");
    }

    let staff = invoke(
        &h,
        "unlock_staff",
        json!({ "user": " canbo.lan ", "pin": "482916" }),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(staff["displayName"], "Nguyễn Thị Lan");
    let ready = invoke(&h, "vouch_account", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ready["created"], true);
    let status = invoke(&h, "find_account", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status["found"], true);
    assert_eq!(
        status["maskedPhone"],
        Value::Null,
        "a vouched account has no phone"
    );

    // The session's end ends helper mode too.
    invoke(&h, "end_session", json!({})).unwrap_or_else(|e| panic!("{e}"));
    invoke(&h, "read_card", json!({ "payload": payload })).unwrap_or_else(|e| panic!("{e}"));
    let err = invoke(&h, "vouch_account", json!({}))
        .err()
        .unwrap_or_else(|| panic!("helper mode outlived the session"));
    assert_eq!(err["code"], "staff_required", "{err}");
}

#[test]
fn five_wrong_pins_lock_the_helper_out() {
    let h = harness(Options::default());
    add_helper(&h, "canbo.lan", "482916");
    for _ in 0..5 {
        let err = invoke(
            &h,
            "unlock_staff",
            json!({ "user": "canbo.lan", "pin": "111111" }),
        )
        .err()
        .unwrap_or_else(|| panic!("a wrong PIN unlocked"));
        assert!(
            err["code"] == "staff_denied" || err["code"] == "staff_locked",
            "{err}"
        );
    }
    let err = invoke(
        &h,
        "unlock_staff",
        json!({ "user": "canbo.lan", "pin": "482916" }),
    )
    .err()
    .unwrap_or_else(|| panic!("unlocked while locked"));
    assert_eq!(err["code"], "staff_locked", "{err}");
}

/// A folder of generated page photos for a replay page source.
fn page_photos(n: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for i in 0..n {
        let photo = motcua_scan::synth::photo_like(1600, 1200, 2.0 + i as f64, 20 + i);
        let jpeg = motcua_scan::encode_gray(&photo, 88).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join(format!("page-{i}.jpg")), jpeg)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    dir
}

#[test]
fn pages_are_scanned_kept_retaken_and_removed_per_component() {
    let photos = page_photos(2);
    let h = harness(Options {
        scanner: Some(format!("replay:{}", photos.path().display())),
        ..Options::default()
    });
    let info = invoke(&h, "kiosk_info", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info["scanner"], "replay");

    let c = json!({"component": "to-khai"});
    let draft = invoke(&h, "scan_page", c.clone()).unwrap_or_else(|e| panic!("{e}"));
    let thumb = draft["thumbnailBase64"].as_str().unwrap_or_default();
    assert!(thumb.starts_with("/9j/"), "the thumbnail is a JPEG");
    assert!(draft["warnings"].is_array());
    let kept = invoke(&h, "keep_page", c.clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept["pages"].as_array().map(Vec::len), Some(1));
    // A second keep without a new capture keeps nothing.
    let err = invoke(&h, "keep_page", c.clone())
        .err()
        .unwrap_or_else(|| panic!("kept a page twice"));
    assert_eq!(err["code"], "invalid_request", "{err}");

    // "Chụp lại": the draft goes, the kept page stays.
    invoke(&h, "scan_page", c.clone()).unwrap_or_else(|e| panic!("{e}"));
    invoke(&h, "retake_page", c.clone()).unwrap_or_else(|e| panic!("{e}"));
    invoke(&h, "scan_page", c.clone()).unwrap_or_else(|e| panic!("{e}"));
    let two = invoke(&h, "keep_page", c.clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(two["pages"].as_array().map(Vec::len), Some(2));
    let one = invoke(
        &h,
        "remove_page",
        json!({"component": "to-khai", "index": 0}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(one["pages"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["pages"][0], two["pages"][1], "the second page is left");
    let other = invoke(
        &h,
        "component_pages",
        json!({"component": "giay-chung-sinh"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(other, json!({"pages": [], "onPaper": false}));

    // Only a helper marks a component handed in on paper.
    let err = invoke(
        &h,
        "mark_on_paper",
        json!({"component": "giay-chung-sinh", "onPaper": true}),
    )
    .err()
    .unwrap_or_else(|| panic!("marked without a helper"));
    assert_eq!(err["code"], "staff_required", "{err}");
    add_helper(&h, "canbo.lan", "482916");
    invoke(
        &h,
        "unlock_staff",
        json!({ "user": "canbo.lan", "pin": "482916" }),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let marked = invoke(
        &h,
        "mark_on_paper",
        json!({"component": "giay-chung-sinh", "onPaper": true}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(marked["onPaper"], true);

    for bad in ["", "Tờ khai", "../etc"] {
        let err = invoke(&h, "scan_page", json!({"component": bad}))
            .err()
            .unwrap_or_else(|| panic!("{bad:?} accepted"));
        assert_eq!(err["code"], "invalid_request", "{err}");
    }

    // The end of the session forgets every page.
    invoke(&h, "end_session", json!({})).unwrap_or_else(|e| panic!("{e}"));
    let gone = invoke(&h, "component_pages", c).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(gone, json!({"pages": [], "onPaper": false}));
}

#[test]
fn a_damaged_capture_is_refused_and_no_scanner_says_so() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    // A JPEG cut off a third of the way: a page that never came out whole.
    let photo = motcua_scan::synth::photo_like(800, 600, 1.0, 3);
    let jpeg = motcua_scan::encode_gray(&photo, 88).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("cut.jpg"), &jpeg[..jpeg.len() / 3])
        .unwrap_or_else(|e| panic!("{e}"));
    let cut = harness(Options {
        scanner: Some(format!("replay:{}", dir.path().display())),
        ..Options::default()
    });
    let c = json!({"component": "to-khai"});
    let err = invoke(&cut, "scan_page", c.clone())
        .err()
        .unwrap_or_else(|| panic!("a cut JPEG became a page"));
    assert_eq!(err["code"], "scan_unreadable", "{err}");
    // Nothing was kept or left waiting.
    assert!(invoke(&cut, "keep_page", c.clone()).is_err());
    let pages = invoke(&cut, "component_pages", c).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pages, json!({"pages": [], "onPaper": false}));

    let h = harness(Options::default());
    let info = invoke(&h, "kiosk_info", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info["scanner"], Value::Null);
    let err = invoke(&h, "scan_page", json!({"component": "to-khai"}))
        .err()
        .unwrap_or_else(|| panic!("scanned with no scanner"));
    assert_eq!(err["code"], "scanner_unavailable", "{err}");
}

#[test]
fn the_sane_test_scanner_gives_a_page() {
    let h = harness(Options {
        scanner: Some("sane:test".to_owned()),
        ..Options::default()
    });
    let info = invoke(&h, "kiosk_info", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info["scanner"], "scanner");
    let draft =
        invoke(&h, "scan_page", json!({"component": "to-khai"})).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        draft["thumbnailBase64"]
            .as_str()
            .is_some_and(|t| t.starts_with("/9j/"))
    );
    let kept =
        invoke(&h, "keep_page", json!({"component": "to-khai"})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept["pages"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_document_camera_captures_a_still() {
    let photos = page_photos(2);
    let h = harness(Options {
        scanner: Some(format!("camera:replay:{}", photos.path().display())),
        ..Options::default()
    });
    let info = invoke(&h, "kiosk_info", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info["scanner"], "camera");
    // Camera off: nothing to capture, said plainly.
    let err = invoke(&h, "scan_page", json!({"component": "to-khai"}))
        .err()
        .unwrap_or_else(|| panic!("captured with the camera off"));
    assert_eq!(err["code"], "scanner_unavailable", "{err}");

    // The scan screen turns the camera on; once pictures come, a capture is
    // a still taken through the camera's worker (a replayed photo, whole).
    let scanner = h
        .window
        .state::<std::sync::Arc<motcua_kiosk::scanning::Scanner>>();
    let camera = scanner
        .camera()
        .unwrap_or_else(|| panic!("no document camera"));
    let (tx, rx) = std::sync::mpsc::channel();
    camera
        .watch(move |v| {
            let _ = tx.send(v);
        })
        .unwrap_or_else(|e| panic!("watch: {e}"));
    let mut frames = 0;
    while frames < 2 {
        match rx.recv_timeout(std::time::Duration::from_secs(10)) {
            Ok(motcua_kiosk::camera::CameraView::Frame { .. }) => frames += 1,
            Ok(_) => {}
            Err(e) => panic!("no picture from the document camera: {e}"),
        }
    }
    let draft =
        invoke(&h, "scan_page", json!({"component": "to-khai"})).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        draft["thumbnailBase64"]
            .as_str()
            .is_some_and(|t| t.starts_with("/9j/"))
    );
    invoke(&h, "stop_camera", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert!(!camera.is_running());
}

#[test]
fn a_fee_is_paid_at_the_counter_and_a_receipt_comes_back() {
    let h = harness(Options::default());
    // A free procedure: nothing to pay, the step is skipped.
    let free = invoke(
        &h,
        "quote_fee",
        json!({"procedureCode": "1.001193", "copies": 1}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(free["free"], true, "{free}");

    // 8.000 đồng a copy: three copies.
    let fee = invoke(
        &h,
        "quote_fee",
        json!({"procedureCode": "2.000635", "copies": 3}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fee["free"], false);
    assert_eq!(fee["asksCopies"], true);
    assert_eq!(fee["amountText"], "24.000 đồng", "{fee}");
    assert_eq!(fee["amountInWords"], "Hai mươi tư nghìn đồng", "{fee}");

    // A poor household pays nothing, and the dossier then needs its proof.
    let exempt = invoke(
        &h,
        "quote_fee",
        json!({"procedureCode": "2.000635", "copies": 3, "exemption": "ho_ngheo"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(exempt["free"], true, "{exempt}");
    assert!(
        exempt["exemption"]["document"]["name"]
            .as_str()
            .is_some_and(|n| n.contains("hộ nghèo")),
        "{exempt}"
    );
    let err = invoke(
        &h,
        "quote_fee",
        json!({"procedureCode": "2.000635", "copies": 1, "exemption": "vip"}),
    )
    .err()
    .unwrap_or_else(|| panic!("an unknown exemption was accepted"));
    assert_eq!(err["code"], "invalid_request", "{err}");
    // Taken back: the next quote without it costs again.
    let again = invoke(
        &h,
        "quote_fee",
        json!({"procedureCode": "2.000635", "copies": 3}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again["exemption"], Value::Null);

    let err = invoke(&h, "payment_status", json!({}))
        .err()
        .unwrap_or_else(|| panic!("a status without a payment"));
    assert_eq!(err["code"], "payment_closed", "{err}");

    // The QR first, then the citizen prefers cash: the QR intent is cancelled.
    let qr = invoke(
        &h,
        "start_payment",
        json!({"procedureCode": "2.000635", "copies": 3, "method": "vietqr"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(qr["status"], "pending");
    let width = qr["qrWidth"].as_u64().unwrap_or(0) as usize;
    assert!(width >= 21, "{qr}");
    assert_eq!(
        qr["qrModules"].as_str().map(str::len),
        Some(width * width),
        "one character a module"
    );
    assert_eq!(qr["sampleAccount"], true, "no bank is configured here");
    // The same request again shows the same intent.
    let again = invoke(
        &h,
        "start_payment",
        json!({"procedureCode": "2.000635", "copies": 3, "method": "vietqr"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again["reference"], qr["reference"]);

    let counter = invoke(
        &h,
        "start_payment",
        json!({"procedureCode": "2.000635", "copies": 3, "method": "counter"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let code = counter["counterCode"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(code.len(), 6, "{counter}");
    assert_ne!(counter["reference"], qr["reference"]);

    // A clerk confirms it in the console.
    add_helper(&h, "canbo.lan", "482916");
    let kiosk = h.window.state::<Kiosk>();
    let paid = tauri::async_runtime::block_on(async {
        let console = kiosk
            .client
            .login_staff("canbo.lan", "mật-khẩu-dài-đủ")
            .await
            .unwrap_or_else(|e| panic!("login: {e}"));
        let pending = kiosk
            .client
            .counter_payments(&console.token)
            .await
            .unwrap_or_else(|e| panic!("list: {e}"));
        let item = pending
            .items
            .iter()
            .find(|p| p.counter_code == code)
            .unwrap_or_else(|| panic!("the counter payment is not listed"));
        assert_eq!(pending.items.len(), 1, "the cancelled QR is not listed");
        kiosk
            .client
            .confirm_counter_payment(&console.token, &item.id)
            .await
            .unwrap_or_else(|e| panic!("confirm: {e}"))
    });
    assert_eq!(paid.status, motcua_protocol::PaymentStatus::Paid);

    let status = invoke(&h, "payment_status", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status["status"], "paid");
    let receipt = &status["receipt"];
    assert_eq!(receipt["number"], "0000001", "{receipt}");
    assert_eq!(receipt["amountInWords"], "Hai mươi tư nghìn đồng");
    assert!(
        receipt["symbol"]
            .as_str()
            .is_some_and(|s| s.starts_with("AA-"))
    );

    // The session's end forgets the payment.
    invoke(&h, "end_session", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert!(invoke(&h, "payment_status", json!({})).is_err());
}

#[test]
fn a_payment_never_confirmed_expires_and_a_new_one_can_be_made() {
    // A remote backend whose clock the test moves.
    let server_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let clock = std::sync::Arc::new(motcua_server::ManualClock::new(
        time::OffsetDateTime::now_utc(),
    ));
    let (running, token) = remote_backend(server_dir.path(), "quay-2", Some(clock.clone()));
    let h = harness(Options {
        backend: Some(running.url()),
        backend_token: Some(token),
        ..Options::default()
    });
    let start = json!({"procedureCode": "2.000635", "copies": 1, "method": "vietqr"});
    let first = invoke(&h, "start_payment", start.clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first["status"], "pending");

    // Nobody pays for 31 minutes: the screen learns it has expired.
    clock.advance(time::Duration::minutes(31));
    let status = invoke(&h, "payment_status", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status["status"], "expired");
    // Trying again makes a new intent, not the expired one back.
    let second = invoke(&h, "start_payment", start).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(second["status"], "pending", "{second}");
    assert_ne!(second["reference"], first["reference"]);
    tauri::async_runtime::block_on(running.shutdown());
}

#[test]
fn a_citizen_who_leaves_mid_payment_leaves_nothing_to_confirm() {
    let h = harness(Options::default());
    let counter = invoke(
        &h,
        "start_payment",
        json!({"procedureCode": "2.000635", "copies": 1, "method": "counter"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counter["status"], "pending");
    add_helper(&h, "canbo.lan", "482916");
    let kiosk = h.window.state::<Kiosk>();
    let console =
        tauri::async_runtime::block_on(kiosk.client.login_staff("canbo.lan", "mật-khẩu-dài-đủ"))
            .unwrap_or_else(|e| panic!("login: {e}"));
    let listed = |h: &Harness| {
        let kiosk = h.window.state::<Kiosk>();
        tauri::async_runtime::block_on(kiosk.client.counter_payments(&console.token))
            .unwrap_or_else(|e| panic!("list: {e}"))
            .items
            .len()
    };
    assert_eq!(listed(&h), 1);
    // The idle timeout (or "Xong") ends the session: the open intent goes too.
    invoke(&h, "end_session", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed(&h), 0, "a clerk could still confirm it");
}

/// A synthetic person's card (the example shape in DOMAIN.md).
const CARD: &str = "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021";

/// One page for each of `components`.
fn scan_each(h: &Harness, components: &[&str]) {
    for c in components {
        invoke(h, "scan_page", json!({"component": c})).unwrap_or_else(|e| panic!("{c}: {e}"));
        invoke(h, "keep_page", json!({"component": c})).unwrap_or_else(|e| panic!("{c}: {e}"));
    }
}

/// The QR read back from a printed ESC/POS job, as a printer would print it.
fn qr_of_printed_job(escpos: &[u8]) -> String {
    let bitmap = motcua_receipt::decode_escpos(escpos).unwrap_or_else(|e| panic!("{e}"));
    let gray = motcua_scan::Gray {
        width: bitmap.width(),
        height: bitmap.height(),
        data: bitmap.to_luma(),
    };
    motcua_camera::QrFinder::default()
        .find_in_gray(&gray)
        .unwrap_or_else(|| panic!("no QR on the printed slip"))
}

/// Signs in the console and returns its token.
fn console_token(h: &Harness) -> String {
    add_helper(h, "canbo.lan", "482916");
    let kiosk = h.window.state::<Kiosk>();
    tauri::async_runtime::block_on(kiosk.client.login_staff("canbo.lan", "mật-khẩu-dài-đủ"))
        .unwrap_or_else(|e| panic!("login: {e}"))
        .token
}

#[test]
fn a_paid_dossier_is_sent_printed_and_found_again_by_its_slip() {
    let photos = page_photos(1);
    let printed = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let h = harness(Options {
        scanner: Some(format!("replay:{}", photos.path().display())),
        printer: Some(format!("folder:{}", printed.path().display())),
        ..Options::default()
    });
    // Nothing to send before the card is read.
    let err = invoke(&h, "submit_dossier", json!({"procedureCode": "2.000635"}))
        .err()
        .unwrap_or_else(|| panic!("a dossier without a citizen was sent"));
    assert_eq!(err["code"], "no_card", "{err}");
    invoke(&h, "read_card", json!({"payload": CARD})).unwrap_or_else(|e| panic!("{e}"));
    let review = invoke(&h, "review_dossier", json!({"procedureCode": "2.000635"}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        review["missing"],
        json!(["Tờ khai cấp bản sao trích lục hộ tịch"])
    );
    let err = invoke(&h, "submit_dossier", json!({"procedureCode": "2.000635"}))
        .err()
        .unwrap_or_else(|| panic!("an incomplete dossier was sent"));
    assert_eq!(err["code"], "invalid_request", "{err}");

    scan_each(&h, &["to-khai", "to-khai"]);
    // Paid at the counter, confirmed by a clerk.
    let counter = invoke(
        &h,
        "start_payment",
        json!({"procedureCode": "2.000635", "copies": 2, "method": "counter"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let token = console_token(&h);
    let kiosk = h.window.state::<Kiosk>();
    tauri::async_runtime::block_on(async {
        let list = kiosk.client.counter_payments(&token).await?;
        let item = list
            .items
            .iter()
            .find(|p| Some(p.counter_code.as_str()) == counter["counterCode"].as_str())
            .map(|p| p.id.clone())
            .unwrap_or_default();
        kiosk.client.confirm_counter_payment(&token, &item).await
    })
    .unwrap_or_else(|e| panic!("confirm: {e}"));

    let review = invoke(&h, "review_dossier", json!({"procedureCode": "2.000635"}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(review["missing"], json!([]), "{review}");
    assert_eq!(review["copies"], 2);
    assert_eq!(review["paidAmount"], "16.000 đồng");
    assert_eq!(review["receiptNumber"], "0000001");
    assert_eq!(review["applicant"]["fullName"], "NGUYỄN VĂN AN");
    assert_eq!(
        review["components"],
        json!([{"name": "Tờ khai cấp bản sao trích lục hộ tịch", "pages": 2, "onPaper": false}])
    );

    let sent = invoke(&h, "submit_dossier", json!({"procedureCode": "2.000635"}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent["delivered"], true, "{sent}");
    assert_eq!(sent["print"]["printed"], true, "{sent}");
    let code = sent["code"].as_str().unwrap_or_default().to_owned();
    let secret = sent["lookupSecret"].as_str().unwrap_or_default().to_owned();
    assert_eq!(code.len(), 11, "YYMMDD-NNNN: {code}");
    assert!(
        sent["due"].as_str().is_some_and(|d| d.contains(", ngày ")),
        "{sent}"
    );

    // The server holds it once, with its two pages in one PDF and the payment.
    let held = tauri::async_runtime::block_on(kiosk.client.dossier(&token, &code))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held.components.len(), 1);
    assert_eq!(held.components[0].files, 1);
    assert_eq!(held.receipt.as_ref().map(|r| r.number), Some(1));
    assert_eq!(held.applicant.full_name, "NGUYỄN VĂN AN");
    // Nothing waits in the outbox.
    let pending =
        tauri::async_runtime::block_on(kiosk.outbox.pending()).unwrap_or_else(|e| panic!("{e}"));
    assert!(pending.is_empty(), "{pending:?}");

    // The printed slip's QR is the lookup, and the kiosk finds the dossier by it.
    let job = std::fs::read(printed.path().join("0001.escpos")).unwrap_or_else(|e| panic!("{e}"));
    let qr = qr_of_printed_job(&job);
    assert_eq!(
        qr,
        motcua_protocol::dossiers::lookup_qr_text(&code, &secret)
    );
    let found = invoke(&h, "lookup_qr", json!({"text": qr})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found["code"], code.as_str());
    assert_eq!(found["status"], "received");
    assert_eq!(found["history"][0]["label"], "Đã tiếp nhận");
    assert!(
        found.get("applicant").is_none(),
        "a lookup shows nobody's data"
    );
    let by_pad = invoke(
        &h,
        "lookup_dossier",
        json!({"code": code.replace('-', ""), "secret": secret}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(by_pad["code"], code.as_str());
    let wrong = invoke(
        &h,
        "lookup_dossier",
        json!({"code": code, "secret": "000000"}),
    )
    .err()
    .unwrap_or_else(|| panic!("a wrong secret found the dossier"));
    assert_eq!(wrong["code"], "dossier_not_found", "{wrong}");
    let foreign = invoke(&h, "lookup_qr", json!({"text": CARD}))
        .err()
        .unwrap_or_else(|| panic!("an ID card's QR was taken for a slip"));
    assert_eq!(foreign["code"], "lookup_foreign", "{foreign}");

    // A second tap sends nothing twice; a reprint prints the same slip.
    let again = invoke(&h, "submit_dossier", json!({"procedureCode": "2.000635"}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again["code"], code.as_str());
    let reprint = invoke(&h, "print_receipt", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reprint["printed"], true);

    // The session's end forgets the slip.
    invoke(&h, "end_session", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert!(invoke(&h, "print_receipt", json!({})).is_err());
}

#[test]
fn a_dossier_sent_while_the_backend_is_down_is_saved_and_delivered_later() {
    let photos = page_photos(1);
    let server_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (running, token) = remote_backend(server_dir.path(), "quay-9", None);
    let url = running.url();
    let h = harness(Options {
        backend: Some(url.clone()),
        backend_token: Some(token),
        scanner: Some(format!("replay:{}", photos.path().display())),
        ..Options::default()
    });
    invoke(&h, "list_procedures", json!({})).unwrap_or_else(|e| panic!("{e}"));
    invoke(&h, "read_card", json!({"payload": CARD})).unwrap_or_else(|e| panic!("{e}"));
    scan_each(&h, &["to-khai", "giay-chung-sinh"]);

    // The backend goes away just before "Gửi hồ sơ".
    tauri::async_runtime::block_on(running.shutdown());
    let sent = invoke(&h, "submit_dossier", json!({"procedureCode": "1.001193"}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent["delivered"], false, "{sent}");
    assert_eq!(sent["needsHelper"], false, "only waiting for the network");
    assert_eq!(sent["code"], Value::Null);
    let local = sent["localReference"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!local.is_empty(), "{sent}");
    // No printer here: the screen says so in plain words.
    assert_eq!(sent["print"]["printed"], false);
    assert!(
        sent["print"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Cán bộ")),
        "{sent}"
    );
    let kiosk = h.window.state::<Kiosk>();
    let pending =
        tauri::async_runtime::block_on(kiosk.outbox.pending()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].local_ref, local);
    // The citizen goes; the next one's session starts empty.
    invoke(&h, "end_session", json!({})).unwrap_or_else(|e| panic!("{e}"));

    // The backend comes back on the same address: the worker delivers it.
    let addr: std::net::SocketAddr = url
        .trim_start_matches("http://")
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let back = tauri::async_runtime::block_on(async {
        let state = motcua_server::AppState::open(&motcua_server::Config::new(
            server_dir.path().to_path_buf(),
        ))
        .await?;
        motcua_server::serve_state(state, addr).await
    })
    .unwrap_or_else(|e| panic!("restart: {e}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let pending = tauri::async_runtime::block_on(kiosk.outbox.pending())
            .unwrap_or_else(|e| panic!("{e}"));
        if pending.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still waiting: {pending:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // Once, under the local reference printed on the citizen's slip.
    let db = server_dir.path().join(motcua_server::DB_FILE);
    let found = tauri::async_runtime::block_on(async {
        let store = motcua_server::Store::open(&db).await?;
        store
            .add_staff(
                &motcua_server::NewStaff {
                    user: "canbo.lan".to_owned(),
                    display_name: None,
                    password: motcua_server::Secret::new("mật-khẩu-dài-đủ".to_owned()),
                    pin: motcua_server::Secret::new("482916".to_owned()),
                },
                time::OffsetDateTime::now_utc(),
            )
            .await?;
        let console = kiosk
            .client
            .login_staff("canbo.lan", "mật-khẩu-dài-đủ")
            .await?;
        Ok::<_, anyhow::Error>(
            kiosk
                .client
                .dossiers_by_local_reference(&console.token, &local)
                .await?,
        )
    })
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(found.items.len(), 1, "{found:?}");
    assert_eq!(found.items[0].procedure_code, "1.001193");
    assert_eq!(found.items[0].components.len(), 2);
    tauri::async_runtime::block_on(back.shutdown());
}

#[test]
fn the_helper_console_sees_the_screen_the_devices_and_the_outbox() {
    let printed = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let h = harness(Options {
        printer: Some(format!("folder:{}", printed.path().display())),
        ..Options::default()
    });
    motcua_kiosk::heartbeat::spawn(h.window.app_handle().clone());
    let token = console_token(&h);
    let kiosk = h.window.state::<Kiosk>();
    // A name that is no screen's (an ID number, say) never leaves the kiosk.
    invoke(&h, "report_screen", json!({"screen": "001089012345"}))
        .unwrap_or_else(|e| panic!("{e}"));
    invoke(&h, "report_screen", json!({"screen": "scan"})).unwrap_or_else(|e| panic!("{e}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let beat = loop {
        let list = tauri::async_runtime::block_on(kiosk.client.console_kiosks(&token))
            .unwrap_or_else(|e| panic!("{e}"));
        let beat = list
            .items
            .into_iter()
            .find(|k| k.name == "kiosk-1")
            .and_then(|k| k.heartbeat)
            .filter(|b| b.step == "scan");
        if let Some(beat) = beat {
            break beat;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no heartbeat with the scan step"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    use motcua_protocol::DeviceState;
    assert_eq!(beat.devices.printer, DeviceState::Ok);
    assert_eq!(beat.devices.scanner, DeviceState::NotConfigured);
    assert_eq!(beat.devices.camera, DeviceState::NotConfigured);
    assert_eq!(beat.outbox_pending, 0);
}

#[test]
fn a_dossier_the_backend_refuses_for_good_is_kept_for_a_helper() {
    let photos = page_photos(1);
    let h = harness(Options {
        scanner: Some(format!("replay:{}", photos.path().display())),
        ..Options::default()
    });
    invoke(&h, "read_card", json!({"payload": CARD})).unwrap_or_else(|e| panic!("{e}"));
    scan_each(&h, &["to-khai"]);
    // 2.000635 has a fee and nothing was paid: the backend refuses it
    // (payment_required), which no retry can change.
    let sent = invoke(&h, "submit_dossier", json!({"procedureCode": "2.000635"}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent["delivered"], false, "{sent}");
    assert_eq!(sent["needsHelper"], true, "{sent}");
    let kiosk = h.window.state::<Kiosk>();
    let pending =
        tauri::async_runtime::block_on(kiosk.outbox.pending()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pending.len(), 1, "kept, not dropped");
    assert_eq!(
        pending[0].needs_helper.as_deref(),
        Some("payment_required"),
        "{pending:?}"
    );
}

/// Issues a staff card for `user` straight in the embedded backend's database.
fn issue_card(h: &Harness, user: &str) -> String {
    let db = h.dir.path().join("backend").join(motcua_server::DB_FILE);
    tauri::async_runtime::block_on(async {
        let store = motcua_server::Store::open(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .issue_staff_card(user, time::OffsetDateTime::now_utc())
            .await
            .unwrap_or_else(|e| panic!("issue card: {e}"))
            .expose()
            .to_owned()
    })
}

fn revoke_card(h: &Harness, user: &str) {
    let db = h.dir.path().join("backend").join(motcua_server::DB_FILE);
    tauri::async_runtime::block_on(async {
        let store = motcua_server::Store::open(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .revoke_staff_card(user, time::OffsetDateTime::now_utc())
            .await
            .unwrap_or_else(|e| panic!("revoke card: {e}"));
    });
}

const CITIZEN_QR: &str =
    "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021";

#[test]
fn a_staff_card_unlocks_helper_mode_and_other_qrs_say_what_they_are() {
    let h = harness(Options::default());
    add_helper(&h, "canbo.lan", "482916");
    let card = issue_card(&h, "canbo.lan");
    invoke(&h, "read_card", json!({ "payload": CITIZEN_QR })).unwrap_or_else(|e| panic!("{e}"));
    let session = h.window.state::<motcua_kiosk::session::Session>();

    // The citizen's own card shown to the helper screen: said so, nothing changes.
    let other_card = "079190000001||TRẦN THỊ BÌNH|01011990|Nữ|Số 1, Quận 1|01012022";
    for (text, code) in [
        (other_card, "staff_card_citizen"),
        (CITIZEN_QR, "staff_card_citizen"),
        ("MOTCUA:HS:261126-0001:042917", "staff_card_foreign"),
        ("https://dichvucong.gov.vn/", "staff_card_foreign"),
        (&card.to_uppercase(), "staff_card_foreign"),
        (
            &format!("MOTCUA:CB:{}", "0".repeat(64)),
            "staff_card_refused",
        ),
    ] {
        let err = invoke(&h, "unlock_staff_card", json!({ "text": text }))
            .err()
            .unwrap_or_else(|| panic!("{text} unlocked"));
        assert_eq!(err["code"], code, "{text}: {err}");
        assert!(session.staff().is_none(), "{text} unlocked helper mode");
        assert_eq!(
            session.card().map(|c| c.id_number),
            Some("001089012345".to_owned()),
            "{text} changed the session's card"
        );
    }
    let err = invoke(&h, "vouch_account", json!({}))
        .err()
        .unwrap_or_else(|| panic!("vouched without helper mode"));
    assert_eq!(err["code"], "staff_required");

    // The helper's card, as a USB reader types it (with its line ending).
    let staff = invoke(
        &h,
        "unlock_staff_card",
        json!({ "text": format!("{card}\r\n") }),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(staff["displayName"], "Nguyễn Thị Lan");
    invoke(
        &h,
        "log_event",
        json!({ "code": "helper.skip_step", "screen": "scan" }),
    )
    .unwrap_or_else(|e| panic!("helper event refused in helper mode: {e}"));
    let ready = invoke(&h, "vouch_account", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ready["created"], true);

    // Leaving helper mode keeps the citizen's session but not the helper's rights.
    invoke(&h, "end_helper_mode", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert!(session.staff().is_none());
    assert!(
        session.card().is_some(),
        "leaving helper mode wiped the citizen"
    );
    let err = invoke(
        &h,
        "log_event",
        json!({ "code": "helper.skip_step", "screen": "scan" }),
    )
    .err()
    .unwrap_or_else(|| panic!("a helper's event outside helper mode"));
    assert_eq!(err["code"], "staff_required");
    invoke(&h, "end_helper_mode", json!({})).unwrap_or_else(|e| panic!("twice: {e}"));

    // A revoked card is refused in words for cards, not for PINs.
    revoke_card(&h, "canbo.lan");
    let err = invoke(&h, "unlock_staff_card", json!({ "text": card }))
        .err()
        .unwrap_or_else(|| panic!("a revoked card unlocked"));
    assert_eq!(err["code"], "staff_card_refused", "{err}");
}

/// The codes the UI reports, as `ui/src/lib/events.ts` lists them.
fn ui_event_codes() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/events.ts");
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let start = src
        .find("UI_EVENTS = [")
        .unwrap_or_else(|| panic!("no UI_EVENTS in {path}"));
    let list = &src[start..];
    let list = &list[..list
        .find(']')
        .unwrap_or_else(|| panic!("UI_EVENTS not closed"))];
    list.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_event_the_ui_reports_is_in_the_table_and_nothing_else_is_taken() {
    let h = harness(Options::default());
    let ui = ui_event_codes();
    assert!(ui.len() >= 10, "{ui:?}");
    add_helper(&h, "canbo.lan", "482916");
    invoke(
        &h,
        "unlock_staff",
        json!({ "user": "canbo.lan", "pin": "482916" }),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for code in &ui {
        let event = motcua_kiosk::events::Event::from_code(code)
            .unwrap_or_else(|| panic!("the UI reports {code}, which is not in the table"));
        assert_ne!(
            event.source(),
            motcua_kiosk::events::Source::Kiosk,
            "the UI reports {code}, which only the kiosk may log"
        );
        invoke(
            &h,
            "log_event",
            json!({ "code": code, "screen": "welcome" }),
        )
        .unwrap_or_else(|e| panic!("{code} refused: {e}"));
    }
    // Every error code the UI can show has its event.
    let bindings = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ui/src/lib/bindings.ts"
    ))
    .unwrap_or_default();
    let error_codes = bindings
        .lines()
        .find(|l| l.starts_with("export type ErrorCode ="))
        .unwrap_or_else(|| panic!("no ErrorCode in the bindings"));
    for name in error_codes.split('"').skip(1).step_by(2) {
        let code = format!("error.{name}");
        invoke(&h, "log_event", json!({ "code": code })).unwrap_or_else(|e| panic!("{code}: {e}"));
    }
    for code in ["timeout", "internal"] {
        invoke(&h, "log_event", json!({ "code": format!("error.{code}") }))
            .unwrap_or_else(|e| panic!("{code}: {e}"));
    }
    // Refused: unknown codes, the kiosk's own, a screen that is not one.
    for (args, want) in [
        (json!({ "code": "screen.gone" }), "invalid_request"),
        (json!({ "code": "001089012345" }), "invalid_request"),
        (json!({ "code": "staff.unlocked" }), "invalid_request"),
        (json!({ "code": "receipt.reprinted" }), "invalid_request"),
        (
            json!({ "code": "screen.shown", "screen": "0912345678" }),
            "invalid_request",
        ),
    ] {
        let err = invoke(&h, "log_event", args.clone())
            .err()
            .unwrap_or_else(|| panic!("{args} accepted"));
        assert_eq!(err["code"], want, "{args}: {err}");
    }
}

#[test]
fn the_device_health_screen_reads_the_devices_and_the_backend() {
    let printed = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let photos = page_photos(1);
    let h = harness(Options {
        printer: Some(format!("folder:{}", printed.path().display())),
        scanner: Some(format!("folder:{}", photos.path().display())),
        ..Options::default()
    });
    let health = invoke(&h, "device_health", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health["camera"], "not_configured", "{health}");
    assert_eq!(health["scanner"], "ok", "{health}");
    assert_eq!(health["scannerKind"], "folder", "{health}");
    assert_eq!(health["backend"], "ok", "{health}");
    assert_eq!(health["outboxPending"], 0, "{health}");
    assert_eq!(health["printer"], "ok", "{health}");
    // The printer's folder and the scanner's folder pulled out: missing.
    drop(photos);
    drop(printed);
    let health = invoke(&h, "device_health", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health["scanner"], "missing", "{health}");
    assert_eq!(health["printer"], "missing", "{health}");

    // Nothing configured, and a backend that does not answer.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let h = harness(Options {
        backend: Some(format!("http://127.0.0.1:{port}")),
        backend_token: Some(motcua_server::Secret::new("t0ken")),
        ..Options::default()
    });
    let health = invoke(&h, "device_health", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health["backend"], "missing", "{health}");
    assert_eq!(health["printer"], "not_configured", "{health}");
    assert_eq!(health["scanner"], "not_configured", "{health}");
    assert_eq!(health["scannerKind"], Value::Null, "{health}");
}

/// A `tracing` writer into a shared buffer: the whole test binary's log.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(
            &self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
        .into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every log line of this test binary from now on (the kiosk's,
/// the embedded backend's and the other tests' too), at every level.
fn capture_logs() -> Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                // No time stamps: their microseconds could look like a code.
                .without_time()
                .with_writer(move || writer.clone())
                .finish();
            if let Err(e) = tracing::subscriber::set_global_default(subscriber) {
                panic!("a global subscriber is already set: {e}");
            }
            captured
        })
        .clone()
}

#[test]
fn a_whole_journey_is_logged_as_events_without_personal_data() {
    let captured = capture_logs();
    let photos = page_photos(2);
    let printed = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let h = harness(Options {
        scanner: Some(format!("replay:{}", photos.path().display())),
        printer: Some(format!("folder:{}", printed.path().display())),
        ..Options::default()
    });
    add_helper(&h, "canbo.lan", "482916");
    let card = issue_card(&h, "canbo.lan");
    let screen = |name: &str| {
        invoke(
            &h,
            "log_event",
            json!({"code": "screen.shown", "screen": name}),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    };
    screen("welcome");
    screen("identify");
    invoke(&h, "read_card", json!({"payload": CITIZEN_QR})).unwrap_or_else(|e| panic!("{e}"));
    screen("phone");
    invoke(&h, "send_code", json!({"phone": "0912345678"})).unwrap_or_else(|e| panic!("{e}"));
    let wrong = invoke(&h, "verify_code", json!({"code": "000000"}));
    if wrong.is_err() {
        invoke(
            &h,
            "log_event",
            json!({"code": "error.otp_wrong", "screen": "code"}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let code = last_sms_code(&h);
    invoke(&h, "verify_code", json!({"code": code})).unwrap_or_else(|e| panic!("{e}"));
    // The UI cannot slip personal data into the log: refused, and logged without it.
    let _ = invoke(&h, "log_event", json!({"code": "001089012345"}));
    let _ = invoke(&h, "log_event", json!({"code": "NGUYỄN VĂN AN"}));
    let _ = invoke(
        &h,
        "log_event",
        json!({"code": "screen.shown", "screen": "0912345678"}),
    );
    // A helper comes: the citizen's card first (refused), then the staff card.
    let _ = invoke(&h, "unlock_staff_card", json!({"text": CITIZEN_QR}));
    invoke(&h, "unlock_staff_card", json!({"text": card})).unwrap_or_else(|e| panic!("{e}"));
    invoke(
        &h,
        "log_event",
        json!({"code": "helper.panel_opened", "screen": "scan"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    screen("scan");
    scan_each(&h, &["to-khai"]);
    invoke(
        &h,
        "mark_on_paper",
        json!({"component": "giay-chung-sinh", "onPaper": true}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    invoke(
        &h,
        "log_event",
        json!({"code": "helper.skip_step", "screen": "scan"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    screen("review");
    let sent = invoke(&h, "submit_dossier", json!({"procedureCode": "1.001193"}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent["delivered"], true, "{sent}");
    let again = invoke(&h, "print_receipt", json!({})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again["printed"], true, "{again}");
    invoke(
        &h,
        "log_event",
        json!({"code": "session.restarted", "screen": "submitted"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    invoke(&h, "end_session", json!({})).unwrap_or_else(|e| panic!("{e}"));

    let log = captured.text();
    let events: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("motcua::event"))
        .collect();
    for code in [
        "screen.shown",
        "card.read",
        "account.verified",
        "event.refused",
        "staff.unlock_refused",
        "staff.unlocked",
        "helper.panel_opened",
        "scan.page_captured",
        "scan.page_kept",
        "component.on_paper",
        "helper.skip_step",
        "dossier.saved",
        "dossier.delivered",
        "receipt.printed",
        "receipt.reprinted",
        "session.restarted",
        "session.ended",
    ] {
        assert!(
            events
                .iter()
                .any(|l| l.contains(&format!("event=\"{code}\""))),
            "no {code} event in:\n{}",
            events.join("\n")
        );
    }
    let code_sent = sent["code"].as_str().unwrap_or_default().to_owned();
    let secret = sent["lookupSecret"].as_str().unwrap_or_default().to_owned();
    let card_secret = card.trim_start_matches("MOTCUA:CB:").to_owned();
    for personal in [
        "001089012345",
        "NGUYỄN",
        "Nguyễn",
        "NGUYEN",
        "Đông Sơn",
        "15031989",
        "0912345678",
        "912345678",
        "0912 345 678",
        "canbo.lan",
        "482916",
        code.as_str(),
        card_secret.as_str(),
        &card_secret[..16],
        secret.as_str(),
    ] {
        assert!(!personal.is_empty());
        assert!(
            !log.contains(personal),
            "the log holds {personal:?}:\n{log}"
        );
    }
    assert!(!code_sent.is_empty(), "{sent}");
}
