//! Opens the backend a URL names.

use super::backend::Backend;
use super::error::BackendError;
use super::postgres::PostgresBackend;
use super::sqlite::SqliteBackend;
use super::url::DatabaseUrl;
use super::version_table::VersionTable;

/// Connects to the database at `url`, tracking revisions in `table`.
pub fn open(url: &DatabaseUrl, table: VersionTable) -> Result<Box<dyn Backend>, BackendError> {
    match url {
        DatabaseUrl::SqliteFile(path) => Ok(Box::new(SqliteBackend::open(path, table)?)),
        DatabaseUrl::SqliteMemory => Ok(Box::new(SqliteBackend::open_in_memory(table)?)),
        DatabaseUrl::Postgres(url) => Ok(Box::new(PostgresBackend::connect(url, table)?)),
    }
}
