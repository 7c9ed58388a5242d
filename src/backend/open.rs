//! Opens the backend a URL names.

use super::backend::Backend;
use super::error::BackendError;
use super::sqlite::SqliteBackend;
use super::url::DatabaseUrl;
use super::version_table::VersionTable;

/// Connects to the database at `url`, tracking revisions in `table`.
pub fn open(url: &DatabaseUrl, table: VersionTable) -> Result<Box<dyn Backend>, BackendError> {
    match url {
        DatabaseUrl::SqliteFile(path) => Ok(Box::new(SqliteBackend::open(path, table)?)),
        DatabaseUrl::SqliteMemory => Ok(Box::new(SqliteBackend::open_in_memory(table)?)),
        DatabaseUrl::Postgres(_) => Err(BackendError::Connect {
            target: url.to_string(),
            message: "PostgreSQL support lands with the PostgreSQL backend".into(),
        }),
    }
}
