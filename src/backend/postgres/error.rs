//! PostgreSQL's errors as the backend layer's: SQLSTATE, message, detail and hint, with the
//! server's error position turned into a byte offset in the user's script.

use std::ops::Range;

use postgres::error::{DbError, ErrorPosition};

use crate::backend::dialect::Dialect;
use crate::backend::error::{BackendError, SqlFailure};
use crate::backend::version_table::VersionTable;
use crate::core::split_statements;

/// The failure of a script sent as one string from byte `sent_from` on. The statement that
/// failed is known only when the server reports a position; then `statement` is the one
/// around it.
pub(crate) fn script_failure(
    error: &postgres::Error,
    script: &str,
    sent_from: usize,
    prefix: &str,
) -> BackendError {
    let Some(db) = error.as_db_error() else {
        return database(error);
    };
    // The server counts from the start of what was sent: `prefix`, then the script from
    // `sent_from`.
    let sent = format!("{prefix}{}", &script[sent_from..]);
    let offset = position_in(db, &sent)
        .and_then(|at| at.checked_sub(prefix.len()))
        .map(|at| sent_from + at);
    let statement = offset.and_then(|at| {
        split_statements(script)
            .into_iter()
            .find(|range| range.contains(&at))
            .map(|range| script[range].to_owned())
    });
    script_error(db, offset, statement)
}

/// The failure of the statement at `range` of `script`, sent on its own.
pub(crate) fn statement_failure(
    error: &postgres::Error,
    script: &str,
    range: Range<usize>,
) -> BackendError {
    let Some(db) = error.as_db_error() else {
        return database(error);
    };
    let statement = &script[range.clone()];
    let offset = position_in(db, statement).map_or(range.start, |at| range.start + at);
    script_error(db, Some(offset), Some(statement.to_owned()))
}

fn script_error(db: &DbError, offset: Option<usize>, statement: Option<String>) -> BackendError {
    BackendError::Script {
        failure: Box::new(SqlFailure {
            offset,
            statement,
            message: db.message().to_owned(),
            code: Some(db.code().code().to_owned()),
            detail: db.detail().map(str::to_owned),
            hint: db.hint().map(str::to_owned),
        }),
    }
}

/// The byte offset in `submitted` of the server's error position. PostgreSQL counts
/// characters from 1 in the text it was sent; a position inside a function body or other
/// internal query says nothing about the user's text.
fn position_in(db: &DbError, submitted: &str) -> Option<usize> {
    match db.position()? {
        ErrorPosition::Original(position) => {
            let index = usize::try_from(*position).ok()?.checked_sub(1)?;
            Some(char_to_byte(submitted, index))
        }
        ErrorPosition::Internal { .. } => None,
    }
}

/// The byte offset of the `index`th (0-based) character, or the text's length past the end.
fn char_to_byte(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map_or(text.len(), |(offset, _)| offset)
}

/// Any other failure, with SQLSTATE when the server sent one.
pub(crate) fn database(error: &postgres::Error) -> BackendError {
    BackendError::Database {
        message: message(error),
    }
}

/// A failure's text: the server's message and SQLSTATE, or the driver's own words with
/// their causes (the driver's `Display` alone says only "error connecting to server").
pub(crate) fn message(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("{} (SQLSTATE {})", db.message(), db.code().code());
    }
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// A failure reading or writing the tracking table, named by its qualified name.
pub(crate) fn tracking(table: &VersionTable, message: String) -> BackendError {
    BackendError::Tracking {
        table: table.qualified(Dialect::Postgres),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_become_bytes() {
        let text = "é\nselect x";
        assert_eq!(char_to_byte(text, 0), 0);
        assert_eq!(char_to_byte(text, 1), 2);
        assert_eq!(char_to_byte(text, 2), 3);
        assert_eq!(char_to_byte(text, 99), text.len());
    }
}
