//! Running a script on SQLite statement by statement, so an error names the statement
//! that failed and the line it starts on.
//!
//! SQLite itself finds where each statement ends, reading a NUL-terminated window of the
//! script in place, as `sqlite3_exec` reads a whole script; handed any other text, it
//! copies all of it first, which made a script of N statements cost N² when each
//! statement was prepared from the rest. Windows keep the copy small: a script is held
//! once, however long. A statement SQLite refuses (or stops short at) is prepared again
//! from its own slice, as every statement once was, so its error is placed as before.

use std::ops::Range;

use rusqlite::{Batch, Connection, fallible_iterator::FallibleIterator};

use super::window::{Read, Window};
use crate::backend::error::SqlFailure;
use crate::core::{sql_start, sqlite_statements};

/// How much of a script a window holds at first: a statement longer than this makes it
/// grow. Small enough to stay in cache between the copy and SQLite's read.
const WINDOW_BYTES: usize = 256 * 1024;

/// SQLite's description and number of an extended result code, e.g.
/// `UNIQUE constraint failed (2067)`.
fn code_name(code: &rusqlite::ffi::Error) -> String {
    format!(
        "{} ({})",
        rusqlite::ffi::code_to_str(code.extended_code),
        code.extended_code
    )
}

/// The offset of the first token at or after `offset`, past white space and comments, so
/// an error SQLite does not place points at the statement rather than the gap before it.
fn first_token(text: &str, mut offset: usize) -> usize {
    loop {
        let rest = &text[offset..];
        let trimmed = rest.trim_start();
        offset += rest.len() - trimmed.len();
        if trimmed.starts_with("--") {
            offset += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/*") {
            offset += trimmed.find("*/").map_or(trimmed.len(), |end| end + 2);
        } else {
            return offset;
        }
    }
}

/// Turns a rusqlite error into a failure at `offset` of `text`.
fn failure(
    error: rusqlite::Error,
    text: &str,
    offset: Option<usize>,
    statement: Option<String>,
) -> Box<SqlFailure> {
    let (message, code, offset) = match &error {
        rusqlite::Error::SqliteFailure(code, message) => (
            message.clone().unwrap_or_else(|| code.to_string()),
            Some(code_name(code)),
            offset.map(|start| first_token(text, start)),
        ),
        rusqlite::Error::SqlInputError {
            error,
            msg,
            offset: at,
            ..
        } => (
            msg.clone(),
            Some(code_name(error)),
            // SQLite's offset is within the text that was being prepared, which starts
            // where the previous statement ended; it is -1 when SQLite does not know.
            offset.map(|start| match usize::try_from(*at) {
                Ok(at) => start + at,
                Err(_) => first_token(text, start),
            }),
        ),
        other => (other.to_string(), None, offset),
    };
    Box::new(SqlFailure {
        offset,
        statement,
        message,
        code,
        detail: None,
        hint: None,
    })
}

/// Runs every statement of `text` in turn, so a failure can name the statement that failed.
pub(in crate::backend::sqlite) fn run_script(
    conn: &Connection,
    text: &str,
) -> Result<(), Box<SqlFailure>> {
    run_in_windows(conn, text, WINDOW_BYTES)
}

/// [`run_script`] with windows of `window_bytes` at first.
pub(in crate::backend::sqlite) fn run_in_windows(
    conn: &Connection,
    text: &str,
    window_bytes: usize,
) -> Result<(), Box<SqlFailure>> {
    let mut window = Window::new(text, window_bytes);
    let mut at = sql_start(text);
    while at < text.len() {
        at = match window.read(conn, at) {
            Read::Statement(mut statement, tail) => {
                statement.run().map_err(|error| {
                    let start = first_token(text, at);
                    failure(error, text, Some(start), Some(text[start..tail].to_owned()))
                })?;
                tail
            }
            Read::Nothing => text.len(),
            Read::Alone => run_alone(conn, text, at)?,
        };
    }
    Ok(())
}

/// Runs the statement the splitter finds at `at` from its own slice, as SQLite was handed
/// every statement before windows; the offset past it.
fn run_alone(conn: &Connection, text: &str, at: usize) -> Result<usize, Box<SqlFailure>> {
    match sqlite_statements(&text[at..]).next() {
        Some(range) => {
            let range = at + range.start..at + range.end;
            run_slice(conn, text, range.clone())?;
            Ok(range.end)
        }
        None => Ok(text.len()),
    }
}

/// Runs the statement at `text[range]`.
pub(in crate::backend::sqlite) fn run_slice(
    conn: &Connection,
    text: &str,
    range: Range<usize>,
) -> Result<(), Box<SqlFailure>> {
    let slice = &text[range.clone()];
    let mut statement = match conn.prepare(slice) {
        Ok(statement) => statement,
        Err(rusqlite::Error::Empty) => return Ok(()),
        // SQLite reads more than one statement where the splitter saw one: run them as
        // SQLite reads them.
        Err(rusqlite::Error::MultipleStatement) => return run_each(conn, text, range),
        Err(error) => return Err(failure(error, text, Some(range.start), None)),
    };
    drain(&mut statement)
        .map_err(|error| failure(error, text, Some(range.start), Some(slice.to_owned())))
}

/// Steps a statement through all its rows.
fn drain(statement: &mut rusqlite::Statement<'_>) -> rusqlite::Result<()> {
    let mut rows = statement.raw_query();
    while rows.next()?.is_some() {}
    Ok(())
}

/// Runs the statements of `text[range]` one by one as SQLite reads them, each found in the
/// text by its own, to place a failure.
pub(in crate::backend::sqlite) fn run_each(
    conn: &Connection,
    text: &str,
    range: Range<usize>,
) -> Result<(), Box<SqlFailure>> {
    let mut batch = Batch::new(conn, &text[range.clone()]);
    // Where the next statement starts looking; SQLite resumes preparing right here.
    let mut cursor = range.start;
    loop {
        let mut statement = match batch.next() {
            Ok(Some(statement)) => statement,
            Ok(None) => return Ok(()),
            Err(error) => return Err(failure(error, text, Some(cursor), None)),
        };
        let sql = statement.expanded_sql().unwrap_or_default();
        let start = text[cursor..range.end]
            .find(sql.as_str())
            .map(|at| cursor + at);
        if let Some(start) = start {
            cursor = start + sql.len();
        }
        drain(&mut statement).map_err(|error| failure(error, text, start, Some(sql)))?;
    }
}
