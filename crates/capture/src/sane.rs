//! SANE scanners through the `scanimage` program (Debian package
//! `sane-utils`), one subprocess per page.
//!
//! `scanimage -d DEVICE --format=png --resolution R --mode Gray -x W -y H`
//! writes one PNG to its standard output (the image pipeline reads PNG and
//! JPEG, not PNM, so PNG is asked for). The output is read into memory up
//! to a cap ([`motcua_scan::MAX_FILE_BYTES`]); the process runs in its own
//! process group, which is killed when the scan outlasts its timeout or
//! writes too much, and the process is always waited for (no zombie).
//! Failures become [`CaptureError`]s: the program missing, the device not
//! found, a jam or an open cover (from `scanimage`'s exit code, which is
//! the SANE status), a timeout, an empty or non-image output.
//!
//! SANE's `test` backend is a real driver that needs no hardware:
//! [`SaneSource::test_device`] scans a 10 mm black-and-white grid on an A4
//! area with it. The backend caps its scan area at 200 mm unless its
//! configuration says otherwise, and Debian ships it disabled (commented
//! out in `/etc/sane.d/dll.conf`; `scanimage -d test` still loads it by
//! name, but `scanimage -L` does not list it). So the test device is run
//! with `SANE_CONFIG_DIR` pointing at a private temporary folder whose
//! `dll.conf` lists `test` and whose `test.conf` allows 300 mm; no system
//! file is read for it or changed.

use std::ffi::OsString;
use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{CaptureError, ScannerProblem, one_line};
use crate::format::{declared_dpi, sniff};
use crate::{Capture, PageSource, SourceKind};

/// The program run unless told otherwise (found on `PATH`).
pub const DEFAULT_PROGRAM: &str = "scanimage";
/// Resolution asked for: the image pipeline's output resolution, so a
/// scan is never enlarged and never much larger than needed.
pub const DEFAULT_RESOLUTION: u32 = 200;
/// The scan area asked for, in millimetres: an A4 page.
pub const A4_MM: (u32, u32) = (210, 297);
/// Longest a scan may take: a slow flatbed at 300 DPI takes under a
/// minute; anything beyond this is a hung device or driver.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// The test picture of SANE's `test` device that looks most like a page:
/// sharp black squares on white.
pub const TEST_PICTURE: &str = "Grid";
/// How often a running scan is checked on.
const POLL: Duration = Duration::from_millis(10);
/// How long a killed process is waited for before a thread is left to
/// reap it (a process stuck in the kernel dies only when it leaves it).
const KILL_GRACE: Duration = Duration::from_secs(2);
/// How much of the error output is kept (the rest is read and dropped).
const STDERR_CAP: u64 = 16 * 1024;

/// How `scanimage` is run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaneConfig {
    /// The program: `scanimage` on `PATH`, or a path (tests use a stand-in).
    pub program: PathBuf,
    /// The SANE device name (`scanimage -L` lists them), e.g.
    /// `epson2:libusb:001:004`, or `test`.
    pub device: String,
    /// `--resolution`, in dots per inch; the driver may round it (the
    /// resolution the PNG declares is the one reported).
    pub resolution_dpi: u32,
    /// `--mode`, e.g. `Gray`; `None` leaves the driver's default (some
    /// drivers name their modes differently).
    pub mode: Option<String>,
    /// `-x` and `-y`: the scan area's width and height in millimetres;
    /// `None` leaves the driver's default (usually the whole glass).
    pub area_mm: Option<(u32, u32)>,
    /// Further device options, e.g. `["--source", "ADF"]`.
    pub extra_args: Vec<String>,
    /// Longest the scan may take before the process is killed.
    pub timeout: Duration,
    /// Largest output accepted, in bytes; at most
    /// [`motcua_scan::MAX_FILE_BYTES`] (larger values are lowered to it).
    pub max_bytes: u64,
    /// `SANE_CONFIG_DIR` for the process; `None` keeps the system's.
    pub config_dir: Option<PathBuf>,
}

impl SaneConfig {
    /// The defaults for `device`: gray PNG at [`DEFAULT_RESOLUTION`], an
    /// A4 area, [`DEFAULT_TIMEOUT`], the image pipeline's size limit.
    pub fn new(device: impl Into<String>) -> Self {
        Self {
            program: PathBuf::from(DEFAULT_PROGRAM),
            device: device.into(),
            resolution_dpi: DEFAULT_RESOLUTION,
            mode: Some("Gray".into()),
            area_mm: Some(A4_MM),
            extra_args: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            max_bytes: motcua_scan::MAX_FILE_BYTES,
            config_dir: None,
        }
    }

    /// The largest output accepted: [`Self::max_bytes`], never above the
    /// image pipeline's file limit.
    pub fn byte_limit(&self) -> u64 {
        self.max_bytes.min(motcua_scan::MAX_FILE_BYTES)
    }

    /// The arguments given to the program.
    pub fn args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![
            "-d".into(),
            self.device.clone().into(),
            "--format=png".into(),
            "--resolution".into(),
            self.resolution_dpi.to_string().into(),
        ];
        if let Some(mode) = &self.mode {
            args.push("--mode".into());
            args.push(mode.into());
        }
        if let Some((w, h)) = self.area_mm {
            args.extend(["-x".into(), w.to_string().into()]);
            args.extend(["-y".into(), h.to_string().into()]);
        }
        args.extend(self.extra_args.iter().map(OsString::from));
        args
    }
}

/// A SANE scanner: each capture runs `scanimage` once.
#[derive(Debug)]
pub struct SaneSource {
    config: SaneConfig,
    /// The private configuration folder of the test device, removed when
    /// the source is dropped.
    _private_config: Option<tempfile::TempDir>,
}

impl SaneSource {
    /// A scanner run as `config` says. Nothing is started until a capture.
    pub fn new(config: SaneConfig) -> Self {
        Self {
            config,
            _private_config: None,
        }
    }

    /// SANE's `test` device giving an A4 page of the [`TEST_PICTURE`] at
    /// [`DEFAULT_RESOLUTION`], through a private `SANE_CONFIG_DIR` (see the
    /// module's documentation).
    pub fn test_device() -> Result<Self, CaptureError> {
        Self::test_device_with(SaneConfig::new("test"))
    }

    /// The `test` device with `config`'s program, device name (`test`,
    /// `test:0` or `test:1`), resolution, area and timeout; the test
    /// picture is added to its extra arguments and its configuration
    /// folder is replaced by a private one.
    pub fn test_device_with(mut config: SaneConfig) -> Result<Self, CaptureError> {
        let dir = tempfile::Builder::new()
            .prefix("motcua-sane-")
            .tempdir()
            .map_err(|e| CaptureError::PrivateConfig(one_line(e)))?;
        let write = |name: &str, text: &str| {
            std::fs::write(dir.path().join(name), text)
                .map_err(|e| CaptureError::PrivateConfig(one_line(e)))
        };
        write("dll.conf", "test\n")?;
        // The backend's own defaults, but an area large enough for A4.
        write(
            "test.conf",
            "number_of_devices 2\ngeometry_min 0.0\ngeometry_max 300.0\ngeometry_quant 1.0\n",
        )?;
        config
            .extra_args
            .splice(0..0, ["--test-picture".to_owned(), TEST_PICTURE.to_owned()]);
        config.config_dir = Some(dir.path().to_path_buf());
        Ok(Self {
            config,
            _private_config: Some(dir),
        })
    }

    /// How the scanner is run.
    pub fn config(&self) -> &SaneConfig {
        &self.config
    }

    /// The whole command line, program first, for diagnostics.
    pub fn command_line(&self) -> Vec<OsString> {
        let mut line = vec![self.config.program.clone().into_os_string()];
        line.extend(self.config.args());
        line
    }

    fn device(&self) -> String {
        self.config.device.clone()
    }

    fn start(&self) -> Result<Child, CaptureError> {
        let mut command = Command::new(&self.config.program);
        command
            .args(self.config.args())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so that a timeout kills whatever it
            // started too (a wrapper script's children hold the pipes).
            .process_group(0);
        if let Some(dir) = &self.config.config_dir {
            command.env("SANE_CONFIG_DIR", dir);
        }
        command.spawn().map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                CaptureError::ScannerProgramMissing {
                    program: self.config.program.clone(),
                }
            } else {
                CaptureError::Spawn {
                    program: self.config.program.clone(),
                    reason: one_line(e),
                }
            }
        })
    }

    /// Runs one scan to its end, within the timeout and the size cap.
    fn run(&self) -> Result<Finished, CaptureError> {
        let start = Instant::now();
        let deadline = start + self.config.timeout;
        let limit = self.config.byte_limit();
        let mut child = self.start()?;
        let spawn_error = |e: io::Error| CaptureError::Spawn {
            program: self.config.program.clone(),
            reason: one_line(e),
        };
        let readers = match start_readers(&mut child, limit) {
            Ok(r) => r,
            Err(e) => {
                kill_and_reap(child);
                return Err(spawn_error(e));
            }
        };
        let timeout = || CaptureError::Timeout {
            device: self.device(),
            waited_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        };
        let mut stdout = None;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => {
                    kill_and_reap(child);
                    return Err(spawn_error(e));
                }
            }
            let now = Instant::now();
            if now >= deadline {
                kill_and_reap(child);
                return Err(timeout());
            }
            let slice = (deadline - now).min(POLL);
            if stdout.is_some() {
                thread::sleep(slice);
                continue;
            }
            match readers.stdout.recv_timeout(slice) {
                Err(RecvTimeoutError::Timeout) => {}
                Ok(Ok(bytes)) if bytes.len() as u64 > limit => {
                    kill_and_reap(child);
                    return Err(CaptureError::OutputTooLarge {
                        device: self.device(),
                        limit,
                    });
                }
                Ok(Ok(bytes)) => stdout = Some(bytes),
                Ok(Err(e)) => {
                    kill_and_reap(child);
                    return Err(spawn_error(e));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    kill_and_reap(child);
                    return Err(spawn_error(io::Error::other("the output reader stopped")));
                }
            }
        };
        // The process has exited (and is reaped); its output may still be
        // in flight, or held open by something it started.
        let stdout = match stdout {
            Some(bytes) => bytes,
            None => match readers
                .stdout
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                // A writer left behind gets a broken pipe once the reader
                // has dropped it.
                Ok(Ok(bytes)) if bytes.len() as u64 > limit => {
                    return Err(CaptureError::OutputTooLarge {
                        device: self.device(),
                        limit,
                    });
                }
                Ok(Ok(bytes)) => bytes,
                Ok(Err(e)) => return Err(spawn_error(e)),
                Err(_) => {
                    // Something the process started still holds the pipe,
                    // so its group (and the leader's id) still exists.
                    kill_group(child.id());
                    return Err(timeout());
                }
            },
        };
        let stderr = readers
            .stderr
            .recv_timeout(
                deadline
                    .saturating_duration_since(Instant::now())
                    .min(KILL_GRACE),
            )
            .unwrap_or_default();
        Ok(Finished {
            status,
            stdout,
            stderr,
        })
    }

    /// Turns a finished run into a page or an error.
    fn judge(&self, run: Finished) -> Result<Capture, CaptureError> {
        let device = self.device();
        if !run.status.success() {
            let message = error_line(&run.stderr);
            let exit_code = run.status.code();
            if let Some(reason) = open_failure(&message) {
                if reason.to_ascii_lowercase().contains("busy") {
                    return Err(CaptureError::ScannerFailed {
                        device,
                        problem: ScannerProblem::Busy,
                        exit_code,
                        message,
                    });
                }
                return Err(CaptureError::DeviceNotFound {
                    device,
                    reason: reason.to_owned(),
                });
            }
            return Err(CaptureError::ScannerFailed {
                device,
                problem: ScannerProblem::from_exit_code(exit_code),
                exit_code,
                message,
            });
        }
        if run.stdout.is_empty() {
            return Err(CaptureError::EmptyOutput { device });
        }
        if sniff(&run.stdout).is_none() {
            return Err(CaptureError::NotAnImage { device });
        }
        let source_dpi = declared_dpi(&run.stdout).or(Some(self.config.resolution_dpi));
        Ok(Capture {
            bytes: run.stdout,
            source_dpi,
        })
    }
}

impl PageSource for SaneSource {
    fn capture(&mut self) -> Result<Capture, CaptureError> {
        let run = self.run()?;
        self.judge(run)
    }

    fn describe(&self) -> String {
        format!(
            "SANE scanner {:?} at {} dpi",
            self.config.device, self.config.resolution_dpi
        )
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Scanner
    }
}

/// What a scan that ran to its end left.
struct Finished {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// The threads draining the process's pipes, each sending what it read
/// once its pipe is closed (or, for the output, once the cap is passed).
struct Readers {
    stdout: Receiver<io::Result<Vec<u8>>>,
    stderr: Receiver<Vec<u8>>,
}

fn start_readers(child: &mut Child, limit: u64) -> io::Result<Readers> {
    let missing = || io::Error::other("a pipe of the process is missing");
    let mut out = child.stdout.take().ok_or_else(missing)?;
    let mut err = child.stderr.take().ok_or_else(missing)?;
    let (out_tx, out_rx) = mpsc::channel();
    thread::Builder::new()
        .name("scanimage-stdout".into())
        .spawn(move || {
            // One byte past the cap tells "too large" from "just fits".
            let mut bytes = Vec::new();
            let read = (&mut out)
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes);
            // The receiver may be gone after a timeout: nothing to do then.
            let _ = out_tx.send(read.map(|_| bytes));
        })?;
    let (err_tx, err_rx) = mpsc::channel();
    thread::Builder::new()
        .name("scanimage-stderr".into())
        .spawn(move || {
            let mut bytes = Vec::new();
            let _ = (&mut err).take(STDERR_CAP).read_to_end(&mut bytes);
            // Keep draining so the process never blocks on a full pipe.
            let _ = io::copy(&mut err, &mut io::sink());
            let _ = err_tx.send(bytes);
        })?;
    Ok(Readers {
        stdout: out_rx,
        stderr: err_rx,
    })
}

/// Sends SIGKILL to the process group led by `pid`.
fn kill_group(pid: u32) {
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        // Fails only when the group is already gone.
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// Kills the process and everything in its group, then reaps it: at once
/// if it dies within [`KILL_GRACE`], otherwise on a thread left to wait.
/// The group is killed before the leader is reaped, so its id cannot have
/// been reused.
fn kill_and_reap(mut child: Child) {
    kill_group(child.id());
    let _ = child.kill();
    let until = Instant::now() + KILL_GRACE;
    while Instant::now() < until {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => return,
            Ok(None) => thread::sleep(POLL),
        }
    }
    let _ = thread::Builder::new()
        .name("scanimage-reaper".into())
        .spawn(move || {
            let _ = child.wait();
        });
}

/// The line of `scanimage`'s error output that says what went wrong: the
/// first non-empty line that is not a notice about a rounded option value
/// (`scanimage: rounded value of br-x from 300 to 200`), else the first
/// non-empty line; at most 200 characters.
fn error_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let line = lines
        .iter()
        .find(|l| !l.contains("rounded value of"))
        .or(lines.first())
        .map_or("(no error message)", |l| l);
    line.chars().take(200).collect()
}

/// SANE's reason when the device could not be opened:
/// `scanimage: open of device NAME failed: REASON`.
fn open_failure(line: &str) -> Option<&str> {
    let rest = line.split_once("open of device ")?.1;
    Some(rest.rsplit_once(" failed: ")?.1.trim())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::os::unix::process::ExitStatusExt;

    use super::*;

    fn finished(code: i32, stdout: &[u8], stderr: &str) -> Finished {
        Finished {
            status: ExitStatus::from_raw(code << 8),
            stdout: stdout.to_vec(),
            stderr: stderr.as_bytes().to_vec(),
        }
    }

    fn judge(code: i32, stdout: &[u8], stderr: &str) -> Result<Capture, CaptureError> {
        SaneSource::new(SaneConfig::new("dev")).judge(finished(code, stdout, stderr))
    }

    #[test]
    fn the_meaningful_line_of_the_error_output() {
        let check = |stderr: &str, line: &str| assert_eq!(error_line(stderr.as_bytes()), line);
        check("", "(no error message)");
        check("\n  \n", "(no error message)");
        check(
            "scanimage: sane_read: Error during device I/O\nmore",
            "scanimage: sane_read: Error during device I/O",
        );
        check(
            "scanimage: rounded value of br-x from 300 to 200\n\nscanimage: sane_read: Scanner cover is open\n",
            "scanimage: sane_read: Scanner cover is open",
        );
        check(
            "scanimage: rounded value of br-x from 300 to 200",
            "scanimage: rounded value of br-x from 300 to 200",
        );
        assert_eq!(error_line("é".repeat(500).as_bytes()).chars().count(), 200);
        assert_eq!(
            error_line(b"\xff\xfe bad bytes"),
            "\u{fffd}\u{fffd} bad bytes"
        );
    }

    #[test]
    fn open_failures_carry_sanes_reason() {
        assert_eq!(
            open_failure("scanimage: open of device test:9 failed: Invalid argument"),
            Some("Invalid argument")
        );
        assert_eq!(
            open_failure("scanimage: open of device a failed: b failed: Device busy"),
            Some("Device busy")
        );
        assert_eq!(
            open_failure("scanimage: sane_read: Document feeder jammed"),
            None
        );
    }

    #[test]
    fn runs_are_judged() {
        let png = b"\x89PNG\r\n\x1a\nrest";
        assert_eq!(
            judge(0, png, "").unwrap(),
            Capture {
                bytes: png.to_vec(),
                source_dpi: Some(DEFAULT_RESOLUTION)
            },
            "without a declared density, the resolution asked for"
        );
        assert_eq!(
            judge(1, b"", "scanimage: open of device dev failed: Device busy").unwrap_err(),
            CaptureError::ScannerFailed {
                device: "dev".into(),
                problem: ScannerProblem::Busy,
                exit_code: Some(1),
                message: "scanimage: open of device dev failed: Device busy".into(),
            }
        );
        assert_eq!(
            judge(
                1,
                b"",
                "scanimage: open of device dev failed: Error during device I/O"
            )
            .unwrap_err(),
            CaptureError::DeviceNotFound {
                device: "dev".into(),
                reason: "Error during device I/O".into(),
            }
        );
        // A failed scan's partial output is dropped.
        assert!(matches!(
            judge(3, png, "scanimage: sane_start: Device busy").unwrap_err(),
            CaptureError::ScannerFailed {
                problem: ScannerProblem::Busy,
                exit_code: Some(3),
                ..
            }
        ));
        let killed = Finished {
            status: ExitStatus::from_raw(9),
            stdout: Vec::new(),
            stderr: Vec::new(),
        };
        assert!(matches!(
            SaneSource::new(SaneConfig::new("dev"))
                .judge(killed)
                .unwrap_err(),
            CaptureError::ScannerFailed {
                problem: ScannerProblem::Other,
                exit_code: None,
                ..
            }
        ));
    }

    #[test]
    fn exit_codes_name_problems() {
        let cases = [
            (Some(3), ScannerProblem::Busy, "busy"),
            (Some(6), ScannerProblem::Jammed, "jammed"),
            (Some(7), ScannerProblem::NoDocument, "no_document"),
            (Some(8), ScannerProblem::CoverOpen, "cover_open"),
            (Some(11), ScannerProblem::AccessDenied, "access_denied"),
            (Some(1), ScannerProblem::Other, "other"),
            (Some(9), ScannerProblem::Other, "other"),
            (None, ScannerProblem::Other, "other"),
        ];
        for (code, problem, name) in cases {
            assert_eq!(ScannerProblem::from_exit_code(code), problem);
            assert_eq!(problem.code(), name);
        }
    }

    #[test]
    fn the_size_cap_is_never_above_the_pipelines_limit() {
        let mut config = SaneConfig::new("dev");
        assert_eq!(config.byte_limit(), motcua_scan::MAX_FILE_BYTES);
        config.max_bytes = u64::MAX;
        assert_eq!(config.byte_limit(), motcua_scan::MAX_FILE_BYTES);
        config.max_bytes = 1000;
        assert_eq!(config.byte_limit(), 1000);
    }
}
