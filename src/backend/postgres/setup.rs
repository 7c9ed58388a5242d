//! Where the bookkeeping tables live on PostgreSQL, and creating them (and their schema)
//! only where missing. The SQL of the tables themselves lives once, in `version_table.rs`
//! and `progress_table.rs`.

use postgres::Client;
use postgres::types::Type;

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
pub(crate) struct Present {
    pub(crate) schema: bool,
    pub(crate) tracking: bool,
    pub(crate) progress: bool,
}

/// Whether relation `$name` exists in schema `$schema` (both parameter numbers), looked up
/// by name in the catalog caches: an `EXISTS` over a join of `pg_class` and `pg_namespace`
/// took a fresh session about 1 ms to plan, more than the rest of a no-op's queries
/// together. The server quotes the bound names itself (`format`'s `%I`). As every read of
/// the tracking table, it fails when the schema exists but the role may not use it.
fn relation_exists(schema: usize, name: usize) -> String {
    format!(
        "pg_catalog.to_regclass(pg_catalog.format('%I.%I', ${schema}::text, ${name}::text)) IS NOT NULL"
    )
}

pub(crate) fn present(
    client: &mut Client,
    table: &VersionTable,
) -> Result<Present, postgres::Error> {
    let progress = ProgressTable::beside(table);
    let row = client.query_typed_one(
        &format!(
            "SELECT pg_catalog.to_regnamespace($1::text) IS NOT NULL, {}, {}",
            relation_exists(1, 2),
            relation_exists(1, 3)
        ),
        &[
            (&schema_of(table), Type::TEXT),
            (&table.name.as_str(), Type::TEXT),
            (&progress.name(), Type::TEXT),
        ],
    )?;
    Ok(Present {
        schema: row.try_get(0)?,
        tracking: row.try_get(1)?,
        progress: row.try_get(2)?,
    })
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

/// Whether table `name` exists in `schema`.
pub(crate) fn table_exists(
    client: &mut Client,
    schema: &str,
    name: &str,
) -> Result<bool, postgres::Error> {
    client
        .query_typed_one(
            &format!("SELECT {}", relation_exists(1, 2)),
            &[(&schema, Type::TEXT), (&name, Type::TEXT)],
        )?
        .try_get(0)
}
