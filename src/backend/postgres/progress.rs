//! The progress table on PostgreSQL: reading, writing and clearing the dirty marks of
//! no-transaction scripts. The SQL itself lives once, in `progress_table.rs`.

use postgres::types::Type;
use postgres::{Client, GenericClient};

use super::bind::typed;
use super::error::message;
use super::setup::find_progress_table;
use crate::backend::dialect::Dialect;
use crate::backend::error::BackendError;
use crate::backend::progress_table::{ProgressTable, RawProgress, progress_values, sorted_dirty};
use crate::backend::version_table::VersionTable;
use crate::core::{DirtyRevision, RevisionId};

/// Records how far a script got (insert or update).
pub(crate) fn write_progress(
    client: &mut impl GenericClient,
    table: &ProgressTable,
    dirty: &DirtyRevision,
) -> Result<(), postgres::Error> {
    let values = progress_values(dirty);
    client.execute_typed(&table.upsert(Dialect::Postgres), &typed(&values))?;
    Ok(())
}

/// Clears the mark of `id`, if any.
pub(crate) fn clear_progress(
    client: &mut impl GenericClient,
    table: &ProgressTable,
    id: &RevisionId,
) -> Result<(), postgres::Error> {
    client.execute_typed(
        &table.delete(Dialect::Postgres),
        &[(&id.as_str(), Type::TEXT)],
    )?;
    Ok(())
}

/// Every mark of the progress table beside `tracking`, sorted by revision; empty when the
/// table does not exist.
pub(crate) fn dirty_marks(
    client: &mut Client,
    tracking: &VersionTable,
) -> Result<Vec<DirtyRevision>, BackendError> {
    let table = ProgressTable::beside(tracking);
    match find_progress_table(client, tracking) {
        Ok(Some(_)) => read_marks(client, &table),
        Ok(None) => Ok(Vec::new()),
        Err(error) => Err(progress_error(&table, message(&error))),
    }
}

/// Every mark of `table`, which exists, sorted by revision.
pub(crate) fn read_marks(
    client: &mut Client,
    table: &ProgressTable,
) -> Result<Vec<DirtyRevision>, BackendError> {
    let rows = read_progress(client, table).map_err(|e| progress_error(table, message(&e)))?;
    sorted_dirty(rows).map_err(|text| progress_error(table, text))
}

fn progress_error(table: &ProgressTable, message: String) -> BackendError {
    BackendError::Tracking {
        table: table.qualified(Dialect::Postgres),
        message,
    }
}

/// Clears the mark of `id` in the progress table beside `tracking`, if there is one.
pub(crate) fn clear_mark(
    client: &mut Client,
    tracking: &VersionTable,
    id: &RevisionId,
) -> Result<(), BackendError> {
    let table = ProgressTable::beside(tracking);
    let fail = |error: postgres::Error| BackendError::Tracking {
        table: table.qualified(Dialect::Postgres),
        message: message(&error),
    };
    match find_progress_table(client, tracking).map_err(fail)? {
        Some(table) => clear_progress(client, &table, id).map_err(fail),
        None => Ok(()),
    }
}

/// Every mark, unchecked.
fn read_progress(
    client: &mut Client,
    table: &ProgressTable,
) -> Result<Vec<RawProgress>, postgres::Error> {
    client
        .query_typed(&table.select(Dialect::Postgres), &[])?
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
