//! Opens the backend a URL names.

use super::backend::Backend;
use super::error::BackendError;
use super::postgres::PostgresBackend;
use super::postgres::PostgresOptions;
use super::sqlite::SqliteBackend;
use super::url::DatabaseUrl;
use super::version_table::VersionTable;

/// Connects to the database at `url`, tracking revisions in `table`.
pub fn open(
    url: &DatabaseUrl,
    table: VersionTable,
) -> Result<Box<dyn Backend + Send>, BackendError> {
    open_with(url, table, &PostgresOptions::default())
}

/// Connects to the database at `url`, with settings for PostgreSQL sessions (SQLite has
/// no use for them). The backend is `Send`, so a caller can connect on another thread
/// while it reads the migrations directory.
pub fn open_with(
    url: &DatabaseUrl,
    table: VersionTable,
    postgres: &PostgresOptions,
) -> Result<Box<dyn Backend + Send>, BackendError> {
    match url {
        DatabaseUrl::SqliteFile(path) => Ok(Box::new(SqliteBackend::open(path, table)?)),
        DatabaseUrl::SqliteMemory => Ok(Box::new(SqliteBackend::open_in_memory(table)?)),
        DatabaseUrl::Postgres(url) => Ok(Box::new(PostgresBackend::connect_with(
            url, table, postgres,
        )?)),
    }
}
