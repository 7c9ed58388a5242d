//! One provider drawn on by several threads (`verify --jobs`): each thread makes its own
//! scratch databases, on the one PostgreSQL server or in the one temp dir.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::backend::{Dialect, VersionTable};

use super::error::ProvisionError;
use super::scratch::{Provider, Scratch};

/// A provider behind a lock. Only making and copying a database holds it: the databases
/// themselves belong to the thread that made them.
pub struct SharedProvider<'a> {
    inner: Mutex<&'a mut (dyn Provider + Send)>,
}

impl<'a> SharedProvider<'a> {
    pub fn new(provider: &'a mut (dyn Provider + Send)) -> Self {
        Self {
            inner: Mutex::new(provider),
        }
    }

    /// A provider for one thread.
    pub fn handle(&self) -> SharedHandle<'_, 'a> {
        SharedHandle { shared: self }
    }

    fn lock(&self) -> MutexGuard<'_, &'a mut (dyn Provider + Send)> {
        // A thread that panicked while making a database left nothing half-made that the
        // others would trip on: its database is dropped with it.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One thread's access to a [`SharedProvider`].
pub struct SharedHandle<'s, 'a> {
    shared: &'s SharedProvider<'a>,
}

impl Provider for SharedHandle<'_, '_> {
    fn dialect(&self) -> Dialect {
        self.shared.lock().dialect()
    }

    fn describe(&self) -> String {
        self.shared.lock().describe()
    }

    fn create(&mut self, table: &VersionTable) -> Result<Scratch, ProvisionError> {
        self.shared.lock().create(table)
    }

    fn copy(
        &mut self,
        source: &mut Scratch,
        table: &VersionTable,
    ) -> Result<Scratch, ProvisionError> {
        self.shared.lock().copy(source, table)
    }

    fn database_cost(&self) -> Duration {
        self.shared.lock().database_cost()
    }
}
