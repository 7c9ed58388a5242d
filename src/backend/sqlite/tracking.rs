//! The tracking table on SQLite: reading its rows and writing a step's record, which
//! clears the revision's dirty mark. The SQL itself lives once, in `version_table.rs`.

use rusqlite::{Connection, params_from_iter};

use super::progress::clear_mark;
use crate::backend::SqlValue;
use crate::backend::backend::Record;
use crate::backend::dialect::Dialect;
use crate::backend::progress_table::ProgressTable;
use crate::backend::version_table::{RawRow, VersionTable, insert_values};

/// Where a step's bookkeeping goes.
pub(super) struct Books<'a> {
    pub table: &'a VersionTable,
    /// The progress table, when it exists.
    pub progress: Option<&'a ProgressTable>,
}

impl Books<'_> {
    /// Writes a step's record and clears its revision's dirty mark (so `stamp` moves past
    /// a dirty revision too), in the caller's transaction.
    pub fn finish(
        &self,
        conn: &Connection,
        record: Record<'_>,
        duration_ms: i64,
    ) -> rusqlite::Result<()> {
        let dialect = Dialect::Sqlite;
        match record {
            Record::Insert(row) => {
                let values = insert_values(row, duration_ms).map(to_sqlite);
                // Cached: the same two statements run once per revision.
                conn.prepare_cached(&self.table.insert(dialect))?
                    .execute(params_from_iter(values))?;
            }
            Record::Delete(id) => {
                conn.prepare_cached(&self.table.delete(dialect))?
                    .execute([id.as_str()])?;
            }
        }
        match self.progress {
            Some(progress) => clear_mark(conn, progress, record.id()),
            None => Ok(()),
        }
    }
}

/// Every row of the table, unchecked.
pub(super) fn read_rows(conn: &Connection, table: &VersionTable) -> rusqlite::Result<Vec<RawRow>> {
    let mut statement = conn.prepare(&table.select(Dialect::Sqlite))?;
    let rows = statement.query_map([], |row| {
        Ok(RawRow {
            revision: row.get(0)?,
            slug: row.get(1)?,
            up_checksum: row.get(2)?,
            down_checksum: row.get(3)?,
            checksum_algorithm: row.get(4)?,
            up_sql: row.get(5)?,
            down_sql: row.get(6)?,
            applied_at: row.get(7)?,
            duration_ms: row.get(8)?,
        })
    })?;
    rows.collect()
}

/// Whether table `name` exists.
pub(super) fn table_exists(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1")?
        .exists([name])
}

/// A bound value as rusqlite takes it.
pub(super) fn to_sqlite(value: SqlValue) -> rusqlite::types::Value {
    match value {
        SqlValue::Text(Some(text)) => rusqlite::types::Value::Text(text),
        SqlValue::Text(None) => rusqlite::types::Value::Null,
        SqlValue::Integer(number) => rusqlite::types::Value::Integer(number),
    }
}
