//! The progress table on PostgreSQL: reading, writing and clearing the dirty marks of
//! no-transaction scripts. The SQL itself lives once, in `progress_table.rs`.

use postgres::types::ToSql;
use postgres::{Client, GenericClient};

use super::dialect::Dialect;
use super::postgres_tracking::as_sql;
use super::progress_table::{ProgressTable, RawProgress, progress_values};
use crate::core::{DirtyRevision, RevisionId};

/// Records how far a script got (insert or update).
pub(crate) fn write_progress(
    client: &mut impl GenericClient,
    table: &ProgressTable,
    dirty: &DirtyRevision,
) -> Result<(), postgres::Error> {
    let values = progress_values(dirty);
    let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(as_sql).collect();
    client.execute(&table.upsert(Dialect::Postgres), &params)?;
    Ok(())
}

/// Clears the mark of `id`, if any.
pub(crate) fn clear_progress(
    client: &mut impl GenericClient,
    table: &ProgressTable,
    id: &RevisionId,
) -> Result<(), postgres::Error> {
    client.execute(&table.delete(Dialect::Postgres), &[&id.as_str()])?;
    Ok(())
}

/// Every mark, unchecked.
pub(crate) fn read_progress(
    client: &mut Client,
    table: &ProgressTable,
) -> Result<Vec<RawProgress>, postgres::Error> {
    client
        .query(&table.select(Dialect::Postgres), &[])?
        .iter()
        .map(|row| {
            Ok(RawProgress {
                revision: row.try_get(0)?,
                direction: row.try_get(1)?,
                statements_done: row.try_get(2)?,
                statement_count: row.try_get(3)?,
                failed_statement: row.try_get(4)?,
                error: row.try_get(5)?,
            })
        })
        .collect()
}
