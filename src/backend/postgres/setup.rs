//! Where the bookkeeping tables live on PostgreSQL, and creating them (and their schema)
//! only where missing. The SQL of the tables themselves lives once, in `version_table.rs`
//! and `progress_table.rs`.

use postgres::Client;
use postgres::types::{ToSql, Type};

use crate::backend::dialect::Dialect;
use crate::backend::progress_table::ProgressTable;
use crate::backend::version_table::VersionTable;

/// The schema of the tracking table when none is given.
pub const DEFAULT_SCHEMA: &str = "public";

/// The table's schema; the backend fills in [`DEFAULT_SCHEMA`] when none was given.
pub(crate) fn schema_of(table: &VersionTable) -> &str {
    table.schema.as_deref().unwrap_or(DEFAULT_SCHEMA)
}

/// What exists of the bookkeeping, read in one round trip.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Present {
    pub(crate) schema: bool,
    pub(crate) tracking: bool,
    pub(crate) progress: bool,
}

/// Whether relation `$name` exists in schema `$schema` (both parameter numbers), looked up
/// by name in the catalog caches: an `EXISTS` over a join of `pg_class` and `pg_namespace`
/// took a fresh session about 1 ms to plan, more than the rest of a no-op's queries
/// together. The server quotes the bound names itself (`format`'s `%I`). NULL where the
/// schema exists but the role may not use it (`to_regclass` would fail there), which
/// [`Present`] takes as existing: the reads that follow then fail with the server's own
/// message, as they did.
fn relation_exists(schema: usize, name: usize) -> String {
    let namespace = format!("pg_catalog.to_regnamespace(${schema}::text)");
    format!(
        "CASE WHEN {namespace} IS NULL THEN false \
         WHEN pg_catalog.has_schema_privilege({namespace}, 'USAGE') THEN \
         pg_catalog.to_regclass(pg_catalog.format('%I.%I', ${schema}::text, ${name}::text)) IS NOT NULL END"
    )
}

/// The columns that say what exists of `table`'s bookkeeping, for a query whose
/// parameters `first`, `first + 1` and `first + 2` are [`presence_parameters`].
pub(crate) fn presence_columns(first: usize) -> String {
    format!(
        "pg_catalog.to_regnamespace(${first}::text) IS NOT NULL, {}, {}",
        relation_exists(first, first + 1),
        relation_exists(first, first + 2)
    )
}

/// The schema, the tracking table's and the progress table's names, as
/// [`presence_columns`] reads them (bound with [`bind_presence`]).
pub(crate) fn presence_parameters(table: &VersionTable) -> [String; 3] {
    [
        schema_of(table).to_owned(),
        table.name.clone(),
        ProgressTable::beside(table).name().to_owned(),
    ]
}

/// [`presence_parameters`] as a query binds them.
pub(crate) fn bind_presence(parameters: &[String; 3]) -> [(&(dyn ToSql + Sync), Type); 3] {
    parameters
        .each_ref()
        .map(|parameter| (parameter as &(dyn ToSql + Sync), Type::TEXT))
}

/// Column `index` of a row of [`relation_exists`] answers: NULL (may not be looked at)
/// counts as existing.
fn exists_at(row: &postgres::Row, index: usize) -> Result<bool, postgres::Error> {
    Ok(row.try_get::<_, Option<bool>>(index)?.unwrap_or(true))
}

impl Present {
    /// Read from a row's columns `first..first + 3`, made by [`presence_columns`].
    pub(crate) fn from_row(row: &postgres::Row, first: usize) -> Result<Self, postgres::Error> {
        Ok(Self {
            schema: exists_at(row, first)?,
            tracking: exists_at(row, first + 1)?,
            progress: exists_at(row, first + 2)?,
        })
    }
}

pub(crate) fn present(
    client: &mut Client,
    table: &VersionTable,
) -> Result<Present, postgres::Error> {
    let parameters = presence_parameters(table);
    let row = client.query_typed_one(
        &format!("SELECT {}", presence_columns(1)),
        &bind_presence(&parameters),
    )?;
    Present::from_row(&row, 0)
}

/// Creates the tracking table's schema and the table, each only if it is missing, and
/// returns the progress table if there is one. Creating only what is missing lets a user
/// without CREATE on the database (or on `public`) migrate into a schema of their own:
/// even `IF NOT EXISTS` checks the privilege first.
pub(crate) fn create_missing_tables(
    client: &mut Client,
    table: &VersionTable,
) -> Result<Option<ProgressTable>, postgres::Error> {
    let dialect = Dialect::Postgres;
    let present = present(client, table)?;
    if !present.schema {
        let quoted = dialect.quote_identifier(schema_of(table));
        client.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {quoted}"))?;
    }
    if !present.tracking {
        client.batch_execute(&table.create(dialect))?;
    }
    Ok(present.progress.then(|| ProgressTable::beside(table)))
}

/// The progress table beside `table`, if it exists.
pub(crate) fn find_progress_table(
    client: &mut Client,
    table: &VersionTable,
) -> Result<Option<ProgressTable>, postgres::Error> {
    let progress = ProgressTable::beside(table);
    let exists = table_exists(client, schema_of(table), progress.name())?;
    Ok(exists.then_some(progress))
}

/// Creates the progress table beside `table` if it is missing.
pub(crate) fn create_progress_table(
    client: &mut Client,
    table: &VersionTable,
) -> Result<ProgressTable, postgres::Error> {
    let progress = ProgressTable::beside(table);
    if !table_exists(client, schema_of(table), progress.name())? {
        client.batch_execute(&progress.create(Dialect::Postgres))?;
    }
    Ok(progress)
}

/// Whether table `name` exists in `schema` (or may not be looked at: see [`Present`]).
pub(crate) fn table_exists(
    client: &mut Client,
    schema: &str,
    name: &str,
) -> Result<bool, postgres::Error> {
    let row = client.query_typed_one(
        &format!("SELECT {}", relation_exists(1, 2)),
        &[(&schema, Type::TEXT), (&name, Type::TEXT)],
    )?;
    exists_at(&row, 0)
}
