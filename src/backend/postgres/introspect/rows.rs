//! The rows of one catalog query, whose decoding errors name the query.

use postgres::Row;
use postgres::types::FromSql;

use crate::backend::dialect::Dialect;
use crate::backend::introspect_error::IntrospectError;

/// The rows of one query, with the name its errors carry.
pub(crate) struct Rows {
    what: &'static str,
    rows: Vec<Row>,
}

impl Rows {
    pub(crate) fn new(what: &'static str, rows: Vec<Row>) -> Self {
        Self { what, rows }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = RowRef<'_>> {
        self.rows.iter().map(|row| RowRef {
            what: self.what,
            row,
        })
    }
}

/// One row; `get` turns a decoding failure into an error that names the query.
pub(crate) struct RowRef<'a> {
    what: &'static str,
    row: &'a Row,
}

impl<'a> RowRef<'a> {
    pub(crate) fn get<T: FromSql<'a>>(&self, at: usize) -> Result<T, IntrospectError> {
        self.row
            .try_get(at)
            .map_err(|error| failed(self.what, &error))
    }
}

pub(crate) fn failed(what: &'static str, error: &postgres::Error) -> IntrospectError {
    let message = match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            // "error deserializing column 5" says which column; its source says why.
            let mut message = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                message = format!("{message}: {cause}");
                source = cause.source();
            }
            message
        }
    };
    IntrospectError::Query {
        dialect: Dialect::Postgres,
        what,
        message,
    }
}
