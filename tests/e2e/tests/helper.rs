//! Helper mode in the real app: a helper called from a screen unlocks it with
//! their staff QR card on the USB reader (a citizen's ID card shown instead
//! is refused with its own message), opens the helper panel, looks at the
//! device-health screen, and restarts the session after a confirmation.
//! Screenshots go to artifacts/screenshots/helper-*.png.

use anyhow::ensure;
use motcua_e2e::{App, artifacts_dir, kiosk_binary};

const CITIZEN_QR: &str =
    "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021";

async fn helper_mode(width: u32, height: u32, label: &str) -> anyhow::Result<()> {
    let bin = kiosk_binary()?;
    let server_dir = tempfile::tempdir()?;
    let state =
        motcua_server::AppState::open(&motcua_server::Config::new(server_dir.path().to_path_buf()))
            .await?;
    let kiosk_id = format!("e2e-helper-{label}");
    let now = time::OffsetDateTime::now_utc();
    let token = state.store.add_kiosk(&kiosk_id, now).await?;
    state
        .store
        .add_staff(
            &motcua_server::NewStaff {
                user: "canbo.lan".to_owned(),
                display_name: Some("Nguyễn Thị Lan".to_owned()),
                password: motcua_server::Secret::new("Hoa sen nở 2026".to_owned()),
                pin: motcua_server::Secret::new("482916".to_owned()),
            },
            now,
        )
        .await?;
    let card = state.store.issue_staff_card("canbo.lan", now).await?;
    let server = motcua_server::serve_state(state, "127.0.0.1:0".parse()?).await?;
    let kiosk_dir = tempfile::tempdir()?;
    let printed = tempfile::tempdir()?;
    let args: Vec<String> = vec![
        "--camera".into(),
        "none".into(),
        "--scanner".into(),
        "none".into(),
        "--speech-program".into(),
        "true".into(),
        "--backend".into(),
        server.url(),
        "--backend-token".into(),
        token.expose().to_owned(),
        "--data".into(),
        kiosk_dir.path().display().to_string(),
        "--kiosk-id".into(),
        kiosk_id,
        "--printer".into(),
        format!("folder:{}", printed.path().display()),
    ];
    let shots = artifacts_dir().join("screenshots");
    let app = App::launch(&bin, &args, width, height).await?;

    app.click("[data-testid=start]").await?;
    app.wait_for("[data-testid^=procedure-card-]").await?;
    ensure!(
        app.eval("return document.querySelector('[data-testid=helper-open]') === null")
            .await?
            == serde_json::json!(true),
        "the helper button shows before helper mode"
    );
    // The helper is called, comes, and opens helper mode from the answer.
    app.click("[data-testid=help-button]").await?;
    app.click("[data-testid=help-dialog-unlock]").await?;
    app.wait_for("[data-testid=staff-card-hint]").await?;
    app.screen_changed();

    // The citizen's ID card on the reader: said so, nothing unlocked.
    app.reader_scan(CITIZEN_QR).await?;
    let said = app.text_of("[data-testid=staff-error]").await?;
    ensure!(said.contains("thẻ căn cước của người dân"), "{said}");
    app.screenshot(&shots.join(format!("helper-{label}-1-citizen-card.png")))
        .await?;
    // The staff card: helper mode, back on the list, the helper button shown.
    app.reader_scan(card.expose()).await?;
    app.wait_for("[data-testid=helper-open]").await?;
    app.wait_for("[data-testid^=procedure-card-]").await?;
    app.screen_changed();
    app.screenshot(&shots.join(format!("helper-{label}-2-helper-mode.png")))
        .await?;

    app.click("[data-testid=helper-open]").await?;
    app.wait_for("[data-testid=helper-close]").await?;
    app.screenshot(&shots.join(format!("helper-{label}-3-panel.png")))
        .await?;
    // Nothing to reprint yet: the panel says so.
    app.click("[data-testid=helper-reprint]").await?;
    let message = app.text_of("[data-testid=helper-message]").await?;
    ensure!(message.contains("chưa có giấy hẹn"), "{message}");

    app.click("[data-testid=helper-devices]").await?;
    app.screen_changed();
    app.wait_for("[data-testid=device-printer]").await?;
    let states = app
        .eval(
            "return ['camera','scanner','printer','backend'].map(d => \
             document.querySelector(`[data-testid=device-${d}]`).dataset.state)",
        )
        .await?;
    ensure!(
        states == serde_json::json!(["not_configured", "not_configured", "ok", "ok"]),
        "device states {states}"
    );
    app.screenshot(&shots.join(format!("helper-{label}-4-devices.png")))
        .await?;
    app.click("[data-testid=back]").await?;
    app.screen_changed();
    app.wait_for("[data-testid^=procedure-card-]").await?;

    // Restart: a confirmation, then the welcome screen, helper mode gone.
    app.click("[data-testid=helper-open]").await?;
    app.click("[data-testid=helper-restart]").await?;
    app.wait_for("[data-testid=helper-restart-yes]").await?;
    app.screenshot(&shots.join(format!("helper-{label}-5-restart.png")))
        .await?;
    app.click("[data-testid=helper-restart-yes]").await?;
    app.screen_changed();
    app.wait_for("[data-testid=start]").await?;
    ensure!(
        app.eval("return document.querySelector('[data-testid=helper-open]') === null")
            .await?
            == serde_json::json!(true),
        "helper mode outlived the restart"
    );
    app.close().await?;
    server.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helper_mode_landscape_1920x1080() -> anyhow::Result<()> {
    helper_mode(1920, 1080, "landscape").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helper_mode_portrait_1080x1920() -> anyhow::Result<()> {
    helper_mode(1080, 1920, "portrait").await
}
