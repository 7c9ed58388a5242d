//! A scratch database: a fresh, empty database that is thrown away when dropped.

use std::time::Duration;

use crate::backend::{Backend, Dialect, VersionTable};

use super::error::ProvisionError;

/// Makes scratch databases of one kind.
pub trait Provider {
    /// The backend's dialect.
    fn dialect(&self) -> Dialect;

    /// Where the databases come from, for the report: `sqlite (temp file)`,
    /// `postgres (server postgres://app:***@db/postgres)`.
    fn describe(&self) -> String;

    /// A new, empty database whose tracking table is `table`; removed when the returned
    /// value is dropped.
    fn create(&mut self, table: &VersionTable) -> Result<Scratch, ProvisionError>;

    /// A new database holding a copy of `source`, which stays as it is (between steps:
    /// no transaction open). verify rebuilds a state this way after a failure rather
    /// than replaying every revision again.
    fn copy(
        &mut self,
        source: &mut Scratch,
        table: &VersionTable,
    ) -> Result<Scratch, ProvisionError>;

    /// What one more database costs, as measured here (a server's first
    /// `CREATE DATABASE`, with its connection); zero where a database is a temp file.
    /// `verify --jobs auto` splits a history only where the shards save more than their
    /// databases cost.
    fn database_cost(&self) -> Duration {
        Duration::ZERO
    }

    /// Lets go of the databases made ahead (for shards expected before the split was
    /// known) beyond the first `keep`, which the shards about to start will take.
    fn release_spares(&mut self, _keep: usize) {}
}

/// A database made for one job, removed on drop.
pub struct Scratch {
    backend: Option<Box<dyn Backend>>,
    /// Where the database is, for its provider: a file path, a database name.
    location: String,
    /// Runs after the backend's connection is closed (a database cannot be dropped while
    /// a session is connected to it).
    cleanup: Option<Box<dyn FnOnce()>>,
}

impl Scratch {
    pub fn new(
        backend: Box<dyn Backend>,
        location: String,
        cleanup: Option<Box<dyn FnOnce()>>,
    ) -> Self {
        Self {
            backend: Some(backend),
            location,
            cleanup,
        }
    }

    /// Where the database is: a file path or a database name.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Closes the connection (a PostgreSQL template must have none) until [`Self::reopen`].
    pub(crate) fn close(&mut self) {
        self.backend = None;
    }

    pub(crate) fn reopen(&mut self, backend: Box<dyn Backend>) {
        self.backend = Some(backend);
    }

    /// The database.
    pub fn backend(&mut self) -> &mut dyn Backend {
        self.backend
            .as_deref_mut()
            .expect("a scratch database has its backend until dropped")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.backend = None;
        if let Some(cleanup) = self.cleanup.take() {
            cleanup();
        }
    }
}
