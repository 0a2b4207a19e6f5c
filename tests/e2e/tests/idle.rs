//! Time in the real app: after the idle time a countdown with one button to
//! stay; staying works; when the countdown runs out the session is wiped and
//! the welcome screen says so.

use std::time::Duration;

use anyhow::ensure;
use motcua_e2e::{App, artifacts_dir, kiosk_binary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_countdown_then_wipe() -> anyhow::Result<()> {
    let bin = kiosk_binary()?;
    let kiosk_dir = tempfile::tempdir()?;
    let idle = 5u64;
    // The embedded backend this time: no --backend.
    let args: Vec<String> = vec![
        "--data".into(),
        kiosk_dir.path().display().to_string(),
        "--idle-seconds".into(),
        idle.to_string(),
    ];
    let app = App::launch(&bin, &args, 1920, 1080).await?;
    let font_px = "return parseFloat(getComputedStyle(document.body).fontSize)";
    app.wait_for("[data-testid=start]").await?;
    let default_px = app.eval(font_px).await?;

    app.click("[data-testid=start]").await?;
    app.wait_for("[data-testid^=procedure-card-]").await?;
    app.click("[data-testid=text-size]").await?;
    ensure!(
        app.eval(font_px).await? != default_px,
        "text size did not change"
    );

    // Quiet: the countdown comes, with its one button.
    let dialog = app
        .wait_for_within(
            "[data-testid=idle-dialog][open]",
            Duration::from_secs(idle + 10),
        )
        .await?;
    let said = dialog.text().await?;
    ensure!(
        said.contains("Tôi vẫn đang làm") && said.contains("giây"),
        "dialog says {said:?}"
    );
    app.screenshot(&artifacts_dir().join("screenshots/idle-countdown-1920x1080.png"))
        .await?;
    app.click("[data-testid=idle-stay]").await?;
    ensure!(
        app.client
            .find_all(fantoccini::Locator::Css("[data-testid=idle-dialog]"))
            .await?
            .is_empty(),
        "the countdown stayed after 'Tôi vẫn đang làm'"
    );
    // Still on the list: nothing was wiped.
    app.wait_for("[data-testid=screen-list]").await?;

    // Quiet again, to the end: back to the welcome screen, saying so, defaults restored.
    let ended = app
        .wait_for_within(
            "[data-testid=session-ended]",
            Duration::from_secs(idle + 30 + 15),
        )
        .await?;
    let said = ended.text().await?;
    ensure!(said.contains("đã được xóa"), "welcome says {said:?}");
    ensure!(
        app.eval(font_px).await? == default_px,
        "text size was not reset"
    );
    app.screenshot(&artifacts_dir().join("screenshots/idle-wiped-1920x1080.png"))
        .await?;
    app.close().await
}
