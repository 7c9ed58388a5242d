//! The rows of `sqlite_schema`, and what changed in them since they were last read.
//!
//! A SQLite schema is nothing but these rows' text, so a snapshot needs to build again only
//! the objects whose rows changed. Reading the rows cannot be avoided (SQLite has no
//! change log of its schema), but comparing each with its earlier self is a byte compare
//! on SQLite's own buffers: nothing is allocated, hashed or parsed for an unchanged row.

use std::sync::Arc;

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::fingerprint::{Fingerprint, fingerprint};
use crate::backend::dialect::Dialect;
use crate::backend::introspect_error::IntrospectError;

/// Rowid order, which is the table's own order: no sort. SQLite's internal objects
/// (`sqlite_%`: autoindexes, `sqlite_sequence`, `sqlite_stat1`) are not the user's.
const OBJECTS: &str = "SELECT rowid, type, name, tbl_name, sql FROM main.sqlite_schema \
     WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

/// One row of `sqlite_schema`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ObjectRow {
    pub rowid: i64,
    /// `table`, `index`, `view` or `trigger`.
    pub kind: Box<str>,
    pub name: Box<str>,
    /// The table an index or trigger belongs to; the object's own name otherwise.
    pub table: Box<str>,
    /// The `CREATE` statement; empty where SQLite stores none.
    pub sql: Box<str>,
    /// A fingerprint of the four texts.
    pub fingerprint: Fingerprint,
}

impl ObjectRow {
    pub(crate) fn new(rowid: i64, kind: &str, name: &str, table: &str, sql: &str) -> Self {
        let texts = [kind, name, table, sql].map(str::as_bytes);
        Self {
            rowid,
            kind: kind.into(),
            name: name.into(),
            table: table.into(),
            sql: sql.into(),
            fingerprint: fingerprint(texts),
        }
    }

    fn is(&self, kind: &[u8], name: &[u8], table: &[u8], sql: &[u8]) -> bool {
        self.kind.as_bytes() == kind
            && self.name.as_bytes() == name
            && self.table.as_bytes() == table
            && self.sql.as_bytes() == sql
    }

    /// Whether this is a virtual table, whose columns only its module can tell.
    pub(crate) fn is_virtual_table(&self) -> bool {
        self.kind.as_ref() == "table"
            && self
                .sql
                .get(..15)
                .is_some_and(|start| start.eq_ignore_ascii_case("CREATE VIRTUAL "))
    }
}

/// The rows as read now, and how they differ from the rows read before.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// Every row, in rowid order; unchanged rows are the earlier reading's.
    pub rows: Vec<Arc<ObjectRow>>,
    /// Earlier rows that are gone or changed.
    pub gone: Vec<Arc<ObjectRow>>,
    /// Rows that are new or changed.
    pub came: Vec<Arc<ObjectRow>>,
}

/// Reads `sqlite_schema` and compares it with `earlier`, an earlier reading in rowid order.
pub(crate) fn read_changes(
    conn: &Connection,
    earlier: &[Arc<ObjectRow>],
) -> Result<Changes, IntrospectError> {
    let failed = |error: rusqlite::Error| IntrospectError::Query {
        dialect: Dialect::Sqlite,
        what: "objects",
        message: error.to_string(),
    };
    let mut statement = conn.prepare_cached(OBJECTS).map_err(failed)?;
    let mut rows = statement.query([]).map_err(failed)?;
    let mut changes = Changes {
        rows: Vec::with_capacity(earlier.len() + 1),
        ..Changes::default()
    };
    let mut earlier = earlier.iter().peekable();
    while let Some(row) = rows.next().map_err(failed)? {
        let rowid: i64 = row.get(0).map_err(failed)?;
        let bytes = |column: usize| match row.get_ref(column) {
            Ok(ValueRef::Text(text)) => Ok(text),
            Ok(ValueRef::Null) => Ok(&b""[..]),
            Ok(other) => Err(unexpected(column, other)),
            Err(error) => Err(failed(error)),
        };
        let (kind, name, table, sql) = (bytes(1)?, bytes(2)?, bytes(3)?, bytes(4)?);
        while let Some(gone) = earlier.next_if(|old| old.rowid < rowid) {
            changes.gone.push(Arc::clone(gone));
        }
        match earlier.next_if(|old| old.rowid == rowid) {
            Some(old) if old.is(kind, name, table, sql) => {
                changes.rows.push(Arc::clone(old));
                continue;
            }
            Some(old) => changes.gone.push(Arc::clone(old)),
            None => {}
        }
        let text = |bytes| std::str::from_utf8(bytes).map_err(|error| unexpected_text(&error));
        let new = Arc::new(ObjectRow::new(
            rowid,
            text(kind)?,
            text(name)?,
            text(table)?,
            text(sql)?,
        ));
        changes.came.push(Arc::clone(&new));
        changes.rows.push(new);
    }
    changes.gone.extend(earlier.cloned());
    Ok(changes)
}

fn unexpected(column: usize, value: ValueRef<'_>) -> IntrospectError {
    IntrospectError::Unexpected {
        dialect: Dialect::Sqlite,
        what: ["rowid", "type", "name", "tbl_name", "sql"][column],
        value: format!("{:?}", value.data_type()),
    }
}

fn unexpected_text(error: &std::str::Utf8Error) -> IntrospectError {
    IntrospectError::Unexpected {
        dialect: Dialect::Sqlite,
        what: "sqlite_schema text",
        value: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(rows: &[Arc<ObjectRow>]) -> Vec<&str> {
        rows.iter().map(|row| &*row.name).collect()
    }

    #[test]
    fn only_rows_that_changed_are_reported_and_unchanged_ones_are_shared() {
        let conn = Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch(
            "CREATE TABLE a (x); CREATE TABLE b (y); CREATE INDEX b_y ON b (y);
             CREATE VIEW v AS SELECT x FROM a;",
        )
        .expect("DDL runs");
        let first = read_changes(&conn, &[]).expect("reads");
        assert_eq!(names(&first.came), ["a", "b", "b_y", "v"]);
        assert!(first.gone.is_empty());

        conn.execute_batch(
            "ALTER TABLE a ADD COLUMN z; DROP INDEX b_y; DROP VIEW v; CREATE TABLE c (w);",
        )
        .expect("DDL runs");
        let second = read_changes(&conn, &first.rows).expect("reads");
        assert_eq!(names(&second.gone), ["a", "b_y", "v"]);
        assert_eq!(names(&second.came), ["a", "c"]);
        assert_eq!(names(&second.rows), ["a", "b", "c"]);
        assert!(Arc::ptr_eq(&second.rows[1], &first.rows[1]), "b is shared");

        let third = read_changes(&conn, &second.rows).expect("reads");
        assert!(third.gone.is_empty() && third.came.is_empty());
    }

    #[test]
    fn virtual_tables_are_told_by_their_text() {
        let row = |sql| ObjectRow::new(1, "table", "t", "t", sql);
        assert!(row("CREATE VIRTUAL TABLE t USING fts5(a)").is_virtual_table());
        assert!(!row("CREATE TABLE t (a)").is_virtual_table());
        assert!(!row("").is_virtual_table());
    }
}
