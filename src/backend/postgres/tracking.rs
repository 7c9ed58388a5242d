//! The tracking table on PostgreSQL: creating what is missing, reading its rows and writing
//! a step's record. The SQL itself lives once, in `version_table.rs` and `progress_table.rs`.

use postgres::types::Type;
use postgres::{Client, GenericClient};

use super::bind::typed;
use super::copy::{copy_record, is_long};
use super::error::{message, tracking};
use super::progress::clear_progress;
use crate::backend::backend::Record;
use crate::backend::dialect::Dialect;
use crate::backend::error::BackendError;
use crate::backend::foreign_table::{Column, TextRows, select_as_text};
use crate::backend::progress_table::ProgressTable;
use crate::backend::version_table::{Columns, RawRow, VersionTable, insert_values};

/// Where a step's bookkeeping goes.
pub(crate) struct Books<'a> {
    pub table: &'a VersionTable,
    pub progress: Option<&'a ProgressTable>,
}

impl Books<'_> {
    /// Writes a step's record and clears its revision's dirty mark (so `stamp` moves past
    /// a dirty revision too), in the caller's transaction.
    pub fn finish(
        &self,
        client: &mut impl GenericClient,
        record: Record<'_>,
        duration_ms: i64,
    ) -> Result<(), BackendError> {
        let fail = |error: postgres::Error| tracking(self.table, message(&error));
        let row = record.row();
        if let Some(row) = &row
            && row.leaves_out_a_text()
        {
            allow_null_texts(client, self.table).map_err(fail)?;
        }
        match &row {
            Some(row) if is_long(row) => {
                copy_record(client, self.table, &insert_values(row, duration_ms))?;
            }
            Some(row) => {
                write_record(client, self.table, Record::Insert(row), duration_ms).map_err(fail)?
            }
            None => write_record(client, self.table, record, duration_ms).map_err(fail)?,
        }
        match self.progress {
            Some(progress) => clear_progress(client, progress, record.id()).map_err(fail),
            None => Ok(()),
        }
    }
}

/// Lets a table made before texts could be left out hold NULL (see
/// [`VersionTable::allow_null_texts`]). Run only for a row that leaves a text out, which
/// is rare enough that the statement needs no check of the catalog first.
fn allow_null_texts(
    client: &mut impl GenericClient,
    table: &VersionTable,
) -> Result<(), postgres::Error> {
    client.batch_execute(&table.allow_null_texts(Dialect::Postgres))
}

/// Every row of another tool's table `name`, as text; `None` when missing. The name is
/// resolved through the session's `search_path`, as the other tools resolve it (they
/// create their tables unqualified), not in the schema of our own table.
pub(crate) fn read_foreign(
    client: &mut Client,
    name: &str,
    columns: &[Column<'_>],
) -> Result<Option<TextRows>, postgres::Error> {
    read_quoted(client, &Dialect::Postgres.quote_identifier(name), columns)
}

/// Every row of the table `quoted` names (quoted, qualified or not), each value as text;
/// `None` when there is no such table.
pub(crate) fn read_quoted(
    client: &mut Client,
    quoted: &str,
    columns: &[Column<'_>],
) -> Result<Option<TextRows>, postgres::Error> {
    let dialect = Dialect::Postgres;
    let exists: bool = client
        .query_typed_one(
            "SELECT to_regclass($1) IS NOT NULL",
            &[(&quoted, Type::TEXT)],
        )?
        .try_get(0)?;
    if !exists {
        return Ok(None);
    }
    let rows = client.query_typed(&select_as_text(dialect, quoted, columns), &[])?;
    rows.iter()
        .map(|row| (0..columns.len()).map(|index| row.try_get(index)).collect())
        .collect::<Result<TextRows, _>>()
        .map(Some)
}

/// Every row of the table, unchecked.
pub(crate) fn read_rows(
    client: &mut Client,
    table: &VersionTable,
    columns: Columns,
) -> Result<Vec<RawRow>, postgres::Error> {
    client
        .query_typed(&table.select_of(Dialect::Postgres, columns), &[])?
        .iter()
        .map(raw_row)
        .collect()
}

/// Writes a step's row through a transaction or the bare connection.
pub(crate) fn write_record(
    client: &mut impl GenericClient,
    table: &VersionTable,
    record: Record<'_>,
    duration_ms: i64,
) -> Result<(), postgres::Error> {
    let dialect = Dialect::Postgres;
    match record.row() {
        // `execute_typed` names the parameters' types, so the server needs no separate
        // prepare round trip: once per revision, that was a fifth of a step's round trips.
        Some(row) => {
            let values = insert_values(&row, duration_ms);
            client.execute_typed(&table.insert(dialect), &typed(&values))?;
        }
        None => {
            let id = record.id().as_str();
            client.execute_typed(&table.delete(dialect), &[(&id, Type::TEXT)])?;
        }
    }
    Ok(())
}

fn raw_row(row: &postgres::Row) -> Result<RawRow, postgres::Error> {
    Ok(RawRow {
        revision: row.try_get(0)?,
        slug: row.try_get(1)?,
        up_checksum: row.try_get(2)?,
        down_checksum: row.try_get(3)?,
        checksum_algorithm: row.try_get(4)?,
        up_sql: row.try_get(5)?,
        down_sql: row.try_get(6)?,
        applied_at: row.try_get(7)?,
        duration_ms: row.try_get(8)?,
    })
}
