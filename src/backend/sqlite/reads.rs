//! What the SQLite backend reads without writing: its tracking rows, and another tool's
//! table as text (for `adopt`).

use super::backend::SqliteBackend;
use super::tracking::{read_rows, table_exists};
use crate::backend::dialect::Dialect;
use crate::backend::error::BackendError;
use crate::backend::foreign_table::{Column, TextRows, select_as_text};
use crate::backend::version_table::{Columns, sorted_applied};
use crate::core::AppliedRevision;

impl SqliteBackend {
    /// Every row of the tracking table, read now.
    pub(super) fn read_applied(
        &self,
        columns: Columns,
    ) -> Result<Vec<AppliedRevision>, BackendError> {
        let tracking = |error: rusqlite::Error| {
            self.locked_or(error, |error| BackendError::Tracking {
                table: self.table.name.clone(),
                message: error.to_string(),
            })
        };
        if !table_exists(&self.conn, &self.table.name).map_err(tracking)? {
            return Ok(Vec::new());
        }
        let raw_rows = read_rows(&self.conn, &self.table, columns).map_err(tracking)?;
        sorted_applied(raw_rows).map_err(|message| BackendError::Tracking {
            table: self.table.name.clone(),
            message,
        })
    }

    pub(super) fn read_text_rows(
        &self,
        table: &str,
        columns: &[Column<'_>],
    ) -> rusqlite::Result<TextRows> {
        // SQLite reads a double-quoted name that is no column as a string literal, so a
        // missing column would come back as its own name on every row: refuse it instead.
        let present: Vec<String> = self
            .conn
            .prepare("SELECT name FROM pragma_table_info(?1)")?
            .query_map([table], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some(missing) = columns
            .iter()
            .find(|c| !present.iter().any(|p| p == c.name))
        {
            return Err(rusqlite::Error::InvalidColumnName(missing.name.to_owned()));
        }
        let dialect = Dialect::Sqlite;
        let sql = select_as_text(dialect, &dialect.quote_identifier(table), columns);
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([], |row| {
            (0..columns.len())
                .map(|index| row.get::<_, Option<String>>(index))
                .collect()
        })?;
        rows.collect()
    }
}
