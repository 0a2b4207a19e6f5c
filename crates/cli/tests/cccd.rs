//! `motcua cccd parse` run as a real process.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["cccd", "parse"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start motcua: {e}"));
    if let Some(mut input) = child.stdin.take() {
        // The binary may stop reading early (input too long): ignore EPIPE.
        let _ = input.write_all(stdin);
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("motcua did not finish: {e}"))
}

/// Checks a refused payload: status 1, nothing on stdout, and one English
/// line on stderr that names `reason` and none of `secrets`.
fn check_refused(stdin: &[u8], reason: &str, secrets: &[&str]) {
    let out = run(stdin);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr:?}");
    assert!(stderr.ends_with('\n'), "stderr: {stderr:?}");
    assert!(
        stderr.contains(reason),
        "stderr: {stderr:?}, want {reason:?}"
    );
    for s in secrets {
        assert!(!stderr.contains(s), "stderr {stderr:?} leaks {s:?}");
    }
}

const AN: &str = "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021";

#[test]
fn valid_card_prints_its_fields_as_json() {
    for input in [
        format!("{AN}\r\n"),
        AN.to_owned(),
        format!("{AN}|extra|fields\n"),
    ] {
        let out = run(input.as_bytes());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
        assert!(out.stderr.is_empty(), "stderr: {stderr}");
        let stdout = String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("not UTF-8: {e}"));
        assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
        let json: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON: {e}: {stdout}"));
        assert_eq!(
            json,
            serde_json::json!({
                "id_number": "001089012345",
                "old_id_number": null,
                "full_name": "NGUYỄN VĂN AN",
                "date_of_birth": "1989-03-15",
                "sex": "male",
                "address": "Số 5, Đông Sơn, Thanh Hóa",
                "issue_date": "2021-04-20",
            })
        );
    }
}

#[test]
fn female_card_with_old_number() {
    let out =
        run("038155000123|172345678|Lê Thị Thủy|01011955|Nữ|Quảng Xương|10082021\n".as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert_eq!(json["sex"], "female");
    assert_eq!(json["old_id_number"], "172345678");
    assert_eq!(json["date_of_birth"], "1955-01-01");
}

#[test]
fn invalid_cards_are_refused_without_personal_data() {
    // The ID's sex digit says female, the card says Nam.
    check_refused(
        "001189012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn|20042021\n".as_bytes(),
        "sex digit",
        &["001189012345", "NGUY", "1989", "Số 5"],
    );
    check_refused(
        "001089012345||NGUYỄN VĂN AN|31021989|Nam|Số 5|20042021".as_bytes(),
        "date of birth is not a calendar date",
        &["001089012345", "NGUY", "3102"],
    );
    check_refused(b"", "empty payload", &[]);
    check_refused(b"\xff\xfe|||", "not UTF-8", &[]);
    check_refused(&[b'|'; 5000], "input longer than 4096 bytes", &[]);
    check_refused(&[b'|'; 3000], "payload longer than 2048 bytes", &[]);
}

#[test]
fn foreign_qr_codes_are_named() {
    let vietqr = "00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA530370454061800005802VN62230819thanh toan don hang630470FA";
    check_refused(
        vietqr.as_bytes(),
        "not a citizen ID card QR: a payment (EMV/VietQR) code",
        &["970436", "1017595600", "thanh toan"],
    );
    check_refused(
        b"https://dichvucong.gov.vn/p/home/dvc-trang-chu.html\r\n",
        "not a citizen ID card QR: a web address",
        &["dichvucong"],
    );
    check_refused(
        "Xin chào".as_bytes(),
        "not a citizen ID card QR: text without card fields",
        &["chào"],
    );
}
