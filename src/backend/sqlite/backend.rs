//! SQLite: a file or an in-memory database through rusqlite. Mechanisms only.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use super::busy::{BUSY_TIMEOUT, check_header, is_busy, locked, without_waiting};
use super::foreign_keys;
use super::introspect::SnapshotCache;
use super::journal;
use super::lock;
use super::no_transaction::Outside;
use super::progress::{clear_mark, find_progress_table, read_marks};
use super::read_ahead::{DatabaseState, RowsReadAhead};
use super::tracking::table_exists;
use crate::backend::backend::{Backend, StepWork};
use crate::backend::backup::{Backup, BackupName, RestoreWith};
use crate::backend::dialect::Dialect;
use crate::backend::error::BackendError;
use crate::backend::foreign_table::{Column, TextRows};
use crate::backend::no_transaction::resume;
use crate::backend::progress_table::{ProgressTable, sorted_dirty};
use crate::backend::version_table::{Columns, VersionTable};
use crate::core::{AppliedRevision, DirtyRevision, RevisionId};
use crate::schema::{IntrospectOptions, Schema};

/// A SQLite database. Its migration lock is a file beside it (see `lock`).
pub struct SqliteBackend {
    pub(super) conn: Connection,
    pub(super) table: VersionTable,
    pub(super) path: Option<PathBuf>,
    pub(super) lock_file: Option<File>,
    /// The schema as last read, and recent snapshots.
    pub(super) snapshots: SnapshotCache,
    /// The tracking rows [`Backend::read_ahead`] read, for the first `applied` to take.
    pub(super) rows_read_ahead: Option<RowsReadAhead>,
    /// How long a statement waits for another connection's lock (see `busy`).
    pub(super) busy_wait: Duration,
    /// The progress table, once it is known to exist: it is made by the first
    /// no-transaction script, so databases that never run one never see it.
    pub(super) progress: Option<ProgressTable>,
    /// While recording locks: the write locks steps held since the last take.
    pub(super) wrote: Option<Vec<crate::backend::HeldLock>>,
    /// Whether the lock switched the connection's journal to `PERSIST`, for the unlock
    /// to switch it back (see `journal`).
    persisted_journal: bool,
    /// Whether the next step, once it holds the write lock, keeps it until the unlock
    /// (see `journal::hold_from_here`).
    pub(super) hold_at_next_step: bool,
}

impl SqliteBackend {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path, table: VersionTable) -> Result<Self, BackendError> {
        let conn = Connection::open(path).map_err(|error| BackendError::Connect {
            target: path.display().to_string(),
            message: error.to_string(),
        })?;
        Self::from_connection(conn, table)
    }

    /// Opens a private in-memory database.
    pub fn open_in_memory(table: VersionTable) -> Result<Self, BackendError> {
        let conn = Connection::open_in_memory().map_err(|error| BackendError::Connect {
            target: ":memory:".into(),
            message: error.to_string(),
        })?;
        Self::from_connection(conn, table)
    }

    /// Migrates a connection the application already holds.
    ///
    /// Never waits: a database another connection holds locked is opened all the same,
    /// and statements wait for it only under the migration lock, as long as the run's lock
    /// timeout allows ([`Backend::lock`]; 30 s without one), failing with
    /// [`BackendError::DatabaseLocked`] after that.
    pub fn from_connection(conn: Connection, table: VersionTable) -> Result<Self, BackendError> {
        let path = conn
            .path()
            .filter(|path| !path.is_empty())
            .map(PathBuf::from);
        check_header(&conn, path.as_deref())?;
        Ok(Self {
            conn,
            table,
            path,
            lock_file: None,
            snapshots: SnapshotCache::default(),
            rows_read_ahead: None,
            busy_wait: BUSY_TIMEOUT,
            progress: None,
            wrote: None,
            persisted_journal: false,
            hold_at_next_step: false,
        })
    }

    /// The connection, for the application to use once migrated.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Gives the connection back.
    pub fn into_connection(self) -> Connection {
        self.conn
    }

    /// A database that stayed locked as [`BackendError::DatabaseLocked`], anything else as
    /// `other` makes it.
    pub(super) fn locked_or(
        &self,
        error: rusqlite::Error,
        other: impl FnOnce(rusqlite::Error) -> BackendError,
    ) -> BackendError {
        if is_busy(&error) {
            locked(self.describe(), self.busy_wait)
        } else {
            other(error)
        }
    }

    /// The mechanisms of a script run outside a transaction.
    pub(super) fn outside(&mut self) -> Outside<'_> {
        Outside {
            conn: &self.conn,
            tracking: &self.table,
            progress: &mut self.progress,
            held: self.wrote.as_mut(),
        }
    }

    /// A failure of the progress table.
    pub(super) fn progress_error(&self, error: rusqlite::Error) -> BackendError {
        self.locked_or(error, |error| BackendError::Tracking {
            table: ProgressTable::beside(&self.table).name().to_owned(),
            message: error.to_string(),
        })
    }

    /// Sets how long statements wait for another connection's lock.
    pub(super) fn set_busy_wait(&mut self, wait: Duration) -> Result<(), BackendError> {
        self.conn.busy_timeout(wait).map_err(database)?;
        self.busy_wait = wait;
        Ok(())
    }
}

pub(super) fn database(error: rusqlite::Error) -> BackendError {
    BackendError::Database {
        message: error.to_string(),
    }
}

impl Backend for SqliteBackend {
    fn introspect(&mut self, options: &IntrospectOptions) -> Result<Schema, BackendError> {
        let options = self.table.excluded_from(options);
        Ok(super::introspect::introspect_with(
            &self.conn,
            &mut self.snapshots,
            &options,
        )?)
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn describe(&self) -> String {
        match &self.path {
            Some(path) => format!("sqlite://{}", path.display()),
            None => "sqlite::memory:".into(),
        }
    }

    fn lock(&mut self, timeout: Option<Duration>) -> Result<(), BackendError> {
        // An in-memory database has one connection: nothing to race.
        if let Some(lock_path) = self.path.as_deref().and_then(lock::lock_path) {
            self.lock_file = Some(lock::acquire(&lock_path, timeout)?);
            // The database's own lock is waited for as long as the migration lock was.
            self.set_busy_wait(timeout.unwrap_or(BUSY_TIMEOUT))?;
            // Or-ed: a second lock finds the mode already switched, and the unlock must
            // still switch it back.
            self.persisted_journal |= journal::persist(&self.conn, self.busy_wait);
            self.hold_at_next_step = self.persisted_journal;
        }
        Ok(())
    }

    fn unlock(&mut self) -> Result<(), BackendError> {
        self.hold_at_next_step = false;
        if std::mem::take(&mut self.persisted_journal) {
            journal::restore(&self.conn, self.busy_wait);
        }
        // Dropping the file releases the lock.
        self.lock_file = None;
        self.set_busy_wait(BUSY_TIMEOUT)
    }

    fn read_ahead(&mut self) {
        // The first statement makes SQLite parse the whole schema, and the rows are the
        // rest of what a no-op run reads: on a long history, most of its database time.
        // Only if the database is free now: before the migration lock, waiting on
        // another connection's lock would only delay the run's own, bounded wait.
        let read = || {
            let at = DatabaseState::read(&self.conn).ok()?;
            let rows = self.read_applied(Columns::WithoutTexts).ok()?;
            Some(RowsReadAhead { at, rows })
        };
        self.rows_read_ahead = without_waiting(&self.conn, self.busy_wait, read)
            .ok()
            .flatten();
    }

    fn ensure_version_table(&mut self) -> Result<(), BackendError> {
        self.conn
            .execute_batch(&self.table.create(Dialect::Sqlite))
            .map_err(|error| {
                self.locked_or(error, |error| BackendError::Tracking {
                    table: self.table.name.clone(),
                    message: error.to_string(),
                })
            })?;
        self.progress =
            find_progress_table(&self.conn, &self.table).map_err(|e| self.progress_error(e))?;
        Ok(())
    }

    fn applied(&mut self) -> Result<Vec<AppliedRevision>, BackendError> {
        self.read_applied(Columns::All)
    }

    fn applied_without_texts(&mut self) -> Result<Vec<AppliedRevision>, BackendError> {
        let ahead = self.rows_read_ahead.take();
        match ahead.and_then(|ahead| ahead.still_current(&self.conn)) {
            Some(rows) => Ok(rows),
            None => self.read_applied(Columns::WithoutTexts),
        }
    }

    fn read_table(
        &mut self,
        table: &str,
        columns: &[Column<'_>],
    ) -> Result<Option<TextRows>, BackendError> {
        let fail = |error: rusqlite::Error| BackendError::Tracking {
            table: table.to_owned(),
            message: error.to_string(),
        };
        if !table_exists(&self.conn, table).map_err(fail)? {
            return Ok(None);
        }
        self.read_text_rows(table, columns).map(Some).map_err(fail)
    }

    fn read_user_tables(
        &mut self,
        tables: &[(&crate::schema::QualifiedName, &[String])],
    ) -> Result<Vec<Option<TextRows>>, BackendError> {
        let mut out: Vec<TextRows> = vec![Vec::new(); tables.len()];
        let exists = super::user_rows::visit_rows(&self.conn, tables, |index, row| {
            out[index].push(row.iter().map(|v| v.map(str::to_owned)).collect());
        })
        .map_err(|message| BackendError::Database { message })?;
        Ok(out
            .into_iter()
            .zip(exists)
            .map(|(rows, there)| there.then_some(rows))
            .collect())
    }

    fn digest_user_tables(
        &mut self,
        tables: &[(&crate::schema::QualifiedName, &[String])],
    ) -> Result<Vec<Option<crate::backend::RowsDigest>>, BackendError> {
        super::user_rows::digests(&self.conn, tables)
            .map_err(|message| BackendError::Database { message })
    }

    fn insert_row(
        &mut self,
        table: &crate::schema::QualifiedName,
        columns: &[&str],
        row: &[crate::backend::SqlValue],
    ) -> Result<(), BackendError> {
        let (sql, values) = crate::backend::insert_row(Dialect::Sqlite, table, columns, row);
        let values = values.iter().map(super::tracking::to_sqlite);
        self.conn
            .execute(&sql, rusqlite::params_from_iter(values))
            .map(drop)
            .map_err(database)
    }

    fn record_locks(&mut self, on: bool) -> bool {
        self.wrote = on.then(Vec::new);
        true
    }

    /// SQLite locks the whole file for writing, from `BEGIN IMMEDIATE` to the commit.
    fn take_locks(&mut self) -> Vec<crate::backend::HeldLock> {
        self.wrote.as_mut().map(std::mem::take).unwrap_or_default()
    }

    fn reset_session(&mut self) -> Result<(), BackendError> {
        super::session::reset(&self.conn).map_err(database)
    }

    fn checks_pending_scripts(&self) -> bool {
        true
    }

    fn run_step(&mut self, work: StepWork<'_>) -> Result<(), BackendError> {
        if !work.script.is_some_and(|s| s.directives.foreign_keys_off) {
            return self.run_step_as_is(work, false);
        }
        let were_on = foreign_keys::switch_off(&self.conn)?;
        let result = self.run_step_as_is(work, were_on);
        let restored = foreign_keys::restore(&self.conn, were_on);
        result.and(restored)
    }

    fn backup_name(&self) -> Option<BackupName> {
        Some(super::backup::backup_name(self.path.as_deref()))
    }

    fn backup(&mut self, to: &Path) -> Result<Backup, BackendError> {
        super::backup::vacuum_into(&self.conn, to)?;
        Ok(Backup {
            path: to.to_owned(),
            restore: RestoreWith::Migrate,
        })
    }

    fn restore(&mut self, from: &Path) -> Result<(), BackendError> {
        self.rows_read_ahead = None;
        super::backup::restore(&mut self.conn, from)?;
        // The restored database has its own tables: what was known of the old is gone.
        self.snapshots = SnapshotCache::default();
        self.progress =
            find_progress_table(&self.conn, &self.table).map_err(|e| self.progress_error(e))?;
        Ok(())
    }

    fn resume_step(&mut self, work: StepWork<'_>, done: usize) -> Result<(), BackendError> {
        resume(&mut self.outside(), work, done)
    }

    fn dirty(&mut self) -> Result<Vec<DirtyRevision>, BackendError> {
        let Some(table) =
            find_progress_table(&self.conn, &self.table).map_err(|e| self.progress_error(e))?
        else {
            return Ok(Vec::new());
        };
        let rows = read_marks(&self.conn, &table).map_err(|e| self.progress_error(e))?;
        sorted_dirty(rows).map_err(|message| BackendError::Tracking {
            table: table.name().to_owned(),
            message,
        })
    }

    fn clear_dirty(&mut self, id: &RevisionId) -> Result<(), BackendError> {
        match find_progress_table(&self.conn, &self.table).map_err(|e| self.progress_error(e))? {
            Some(table) => clear_mark(&self.conn, &table, id).map_err(|e| self.progress_error(e)),
            None => Ok(()),
        }
    }
}
