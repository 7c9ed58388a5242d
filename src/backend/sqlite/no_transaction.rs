//! Running a `-- migrate:no-transaction` script on SQLite: each statement alone, in
//! autocommit mode (`VACUUM` refuses to run in a transaction). The order of things and the
//! progress it records live once, in `backend/no_transaction.rs`.

use std::ops::Range;
use std::time::Instant;

use rusqlite::Connection;

use super::books::Books;
use super::progress::{create_progress_table, write_mark};
use super::script::run_script;
use crate::backend::backend::Record;
use crate::backend::dialect::Dialect;
use crate::backend::error::BackendError;
use crate::backend::held_lock::HeldLock;
use crate::backend::no_transaction::OutsideTransaction;
use crate::backend::progress_table::ProgressTable;
use crate::backend::version_table::VersionTable;
use crate::core::{DirtyRevision, Location};

/// The SQLite side of a script run outside a transaction (see [`OutsideTransaction`]).
pub(super) struct Outside<'a> {
    pub conn: &'a Connection,
    pub tracking: &'a VersionTable,
    /// The backend's progress table, set once it is known to exist.
    pub progress: &'a mut Option<ProgressTable>,
    /// `verify --locks`: each statement takes the write lock for as long as it runs.
    pub held: Option<&'a mut Vec<HeldLock>>,
}

impl Outside<'_> {
    fn bookkeeping_error(&self, error: &rusqlite::Error) -> BackendError {
        BackendError::Tracking {
            table: ProgressTable::beside(self.tracking).name().to_owned(),
            message: error.to_string(),
        }
    }
}

impl OutsideTransaction for Outside<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn ensure_progress_table(&mut self) -> Result<(), BackendError> {
        let table = create_progress_table(self.conn, self.tracking)
            .map_err(|error| self.bookkeeping_error(&error))?;
        *self.progress = Some(table);
        Ok(())
    }

    fn save_mark(&mut self, mark: &DirtyRevision) -> Result<(), BackendError> {
        write_mark(self.conn, &ProgressTable::beside(self.tracking), mark)
            .map_err(|error| self.bookkeeping_error(&error))
    }

    fn run_statement(&mut self, text: &str, range: Range<usize>) -> Result<(), BackendError> {
        let started = Instant::now();
        // The statement alone, its failure pointed back into the whole script.
        let result = run_script(self.conn, &text[range.clone()]).map_err(|mut failure| {
            failure.offset = Some(failure.offset.map_or(range.start, |at| range.start + at));
            BackendError::Script { failure }
        });
        if let Some(held) = self.held.as_deref_mut() {
            held.push(HeldLock {
                relation: "database".into(),
                mode: "write lock".into(),
                line: Some(Location::of_offset(text, range.start).line),
                held_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            });
        }
        result
    }

    fn finish(&mut self, record: Record<'_>, duration_ms: i64) -> Result<(), BackendError> {
        let progress = ProgressTable::beside(self.tracking);
        let books = Books {
            table: self.tracking,
            progress: Some(&progress),
        };
        let fail = |error: rusqlite::Error| BackendError::Tracking {
            table: self.tracking.name.clone(),
            message: error.to_string(),
        };
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(fail)?;
        let written = books.finish(self.conn, record, duration_ms);
        let ended = match written {
            Ok(()) => self.conn.execute_batch("COMMIT"),
            Err(error) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(error)
            }
        };
        ended.map_err(fail)
    }
}
