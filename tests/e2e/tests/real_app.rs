//! The real kiosk app under Xvfb through tauri-driver and WebKitWebDriver,
//! against a real backend on a socket: open the kiosk, pick a procedure, read
//! its fee from the screen, call a helper and find the request on the server.
//! Screenshots of each screen go to artifacts/screenshots/.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use motcua_e2e::{App, artifacts_dir, kiosk_binary};

/// The citizen's mobile number, typed on the numeric pad.
const PHONE: &str = "0912345678";

/// The one-time code in the last SMS the server's file sink "sent".
fn sms_code(server_data: &std::path::Path) -> anyhow::Result<String> {
    let outbox = std::fs::read_to_string(server_data.join("sms-outbox.jsonl"))?;
    let last: serde_json::Value = serde_json::from_str(outbox.lines().last().unwrap_or_default())?;
    let text = last["text"].as_str().unwrap_or_default();
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .map(str::to_owned)
        .with_context(|| format!("no 6-digit code in the SMS {text:?}"))
}

/// A synthetic person's card (the example shape in DOMAIN.md).
const CARD: &str = "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021";

/// How the citizen shows the card: to the USB QR reader, or to the camera.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CardBy {
    Reader,
    Camera,
}

/// What the bank and the server share to sign payment notices.
const WEBHOOK_SECRET: &str = "e2e-bank-webhook-secret";

/// The bank tells the server a transfer with `reference` arrived, signed.
async fn bank_pays(server_url: &str, reference: &str, amount: u64) -> anyhow::Result<()> {
    let body = serde_json::to_vec(&motcua_protocol::BankWebhook {
        reference: reference.to_owned(),
        amount,
        transaction_id: format!("FT{reference}"),
        paid_at: "2026-11-26T02:00:00Z".to_owned(),
    })?;
    let signature = motcua_server::sign_webhook(WEBHOOK_SECRET, &body);
    let resp = reqwest::Client::new()
        .post(format!("{server_url}/v1/bank/webhook"))
        .header(motcua_protocol::BANK_SIGNATURE_HEADER, signature)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?;
    ensure!(
        resp.status().is_success(),
        "the webhook was refused: {}",
        resp.status()
    );
    Ok(())
}

/// The helper who vouches for a citizen without a phone.
const HELPER_USER: &str = "canbo.lan";
const HELPER_PIN: &str = "482916";
const HELPER_PASSWORD: &str = "mật-khẩu-của-lan";

/// A foreign QR, something people do hold up: a web address.
const FOREIGN_QR: &str = "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html";

/// A replay camera's frames: three seconds of a foreign QR held up, then
/// the card's QR, in the poses of a hand (generated photos, 15 frames/s).
fn camera_frames(dir: &std::path::Path) -> anyhow::Result<()> {
    use motcua_camera::synth::Photo;
    for i in 0..60u32 {
        let (text, turn) = if i < 45 {
            (FOREIGN_QR, -6.0 + f64::from(i % 5) * 3.0)
        } else {
            (CARD, -10.0 + f64::from(i % 7) * 4.0)
        };
        let jpeg = Photo::of_card(text, u64::from(i)).turned(turn).jpeg()?;
        std::fs::write(dir.join(format!("frame-{i:03}.jpg")), jpeg)?;
    }
    Ok(())
}

/// Two phone photos of a text page on a table, a little turned.
fn page_photos(dir: &std::path::Path) -> anyhow::Result<()> {
    for (i, turn) in [2.5, -3.5].into_iter().enumerate() {
        let photo = motcua_scan::synth::photo_like(2000, 1500, turn, 40 + i as u64);
        let jpeg = motcua_scan::encode_gray(&photo, 88)?;
        std::fs::write(dir.join(format!("page-{i}.jpg")), jpeg)?;
    }
    Ok(())
}

/// How the kiosk under test is fitted out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pages {
    /// A document camera replaying two generated phone photos.
    DocumentCamera,
    /// The SANE test scanner through scanimage.
    SaneTest,
    /// A replayed folder of generated page photos, one per capture.
    Replay,
}

/// A real server (bank secret, a helper) and the kiosk's command line to
/// use it, with every folder they need, kept for the test's length.
struct Kit {
    bin: std::path::PathBuf,
    server_dir: tempfile::TempDir,
    server: motcua_server::Running,
    token: motcua_server::Secret,
    kiosk_id: String,
    voice: motcua_e2e::RecordingVoice,
    printed: tempfile::TempDir,
    args: Vec<String>,
    _kiosk_dir: tempfile::TempDir,
    _frames: tempfile::TempDir,
    _pages: tempfile::TempDir,
}

impl Kit {
    async fn start(label: &str, card_by: CardBy, pages_from: Pages) -> anyhow::Result<Self> {
        let bin = kiosk_binary()?;
        let server_dir = tempfile::tempdir()?;
        let mut state = motcua_server::AppState::open(&motcua_server::Config::new(
            server_dir.path().to_path_buf(),
        ))
        .await?;
        state.payments = std::sync::Arc::new(motcua_server::PaymentConfig::from_lookup(|name| {
            (name == motcua_server::ENV_BANK_WEBHOOK_SECRET).then(|| WEBHOOK_SECRET.to_owned())
        })?);
        let kiosk_id = format!("e2e-{label}");
        // The kiosk is registered under its id, as `motcua server kiosk add` does.
        let token = state
            .store
            .add_kiosk(&kiosk_id, time::OffsetDateTime::now_utc())
            .await?;
        state
            .store
            .add_staff(
                &motcua_server::NewStaff {
                    user: HELPER_USER.to_owned(),
                    display_name: Some("Nguyễn Thị Lan".to_owned()),
                    password: motcua_server::Secret::new(HELPER_PASSWORD.to_owned()),
                    pin: motcua_server::Secret::new(HELPER_PIN.to_owned()),
                },
                time::OffsetDateTime::now_utc(),
            )
            .await?;
        let server = motcua_server::serve_state(state, "127.0.0.1:0".parse()?).await?;
        let kiosk_dir = tempfile::tempdir()?;
        let voice = motcua_e2e::RecordingVoice::new()?;
        let frames = tempfile::tempdir()?;
        let camera = match card_by {
            CardBy::Reader => "none".to_owned(),
            CardBy::Camera => {
                camera_frames(frames.path())?;
                format!("replay:{}", frames.path().display())
            }
        };
        let printed = tempfile::tempdir()?;
        let pages = tempfile::tempdir()?;
        let scanner = match pages_from {
            Pages::DocumentCamera => {
                page_photos(pages.path())?;
                format!("camera:replay:{}", pages.path().display())
            }
            Pages::SaneTest => "sane:test".to_owned(),
            Pages::Replay => {
                page_photos(pages.path())?;
                format!("replay:{}", pages.path().display())
            }
        };
        let args: Vec<String> = vec![
            "--scanner".into(),
            scanner,
            "--camera".into(),
            camera,
            "--speech-program".into(),
            voice.program(),
            "--backend".into(),
            server.url(),
            "--backend-token".into(),
            token.expose().to_owned(),
            "--data".into(),
            kiosk_dir.path().display().to_string(),
            "--kiosk-id".into(),
            kiosk_id.clone(),
            "--printer".into(),
            format!("folder:{}", printed.path().display()),
        ];
        Ok(Self {
            bin,
            server_dir,
            server,
            token,
            kiosk_id,
            voice,
            printed,
            args,
            _kiosk_dir: kiosk_dir,
            _frames: frames,
            _pages: pages,
        })
    }
}

async fn journey(width: u32, height: u32, label: &str, card_by: CardBy) -> anyhow::Result<()> {
    // Pages: a document camera replaying generated photos (landscape), or
    // the SANE test scanner through scanimage (portrait).
    let pages = match card_by {
        CardBy::Reader => Pages::DocumentCamera,
        CardBy::Camera => Pages::SaneTest,
    };
    let kit = Kit::start(label, card_by, pages).await?;
    let Kit {
        bin,
        server_dir,
        server,
        token,
        kiosk_id,
        voice,
        printed,
        args,
        _kiosk_dir,
        _frames,
        _pages,
    } = kit;
    let shots = artifacts_dir().join("screenshots");
    let app = App::launch(&bin, &args, width, height).await?;

    eprintln!("[{label}] session open");
    // Welcome: large print from the first screen, window filling the screen.
    app.wait_for("[data-testid=start]").await?;
    let size = app
        .eval("return [window.innerWidth, window.innerHeight]")
        .await?;
    ensure!(
        size == serde_json::json!([width, height]),
        "window is {size}, screen is {width}x{height}"
    );
    let body_px = app
        .eval("return parseFloat(getComputedStyle(document.body).fontSize)")
        .await?
        .as_f64()
        .unwrap_or(0.0);
    ensure!(body_px >= 32.0, "body text is {body_px}px, below 32px");
    let lang = app.eval("return document.documentElement.lang").await?;
    ensure!(lang == "vi", "page language is {lang}");
    app.screenshot(&shots.join(format!("{label}-1-welcome.png")))
        .await?;
    // "Nghe" reads the screen aloud.
    app.click("[data-testid=listen]").await?;
    voice.wait_for("Xin chào Ông/Bà.").await?;

    eprintln!("[{label}] welcome checked");
    // The procedure list comes from the backend's catalog.
    app.click("[data-testid=start]").await?;
    let card = "[data-testid=\"procedure-card-2.000635\"]";
    let card_text = app.text_of(card).await?;
    ensure!(
        card_text.contains("Cấp bản sao trích lục hộ tịch"),
        "card reads {card_text:?}"
    );
    app.screenshot(&shots.join(format!("{label}-2-list.png")))
        .await?;

    eprintln!("[{label}] list shown");
    // Finding it by name instead: letters on the on-screen keyboard, the
    // tone after the word, composed in Rust ("kêt" + sắc → "kết").
    app.click("[data-testid=open-search]").await?;
    app.wait_for("[data-testid=screen-search]").await?;
    app.screen_changed();
    for key in ["kb-k", "kb-ê", "kb-t", "kb-tone-sac"] {
        app.click(&format!("[data-testid=\"{key}\"]")).await?;
    }
    let marriage = "[data-testid=\"procedure-card-1.000894\"]";
    app.wait_for(marriage).await?;
    let typed = app.text_of("[data-testid=search-text]").await?;
    ensure!(typed == "kết", "the search field shows {typed:?}");
    let results = app.text_of("[data-testid=search-results]").await?;
    ensure!(
        results.contains("Đăng ký kết hôn") && !results.contains("khai sinh"),
        "search results: {results:?}"
    );
    app.screenshot(&shots.join(format!("{label}-2b-search.png")))
        .await?;
    app.click("[data-testid=back]").await?;
    app.wait_for(card).await?;
    app.screen_changed();
    // What to bring, the fee and the time.
    app.click(card).await?;
    let fee = app.text_of("[data-testid=fee-text]").await?;
    ensure!(fee == "8.000 đồng mỗi bản", "fee on screen is {fee:?}");
    let page = app.text_of("main, body").await?;
    for expected in [
        "Tờ khai cấp bản sao trích lục hộ tịch",
        "Tám nghìn đồng",
        "Thông tư 281/2016/TT-BTC",
    ] {
        ensure!(page.contains(expected), "detail screen lacks {expected:?}");
    }
    app.screenshot(&shots.join(format!("{label}-3-detail.png")))
        .await?;
    app.click("[data-testid=listen]").await?;
    voice.wait_for("8.000 đồng mỗi bản").await?;

    eprintln!("[{label}] fee read: {fee}");
    // One tap calls a helper; the request reaches the server.
    app.click("[data-testid=help-button]").await?;
    let dialog = app.wait_for("[data-testid=help-dialog][open]").await?;
    let client = motcua_core::client::ApiClient::new(&server.url(), token.expose())?;
    let deadline = Instant::now() + Duration::from_secs(10);
    let found = loop {
        let list = client.help_requests().await?;
        if let Some(r) = list.items.into_iter().find(|r| r.kiosk_id == kiosk_id) {
            break r;
        }
        if Instant::now() > deadline {
            let said = dialog.text().await.unwrap_or_default();
            anyhow::bail!(
                "no help request from {kiosk_id} reached the server; dialog says {said:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    ensure!(
        found.procedure_code.as_deref() == Some("2.000635"),
        "{found:?}"
    );
    ensure!(found.step == "detail", "{found:?}");
    app.wait_for("[data-testid=help-dialog-ok]").await?;
    let said = dialog.text().await?;
    ensure!(said.contains("Cán bộ đang đến"), "dialog says {said:?}");
    app.screenshot(&shots.join(format!("{label}-4-help.png")))
        .await?;
    app.click("[data-testid=help-dialog-ok]").await?;

    // Identify: the QR reader types the card's payload, or the camera sees
    // it; a foreign QR first either way.
    app.click("[data-testid=primary]").await?;
    app.wait_for("[data-testid=screen-identify]").await?;
    if card_by == CardBy::Reader {
        app.reader_scan(FOREIGN_QR).await?;
    } else {
        // The live picture shows while the citizen aims.
        let shown = app
            .wait_for("[data-testid=camera-preview] img")
            .await?
            .attr("src")
            .await?
            .unwrap_or_default();
        ensure!(
            shown.starts_with("data:image/jpeg;base64,/9j/"),
            "the preview is {:?}",
            shown.chars().take(40).collect::<String>()
        );
    }
    let refusal = app.text_of("[data-testid=card-error]").await?;
    ensure!(
        refusal.contains("không phải của thẻ căn cước"),
        "refusal says {refusal:?}"
    );
    app.screenshot(&shots.join(format!("{label}-5-identify-foreign.png")))
        .await?;
    if card_by == CardBy::Reader {
        app.reader_scan(CARD).await?;
    }
    let card = app.text_of("[data-testid=card-data]").await?;
    // The scan changed the screen: the UI drops taps right after a change.
    app.screen_changed();
    for expected in [
        "NGUYỄN VĂN AN",
        "001089012345",
        "15/03/1989",
        "Số 5, Đông Sơn, Thanh Hóa",
    ] {
        ensure!(
            card.contains(expected),
            "confirmation lacks {expected:?}: {card:?}"
        );
    }
    app.screenshot(&shots.join(format!("{label}-6-confirm.png")))
        .await?;
    // The confirmation is read aloud by itself.
    voice.wait_for("NGUYỄN VĂN AN").await?;
    eprintln!("[{label}] card read and shown");

    // "Đúng": no account yet, so the phone number on the numeric pad.
    app.click("[data-testid=primary]").await?;
    app.wait_for("[data-testid=screen-phone]").await?;
    app.screen_changed();
    for digit in PHONE.chars() {
        app.click(&format!("[data-testid=pad-{digit}]")).await?;
    }
    let shown = app.text_of("[data-testid=phone-display]").await?;
    ensure!(shown == "0912 345 678", "the phone shows as {shown:?}");
    app.screenshot(&shots.join(format!("{label}-7-phone.png")))
        .await?;
    if card_by == CardBy::Reader {
        // The code from the SMS (the server's file sink), a wrong one first.
        app.click("[data-testid=primary]").await?;
        app.wait_for("[data-testid=screen-code]").await?;
        app.screen_changed();
        let code = sms_code(server_dir.path())?;
        let wrong: String = code
            .chars()
            .map(|c| {
                if c == '9' {
                    '0'
                } else {
                    char::from(c as u8 + 1)
                }
            })
            .collect();
        for digit in wrong.chars() {
            app.click(&format!("[data-testid=pad-{digit}]")).await?;
        }
        app.click("[data-testid=primary]").await?;
        let refusal = app.text_of("[data-testid=inline-error]").await?;
        ensure!(
            refusal.contains("Còn 4 lần thử"),
            "wrong code says {refusal:?}"
        );
        for digit in code.chars() {
            app.click(&format!("[data-testid=pad-{digit}]")).await?;
        }
        app.screenshot(&shots.join(format!("{label}-8-code.png")))
            .await?;
        app.click("[data-testid=primary]").await?;
    } else {
        // No phone: a helper vouches on the kiosk with their user name
        // (letter keyboard) and PIN (numeric pad, hidden).
        app.click("[data-testid=no-phone]").await?;
        app.wait_for("[data-testid=screen-handover]").await?;
        app.screen_changed();
        app.click("[data-testid=staff-vouch]").await?;
        app.wait_for("[data-testid=screen-staff]").await?;
        app.screen_changed();
        for key in HELPER_USER.chars() {
            app.click(&format!("[data-testid=\"kb-{key}\"]")).await?;
        }
        let typed = app.text_of("[data-testid=staff-user]").await?;
        ensure!(typed == HELPER_USER, "the user name shows as {typed:?}");
        app.click("[data-testid=primary]").await?;
        app.wait_for("[data-testid=staff-pin]").await?;
        for digit in HELPER_PIN.chars() {
            app.click(&format!("[data-testid=pad-{digit}]")).await?;
        }
        let pin_shown = app.text_of("[data-testid=staff-pin]").await?;
        ensure!(
            !pin_shown.contains(HELPER_PIN),
            "the PIN is shown: {pin_shown:?}"
        );
        app.screenshot(&shots.join(format!("{label}-8-staff-pin.png")))
            .await?;
        app.click("[data-testid=primary]").await?;
    }

    // The papers: the one component of 2.000635, two pages from the replayed
    // photos, or one from the SANE test scanner.
    app.wait_for("[data-testid=screen-scan]").await?;
    app.screen_changed();
    let component = app.text_of("[data-testid=scan-component]").await?;
    ensure!(
        component == "Tờ khai cấp bản sao trích lục hộ tịch",
        "scanning {component:?}"
    );
    let page_count = match card_by {
        CardBy::Reader => 2,
        CardBy::Camera => 1,
    };
    if card_by == CardBy::Reader {
        // The document camera's live picture, with the page frame to aim at.
        let shown = app
            .wait_for("[data-testid=scan-preview] img")
            .await?
            .attr("src")
            .await?
            .unwrap_or_default();
        ensure!(
            shown.starts_with("data:image/jpeg;base64,/9j/"),
            "the page preview is {:?}",
            shown.chars().take(40).collect::<String>()
        );
        app.screenshot(&shots.join(format!("{label}-9-scan-camera.png")))
            .await?;
    }
    for n in 1..=page_count {
        app.click("[data-testid=scan-capture]").await?;
        let draft = app
            .wait_for("[data-testid=scan-draft]")
            .await?
            .attr("src")
            .await?
            .unwrap_or_default();
        ensure!(
            draft.starts_with("data:image/jpeg;base64,/9j/"),
            "page {n} shows {:?}",
            draft.chars().take(40).collect::<String>()
        );
        if n == 1 {
            app.screenshot(&shots.join(format!("{label}-9a-scan-review.png")))
                .await?;
        }
        app.click("[data-testid=primary]").await?;
        app.wait_for(&format!("[data-testid=scan-remove-{}]", n - 1))
            .await?;
    }
    let listed = app.text_of("[data-testid=scan-pages]").await?;
    ensure!(
        listed.contains(&format!("Đã chụp {page_count} trang")),
        "pages list says {listed:?}"
    );
    app.screenshot(&shots.join(format!("{label}-9b-scan-pages.png")))
        .await?;
    app.click("[data-testid=primary]").await?;

    // The fee: 8.000 đồng for one copy; by VietQR, confirmed by the bank's
    // signed notice (landscape), or cash at the counter, confirmed by a
    // clerk in the console (portrait). The screen moves on by itself.
    app.wait_for("[data-testid=screen-pay]").await?;
    app.screen_changed();
    let amount = app.text_of("[data-testid=pay-amount]").await?;
    ensure!(amount == "8.000 đồng", "the fee shows as {amount:?}");
    match card_by {
        CardBy::Reader => {
            app.click("[data-testid=primary]").await?;
            app.wait_for("[data-testid=pay-qr] svg").await?;
            let reference = app.text_of("[data-testid=pay-reference]").await?;
            app.screenshot(&shots.join(format!("{label}-9c-pay-qr.png")))
                .await?;
            bank_pays(&server.url(), &reference, 8000).await?;
        }
        CardBy::Camera => {
            app.click("[data-testid=pay-counter]").await?;
            let code = app.text_of("[data-testid=pay-counter-code]").await?;
            app.screenshot(&shots.join(format!("{label}-9c-pay-counter.png")))
                .await?;
            let console = client.login_staff(HELPER_USER, HELPER_PASSWORD).await?;
            let pending = client.counter_payments(&console.token).await?;
            let item = pending
                .items
                .iter()
                .find(|p| p.counter_code == code)
                .with_context(|| format!("no counter payment with code {code}"))?;
            client
                .confirm_counter_payment(&console.token, &item.id)
                .await?;
        }
    }
    let number = app.text_of("[data-testid=receipt-number]").await?;
    ensure!(number == "0000001", "the receipt number is {number:?}");
    app.screen_changed();
    app.screenshot(&shots.join(format!("{label}-9d-receipt.png")))
        .await?;
    app.click("[data-testid=primary]").await?;

    // "Kiểm tra lại thông tin": everything the dossier holds, then "Gửi hồ sơ".
    app.wait_for("[data-testid=screen-review]").await?;
    app.screen_changed();
    let review = app.text_of("[data-testid=review]").await?;
    for expected in [
        "NGUYỄN VĂN AN",
        "Cấp bản sao trích lục hộ tịch",
        &format!("{page_count} trang"),
        "biên lai số 0000001",
    ] {
        ensure!(
            review.contains(expected),
            "review lacks {expected:?}: {review:?}"
        );
    }
    app.screenshot(&shots.join(format!("{label}-10-review.png")))
        .await?;
    app.click("[data-testid=primary]").await?;

    // The dossier code, due day and where to collect; the slip printed.
    let code = app.text_of("[data-testid=dossier-code]").await?;
    app.screen_changed();
    ensure!(
        code.len() == 11 && code.as_bytes()[6] == b'-',
        "the dossier code shows as {code:?}"
    );
    app.wait_for("[data-testid=print-ok]").await?;
    let due = app.text_of("[data-testid=dossier-due]").await?;
    ensure!(due.contains(", ngày "), "the due day shows as {due:?}");
    // The code and the due day are read aloud by themselves.
    voice.wait_for(&code).await?;
    voice.wait_for(&due).await?;
    app.screenshot(&shots.join(format!("{label}-11-submitted.png")))
        .await?;
    let console = client.login_staff(HELPER_USER, HELPER_PASSWORD).await?;
    let held = client.dossier(&console.token, &code).await?;
    ensure!(
        held.components.len() == 1 && held.components[0].files == 1,
        "the server holds {:?}",
        held.components
    );
    ensure!(
        held.receipt.as_ref().map(|r| r.number) == Some(1),
        "the dossier's fee receipt is {:?}",
        held.receipt
    );
    // The printed job, decoded as a printer would: its QR is the lookup.
    let job =
        std::fs::read(printed.path().join("0001.escpos")).context("no slip reached the printer")?;
    let slip = motcua_receipt::decode_escpos(&job)?;
    let qr = motcua_camera::QrFinder::default()
        .find_in_gray(&motcua_scan::Gray {
            width: slip.width(),
            height: slip.height(),
            data: slip.to_luma(),
        })
        .context("no QR on the printed slip")?;
    ensure!(
        qr == motcua_protocol::dossiers::lookup_qr_text(&code, &held.lookup_secret),
        "the slip's QR reads {qr:?}"
    );

    // The account exists on the server (made by SMS code, or vouched for by
    // the helper, whose call reached the server).
    let account = client.lookup_account("001089012345").await?;
    let phone = match card_by {
        CardBy::Reader => Some("09xx xxx 678"),
        CardBy::Camera => None,
    };
    ensure!(
        account.found && account.masked_phone.as_deref() == phone,
        "{account:?}"
    );
    if card_by == CardBy::Camera {
        let vouch = client
            .help_requests()
            .await?
            .items
            .into_iter()
            .find(|r| r.kiosk_id == kiosk_id && r.step == "vouch");
        ensure!(
            vouch.is_some_and(|r| r.procedure_code.as_deref() == Some("2.000635")),
            "no vouch request reached the server"
        );
    }

    // "Xong", and the next person looks a dossier up by the slip's code
    // and lookup code on the numeric pad.
    app.click("[data-testid=primary]").await?;
    app.wait_for("[data-testid=start]").await?;
    app.screen_changed();
    app.click("[data-testid=open-lookup]").await?;
    app.wait_for("[data-testid=screen-lookup]").await?;
    app.screen_changed();
    app.click("[data-testid=lookup-type]").await?;
    app.wait_for("[data-testid=lookup-display]").await?;
    app.screen_changed();
    for digit in code.chars().filter(char::is_ascii_digit) {
        app.click(&format!("[data-testid=pad-{digit}]")).await?;
    }
    let typed = app.text_of("[data-testid=lookup-display]").await?;
    ensure!(typed == code, "the code shows as {typed:?}");
    app.click("[data-testid=primary]").await?;
    app.screen_changed();
    for digit in held.lookup_secret.chars() {
        app.click(&format!("[data-testid=pad-{digit}]")).await?;
    }
    app.click("[data-testid=primary]").await?;
    let status = app.text_of("[data-testid=lookup-status]").await?;
    ensure!(
        status.contains("Đã tiếp nhận"),
        "the lookup says {status:?}"
    );
    app.screenshot(&shots.join(format!("{label}-12-lookup.png")))
        .await?;

    eprintln!("[{label}] dossier {code} sent, printed and looked up");
    // A second kiosk process on the same data folder refuses to start.
    let mut second = Command::new(&bin)
        .args(&args)
        .env("DISPLAY", app.display.name())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting a second instance")?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            anyhow::bail!("a second kiosk instance kept running");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    ensure!(!status.success(), "the second instance exited with success");
    let mut err = String::new();
    if let Some(mut e) = second.stderr.take() {
        use std::io::Read;
        e.read_to_string(&mut err)?;
    }
    ensure!(
        err.contains("already running"),
        "second instance said {err:?}"
    );

    app.close().await?;
    server.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn landscape_1920x1080() -> anyhow::Result<()> {
    journey(1920, 1080, "landscape-1920x1080", CardBy::Reader).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portrait_1080x1920() -> anyhow::Result<()> {
    journey(1080, 1920, "portrait-1080x1920", CardBy::Camera).await
}

/// The whole journey of a birth registration (free, two papers) as a
/// citizen with a phone does it: the card to the camera, the phone number
/// and the SMS code on the pad, a page for each paper, the check, "Gửi hồ
/// sơ". Counts the taps and the typed keys, and prints them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn birth_registration_taps() -> anyhow::Result<()> {
    const MAX_TAPS: u32 = 20;
    let label = "taps-1920x1080";
    let kit = Kit::start(label, CardBy::Camera, Pages::Replay).await?;
    let app = App::launch(&kit.bin, &kit.args, 1920, 1080).await?;
    let shots = artifacts_dir().join("screenshots");
    app.click("[data-testid=start]").await?;
    app.click("[data-testid=\"procedure-card-1.001193\"]")
        .await?;
    app.wait_for("[data-testid=fee-text]").await?;
    app.click("[data-testid=primary]").await?;
    // The card to the camera: nothing to tap.
    app.wait_for("[data-testid=card-data]").await?;
    app.screen_changed();
    app.click("[data-testid=primary]").await?;
    app.wait_for("[data-testid=screen-phone]").await?;
    app.screen_changed();
    for digit in PHONE.chars() {
        app.click(&format!("[data-testid=pad-{digit}]")).await?;
    }
    app.click("[data-testid=primary]").await?;
    app.wait_for("[data-testid=screen-code]").await?;
    app.screen_changed();
    for digit in sms_code(kit.server_dir.path())?.chars() {
        app.click(&format!("[data-testid=pad-{digit}]")).await?;
    }
    app.click("[data-testid=primary]").await?;
    // One page for each of the two papers.
    for paper in ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"] {
        app.wait_for("[data-testid=scan-capture]").await?;
        app.screen_changed();
        let shown = app.text_of("[data-testid=scan-component]").await?;
        ensure!(
            shown.starts_with(paper),
            "scanning {shown:?}, not {paper:?}"
        );
        app.click("[data-testid=scan-capture]").await?;
        app.wait_for("[data-testid=scan-draft]").await?;
        app.click("[data-testid=primary]").await?;
        app.wait_for("[data-testid=scan-remove-0]").await?;
        app.click("[data-testid=primary]").await?;
    }
    // Free: no payment screen; the check, then "Gửi hồ sơ".
    app.wait_for("[data-testid=review]").await?;
    app.screen_changed();
    app.click("[data-testid=primary]").await?;
    let code = app.text_of("[data-testid=dossier-code]").await?;
    app.screen_changed();
    app.screenshot(&shots.join(format!("{label}-submitted.png")))
        .await?;
    app.click("[data-testid=primary]").await?;
    app.wait_for("[data-testid=start]").await?;
    let (taps, typed) = app.counts();
    eprintln!(
        "[{label}] birth registration {code}: {taps} taps (target ≤ {MAX_TAPS}), \
         {typed} typed keys ({} of the phone number + {} of the SMS code)",
        PHONE.len(),
        6
    );
    ensure!(taps <= MAX_TAPS, "{taps} taps, more than {MAX_TAPS}");
    ensure!(
        typed as usize == PHONE.len() + 6,
        "{typed} keys typed: more than the phone number and the code"
    );
    app.close().await?;
    kit.server.shutdown().await;
    Ok(())
}
