//! Running a transactional script whose long text may still be being lexed for
//! transaction control (see [`Script::lexed_beside`]): SQLite's authorizer refuses every
//! statement that would end or open the transaction while it runs, and the lexing's
//! finding is asked for once it ran, before the record is written. So the step fails, with nothing
//! committed, exactly where the planner would have refused it had it waited for the
//! lexing; meanwhile a data migration of tens of megabytes was already running.

use std::ffi::{c_char, c_int, c_void};
use std::ptr;

use rusqlite::{Connection, ffi};

use super::script::run_script;
use crate::backend::error::BackendError;
use crate::core::{Script, transaction_control};

/// Runs `script` in the transaction the caller opened.
pub(super) fn run_transactional(
    conn: &mut Connection,
    script: &Script,
) -> Result<(), BackendError> {
    let script_failed = |failure| BackendError::Script { failure };
    if !script.lexed_beside() {
        return run_script(conn, &script.text).map_err(script_failed);
    }
    let unguarded = |error: rusqlite::Error| BackendError::Database {
        message: format!("cannot guard the transaction of {}: {error}", script.origin),
    };
    guard(conn, true).map_err(unguarded)?;
    let ran = run_script(conn, &script.text);
    let removed = guard(conn, false);
    if let Some(found) = transaction_control(script) {
        return Err(BackendError::TransactionControl { found });
    }
    ran.map_err(script_failed)?;
    removed.map_err(unguarded)
}

/// Sets (or removes) SQLite's authorizer to [`refuse_transaction_control`]. A C callback
/// of our own rather than rusqlite's authorizer, which makes strings of the four names of
/// every call before it asks: 1.5% of the run of a 400,000-INSERT file (perf), for a
/// check that needs only the action's code.
#[expect(
    unsafe_code,
    reason = "rusqlite's authorizer converts every call's names, which this check never reads"
)]
fn guard(conn: &Connection, on: bool) -> rusqlite::Result<()> {
    let callback = on.then_some(refuse_transaction_control as _);
    // SAFETY: the connection's handle is valid while `conn` is borrowed, and used on this
    // thread only; the callback reads none of its arguments and keeps no data.
    let code = unsafe { ffi::sqlite3_set_authorizer(conn.handle(), callback, ptr::null_mut()) };
    if code == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(ffi::Error::new(code), None))
    }
}

/// Denies `BEGIN`, `COMMIT`, `END` and `ROLLBACK`; a savepoint keeps the transaction.
extern "C" fn refuse_transaction_control(
    _data: *mut c_void,
    action: c_int,
    _first: *const c_char,
    _second: *const c_char,
    _database: *const c_char,
    _trigger: *const c_char,
) -> c_int {
    if action == ffi::SQLITE_TRANSACTION {
        ffi::SQLITE_DENY
    } else {
        ffi::SQLITE_OK
    }
}
