//! The tracking table on SQLite: reading its rows and writing a step's record. The SQL
//! itself lives once, in `version_table.rs`.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use crate::backend::SqlValue;
use crate::backend::backend::Record;
use crate::backend::dialect::Dialect;
use crate::backend::version_table::{Columns, RawRow, VersionTable, insert_values};

/// Writes a step's record: inserts the revision's row, or deletes it.
pub(super) fn write_record(
    conn: &Connection,
    table: &VersionTable,
    record: Record<'_>,
    duration_ms: i64,
) -> rusqlite::Result<()> {
    let dialect = Dialect::Sqlite;
    match record.row() {
        Some(row) => {
            if row.leaves_out_a_text() {
                allow_null_texts(conn, table)?;
            }
            let values = insert_values(&row, duration_ms);
            // Cached: the same two statements run once per revision.
            conn.prepare_cached(&table.insert(dialect))?
                .execute(params_from_iter(values.iter().map(to_sqlite)))?;
        }
        None => {
            conn.prepare_cached(&table.delete(dialect))?
                .execute([record.id().as_str()])?;
        }
    }
    Ok(())
}

/// Lets a table made before texts could be left out hold NULL (see
/// [`VersionTable::allow_null_texts`]), when its `up_sql` is NOT NULL.
fn allow_null_texts(conn: &Connection, table: &VersionTable) -> rusqlite::Result<()> {
    let not_null: Option<bool> = conn
        .query_row(
            "SELECT \"notnull\" FROM pragma_table_info(?1, ?2) WHERE name = 'up_sql'",
            [
                table.name.as_str(),
                table.schema.as_deref().unwrap_or("main"),
            ],
            |row| row.get(0),
        )
        .optional()?;
    if not_null != Some(true) {
        return Ok(());
    }
    conn.execute_batch(&table.allow_null_texts(Dialect::Sqlite))
}

/// Every row of the table, unchecked.
pub(super) fn read_rows(
    conn: &Connection,
    table: &VersionTable,
    columns: Columns,
) -> rusqlite::Result<Vec<RawRow>> {
    let mut statement = conn.prepare(&table.select_of(Dialect::Sqlite, columns))?;
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

/// A value as rusqlite binds it, borrowed: SQLite copies it once as it binds.
pub(super) fn to_sqlite<'a>(value: &'a SqlValue<'_>) -> ToSqlOutput<'a> {
    ToSqlOutput::Borrowed(match value {
        SqlValue::Text(Some(text)) => ValueRef::Text(text.as_bytes()),
        SqlValue::Text(None) => ValueRef::Null,
        SqlValue::Integer(number) => ValueRef::Integer(*number),
    })
}
