//! The first statement of a text, prepared with SQLite's C API so that SQLite says where
//! it ended: rusqlite's `prepare` refuses a text that goes on past one statement, and its
//! `Batch` keeps that place to itself.
//!
//! Given a text whose last byte is NUL, SQLite reads it in place; any other text it first
//! copies whole (see `script.rs`, which hands it NUL-terminated windows of a script).

use std::ffi::{CStr, c_int};
use std::ptr::{self, NonNull};

use rusqlite::{Connection, ffi};

/// What SQLite read from the start of a text.
pub(super) struct Prepared<'conn> {
    /// `None` when it found only white space, comments and empty statements before
    /// `tail`.
    pub statement: Option<InPlace<'conn>>,
    /// Where SQLite stopped reading, as an offset into the text: just past the statement's
    /// `;`, or at the NUL that ends the text (or one inside it).
    pub tail: usize,
}

/// A prepared statement, finalized when dropped.
pub(super) struct InPlace<'conn> {
    conn: &'conn Connection,
    raw: NonNull<ffi::sqlite3_stmt>,
}

/// Prepares the first statement of `sql`, which should end with a NUL byte; `None` when
/// SQLite refuses it (its error is found again where the caller can place it).
#[expect(
    unsafe_code,
    reason = "rusqlite offers no safe prepare that reports where the statement ended"
)]
pub(super) fn prepare_first<'conn>(conn: &'conn Connection, sql: &[u8]) -> Option<Prepared<'conn>> {
    let length = c_int::try_from(sql.len()).ok()?;
    let mut raw = ptr::null_mut();
    let mut tail = ptr::null();
    // SAFETY: the connection's handle is valid while `conn` is borrowed, and used on this
    // thread only (rusqlite's `Connection` is not `Sync`); SQLite reads at most `length`
    // bytes of `sql`, and writes only `raw` and `tail`.
    let code = unsafe {
        ffi::sqlite3_prepare_v3(
            conn.handle(),
            sql.as_ptr().cast(),
            length,
            0,
            &raw mut raw,
            &raw mut tail,
        )
    };
    if code != ffi::SQLITE_OK {
        return None;
    }
    // `tail` points into `sql` (SQLite maps it back when it did copy).
    let tail = if tail.is_null() {
        sql.len()
    } else {
        tail.addr()
            .saturating_sub(sql.as_ptr().addr())
            .min(sql.len())
    };
    Some(Prepared {
        statement: NonNull::new(raw).map(|raw| InPlace { conn, raw }),
        tail,
    })
}

impl InPlace<'_> {
    /// Steps the statement through all its rows, as rusqlite's `Rows` would.
    #[expect(unsafe_code, reason = "the statement is raw (see prepare_first)")]
    pub(super) fn run(&mut self) -> rusqlite::Result<()> {
        loop {
            // SAFETY: `raw` is a live statement of `conn`, finalized only on drop.
            match unsafe { ffi::sqlite3_step(self.raw.as_ptr()) } {
                ffi::SQLITE_ROW => {}
                ffi::SQLITE_DONE => return Ok(()),
                code => return Err(self.error(code)),
            }
        }
    }

    /// The error SQLite reported with `code`, as rusqlite builds it.
    #[expect(
        unsafe_code,
        reason = "the connection's message is read through its handle"
    )]
    fn error(&self, code: c_int) -> rusqlite::Error {
        // SAFETY: the handle is valid while `conn` is borrowed; SQLite's message is a NUL-
        // terminated string it owns until the next call on the connection, copied here.
        let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.conn.handle())) }
            .to_string_lossy()
            .into_owned();
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(message))
    }
}

impl Drop for InPlace<'_> {
    #[expect(unsafe_code, reason = "the statement is raw (see prepare_first)")]
    fn drop(&mut self) {
        // SAFETY: `raw` is live and finalized only here, once. Its result repeats the
        // last step's error, which `run` already returned.
        unsafe {
            ffi::sqlite3_finalize(self.raw.as_ptr());
        }
    }
}
