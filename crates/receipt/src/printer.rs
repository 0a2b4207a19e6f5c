//! Printers behind one trait: an ESC/POS device file, an ESC/POS printer on
//! TCP port 9100, a CUPS queue, or a folder. The only I/O of this crate is
//! here, and it logs nothing.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::escpos::encode_escpos;
use crate::pdf::{pdf_80mm, pdf_a4};
use crate::render::{RenderOptions, render};
use crate::words::printer as msg;
use crate::{ReceiptError, Slip};

/// `DLE EOT 4`: real-time status of the roll paper sensor.
pub const PAPER_STATUS_QUERY: [u8; 3] = [0x10, 0x04, 0x04];

/// A slip ready for any printer: the ESC/POS job and a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    pub escpos: Vec<u8>,
    pub pdf: Vec<u8>,
}

/// The paper a PDF is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfPaper {
    /// The roll's raster on an 80 mm page.
    Roll,
    /// The slip laid out again at A4 width, on A4 pages.
    A4,
}

impl PrintJob {
    /// Renders the slip for a roll of `roll_width` dots (576 or 384) and
    /// encodes it as ESC/POS, with a PDF for `pdf`.
    pub fn new(slip: &Slip, roll_width: u32, pdf: PdfPaper) -> Result<PrintJob, ReceiptError> {
        let bitmap = render(slip, &RenderOptions::roll(roll_width))?;
        let pdf = match pdf {
            PdfPaper::Roll => pdf_80mm(&bitmap)?,
            PdfPaper::A4 => pdf_a4(slip)?,
        };
        Ok(PrintJob {
            escpos: encode_escpos(&bitmap),
            pdf,
        })
    }
}

/// What a printer says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrinterStatus {
    Ready,
    /// Paper is running low: it still prints.
    PaperLow,
    OutOfPaper,
    /// Not connected, not answering, or disabled.
    Offline,
    /// It took the job path but cannot tell its state (a write-only device,
    /// no answer to the status query).
    Unknown,
    /// No printer is configured (`none`).
    NotConfigured,
}

/// Why a job was not printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the printer is out of paper")]
    OutOfPaper,
    #[error("the printer is offline: {0}")]
    Offline(String),
    #[error("the printer did not answer in time")]
    Timeout,
    #[error("no printer is configured")]
    NotConfigured,
    #[error("printer I/O failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the print command failed: {0}")]
    Command(String),
    #[error("invalid printer spec: {0}")]
    InvalidSpec(String),
}

impl PrintError {
    /// What to tell the citizen and the helper, in plain Vietnamese.
    pub fn message_vi(&self) -> &'static str {
        match self {
            PrintError::OutOfPaper => msg::OUT_OF_PAPER,
            PrintError::Offline(_) => msg::OFFLINE,
            PrintError::Timeout => msg::TIMEOUT,
            PrintError::NotConfigured | PrintError::InvalidSpec(_) => msg::NOT_CONFIGURED,
            PrintError::Io(_) | PrintError::Command(_) => msg::FAILED,
        }
    }
}

/// A printer.
pub trait Printer: Send + Sync {
    fn print(&self, job: &PrintJob) -> Result<(), PrintError>;
    fn status(&self) -> PrinterStatus;
}

/// Reads the answer to [`PAPER_STATUS_QUERY`]: `None` when the byte is not
/// a status byte (bits 0 and 7 clear, bits 1 and 4 set).
pub fn paper_status(byte: u8) -> Option<PrinterStatus> {
    if byte & 0x93 != 0x12 {
        return None;
    }
    Some(if byte & 0x60 != 0 {
        PrinterStatus::OutOfPaper
    } else if byte & 0x0C != 0 {
        PrinterStatus::PaperLow
    } else {
        PrinterStatus::Ready
    })
}

fn check_before_printing(s: PrinterStatus) -> Result<(), PrintError> {
    match s {
        PrinterStatus::OutOfPaper => Err(PrintError::OutOfPaper),
        PrinterStatus::Offline => Err(PrintError::Offline("no answer".into())),
        PrinterStatus::NotConfigured => Err(PrintError::NotConfigured),
        PrinterStatus::Ready | PrinterStatus::PaperLow | PrinterStatus::Unknown => Ok(()),
    }
}

// ---------------------------------------------------------------- device

/// An ESC/POS printer behind a device file such as `/dev/usb/lp0`. On a
/// character device the paper sensor is asked (`DLE EOT 4`) with a timeout;
/// a regular file or a FIFO just receives the job (status `Unknown`).
#[derive(Debug, Clone)]
pub struct EscPosDevice {
    path: PathBuf,
    timeout: Duration,
}

/// `O_NONBLOCK` on Linux, so a device that never answers cannot hang us.
const O_NONBLOCK: i32 = 0o4000;

impl EscPosDevice {
    pub fn new(path: impl Into<PathBuf>) -> EscPosDevice {
        EscPosDevice {
            path: path.into(),
            timeout: Duration::from_secs(2),
        }
    }

    /// How long a status answer or a write may take.
    pub fn with_timeout(mut self, timeout: Duration) -> EscPosDevice {
        self.timeout = timeout;
        self
    }

    fn is_char_device(&self) -> bool {
        fs::metadata(&self.path).is_ok_and(|m| m.file_type().is_char_device())
    }

    fn query(&self, f: &mut File) -> PrinterStatus {
        if write_all_until(f, &PAPER_STATUS_QUERY, Instant::now() + self.timeout).is_err() {
            return PrinterStatus::Offline;
        }
        let deadline = Instant::now() + self.timeout.min(Duration::from_millis(500));
        let mut b = [0u8; 1];
        loop {
            match f.read(&mut b) {
                Ok(1) => return paper_status(b[0]).unwrap_or(PrinterStatus::Unknown),
                Ok(_) => return PrinterStatus::Unknown,
                Err(e)
                    if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return PrinterStatus::Unknown,
            }
            if Instant::now() >= deadline {
                return PrinterStatus::Unknown;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn open(&self, read: bool) -> std::io::Result<File> {
        OpenOptions::new()
            .read(read)
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(&self.path)
    }
}

/// Writes everything on a possibly non-blocking handle before `deadline`.
fn write_all_until(
    w: &mut impl Write,
    mut buf: &[u8],
    deadline: Instant,
) -> Result<(), PrintError> {
    while !buf.is_empty() {
        match w.write(buf) {
            Ok(0) => return Err(PrintError::Offline("device accepts no bytes".into())),
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted => {
                if Instant::now() >= deadline {
                    return Err(PrintError::Timeout);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(PrintError::Io(e)),
        }
    }
    Ok(())
}

impl Printer for EscPosDevice {
    fn print(&self, job: &PrintJob) -> Result<(), PrintError> {
        let mut f = if self.is_char_device() {
            let mut f = self
                .open(true)
                .or_else(|_| self.open(false))
                .map_err(|e| PrintError::Offline(e.kind().to_string()))?;
            check_before_printing(self.query(&mut f))?;
            f
        } else {
            // A FIFO opened non-blocking with no reader fails: wait for one.
            let deadline = Instant::now() + self.timeout;
            loop {
                match self.open(false) {
                    Ok(f) => break f,
                    Err(e) if e.raw_os_error() == Some(6) && Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(e) if e.raw_os_error() == Some(6) => return Err(PrintError::Timeout),
                    Err(e) => return Err(PrintError::Offline(e.kind().to_string())),
                }
            }
        };
        write_all_until(&mut f, &job.escpos, Instant::now() + self.timeout * 10)?;
        f.flush()?;
        Ok(())
    }

    fn status(&self) -> PrinterStatus {
        if !self.path.exists() {
            return PrinterStatus::Offline;
        }
        if !self.is_char_device() {
            return PrinterStatus::Unknown;
        }
        match self.open(true) {
            Ok(mut f) => self.query(&mut f),
            Err(_) if self.open(false).is_ok() => PrinterStatus::Unknown,
            Err(_) => PrinterStatus::Offline,
        }
    }
}

// ---------------------------------------------------------------- TCP

/// An ESC/POS printer on the network (raw port 9100).
#[derive(Debug, Clone)]
pub struct EscPosTcp {
    addr: String,
    connect_timeout: Duration,
    io_timeout: Duration,
    status_timeout: Duration,
}

impl EscPosTcp {
    /// `addr` is `host:port`.
    pub fn new(addr: impl Into<String>) -> EscPosTcp {
        EscPosTcp {
            addr: addr.into(),
            connect_timeout: Duration::from_secs(3),
            io_timeout: Duration::from_secs(10),
            status_timeout: Duration::from_secs(1),
        }
    }

    /// Connect, write, and status-answer timeouts.
    pub fn with_timeouts(mut self, connect: Duration, io: Duration, status: Duration) -> Self {
        self.connect_timeout = connect;
        self.io_timeout = io;
        self.status_timeout = status;
        self
    }

    fn connect(&self) -> Result<TcpStream, PrintError> {
        let addrs = self
            .addr
            .to_socket_addrs()
            .map_err(|e| PrintError::Offline(e.kind().to_string()))?;
        let mut last = PrintError::Offline("no address".into());
        for a in addrs {
            match TcpStream::connect_timeout(&a, self.connect_timeout) {
                Ok(s) => {
                    s.set_write_timeout(Some(self.io_timeout))?;
                    s.set_nodelay(true)?;
                    return Ok(s);
                }
                Err(e) if e.kind() == ErrorKind::TimedOut => last = PrintError::Timeout,
                Err(e) => last = PrintError::Offline(e.kind().to_string()),
            }
        }
        Err(last)
    }

    fn query(&self, s: &mut TcpStream) -> PrinterStatus {
        if s.write_all(&PAPER_STATUS_QUERY).is_err() {
            return PrinterStatus::Offline;
        }
        if s.set_read_timeout(Some(self.status_timeout)).is_err() {
            return PrinterStatus::Unknown;
        }
        let mut b = [0u8; 1];
        match s.read(&mut b) {
            Ok(1) => paper_status(b[0]).unwrap_or(PrinterStatus::Unknown),
            Ok(_) => PrinterStatus::Offline,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                PrinterStatus::Unknown
            }
            Err(_) => PrinterStatus::Offline,
        }
    }
}

impl Printer for EscPosTcp {
    fn print(&self, job: &PrintJob) -> Result<(), PrintError> {
        let mut s = self.connect()?;
        check_before_printing(self.query(&mut s))?;
        s.write_all(&job.escpos).map_err(|e| match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => PrintError::Timeout,
            _ => PrintError::Offline(e.kind().to_string()),
        })?;
        s.flush()?;
        // Let the printer read it all before the connection goes.
        let _ = s.shutdown(Shutdown::Write);
        Ok(())
    }

    fn status(&self) -> PrinterStatus {
        match self.connect() {
            Ok(mut s) => self.query(&mut s),
            Err(_) => PrinterStatus::Offline,
        }
    }
}

// ---------------------------------------------------------------- CUPS

/// A CUPS queue: `lp -d QUEUE` with the PDF on standard input; status from
/// `lpstat -p QUEUE`.
#[derive(Debug, Clone)]
pub struct CupsPrinter {
    queue: String,
    lp: PathBuf,
    lpstat: PathBuf,
    timeout: Duration,
}

impl CupsPrinter {
    pub fn new(queue: impl Into<String>) -> CupsPrinter {
        CupsPrinter {
            queue: queue.into(),
            lp: "lp".into(),
            lpstat: "lpstat".into(),
            timeout: Duration::from_secs(30),
        }
    }

    /// Other `lp` and `lpstat` programs (tests use stand-ins).
    pub fn with_commands(mut self, lp: impl Into<PathBuf>, lpstat: impl Into<PathBuf>) -> Self {
        self.lp = lp.into();
        self.lpstat = lpstat.into();
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Runs a command with `input` on stdin until `timeout`; its exit status
/// and standard output.
fn run(cmd: &mut Command, input: &[u8], timeout: Duration) -> Result<(bool, String), PrintError> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| PrintError::Command(e.kind().to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that quits without reading everything is judged by its
        // exit status below.
        let _ = stdin.write_all(input);
    }
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            let mut out = String::new();
            if let Some(mut o) = child.stdout.take() {
                let _ = o.read_to_string(&mut out);
            }
            return Ok((status.success(), out));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(PrintError::Timeout);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Printer for CupsPrinter {
    fn print(&self, job: &PrintJob) -> Result<(), PrintError> {
        let mut cmd = Command::new(&self.lp);
        cmd.arg("-d")
            .arg(&self.queue)
            .arg("-t")
            .arg("motcua")
            .arg("-");
        match run(&mut cmd, &job.pdf, self.timeout)? {
            (true, _) => Ok(()),
            (false, _) => Err(PrintError::Command("lp failed".into())),
        }
    }

    fn status(&self) -> PrinterStatus {
        let mut cmd = Command::new(&self.lpstat);
        cmd.arg("-p").arg(&self.queue);
        match run(&mut cmd, b"", Duration::from_secs(5)) {
            Ok((true, out)) => {
                let out = out.to_ascii_lowercase();
                if out.contains("disabled") || out.contains("paused") {
                    PrinterStatus::Offline
                } else if out.contains("media-empty") || out.contains("out of paper") {
                    PrinterStatus::OutOfPaper
                } else if out.contains("idle") || out.contains("printing") {
                    PrinterStatus::Ready
                } else {
                    PrinterStatus::Unknown
                }
            }
            _ => PrinterStatus::Offline,
        }
    }
}

// ---------------------------------------------------------------- folder

/// Writes each job as `NNNN.escpos` and `NNNN.pdf` into a folder, numbered
/// from 0001 on (the PDF first, so a complete `.escpos` means a complete
/// job). The kiosk's default in development, and what its E2E test reads.
#[derive(Debug, Clone)]
pub struct FolderPrinter {
    dir: PathBuf,
}

impl FolderPrinter {
    pub fn new(dir: impl Into<PathBuf>) -> FolderPrinter {
        FolderPrinter { dir: dir.into() }
    }

    fn next_number(&self) -> Result<u32, PrintError> {
        let mut max = 0;
        for e in fs::read_dir(&self.dir)? {
            let name = e?.file_name();
            let name = name.to_string_lossy();
            if let Some(stem) = name.split('.').next()
                && let Ok(n) = stem.parse::<u32>()
            {
                max = max.max(n);
            }
        }
        Ok(max + 1)
    }
}

fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), PrintError> {
    let tmp = dir.join(format!(".{name}.tmp"));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, dir.join(name))?;
    Ok(())
}

impl Printer for FolderPrinter {
    fn print(&self, job: &PrintJob) -> Result<(), PrintError> {
        if !self.dir.is_dir() {
            return Err(PrintError::Offline("folder missing".into()));
        }
        // Claim the number with create_new, so two jobs never share one.
        let mut n = self.next_number()?;
        loop {
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(self.dir.join(format!("{n:04}.pdf")))
            {
                Ok(_) => break,
                Err(e) if e.kind() == ErrorKind::AlreadyExists => n += 1,
                Err(e) => return Err(e.into()),
            }
        }
        write_atomic(&self.dir, &format!("{n:04}.pdf"), &job.pdf)?;
        write_atomic(&self.dir, &format!("{n:04}.escpos"), &job.escpos)?;
        Ok(())
    }

    fn status(&self) -> PrinterStatus {
        if self.dir.is_dir() {
            PrinterStatus::Ready
        } else {
            PrinterStatus::Offline
        }
    }
}

// ---------------------------------------------------------------- none

/// No printer (`none`): every job is refused with [`PrintError::NotConfigured`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPrinter;

impl Printer for NoPrinter {
    fn print(&self, _job: &PrintJob) -> Result<(), PrintError> {
        Err(PrintError::NotConfigured)
    }

    fn status(&self) -> PrinterStatus {
        PrinterStatus::NotConfigured
    }
}

// ---------------------------------------------------------------- spec

/// A printer as configured: `escpos:/dev/usb/lp0`, `tcp:HOST:9100`,
/// `cups:QUEUE`, `folder:DIR` or `none`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterSpec {
    EscPos(PathBuf),
    Tcp(String),
    Cups(String),
    Folder(PathBuf),
    None,
}

/// Reads a printer spec; the TCP port defaults to 9100.
pub fn parse_printer_spec(spec: &str) -> Result<PrinterSpec, PrintError> {
    let spec = spec.trim();
    let invalid = || PrintError::InvalidSpec(spec.to_owned());
    if spec == "none" {
        return Ok(PrinterSpec::None);
    }
    let (kind, rest) = spec.split_once(':').ok_or_else(invalid)?;
    if rest.is_empty() {
        return Err(invalid());
    }
    match kind {
        "escpos" => Ok(PrinterSpec::EscPos(rest.into())),
        "folder" => Ok(PrinterSpec::Folder(rest.into())),
        "cups" => {
            let ok = rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
            if ok && !rest.starts_with('-') {
                Ok(PrinterSpec::Cups(rest.to_owned()))
            } else {
                Err(invalid())
            }
        }
        "tcp" => {
            let (host, port) = match rest.rsplit_once(':') {
                Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => {
                    (h, p.parse::<u16>().map_err(|_| invalid())?)
                }
                Some(_) => return Err(invalid()),
                None => (rest, 9100),
            };
            if host.is_empty() || port == 0 {
                return Err(invalid());
            }
            Ok(PrinterSpec::Tcp(format!("{host}:{port}")))
        }
        _ => Err(invalid()),
    }
}

impl PrinterSpec {
    /// The printer this spec names.
    pub fn into_printer(self) -> Box<dyn Printer> {
        match self {
            PrinterSpec::EscPos(p) => Box::new(EscPosDevice::new(p)),
            PrinterSpec::Tcp(a) => Box::new(EscPosTcp::new(a)),
            PrinterSpec::Cups(q) => Box::new(CupsPrinter::new(q)),
            PrinterSpec::Folder(d) => Box::new(FolderPrinter::new(d)),
            PrinterSpec::None => Box::new(NoPrinter),
        }
    }
}
