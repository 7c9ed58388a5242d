//! Waiting on SQLite's own database lock, which another connection holds while it writes:
//! never before the migration lock, and then no longer than the run's lock timeout.
//!
//! A connection that waits on SQLite's lock while it has no claim to go first only delays
//! its failure: before the migration lock, a process that is migrating holds the database
//! for as long as its step takes, and a process holding it in exclusive locking mode
//! (`PRAGMA locking_mode=EXCLUSIVE`) keeps it until it closes. So opening never waits, and
//! the wait under the migration lock is the one the caller bounded with its lock timeout.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use crate::backend::error::BackendError;

/// How long a statement waits for another connection's lock when the caller set no lock
/// timeout: long enough for another process's commit, bounded so it never hangs.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether SQLite gave up on a lock another connection holds.
pub(super) fn is_busy(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
}

/// The error for a database that stayed locked for `waited`.
pub(super) fn locked(target: String, waited: Duration) -> BackendError {
    BackendError::DatabaseLocked { target, waited }
}

/// Reads the file's header now, without waiting on any lock, so another kind of file is
/// named as such before anything is attempted (SQLite opens any file and reads it only at
/// the first statement). A file another connection holds locked is a database in use:
/// that is no reason to wait here, and the wait, if any, comes under the migration lock.
pub(super) fn check_header(conn: &Connection, path: Option<&Path>) -> Result<(), BackendError> {
    let database = |error: rusqlite::Error| BackendError::Database {
        message: error.to_string(),
    };
    conn.busy_timeout(Duration::ZERO).map_err(database)?;
    let header: rusqlite::Result<i64> =
        conn.query_row("PRAGMA schema_version", [], |row| row.get(0));
    conn.busy_timeout(BUSY_TIMEOUT).map_err(database)?;
    match header {
        Err(error) if error.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            let path = path.unwrap_or(Path::new(":memory:"));
            Err(BackendError::NotADatabase {
                path: path.display().to_string(),
            })
        }
        Err(error) if is_busy(&error) => Ok(()),
        Err(error) => Err(database(error)),
        Ok(_) => Ok(()),
    }
}

/// Runs `read` with no wait on another connection's lock: for work that is only worth
/// doing if the database is free now (reading ahead before the migration lock).
pub(super) fn without_waiting<T>(
    conn: &Connection,
    wait: Duration,
    read: impl FnOnce() -> T,
) -> rusqlite::Result<T> {
    conn.busy_timeout(Duration::ZERO)?;
    let value = read();
    conn.busy_timeout(wait)?;
    Ok(value)
}
