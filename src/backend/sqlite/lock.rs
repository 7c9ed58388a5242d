//! The migration lock on SQLite: an advisory lock on a file beside the database
//! (`app.db.migrate-lock`), which the operating system releases when the process dies.
//!
//! SQLite's own locks last only one transaction, and a run spans many; `BEGIN IMMEDIATE`
//! alone would let two processes plan the same revisions and apply them twice.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::backend::error::BackendError;

/// How often a waiting process retries the migration lock.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// The lock file of the database at `database`: its name with `.migrate-lock` appended.
pub(super) fn lock_path(database: &Path) -> Option<PathBuf> {
    let mut name = database.file_name()?.to_owned();
    name.push(".migrate-lock");
    Some(database.with_file_name(name))
}

/// Takes the lock on `lock_path`, waiting up to `timeout` (forever without one). The lock
/// lasts as long as the returned file is open.
pub(super) fn acquire(lock_path: &Path, timeout: Option<Duration>) -> Result<File, BackendError> {
    let lock_error = |message: String| BackendError::Lock {
        target: lock_path.display().to_string(),
        message,
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path)
        .map_err(|error| lock_error(error.to_string()))?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) => {
                if timeout.is_some_and(|limit| started.elapsed() >= limit) {
                    return Err(lock_error(format!(
                        "another migrate process still holds it after waiting {:.1}s",
                        started.elapsed().as_secs_f64()
                    )));
                }
                std::thread::sleep(LOCK_POLL);
            }
            Err(TryLockError::Error(error)) => return Err(lock_error(error.to_string())),
        }
    }
}
