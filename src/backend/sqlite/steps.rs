//! How the SQLite backend runs one step: its script and its record in one `BEGIN
//! IMMEDIATE` transaction, or outside any for a `-- migrate:no-transaction` script.

use std::time::Instant;

use super::backend::{SqliteBackend, database};
use super::books::Books;
use super::foreign_keys;
use super::guarded_script::run_transactional;
use super::journal;
use crate::backend::backend::StepWork;
use crate::backend::error::BackendError;
use crate::backend::no_transaction::run_outside_transaction;

impl SqliteBackend {
    /// One step as [`Backend::run_step`] runs it; `check_keys`: foreign keys were on
    /// before a `-- migrate:foreign-keys-off` script, and are checked before its commit.
    pub(super) fn run_step_as_is(
        &mut self,
        work: StepWork<'_>,
        check_keys: bool,
    ) -> Result<(), BackendError> {
        if let Some(script) = work.script.filter(|s| s.directives.no_transaction) {
            return run_outside_transaction(&mut self.outside(), script, work.record, 0);
        }
        let started = Instant::now();
        // IMMEDIATE takes the write lock now, so a concurrent writer waits here rather
        // than failing halfway through the script.
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|error| self.locked_or(error, database))?;
        if std::mem::take(&mut self.hold_at_next_step) {
            journal::hold_from_here(&self.conn);
        }
        let books = Books {
            table: &self.table,
            progress: self.progress.as_ref(),
        };
        let result = work
            .script
            .map_or(Ok(()), |script| run_transactional(&mut self.conn, script))
            .and_then(|()| foreign_keys::check(&self.conn, check_keys))
            .and_then(|()| {
                let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
                books
                    .finish(&self.conn, work.record, duration_ms)
                    .map_err(|error| BackendError::Tracking {
                        table: self.table.name.clone(),
                        message: error.to_string(),
                    })
            });
        let ended = match result {
            Ok(()) => self
                .conn
                .execute_batch("COMMIT")
                .map_err(|error| self.locked_or(error, database)),
            Err(error) => {
                // Some errors already rolled back; a failing ROLLBACK then is expected.
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(error)
            }
        };
        if let Some(wrote) = self.wrote.as_mut() {
            wrote.push(crate::backend::HeldLock {
                relation: "database".into(),
                mode: "write lock".into(),
                line: None,
                held_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            });
        }
        ended
    }
}
