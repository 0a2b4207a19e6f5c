//! The helper console in headless Chromium, driven through chromedriver
//! with fantoccini, against the real server on a socket: log in, see a help
//! request arrive live and answer it, confirm a counter payment with the
//! button, look a dossier up and move it on, read the day's figures, and
//! log out. A screenshot at 1920×1080 goes to
//! `artifacts/screenshots/console.png`.
//!
//! Needs `chromium` and `chromium-driver` (scripts/setup.sh installs them;
//! `CHROMIUM` and `CHROMEDRIVER` name other binaries). Without them the
//! test fails and says so; `MOTCUA_SKIP_BROWSER=1` skips it.

#[path = "support/app.rs"]
mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use motcua_core::client::ApiClient;
use motcua_protocol::{DeviceHealth, DeviceState, KioskHeartbeat, NewHelpRequest, PaymentStatus};
use serde_json::json;
use support::*;

/// Longest any one condition may take to come true.
const WAIT: Duration = Duration::from_secs(20);

/// A process and its process group, killed on drop.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        for signal in ["-TERM", "-KILL"] {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if matches!(self.0.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The first of `names` found on PATH, or the file `env` names.
fn find(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

fn wait_for_port(port: u16) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("chromedriver did not listen on port {port} within {WAIT:?}");
}

/// Waits for the element matching `css`.
async fn element(c: &Client, css: &str) -> fantoccini::elements::Element {
    match c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => {
            let screen = c
                .execute("return document.body.innerText.slice(0, 1500)", vec![])
                .await
                .unwrap_or_default();
            panic!("waiting for {css}: {e}; the page showed: {screen}")
        }
    }
}

/// Waits until the JavaScript expression `js` is true on the page.
async fn until(c: &Client, what: &str, js: &str) {
    let deadline = Instant::now() + WAIT;
    let script = format!("return !!({js});");
    loop {
        match c.execute(&script, vec![]).await {
            Ok(serde_json::Value::Bool(true)) => return,
            Ok(_) => {}
            Err(e) => panic!("{what}: {e}"),
        }
        if Instant::now() > deadline {
            let screen = c
                .execute("return document.body.innerText.slice(0, 1500)", vec![])
                .await
                .unwrap_or_default();
            panic!("{what}: not true within {WAIT:?}; the page showed: {screen}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(c: &Client, css: &str) -> String {
    element(c, css)
        .await
        .text()
        .await
        .unwrap_or_else(|e| panic!("text of {css}: {e}"))
}

async fn click(c: &Client, css: &str) {
    element(c, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn type_into(c: &Client, css: &str, value: &str) {
    let e = element(c, css).await;
    e.clear()
        .await
        .unwrap_or_else(|e| panic!("clear {css}: {e}"));
    e.send_keys(value)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

fn beat(step: &str, printer: DeviceState, pending: u32, needs_helper: u32) -> KioskHeartbeat {
    KioskHeartbeat {
        step: step.to_owned(),
        devices: DeviceHealth {
            camera: DeviceState::Ok,
            scanner: DeviceState::NotConfigured,
            printer,
            backend: DeviceState::Ok,
        },
        outbox_pending: pending,
        outbox_needs_helper: needs_helper,
        version: "0.1.0".to_owned(),
    }
}

/// Submits a birth registration as kiosk A through the socket; its code.
async fn submit_dossier(http: &reqwest::Client, url: &str, kiosk: &str, tag: &str) -> String {
    let bytes = pdf(tag);
    let sha = sha256(&bytes);
    let auth = format!("Bearer {kiosk}");
    let declared = http
        .post(format!("{url}/v1/uploads"))
        .header("authorization", &auth)
        .json(&json!({"sha256": sha, "size": bytes.len()}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(declared.status().is_success(), "{declared:?}");
    let appended = http
        .patch(format!("{url}/v1/uploads/{sha}"))
        .header("authorization", &auth)
        .header("upload-offset", "0")
        .header("content-type", "application/offset+octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(appended.status().is_success(), "{appended:?}");
    let mut dossier = birth_registration(&sha);
    dossier["local_reference"] = json!(format!("QA-{tag}"));
    let submitted = http
        .post(format!("{url}/v1/dossiers"))
        .header("authorization", &auth)
        .header("idempotency-key", tag)
        .json(&dossier)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(submitted.status(), reqwest::StatusCode::CREATED);
    let body: serde_json::Value = submitted.json().await.unwrap_or_else(|e| panic!("{e}"));
    body["code"].as_str().unwrap_or_default().to_owned()
}

fn screenshot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/screenshots/console.png")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helper_works_the_console_in_chromium() {
    if std::env::var("MOTCUA_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("MOTCUA_SKIP_BROWSER=1: the console's browser test is skipped");
        return;
    }
    let Some(driver_bin) = find("CHROMEDRIVER", &["chromedriver"]) else {
        panic!(
            "chromedriver is not installed: run scripts/setup.sh (apt packages chromium and \
             chromium-driver), or set MOTCUA_SKIP_BROWSER=1 to skip this test"
        );
    };
    let Some(chromium) = find(
        "CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    ) else {
        panic!(
            "chromium is not installed: run scripts/setup.sh (apt package chromium), or set \
             MOTCUA_SKIP_BROWSER=1 to skip this test"
        );
    };

    // The real server on a socket: a staff account, two kiosks, 09:00 in
    // Vietnam by its clock.
    let t = app().await;
    let running = serve(t.state.clone()).await;
    let url = running.url();
    let http = reqwest::Client::new();
    let kiosk_a = ApiClient::new(&url, &t.kiosk_a).unwrap_or_else(|e| panic!("{e}"));
    let kiosk_b = ApiClient::new(&url, &t.kiosk_b).unwrap_or_else(|e| panic!("{e}"));

    // The day so far: dossiers at 09:00, 10:20 and 10:40, a transfer paid,
    // a counter payment waiting, both kiosks beating.
    let first = submit_dossier(&http, &url, &t.kiosk_a, "k-0900").await;
    t.advance(80 * 60);
    submit_dossier(&http, &url, &t.kiosk_a, "k-1020").await;
    t.advance(20 * 60);
    submit_dossier(&http, &url, &t.kiosk_a, "k-1040").await;
    paid_intent(
        &t,
        &t.auth_b(),
        &json!({"procedure_code": "1.004873", "method": "vietqr"}),
    )
    .await;
    t.advance(10 * 60);
    let counter = http
        .post(format!("{url}/v1/payments"))
        .header("authorization", t.auth_a())
        .header("idempotency-key", "k-counter")
        .json(&json!({"procedure_code": "1.004873", "method": "counter"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counter.status(), reqwest::StatusCode::CREATED);
    let counter: serde_json::Value = counter.json().await.unwrap_or_else(|e| panic!("{e}"));
    let payment_id = counter["id"].as_str().unwrap_or_default().to_owned();
    let counter_code = counter["counter_code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    kiosk_a
        .heartbeat(&beat("pay", DeviceState::Ok, 0, 0))
        .await
        .unwrap_or_else(|e| panic!("heartbeat: {e}"));
    kiosk_b
        .heartbeat(&beat("welcome", DeviceState::Failing, 2, 1))
        .await
        .unwrap_or_else(|e| panic!("heartbeat: {e}"));

    // chromedriver in its own process group, headless Chromium at 1920×1080.
    let port = free_port();
    let _driver = Group(
        Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", driver_bin.display())),
    );
    wait_for_port(port);
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1920,1080", "--hide-scrollbars", "--lang=vi-VN"],
        }),
    );
    let c = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap_or_else(|e| panic!("a WebDriver session on Chromium: {e}"));
    // A viewport of exactly 1920×1080, whatever the window's frame takes.
    c.set_window_size(1920, 1080)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let frame = c
        .execute("return window.outerHeight - window.innerHeight", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(0);
    c.set_window_size(1920, 1080 + frame)
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    // Log in.
    c.goto(&format!("{url}/console"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    element(&c, "#login-form").await;
    type_into(&c, "#login-user", USER).await;
    type_into(&c, "#login-password", "sai mật khẩu rồi").await;
    click(&c, "#login-submit").await;
    until(
        &c,
        "a wrong password is told",
        "document.querySelector('#login-error:not([hidden])')?.textContent.includes('Sai tên đăng nhập hoặc mật khẩu')",
    )
    .await;
    let login_shot = screenshot_path().with_file_name("console-login.png");
    if let Some(dir) = login_shot.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    }
    let png = c.screenshot().await.unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&login_shot, &png).unwrap_or_else(|e| panic!("{e}"));
    type_into(&c, "#login-password", PASSWORD).await;
    click(&c, "#login-submit").await;
    element(&c, "#live-status[data-state='open']").await;
    assert_eq!(text(&c, "#who-name").await, "Nguyễn Thị Lan");

    // The kiosks, their devices and outboxes.
    element(&c, "#kiosk-rows tr[data-kiosk='quay-a'][data-online='yes']").await;
    let row_b = text(&c, "#kiosk-rows tr[data-kiosk='quay-b']").await;
    for want in [
        "Đang hoạt động",
        "Màn hình chào",
        "Máy in: lỗi",
        "2 hồ sơ",
        "1 hồ sơ cần cán bộ",
    ] {
        assert!(row_b.contains(want), "kiosk B lacks {want:?}: {row_b}");
    }

    // A help request appears live, and is answered.
    let help = kiosk_a
        .create_help_request(&NewHelpRequest {
            kiosk_id: "quay-a".to_owned(),
            step: "scan".to_owned(),
            procedure_code: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let item = format!("#help-list li[data-id='{}']", help.id);
    let shown = text(&c, &item).await;
    assert!(
        shown.contains("Máy quay-a") && shown.contains("Chụp giấy tờ"),
        "{shown}"
    );
    let before_answer = screenshot_path();
    if let Some(dir) = before_answer.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    }

    // The figures and the chart.
    until(
        &c,
        "three dossiers received",
        "document.querySelector(\"[data-figure='dossiers_received']\")?.textContent === '3'",
    )
    .await;
    let paid = text(&c, "[data-figure='paid_online']").await;
    assert!(paid.contains("100%") && paid.contains("1/1"), "{paid}");
    let digitized = text(&c, "[data-figure='components_digitized']").await;
    assert!(
        digitized.contains("50%") && digitized.contains("3/6"),
        "{digitized}"
    );
    element(&c, "#chart-svg g[data-hour='9'][data-count='1']").await;
    element(&c, "#chart-svg g[data-hour='10'][data-count='2']").await;

    // The counter payment, with its code and amount.
    let pay_item = format!("#counter-list li[data-id='{payment_id}']");
    let pay_text = text(&c, &pay_item).await;
    assert!(
        pay_text.contains(&format!("{} {}", &counter_code[..3], &counter_code[3..])),
        "{pay_text}"
    );
    assert!(pay_text.contains("15.000 đồng"), "{pay_text}");

    // Look a dossier up by its code, and move it on.
    type_into(&c, "#lookup-input", &first).await;
    click(&c, "#lookup-form button[type='submit']").await;
    assert_eq!(text(&c, "#dossier-code").await, first);
    assert_eq!(text(&c, "#dossier-status").await, "Đã tiếp nhận");
    assert!(text(&c, "#dossier-history").await.contains("Đã tiếp nhận"));
    let select = element(&c, "#status-select").await;
    select
        .select_by_value("needs_more_documents")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    click(&c, "#status-form button[type='submit']").await;
    until(
        &c,
        "a note is asked for",
        "document.querySelector('#status-message.error')?.textContent.includes('cần ghi chú')",
    )
    .await;
    type_into(
        &c,
        "#status-note",
        "Ông/bà bổ sung bản sao giấy chứng sinh.",
    )
    .await;
    click(&c, "#status-form button[type='submit']").await;
    element(&c, "#dossier-status[data-status='needs_more_documents']").await;
    assert!(
        text(&c, "#dossier-history")
            .await
            .contains("Ông/bà bổ sung bản sao giấy chứng sinh.")
    );
    let status: String = sqlx::query_scalar("SELECT status FROM dossiers WHERE code = $1")
        .bind(&first)
        .fetch_one(&t.db().await)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status, "needs_more_documents");

    // The success message outlives the event that redraws the dossier.
    until(
        &c,
        "the change is confirmed",
        "document.querySelector('#status-message.notice:not([hidden])')?.textContent.includes('Cần bổ sung giấy tờ')",
    )
    .await;

    // The screenshot, with everything on screen.
    c.execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let png = c.screenshot().await.unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&before_answer, &png).unwrap_or_else(|e| panic!("{e}"));

    click(&c, &format!("{item} button.answer")).await;
    until(
        &c,
        "the answered request leaves the list",
        &format!("!document.querySelector(\"{item}\")"),
    )
    .await;
    let closed = t
        .count(&format!(
            "SELECT count(*) FROM help_requests WHERE id = '{}' AND status = 'closed'",
            help.id
        ))
        .await;
    assert_eq!(closed, 1, "the server has it answered");

    // "Đã thu tiền": the server has it paid, with a receipt.
    click(&c, &format!("{pay_item} button.confirm")).await;
    until(
        &c,
        "the payment is confirmed",
        "document.querySelector('#counter-message.notice:not([hidden])')?.textContent.includes('Đã xác nhận thu 15.000 đồng')",
    )
    .await;
    let payment = kiosk_a
        .payment(&payment_id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(payment.status, PaymentStatus::Paid);
    let receipt = payment.receipt.unwrap_or_else(|| panic!("no receipt"));
    let message = text(&c, "#counter-message").await;
    assert!(message.contains(&receipt.number_text), "{message}");
    until(
        &c,
        "the paid one leaves the list",
        &format!("!document.querySelector(\"{pay_item}\")"),
    )
    .await;
    until(
        &c,
        "the figures follow the payment",
        "document.querySelector(\"[data-figure='paid_online']\")?.textContent.includes('1/2')",
    )
    .await;
    // The audit log's latest entries, newest first, the cash receipt on top.
    until(
        &c,
        "the audit section shows the cash confirmation",
        "document.querySelector(\"#audit-list li[data-action='payment.cash_confirmed']\")?.textContent.includes('Xác nhận thu tiền mặt')",
    )
    .await;
    let audit = text(&c, "#audit-list").await;
    assert!(audit.contains("Cán bộ canbo.lan"), "{audit}");

    // By the kiosk's reference.
    type_into(&c, "#lookup-input", "QA-k-1040").await;
    click(&c, "#lookup-form button[type='submit']").await;
    until(
        &c,
        "the dossier of that reference is shown",
        &format!("document.querySelector('#dossier-code')?.textContent !== '{first}'"),
    )
    .await;
    assert!(text(&c, "#dossier-result").await.contains("QA-k-1040"));
    type_into(&c, "#lookup-input", "QA-khong-co").await;
    click(&c, "#lookup-form button[type='submit']").await;
    until(
        &c,
        "an unknown reference is told",
        "document.querySelector('#lookup-error:not([hidden])')?.textContent.includes('Không tìm thấy')",
    )
    .await;

    // Log out: the login form again, and the session no longer works.
    click(&c, "#logout").await;
    element(&c, "#login-view:not([hidden]) #login-form").await;
    c.goto(&format!("{url}/console"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    element(&c, "#login-view:not([hidden]) #login-form").await;

    c.close().await.unwrap_or_else(|e| panic!("{e}"));
    running.shutdown().await;
}
