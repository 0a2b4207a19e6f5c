//! `motcua server` SMS flags, run as a real process: a misconfigured gateway
//! stops the server before it listens, naming the problem, never the token.

use std::process::Command;

#[test]
fn a_misconfigured_sms_gateway_stops_the_server() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let data = dir.path().display().to_string();
    // (URL, token, what stderr must name)
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("http://127.0.0.1:9/send", None, "MOTCUA_SMS_TOKEN"),
        (
            "http://127.0.0.1:9/send",
            Some("  "),
            "MOTCUA_SMS_TOKEN is empty",
        ),
        ("ftp://127.0.0.1/send", Some("tok-s3cret"), "not http(s)"),
    ];
    for &(url, token, want) in cases {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
        cmd.args([
            "server",
            "--data",
            &data,
            "--listen",
            "127.0.0.1:0",
            "--sms-url",
            url,
        ])
        .env_remove("MOTCUA_SMS_TOKEN")
        .env_remove("MOTCUA_SMS_URL")
        .env_remove("MOTCUA_CATALOG");
        if let Some(t) = token {
            cmd.env("MOTCUA_SMS_TOKEN", t);
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot start motcua: {e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{url}: started anyway");
        assert!(stderr.contains(want), "{url}: {stderr}");
        assert!(!stderr.contains("tok-s3cret"), "token leaked: {stderr}");
    }
}
