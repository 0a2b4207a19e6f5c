//! One kiosk process per data folder, enforced with an exclusive file lock
//! (released by the OS when the process dies, so a crash never blocks a restart).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// Held for the life of the process.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

/// Why this process may not run.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    #[error("another Một Cửa Kiosk is already running with data folder {0}")]
    AlreadyRunning(String),
    #[error("cannot open lock file in {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Takes the lock on `<data_dir>/kiosk.lock`, or says who holds it.
pub fn acquire(data_dir: &Path) -> Result<InstanceLock, InstanceError> {
    let path = data_dir.join("kiosk.lock");
    let io = |source| InstanceError::Io {
        path: data_dir.display().to_string(),
        source,
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(InstanceLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(InstanceError::AlreadyRunning(
            data_dir.display().to_string(),
        )),
        Err(TryLockError::Error(e)) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = acquire(dir.path());
        assert!(first.is_ok(), "{first:?}");
        let second = acquire(dir.path());
        assert!(
            matches!(second, Err(InstanceError::AlreadyRunning(_))),
            "{second:?}"
        );
        drop(first);
        assert!(acquire(dir.path()).is_ok());
    }
}
