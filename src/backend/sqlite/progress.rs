//! The progress table on SQLite: creating it, and reading, writing and clearing the dirty
//! marks of no-transaction scripts. The SQL itself lives once, in `progress_table.rs`.

use rusqlite::{Connection, params_from_iter};

use super::tracking::{table_exists, to_sqlite};
use crate::backend::dialect::Dialect;
use crate::backend::progress_table::{ProgressTable, RawProgress, progress_values};
use crate::backend::version_table::VersionTable;
use crate::core::{DirtyRevision, RevisionId};

/// The progress table beside `tracking`, if it exists.
pub(super) fn find_progress_table(
    conn: &Connection,
    tracking: &VersionTable,
) -> rusqlite::Result<Option<ProgressTable>> {
    let table = ProgressTable::beside(tracking);
    Ok(table_exists(conn, table.name())?.then_some(table))
}

/// Creates the progress table beside `tracking` if it is missing.
pub(super) fn create_progress_table(
    conn: &Connection,
    tracking: &VersionTable,
) -> rusqlite::Result<ProgressTable> {
    let table = ProgressTable::beside(tracking);
    conn.execute_batch(&table.create(Dialect::Sqlite))?;
    Ok(table)
}

/// Records how far a script got (insert or update).
pub(super) fn write_mark(
    conn: &Connection,
    table: &ProgressTable,
    mark: &DirtyRevision,
) -> rusqlite::Result<()> {
    let values = progress_values(mark);
    conn.prepare_cached(&table.upsert(Dialect::Sqlite))?
        .execute(params_from_iter(values.iter().map(to_sqlite)))?;
    Ok(())
}

/// Clears the mark of `id`, if any.
pub(super) fn clear_mark(
    conn: &Connection,
    table: &ProgressTable,
    id: &RevisionId,
) -> rusqlite::Result<()> {
    conn.prepare_cached(&table.delete(Dialect::Sqlite))?
        .execute([id.as_str()])?;
    Ok(())
}

/// Every mark, unchecked.
pub(super) fn read_marks(
    conn: &Connection,
    table: &ProgressTable,
) -> rusqlite::Result<Vec<RawProgress>> {
    let mut statement = conn.prepare(&table.select(Dialect::Sqlite))?;
    let rows = statement.query_map([], |row| {
        Ok(RawProgress {
            revision: row.get(0)?,
            direction: row.get(1)?,
            statements_done: row.get(2)?,
            statement_count: row.get(3)?,
            failed_statement: row.get(4)?,
            error: row.get(5)?,
        })
    })?;
    rows.collect()
}
