//! The printer adapters against real endpoints: a local TCP listener that
//! records bytes and answers the paper query, files, a FIFO, character
//! devices, a folder, and stand-ins for `lp`/`lpstat`.

mod fixture;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use motcua_receipt::{
    CupsPrinter, EscPosDevice, EscPosTcp, FolderPrinter, NoPrinter, PAPER_STATUS_QUERY, PdfPaper,
    PrintError, PrintJob, Printer, PrinterSpec, PrinterStatus, Slip, decode_escpos, paper_status,
    parse_printer_spec,
};

fn job() -> PrintJob {
    let slip = Slip::received(&fixture::dossier(), "Kiosk 1").unwrap_or_else(|e| panic!("{e}"));
    PrintJob::new(&slip, 384, PdfPaper::Roll).unwrap_or_else(|e| panic!("{e}"))
}

#[derive(Clone, Copy)]
enum Behaviour {
    /// Answers the paper query with this byte, then reads the job.
    Answer(u8),
    /// Reads the query and closes.
    Close,
    /// Never answers; reads everything.
    Silent,
}

/// A one-connection printer on loopback; the bytes it received come back
/// on the channel when the client is done.
fn fake_printer(b: Behaviour) -> (String, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let Ok((mut s, _)) = listener.accept() else {
            return;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let mut got = vec![0u8; 3];
        if s.read_exact(&mut got).is_err() {
            let _ = tx.send(Vec::new());
            return;
        }
        match b {
            Behaviour::Close => {
                drop(s);
                let _ = tx.send(got);
                return;
            }
            Behaviour::Answer(byte) => {
                let _ = s.write_all(&[byte]);
            }
            Behaviour::Silent => {}
        }
        let _ = s.read_to_end(&mut got);
        let _ = tx.send(got);
    });
    (addr, rx)
}

fn tcp(addr: &str) -> EscPosTcp {
    EscPosTcp::new(addr).with_timeouts(
        Duration::from_secs(2),
        Duration::from_secs(5),
        Duration::from_millis(200),
    )
}

fn recv(rx: &mpsc::Receiver<Vec<u8>>) -> Vec<u8> {
    rx.recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("the fake printer got nothing: {e}"))
}

#[test]
fn the_paper_sensor_byte_is_read() {
    assert_eq!(paper_status(0x12), Some(PrinterStatus::Ready));
    assert_eq!(paper_status(0x1E), Some(PrinterStatus::PaperLow));
    assert_eq!(paper_status(0x72), Some(PrinterStatus::OutOfPaper));
    assert_eq!(paper_status(0x00), None);
    assert_eq!(paper_status(0xFF), None);
}

#[test]
fn tcp_prints_when_paper_is_present() {
    let job = job();
    let (addr, rx) = fake_printer(Behaviour::Answer(0x12));
    tcp(&addr).print(&job).unwrap_or_else(|e| panic!("{e}"));
    let got = recv(&rx);
    assert_eq!(&got[..3], &PAPER_STATUS_QUERY);
    assert_eq!(&got[3..], &job.escpos[..]);
    assert!(decode_escpos(&got[3..]).is_ok());

    let (addr, rx) = fake_printer(Behaviour::Answer(0x12));
    assert_eq!(tcp(&addr).status(), PrinterStatus::Ready);
    drop(rx);
    let (addr, _rx) = fake_printer(Behaviour::Answer(0x1E));
    assert_eq!(tcp(&addr).status(), PrinterStatus::PaperLow);
}

#[test]
fn tcp_refuses_to_print_without_paper() {
    let (addr, rx) = fake_printer(Behaviour::Answer(0x72));
    let err = tcp(&addr).print(&job());
    assert!(matches!(err, Err(PrintError::OutOfPaper)), "{err:?}");
    assert_eq!(
        err.err().map(|e| e.message_vi()),
        Some("Máy in hết giấy. Cán bộ sẽ in lại giấy hẹn cho Ông/Bà.")
    );
    assert_eq!(
        recv(&rx),
        PAPER_STATUS_QUERY.to_vec(),
        "no job bytes were sent"
    );
    let (addr, _rx) = fake_printer(Behaviour::Answer(0x72));
    assert_eq!(tcp(&addr).status(), PrinterStatus::OutOfPaper);
}

#[test]
fn tcp_printer_that_closes_or_is_gone_is_offline() {
    let (addr, _rx) = fake_printer(Behaviour::Close);
    assert_eq!(tcp(&addr).status(), PrinterStatus::Offline);
    let (addr, _rx) = fake_printer(Behaviour::Close);
    let err = tcp(&addr).print(&job());
    assert!(matches!(err, Err(PrintError::Offline(_))), "{err:?}");

    // A port nobody listens on.
    let free = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tcp(&free).status(), PrinterStatus::Offline);
    let err = tcp(&free).print(&job());
    assert!(matches!(err, Err(PrintError::Offline(_))), "{err:?}");
    assert!(
        err.err()
            .is_some_and(|e| e.message_vi().starts_with("Máy in chưa sẵn sàng"))
    );
}

#[test]
fn tcp_printer_that_never_answers_the_query_still_gets_the_job() {
    let job = job();
    let (addr, rx) = fake_printer(Behaviour::Silent);
    tcp(&addr).print(&job).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&recv(&rx)[3..], &job.escpos[..]);
    let (addr, _rx) = fake_printer(Behaviour::Silent);
    assert_eq!(tcp(&addr).status(), PrinterStatus::Unknown);
}

#[test]
fn device_file_receives_exactly_the_job() {
    let job = job();
    let file = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
    let dev = EscPosDevice::new(file.path());
    assert_eq!(dev.status(), PrinterStatus::Unknown);
    dev.print(&job).unwrap_or_else(|e| panic!("{e}"));
    let got = std::fs::read(file.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got, job.escpos);

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let missing = EscPosDevice::new(dir.path().join("lp0"));
    assert_eq!(missing.status(), PrinterStatus::Offline);
    assert!(matches!(missing.print(&job), Err(PrintError::Offline(_))));
    assert!(!dir.path().join("lp0").exists(), "no file is created");
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo");
}

#[test]
fn device_fifo_with_a_reader_gets_the_job_and_without_one_times_out() {
    let job = job();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fifo = dir.path().join("lp0");
    mkfifo(&fifo);
    let reader_path = fifo.clone();
    let reader = thread::spawn(move || {
        let mut got = Vec::new();
        std::fs::File::open(reader_path).and_then(|mut f| f.read_to_end(&mut got))?;
        Ok::<_, std::io::Error>(got)
    });
    EscPosDevice::new(&fifo)
        .print(&job)
        .unwrap_or_else(|e| panic!("{e}"));
    let got = reader
        .join()
        .unwrap_or_else(|_| panic!("reader panicked"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got, job.escpos);

    let err = EscPosDevice::new(&fifo)
        .with_timeout(Duration::from_millis(200))
        .print(&job);
    assert!(matches!(err, Err(PrintError::Timeout)), "{err:?}");
}

#[test]
fn character_devices_are_asked_for_paper_and_bad_answers_are_unknown() {
    // /dev/null answers nothing, /dev/zero answers 0x00 (not a status byte).
    for dev in ["/dev/null", "/dev/zero"] {
        let p = EscPosDevice::new(dev).with_timeout(Duration::from_millis(200));
        assert_eq!(p.status(), PrinterStatus::Unknown, "{dev}");
    }
    let p = EscPosDevice::new("/dev/null").with_timeout(Duration::from_millis(200));
    p.print(&job()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn folder_printer_numbers_its_jobs_and_leaves_no_temporary_file() {
    let job = job();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = FolderPrinter::new(dir.path());
    assert_eq!(p.status(), PrinterStatus::Ready);
    p.print(&job).unwrap_or_else(|e| panic!("{e}"));
    p.print(&job).unwrap_or_else(|e| panic!("{e}"));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["0001.escpos", "0001.pdf", "0002.escpos", "0002.pdf"]
    );
    let escpos = std::fs::read(dir.path().join("0002.escpos")).unwrap_or_else(|e| panic!("{e}"));
    assert!(decode_escpos(&escpos).is_ok());
    let pdf = std::fs::read(dir.path().join("0002.pdf")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pdf, job.pdf);

    let gone = FolderPrinter::new(dir.path().join("missing"));
    assert_eq!(gone.status(), PrinterStatus::Offline);
    assert!(matches!(gone.print(&job), Err(PrintError::Offline(_))));
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    path
}

#[test]
fn cups_sends_the_pdf_to_lp_and_reads_lpstat() {
    // One test, so no other thread forks while a script is being written.
    let job = job();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path().display();
    let lp = script(
        dir.path(),
        "lp",
        &format!("echo \"$@\" > {d}/args; cat > {d}/job.pdf"),
    );
    let idle = script(
        dir.path(),
        "lpstat-idle",
        "echo 'printer kiosk is idle.  enabled since now'",
    );
    let disabled = script(
        dir.path(),
        "lpstat-off",
        "echo 'printer kiosk disabled since now -'",
    );
    let failing = script(dir.path(), "lp-fail", "cat > /dev/null; exit 1");
    let slow = script(dir.path(), "lp-slow", "sleep 5");

    let p = CupsPrinter::new("kiosk").with_commands(&lp, &idle);
    assert_eq!(p.status(), PrinterStatus::Ready);
    p.print(&job).unwrap_or_else(|e| panic!("{e}"));
    let sent = std::fs::read(dir.path().join("job.pdf")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent, job.pdf);
    let args = std::fs::read_to_string(dir.path().join("args")).unwrap_or_default();
    assert!(args.starts_with("-d kiosk "), "{args}");

    let off = CupsPrinter::new("kiosk").with_commands(&failing, &disabled);
    assert_eq!(off.status(), PrinterStatus::Offline);
    assert!(matches!(off.print(&job), Err(PrintError::Command(_))));

    let missing =
        CupsPrinter::new("kiosk").with_commands(dir.path().join("nope"), dir.path().join("nope"));
    assert_eq!(missing.status(), PrinterStatus::Offline);
    assert!(matches!(missing.print(&job), Err(PrintError::Command(_))));

    let hung = CupsPrinter::new("kiosk")
        .with_commands(&slow, &idle)
        .with_timeout(Duration::from_millis(300));
    assert!(matches!(hung.print(&job), Err(PrintError::Timeout)));
}

#[test]
fn printer_specs_are_parsed_and_bad_ones_refused() {
    let ok = |s: &str| parse_printer_spec(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(
        ok("escpos:/dev/usb/lp0"),
        PrinterSpec::EscPos("/dev/usb/lp0".into())
    );
    assert_eq!(
        ok("tcp:192.168.1.50:9100"),
        PrinterSpec::Tcp("192.168.1.50:9100".into())
    );
    assert_eq!(
        ok("tcp:printer.local"),
        PrinterSpec::Tcp("printer.local:9100".into())
    );
    assert_eq!(
        ok("cups:Receipt_80"),
        PrinterSpec::Cups("Receipt_80".into())
    );
    assert_eq!(
        ok("folder:/tmp/slips"),
        PrinterSpec::Folder("/tmp/slips".into())
    );
    assert_eq!(ok(" none "), PrinterSpec::None);
    for bad in [
        "",
        "lp0",
        "escpos:",
        "tcp:",
        "tcp:host:port",
        "tcp:host:0",
        "tcp:host:70000",
        "cups:-oops",
        "cups:a b",
        "usb:/dev/usb/lp0",
    ] {
        assert!(
            matches!(parse_printer_spec(bad), Err(PrintError::InvalidSpec(_))),
            "{bad:?}"
        );
    }
    let none = ok("none").into_printer();
    assert_eq!(none.status(), PrinterStatus::NotConfigured);
    assert!(matches!(none.print(&job()), Err(PrintError::NotConfigured)));
    assert!(matches!(
        NoPrinter.print(&job()),
        Err(PrintError::NotConfigured)
    ));
}

#[test]
fn every_error_has_a_plain_vietnamese_message() {
    let errors = [
        PrintError::OutOfPaper,
        PrintError::Offline("x".into()),
        PrintError::Timeout,
        PrintError::NotConfigured,
        PrintError::Io(std::io::Error::other("x")),
        PrintError::Command("x".into()),
        PrintError::InvalidSpec("x".into()),
    ];
    for e in errors {
        let m = e.message_vi();
        assert!(unicode_normalization::is_nfc(m), "{m}");
        assert!(m.contains("Ông/Bà"), "{m}");
        assert!(!m.contains('x'), "no technical detail: {m}");
    }
}

#[test]
fn an_a4_job_carries_an_a4_pdf_and_the_roll_escpos() {
    let slip = Slip::received(&fixture::dossier(), "Kiosk 1").unwrap_or_else(|e| panic!("{e}"));
    let a4 = PrintJob::new(&slip, 576, PdfPaper::A4).unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&a4.pdf).contains("/MediaBox [0 0 595.28 841.89]"));
    let bm = decode_escpos(&a4.escpos).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bm.width(), 576);
    assert!(
        PrintJob::new(&slip, 100, PdfPaper::Roll).is_err(),
        "too narrow"
    );
}
