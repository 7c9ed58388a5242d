//! The rows of one catalog query, whose decoding errors name the query: binary rows of a
//! prepared statement, or the text rows of a query sent in one message with others (see
//! `batch`), decoded into the same Rust types.

use postgres::types::FromSql;
use postgres::{Row, SimpleQueryRow};

use super::text_array::elements;
use crate::backend::dialect::Dialect;
use crate::backend::introspect_error::IntrospectError;
use crate::backend::postgres::error::message;

/// The rows of one query, with the name its errors carry.
pub(crate) struct Rows {
    what: &'static str,
    rows: Decoded,
}

enum Decoded {
    Binary(Vec<Row>),
    Text(Vec<SimpleQueryRow>),
}

impl Rows {
    pub(crate) fn new(what: &'static str, rows: Vec<Row>) -> Self {
        Self {
            what,
            rows: Decoded::Binary(rows),
        }
    }

    /// Rows of the simple-query protocol, each value as the server writes it in text.
    pub(crate) fn text(what: &'static str, rows: Vec<SimpleQueryRow>) -> Self {
        Self {
            what,
            rows: Decoded::Text(rows),
        }
    }

    pub(crate) fn iter(&self) -> Box<dyn Iterator<Item = RowRef<'_>> + '_> {
        let what = self.what;
        match &self.rows {
            Decoded::Binary(rows) => Box::new(rows.iter().map(move |row| RowRef {
                what,
                row: Either::Binary(row),
            })),
            Decoded::Text(rows) => Box::new(rows.iter().map(move |row| RowRef {
                what,
                row: Either::Text(row),
            })),
        }
    }
}

enum Either<'a> {
    Binary(&'a Row),
    Text(&'a SimpleQueryRow),
}

/// One row; `get` turns a decoding failure into an error that names the query.
pub(crate) struct RowRef<'a> {
    what: &'static str,
    row: Either<'a>,
}

impl<'a> RowRef<'a> {
    pub(crate) fn get<T: Value<'a>>(&self, at: usize) -> Result<T, IntrospectError> {
        match self.row {
            Either::Binary(row) => row.try_get(at).map_err(|error| failed(self.what, &error)),
            Either::Text(row) => {
                let text = row.try_get(at).map_err(|error| failed(self.what, &error))?;
                T::from_text(text).ok_or_else(|| IntrospectError::Unexpected {
                    dialect: Dialect::Postgres,
                    what: self.what,
                    value: format!("column {at}: {}", text.unwrap_or("NULL")),
                })
            }
        }
    }
}

/// A value a catalog query returns, in binary or as text (`None`: SQL NULL).
pub(crate) trait Value<'a>: FromSql<'a> + Sized {
    fn from_text(text: Option<&str>) -> Option<Self>;
}

impl Value<'_> for String {
    fn from_text(text: Option<&str>) -> Option<Self> {
        text.map(str::to_owned)
    }
}

impl Value<'_> for bool {
    fn from_text(text: Option<&str>) -> Option<Self> {
        match text? {
            "t" => Some(true),
            "f" => Some(false),
            _ => None,
        }
    }
}

macro_rules! numbers {
    ($($number:ty),*) => {$(
        impl Value<'_> for $number {
            fn from_text(text: Option<&str>) -> Option<Self> {
                text?.parse().ok()
            }
        }
    )*};
}
numbers!(i16, i32, i64, u32);

impl<'a, T: Value<'a>> Value<'a> for Option<T> {
    fn from_text(text: Option<&str>) -> Option<Self> {
        match text {
            None => Some(None),
            text => T::from_text(text).map(Some),
        }
    }
}

impl<'a, T: Value<'a>> Value<'a> for Vec<T> {
    fn from_text(text: Option<&str>) -> Option<Self> {
        elements(text?)?
            .into_iter()
            .map(|element| T::from_text(element.as_deref()))
            .collect()
    }
}

pub(crate) fn failed(what: &'static str, error: &postgres::Error) -> IntrospectError {
    IntrospectError::Query {
        dialect: Dialect::Postgres,
        what,
        // "error deserializing column 5" says which column; its source says why.
        message: message(error),
    }
}
