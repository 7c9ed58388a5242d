//! Running a script on SQLite statement by statement, so an error names the statement
//! that failed and the line it starts on.

use std::ops::Range;

use rusqlite::{Batch, Connection, fallible_iterator::FallibleIterator};

use crate::backend::error::SqlFailure;
use crate::core::sqlite_statements;

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
///
/// Each statement is prepared from its own slice (see [`sqlite_statements`]): handed the
/// rest of the script, SQLite would copy that rest at every statement.
pub(in crate::backend::sqlite) fn run_script(
    conn: &Connection,
    text: &str,
) -> Result<(), Box<SqlFailure>> {
    sqlite_statements(text).try_for_each(|range| run_slice(conn, text, range))
}

/// Runs the statement at `text[range]`.
fn run_slice(conn: &Connection, text: &str, range: Range<usize>) -> Result<(), Box<SqlFailure>> {
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
