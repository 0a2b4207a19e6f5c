//! Harness for end-to-end tests of the real kiosk app: an Xvfb display of a
//! chosen size, tauri-driver (which starts WebKitWebDriver) in its own process
//! group, and a WebDriver session on the app. Everything is torn down on drop.
//!
//! Needs: `Xvfb`, `tauri-driver` and `WebKitWebDriver` on PATH (or
//! `TAURI_DRIVER`), and the app binary in `MOTCUA_KIOSK_BIN`.
//! scripts/test.sh installs and builds all of them.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};

/// A process (and its process group) killed on drop.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        // The whole group: tauri-driver's WebKitWebDriver and the app too.
        let signal = |sig: &str| {
            let _ = Command::new("kill")
                .args([sig, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        signal("-KILL");
        // The leader itself, even if it left its group (Xvfb may).
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X display.
pub struct Display {
    number: u32,
    _xvfb: Group,
}

impl Display {
    /// Starts `Xvfb` at `width`×`height` and waits until it accepts clients
    /// (Xvfb writes its display number to `-displayfd` when ready).
    pub fn start(width: u32, height: u32) -> anyhow::Result<Self> {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg(format!("{width}x{height}x24"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .context("starting Xvfb (apt-get install xvfb)")?;
        let stdout = child.stdout.take().context("Xvfb stdout")?;
        let group = Group(child);
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .context("reading Xvfb's display number")?;
        let number = line
            .trim()
            .parse()
            .with_context(|| format!("Xvfb printed {line:?} instead of a display number"))?;
        Ok(Self {
            number,
            _xvfb: group,
        })
    }

    /// `:N`.
    pub fn name(&self) -> String {
        format!(":{}", self.number)
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16, within: Duration) -> anyhow::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("nothing listened on port {port} within {within:?}")
}

/// The kiosk binary under test, from `MOTCUA_KIOSK_BIN`.
pub fn kiosk_binary() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("MOTCUA_KIOSK_BIN")
        .map(PathBuf::from)
        .context("set MOTCUA_KIOSK_BIN to the built motcua-kiosk (scripts/test.sh does)")?;
    if !path.is_file() {
        bail!("MOTCUA_KIOSK_BIN={} is not a file", path.display());
    }
    Ok(std::fs::canonicalize(path)?)
}

/// The UI's double-tap guard (ui/src/lib/lockdown.ts `createTapGuard`), with a margin.
pub const TAP_GUARD: Duration = Duration::from_millis(450);

/// Longest any one WebDriver step may take before the test fails.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs one WebDriver step with [`STEP_TIMEOUT`], naming it on failure.
async fn step<T, E>(what: &str, fut: impl Future<Output = Result<T, E>>) -> anyhow::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    match tokio::time::timeout(STEP_TIMEOUT, fut).await {
        Ok(r) => r.with_context(|| what.to_owned()),
        Err(_) => bail!("{what}: no answer within {STEP_TIMEOUT:?}"),
    }
}

/// A WebDriver session on the real app, on its own display.
pub struct App {
    pub client: Client,
    last_click: std::sync::Mutex<Option<Instant>>,
    /// Taps on the screen so far, keys of the on-screen pads and keyboards
    /// apart: what a citizen would have to do.
    taps: std::sync::atomic::AtomicU32,
    /// Keys typed on the numeric pad or the letter keyboard so far.
    typed: std::sync::atomic::AtomicU32,
    _driver: Group,
    pub display: Display,
}

impl App {
    /// Starts the app `binary` with `args` on a new `width`×`height` display.
    pub async fn launch(
        binary: &Path,
        args: &[String],
        width: u32,
        height: u32,
    ) -> anyhow::Result<Self> {
        let display = Display::start(width, height)?;
        let port = free_port()?;
        let native_port = free_port()?;
        let driver_bin = std::env::var_os("TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
        let driver = Group(
            Command::new(&driver_bin)
                .args(["--port", &port.to_string()])
                .args(["--native-port", &native_port.to_string()])
                .env("DISPLAY", display.name())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .process_group(0)
                .spawn()
                .context("starting tauri-driver (cargo install tauri-driver --locked)")?,
        );
        wait_for_port(port, Duration::from_secs(20))?;

        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary, "args": args }),
        );
        caps.insert("browserName".into(), "wry".into());
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("opening a WebDriver session on the app")?;
        Ok(Self {
            client,
            last_click: std::sync::Mutex::new(None),
            taps: Default::default(),
            typed: Default::default(),
            _driver: driver,
            display,
        })
    }

    /// Waits (up to [`STEP_TIMEOUT`]) for the element matching `css` and returns it.
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        self.wait_for_within(css, STEP_TIMEOUT).await
    }

    /// Waits up to `limit` for the element matching `css` and returns it.
    pub async fn wait_for_within(
        &self,
        css: &str,
        limit: Duration,
    ) -> anyhow::Result<fantoccini::elements::Element> {
        let what = format!("waiting for {css}");
        let fut = self
            .client
            .wait()
            .at_most(limit)
            .for_element(Locator::Css(css));
        let found = match tokio::time::timeout(limit + Duration::from_secs(5), fut).await {
            Ok(Ok(element)) => return Ok(element),
            Ok(Err(e)) => anyhow::Error::new(e).context(what),
            Err(_) => anyhow::anyhow!("{what}: no answer within {limit:?}"),
        };
        // Say what was on screen instead: most failures are explained by it.
        let screen = tokio::time::timeout(
            Duration::from_secs(5),
            self.client
                .execute("return document.body.innerText.slice(0, 600)", vec![]),
        )
        .await;
        match screen {
            Ok(Ok(text)) => Err(found.context(format!("the screen showed: {text}"))),
            _ => Err(found),
        }
    }

    /// The text of the element matching `css`, once it is there.
    pub async fn text_of(&self, css: &str) -> anyhow::Result<String> {
        let element = self.wait_for(css).await?;
        step(&format!("reading {css}"), element.text()).await
    }

    /// Clicks the element matching `css` once it is there, no sooner than
    /// [`TAP_GUARD`] after the previous click: the UI drops a second tap
    /// within that window as an unsteady double tap, as it should.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let element = self.wait_for(css).await?;
        let since_last = self
            .last_click
            .lock()
            .ok()
            .and_then(|l| *l)
            .map(|t| t.elapsed());
        if let Some(gap) = since_last.and_then(|e| TAP_GUARD.checked_sub(e)) {
            tokio::time::sleep(gap).await;
        }
        step(&format!("clicking {css}"), element.click()).await?;
        let key = css.contains("testid=pad-") || css.contains("testid=\"kb-");
        let counter = if key { &self.typed } else { &self.taps };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // The gap to the next tap counts from when the page has handled
        // this one: on a loaded machine a click may wait for the page's
        // thread, and two queued taps would land within the guard.
        self.settle().await?;
        if let Ok(mut l) = self.last_click.lock() {
            *l = Some(Instant::now());
        }
        Ok(())
    }

    /// Taps and typed keys so far (see [`App::click`]).
    pub fn counts(&self) -> (u32, u32) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.taps.load(Relaxed), self.typed.load(Relaxed))
    }

    /// Waits for two animation frames, so what the DOM says is on screen.
    pub async fn settle(&self) -> anyhow::Result<()> {
        step(
            "waiting for a frame",
            self.client.execute_async(
                "const done = arguments[arguments.length - 1];\
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            ),
        )
        .await?;
        Ok(())
    }

    /// Saves a PNG of the whole screen to `path`, once a frame has been drawn.
    /// (WebKitWebDriver's own screenshot command hangs under a bare Xvfb, so
    /// the X server's framebuffer is captured with ImageMagick's `import`.)
    pub async fn screenshot(&self, path: &Path) -> anyhow::Result<()> {
        self.settle().await?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let status = Command::new("import")
            .args(["-display", &self.display.name(), "-window", "root"])
            .arg(path)
            .stderr(Stdio::inherit())
            .status()
            .context("running ImageMagick's import (apt-get install imagemagick)")?;
        if !status.success() {
            bail!("import failed ({status}) for {}", path.display());
        }
        Ok(())
    }

    /// Notes that the screen changed without a click (a scan, a timer): the UI
    /// drops taps within [`TAP_GUARD`] of a screen change too, so the next
    /// click is paced from now.
    pub fn screen_changed(&self) {
        if let Ok(mut l) = self.last_click.lock() {
            *l = Some(Instant::now());
        }
    }

    /// Types `text` then Enter into the page the way a USB QR reader does: a
    /// burst of keystrokes with no field focused.
    pub async fn reader_scan(&self, text: &str) -> anyhow::Result<()> {
        let body = self.wait_for("body").await?;
        let keys = format!("{text}{}", char::from(fantoccini::key::Key::Enter));
        step("typing a QR reader burst", body.send_keys(&keys)).await
    }

    /// Runs `script` (a function body returning a value) in the page.
    pub async fn eval(&self, script: &str) -> anyhow::Result<serde_json::Value> {
        step(
            &format!("running {script}"),
            self.client.execute(script, vec![]),
        )
        .await
    }

    pub async fn close(self) -> anyhow::Result<()> {
        step("closing the session", self.client.close()).await
    }
}

/// A voice for the kiosk's `--speech-program` that records every text it is
/// asked to say (one line each) and renders it with the real espeak-ng to a
/// WAV file, since a test machine has no sound card.
pub struct RecordingVoice {
    dir: tempfile::TempDir,
}

impl RecordingVoice {
    pub fn new() -> anyhow::Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let script = dir.path().join("voice.sh");
        let said = dir.path().join("said.txt");
        let wav = dir.path().join("last.wav");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\n\
                 # Arguments as espeak-ng gets them; the text comes on stdin.\n\
                 text=$(cat)\n\
                 printf '%s\\n' \"$text\" >> '{said}'\n\
                 printf '%s' \"$text\" | exec espeak-ng \"$@\" -w '{wav}'\n",
                said = said.display(),
                wav = wav.display(),
            ),
        )?;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
        Ok(Self { dir })
    }

    /// The program to pass as `--speech-program`.
    pub fn program(&self) -> String {
        self.dir.path().join("voice.sh").display().to_string()
    }

    /// Everything said so far.
    pub fn said(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("said.txt")).unwrap_or_default()
    }

    /// Waits until the voice has said something containing `text`.
    pub async fn wait_for(&self, text: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + STEP_TIMEOUT;
        while Instant::now() < deadline {
            if self.said().contains(text) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the kiosk never said {text:?}; it said {:?}", self.said())
    }
}

/// Where screenshots and other artefacts go: `MOTCUA_ARTIFACTS`, else
/// `<workspace>/artifacts`.
pub fn artifacts_dir() -> PathBuf {
    std::env::var_os("MOTCUA_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts"))
}
