//! A scratch database: a fresh, empty database that is thrown away when dropped.

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
}

/// A database made for one job, removed on drop.
pub struct Scratch {
    backend: Option<Box<dyn Backend>>,
    /// Runs after the backend's connection is closed (a database cannot be dropped while
    /// a session is connected to it).
    cleanup: Option<Box<dyn FnOnce()>>,
}

impl Scratch {
    pub fn new(backend: Box<dyn Backend>, cleanup: Option<Box<dyn FnOnce()>>) -> Self {
        Self {
            backend: Some(backend),
            cleanup,
        }
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
