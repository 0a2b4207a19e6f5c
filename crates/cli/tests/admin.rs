//! `motcua server kiosk …` (and `staff …`) run as real processes against a
//! data folder, and the token they print used on a running `motcua server`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Output, Stdio};

fn motcua(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env_remove("MOTCUA_DATA")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start motcua: {e}"));
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.unwrap_or_default().as_bytes());
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("motcua did not finish: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// One HTTP/1.1 request; the status code and the body.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// `GET path` with the bearer token; the status code.
fn get_status(addr: &str, path: &str, token: &str) -> u16 {
    request(
        addr,
        "GET",
        path,
        &[("Authorization", &format!("Bearer {token}"))],
        "",
    )
    .0
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `motcua server` on a free port; its address.
fn serve(data: &str) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["server", "--data", data, "--listen", "127.0.0.1:0"])
        .env_remove("MOTCUA_SMS_URL")
        .env_remove("MOTCUA_CATALOG")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start motcua server: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (server, addr)
}

#[test]
fn kiosk_add_list_revoke_and_the_token_on_a_running_server() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let data = dir.path().display().to_string();

    let out = motcua(&["server", "kiosk", "add", "quay-1", "--data", &data], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let token = stdout.trim().to_owned();
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    assert_eq!(token.len(), 64, "{token:?}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!text(&out.stderr).contains(&token), "token on stderr too");

    // The same name again is refused, naming --replace; no token printed.
    let again = motcua(&["server", "kiosk", "add", "quay-1", "--data", &data], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(again.stdout.is_empty());
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    assert!(text(&again.stderr).contains("--replace"));

    let out = motcua(&["server", "kiosk", "add", "quay-2", "--data", &data], None);
    assert!(out.status.success());
    let second = text(&out.stdout).trim().to_owned();
    assert_ne!(second, token);

    let (_server, addr) = serve(&data);
    assert_eq!(get_status(&addr, "/v1/catalog", &token), 200);
    assert_eq!(get_status(&addr, "/v1/catalog", &second), 200);
    assert_eq!(get_status(&addr, "/v1/catalog", "nope"), 401);

    // Revoked while the server runs: refused at once.
    let out = motcua(
        &["server", "kiosk", "revoke", "quay-1", "--data", &data],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("revoked"));
    assert_eq!(get_status(&addr, "/v1/catalog", &token), 401);
    assert_eq!(get_status(&addr, "/v1/catalog", &second), 200);
    let out = motcua(
        &["server", "kiosk", "revoke", "quay-1", "--data", &data],
        None,
    );
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("already revoked"));
    let out = motcua(
        &["server", "kiosk", "revoke", "nope", "--data", &data],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no kiosk named \"nope\""));

    let out = motcua(&["server", "kiosk", "list", "--data", &data], None);
    assert!(out.status.success());
    let list = text(&out.stdout);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(
        lines[0].starts_with("quay-1\tadded 20") && lines[0].contains("\trevoked 20"),
        "{list}"
    );
    assert!(
        lines[1].starts_with("quay-2\tadded 20") && lines[1].ends_with("\tactive"),
        "{list}"
    );
    assert!(
        !list.contains(&token) && !list.contains(&second),
        "a token listed"
    );

    // --replace gives a new token and lifts the revocation.
    let out = motcua(
        &[
            "server",
            "kiosk",
            "add",
            "quay-1",
            "--replace",
            "--data",
            &data,
        ],
        None,
    );
    assert!(out.status.success());
    let renewed = text(&out.stdout).trim().to_owned();
    assert_eq!(get_status(&addr, "/v1/catalog", &renewed), 200);
    assert_eq!(get_status(&addr, "/v1/catalog", &token), 401);
    // Open routes stay open.
    assert_eq!(get_status(&addr, "/healthz", ""), 200);
}

const PASSWORD: &str = "Hoa sen nở 2026";
const PIN: &str = "482916";

fn staff_login(addr: &str, user: &str, password: &str) -> u16 {
    let body = format!(r#"{{"user":"{user}","password":"{password}"}}"#);
    request(addr, "POST", "/v1/staff/sessions", &[], &body).0
}

#[test]
fn staff_add_reads_password_and_pin_from_stdin_and_disable_ends_logins() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let data = dir.path().display().to_string();
    let add = |user: &str, stdin: &str, name: Option<&str>| {
        let mut args = vec!["server", "staff", "add", user, "--data", &data];
        if let Some(n) = name {
            args.extend(["--name", n]);
        }
        motcua(&args, Some(stdin))
    };

    let out = add(
        "Lan",
        &format!("{PASSWORD}\n{PIN}\n"),
        Some("Nguyễn Thị Lan"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "helper \"lan\" added\n");
    // Windows line endings and no final newline are fine too.
    let out = add("minh", &format!("{PASSWORD}x\r\n730518"), None);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Refusals: one line naming the rule, never the secret; nothing added.
    for (user, stdin, want) in [
        ("lan", format!("{PASSWORD}\n{PIN}\n"), "already exists"),
        (
            "thu",
            format!("ngắn quá\n{PIN}\n"),
            "shorter than 10 characters",
        ),
        (
            "thu",
            format!("{PASSWORD}\n48291\n"),
            "not exactly 6 digits",
        ),
        (
            "thu",
            format!("{PASSWORD}\n48291a\n"),
            "not exactly 6 digits",
        ),
        ("thu", format!("{PASSWORD}\n"), "the PIN is missing"),
        ("thu", String::new(), "the password is missing"),
        ("thu lan", format!("{PASSWORD}\n{PIN}\n"), "user name"),
    ] {
        let out = add(user, &stdin, None);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{user} {stdin:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
        assert!(stderr.contains(want), "{stdin:?}: {stderr}");
        for secret in [PASSWORD, "ngắn quá", PIN, "48291"] {
            assert!(!stderr.contains(secret), "{secret:?} in {stderr}");
        }
    }

    let (_server, addr) = serve(&data);
    assert_eq!(staff_login(&addr, "lan", PASSWORD), 201);
    assert_eq!(staff_login(&addr, "minh", &format!("{PASSWORD}x")), 201);
    assert_eq!(staff_login(&addr, "thu", PASSWORD), 401);
    assert_eq!(staff_login(&addr, "lan", "sai mật khẩu rồi"), 401);

    let out = motcua(
        &["server", "staff", "disable", "lan", "--data", &data],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("disabled"));
    assert_eq!(staff_login(&addr, "lan", PASSWORD), 401);
    let out = motcua(
        &["server", "staff", "disable", "lan", "--data", &data],
        None,
    );
    assert!(text(&out.stdout).contains("already disabled"));
    let out = motcua(
        &["server", "staff", "disable", "nobody", "--data", &data],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no helper named \"nobody\""));

    // Neither password nor PIN is in any file of the data folder.
    for entry in std::fs::read_dir(dir.path()).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let bytes = std::fs::read(&path).unwrap_or_default();
        for secret in [PASSWORD, PIN] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret:?} in clear in {}",
                path.display()
            );
        }
    }
}

/// `POST /v1/staff/unlock-card` with `card` from kiosk `token`; the status.
fn unlock_card(addr: &str, token: &str, card: &str) -> (u16, String) {
    let body = serde_json::json!({ "card": card }).to_string();
    request(
        addr,
        "POST",
        "/v1/staff/unlock-card",
        &[("Authorization", &format!("Bearer {token}"))],
        &body,
    )
}

/// The text of the QR in the PNG at `path`.
fn qr_in_png(path: &std::path::Path) -> String {
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_luma8();
    let (w, h) = img.dimensions();
    rxing::helpers::detect_in_luma(img.into_raw(), w, h, Some(rxing::BarcodeFormat::QR_CODE))
        .unwrap_or_else(|e| panic!("no QR code found in the PNG: {e}"))
        .getText()
        .to_owned()
}

#[test]
fn staff_card_issues_a_qr_that_unlocks_and_can_be_reissued_or_revoked() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let data = dir.path().join("data").display().to_string();
    let out = motcua(
        &["server", "staff", "add", "lan", "--data", &data],
        Some(&format!("{PASSWORD}\n{PIN}\n")),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = motcua(&["server", "kiosk", "add", "quay-1", "--data", &data], None);
    let kiosk = text(&out.stdout).trim().to_owned();

    // A bad image name issues nothing.
    let bad = dir.path().join("card.jpg");
    let out = motcua(
        &[
            "server",
            "staff",
            "card",
            "lan",
            "--data",
            &data,
            "--out",
            &bad.display().to_string(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains(".png or .svg"),
        "{}",
        text(&out.stderr)
    );
    let out = motcua(
        &["server", "staff", "card", "nobody", "--data", &data],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no helper named"));

    let png = dir.path().join("lan.png");
    let out = motcua(
        &[
            "server",
            "staff",
            "card",
            "lan",
            "--data",
            &data,
            "--out",
            &png.display().to_string(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = text(&out.stdout).trim().to_owned();
    assert!(
        first.starts_with("MOTCUA:CB:") && first.len() == 74,
        "{first:?}"
    );
    assert!(!text(&out.stderr).contains(&first));
    assert_eq!(qr_in_png(&png), first, "the PNG's QR is the card printed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&png)
            .map(|m| m.permissions().mode())
            .unwrap_or(0);
        assert_eq!(mode & 0o777, 0o600, "the card image is readable by others");
    }

    let (_server, addr) = serve(&data);
    let (status, body) = unlock_card(&addr, &kiosk, &first);
    assert_eq!(status, 201, "{body}");
    assert!(body.contains("\"user\":\"lan\""), "{body}");

    // Reissued (as an SVG): the first card stops working.
    let svg = dir.path().join("lan.svg");
    let out = motcua(
        &[
            "server",
            "staff",
            "card",
            "lan",
            "--data",
            &data,
            "--out",
            &svg.display().to_string(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let second = text(&out.stdout).trim().to_owned();
    assert_ne!(first, second);
    let svg_text = std::fs::read_to_string(&svg).unwrap_or_default();
    assert!(
        svg_text.starts_with("<svg") && svg_text.contains("<path d=\"M"),
        "{svg_text}"
    );
    assert_eq!(unlock_card(&addr, &kiosk, &first).0, 401);
    assert_eq!(unlock_card(&addr, &kiosk, &second).0, 201);

    let out = motcua(
        &[
            "server", "staff", "card", "lan", "--revoke", "--data", &data,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("revoked"));
    assert_eq!(unlock_card(&addr, &kiosk, &second).0, 401);
    let out = motcua(
        &[
            "server", "staff", "card", "lan", "--revoke", "--data", &data,
        ],
        None,
    );
    assert!(text(&out.stdout).contains("had no staff card"));
}
