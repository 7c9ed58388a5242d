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

fn schema_exists(client: &mut Client, schema: &str) -> Result<bool, postgres::Error> {
    client
        .query_typed_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)",
            &[(&schema, Type::NAME)],
        )?
        .try_get(0)
}

/// Creates the tracking table's schema and the table, each only if it is missing. Creating only what is missing lets a user without CREATE on the database (or
/// on `public`) migrate into a schema of their own: even `IF NOT EXISTS` checks the
/// privilege first.
pub(crate) fn create_missing_tables(
    client: &mut Client,
    table: &VersionTable,
) -> Result<(), postgres::Error> {
    let dialect = Dialect::Postgres;
    let schema = schema_of(table);
    if !schema_exists(client, schema)? {
        let quoted = dialect.quote_identifier(schema);
        client.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {quoted}"))?;
    }
    if !table_exists(client, schema, &table.name)? {
        client.batch_execute(&table.create(dialect))?;
    }
    Ok(())
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
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2)",
            &[(&schema, Type::NAME), (&name, Type::NAME)],
        )?
        .try_get(0)
}
