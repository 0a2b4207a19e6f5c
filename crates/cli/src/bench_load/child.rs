//! The server under test as a child process (`motcua server`), and the
//! admin commands (`motcua server kiosk add`, `staff add|disable`) run the
//! way an operator runs them. The database is only ever the arguments
//! `db_args` passed to each of them, so SQLite and PostgreSQL go through
//! the same code.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// How long a server gets to print `listening on URL`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How to run `motcua` against one database.
#[derive(Debug, Clone)]
pub struct Target {
    pub exe: PathBuf,
    pub data: PathBuf,
    /// `--database URL`, or nothing for SQLite in `data`.
    pub db_args: Vec<String>,
}

impl Target {
    fn motcua(&self) -> Command {
        let mut c = Command::new(&self.exe);
        c.kill_on_drop(true);
        c
    }

    /// Runs `motcua server ARGS --data DIR [--database URL]`, feeding
    /// `stdin`; its stdout, trimmed, when it succeeds.
    async fn admin(&self, args: &[&str], stdin: Option<&str>) -> anyhow::Result<String> {
        let mut cmd = self.motcua();
        cmd.arg("server")
            .args(args)
            .arg("--data")
            .arg(&self.data)
            .args(&self.db_args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().context("starting motcua server …")?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(text.as_bytes()).await?;
            drop(pipe);
        }
        let out = child.wait_with_output().await?;
        if !out.status.success() {
            anyhow::bail!(
                "motcua server {} failed ({}): {}",
                args.first().copied().unwrap_or_default(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Registers (or renews) the kiosks `names` and returns their tokens in
    /// the same order: the first alone (it may create the database and run
    /// its migrations), then the others a few at a time.
    pub async fn add_kiosks(&self, names: &[String]) -> anyhow::Result<Vec<String>> {
        let mut tokens = vec![String::new(); names.len()];
        let Some(first) = names.first() else {
            return Ok(tokens);
        };
        tokens[0] = self
            .admin(&["kiosk", "add", first, "--replace"], None)
            .await?;
        anyhow::ensure!(!tokens[0].is_empty(), "kiosk add printed no token");
        let mut set = tokio::task::JoinSet::new();
        let mut next = 1;
        let mut running = 0;
        while next < names.len() || running > 0 {
            while running < 6 && next < names.len() {
                let (me, name, i) = (self.clone(), names[next].clone(), next);
                set.spawn(async move {
                    let token = me.admin(&["kiosk", "add", &name, "--replace"], None).await;
                    (i, token)
                });
                next += 1;
                running += 1;
            }
            if let Some(done) = set.join_next().await {
                running -= 1;
                let (i, token) = done?;
                let token = token?;
                anyhow::ensure!(!token.is_empty(), "kiosk add printed no token");
                tokens[i] = token;
            }
        }
        Ok(tokens)
    }

    /// Adds a helper with this password and PIN.
    pub async fn add_staff(&self, user: &str, password: &str, pin: &str) -> anyhow::Result<()> {
        self.admin(
            &["staff", "add", user],
            Some(&format!("{password}\n{pin}\n")),
        )
        .await
        .map(|_| ())
    }

    /// Disables a helper (the run's own, at the end).
    pub async fn disable_staff(&self, user: &str) -> anyhow::Result<()> {
        self.admin(&["staff", "disable", user], None)
            .await
            .map(|_| ())
    }

    /// Starts `motcua server` on `listen` (e.g. `127.0.0.1:0`), its log
    /// appended to `log`, and waits for the URL it prints.
    pub async fn start_server(&self, listen: &str, log: &Path) -> anyhow::Result<Server> {
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("opening {}", log.display()))?;
        let mut child = self
            .motcua()
            .arg("server")
            .arg("--data")
            .arg(&self.data)
            .arg("--listen")
            .arg(listen)
            .args(&self.db_args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .context("starting motcua server")?;
        let stdout = child.stdout.take().context("no stdout of the server")?;
        let mut lines = BufReader::new(stdout).lines();
        let found = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix("listening on ") {
                    return anyhow::Ok(Some(url.trim().to_owned()));
                }
            }
            Ok(None)
        })
        .await;
        let why = match found {
            Ok(Ok(Some(url))) => {
                // Nothing else is printed, but the pipe must not fill.
                tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                return Ok(Server { child, url });
            }
            Ok(Ok(None)) => "exited before listening".to_owned(),
            Ok(Err(e)) => format!("could not be read: {e}"),
            Err(_) => "did not print its URL in time".to_owned(),
        };
        let _ = child.kill().await;
        let log_text = std::fs::read_to_string(log).unwrap_or_default();
        let mut tail: Vec<&str> = log_text.lines().rev().take(10).collect();
        tail.reverse();
        anyhow::bail!(
            "motcua server {why}; its last log lines:\n{}",
            tail.join("\n")
        )
    }
}

/// A running `motcua server`.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// `host:port` of its URL, to start the next one on the same address.
    pub fn listen_addr(&self) -> &str {
        self.url
            .strip_prefix("http://")
            .unwrap_or(&self.url)
            .trim_end_matches('/')
    }

    /// SIGKILL, and waits for it to be gone.
    pub async fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill().await.context("killing the server")
    }
}
