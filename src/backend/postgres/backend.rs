//! PostgreSQL through the synchronous `postgres` crate. Mechanisms only.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::Client;

use super::dump::DumpSource;
use super::error::{database, message, tracking};
use super::introspect::CatalogStatements;
use super::introspect::SchemaWatch;
use super::lock::{acquire, release};
use super::options::PostgresOptions;
use super::progress::{clear_mark, dirty_marks, read_marks};
use super::read_ahead::ReadAhead;
use super::setup::{Present, create_missing_tables, present, schema_of, table_exists};
use super::staged::{StagedOutcome, StagedRecords};
use super::tracking::{Books, read_foreign, read_quoted, read_rows};
use crate::backend::backend::{Backend, StepWork};
use crate::backend::backup::{Backup, BackupName, RestoreWith};
use crate::backend::dialect::Dialect;
use crate::backend::error::BackendError;
use crate::backend::foreign_table::{Column, TextRows};
use crate::backend::held_lock::HeldLock;
use crate::backend::no_transaction::resume;
use crate::backend::progress_table::ProgressTable;
use crate::backend::version_table::{Columns, VersionTable, sorted_applied};
use crate::core::{AppliedRevision, DirtyRevision, RevisionId, UndoCheck, may_leave_session_state};
use crate::schema::{IntrospectOptions, QualifiedName, Schema};

/// A PostgreSQL database.
///
/// The migration lock is a session advisory lock, which the server releases when the
/// connection ends, so a killed process never leaves it behind. Each transactional step
/// runs in one transaction with its tracking row; a `-- migrate:no-transaction` script
/// runs statement by statement outside any.
pub struct PostgresBackend {
    pub(super) client: Client,
    /// Always schema-qualified (see [`super::DEFAULT_SCHEMA`]).
    pub(super) table: VersionTable,
    /// The progress table, once it is known to exist: it is made by the first
    /// no-transaction script, so databases that never run one never see it.
    pub(super) progress: Option<ProgressTable>,
    /// `postgres://user@host:port/database`, never with a password.
    pub(super) target: String,
    pub(super) lock_key: i64,
    pub(super) locked: bool,
    /// Set when, under the lock, the tracking table is known to exist and `progress` to
    /// be accurate (see [`Backend::ensure_version_table`]); cleared as a step runs, which
    /// may drop either.
    pub(super) tables_known: bool,
    /// Catalog queries prepared on this connection, for repeated snapshots.
    pub(super) catalog: CatalogStatements,
    /// Set on a scratch database (see [`Backend::watch_schema_changes`]).
    pub(super) watch: Option<SchemaWatch>,
    /// The records of the steps expected next (see [`Backend::stage_steps`]).
    pub(super) staged: StagedRecords,
    /// The session settings asked for at connection, applied again after a reset.
    pub(super) options: PostgresOptions,
    /// `Some` while recording the locks steps hold (see [`Backend::record_locks`]).
    pub(super) held: Option<Vec<HeldLock>>,
    /// The database's name, for a backup's file name.
    pub(super) database: String,
    /// How `pg_dump` reaches this database, for backups.
    pub(super) dump: DumpSource,
    /// Read on the connecting thread, for a no-op check (see [`Backend::read_ahead`]).
    pub(super) ahead: ReadAhead,
    /// What existed of the bookkeeping when the connection was opened, asked in the same
    /// message as the database's name; for [`Backend::read_ahead`] only, right after.
    pub(super) present_at_open: Option<Present>,
}

impl PostgresBackend {
    /// The connection, for the application to use once migrated.
    pub fn client_mut(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Gives the connection back.
    pub fn into_client(self) -> Client {
        self.client
    }

    /// The tracking rows, `columns` of each; none when the table does not exist.
    fn read_applied(&mut self, columns: Columns) -> Result<Vec<AppliedRevision>, BackendError> {
        let fail = |e: postgres::Error| tracking(&self.table, message(&e));
        let schema = schema_of(&self.table);
        if !self.tables_known
            && !table_exists(&mut self.client, schema, &self.table.name).map_err(fail)?
        {
            return Ok(Vec::new());
        }
        self.read_rows_of_existing(columns)
    }

    /// The tracking rows, `columns` of each, from the table known to exist.
    fn read_rows_of_existing(
        &mut self,
        columns: Columns,
    ) -> Result<Vec<AppliedRevision>, BackendError> {
        let rows = read_rows(&mut self.client, &self.table, columns)
            .map_err(|e| tracking(&self.table, message(&e)))?;
        sorted_applied(rows).map_err(|e| tracking(&self.table, e))
    }

    /// Tells the schema watch, if any, that a step runs with no statement of its own.
    fn ran_unstaged(&mut self) {
        if let Some(watch) = &mut self.watch {
            watch.ran_unstaged();
        }
    }
}

impl fmt::Debug for PostgresBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresBackend")
            .field("target", &self.target)
            .field("table", &self.table)
            .field("locked", &self.locked)
            .finish_non_exhaustive()
    }
}

impl Backend for PostgresBackend {
    fn introspect(&mut self, options: &IntrospectOptions) -> Result<Schema, BackendError> {
        let options = self.table.excluded_from(options);
        Ok(match &mut self.watch {
            Some(watch) => watch.snapshot(&mut self.client, &mut self.catalog, &options)?,
            None => {
                super::introspect::introspect_with(&mut self.client, &mut self.catalog, &options)?
            }
        })
    }

    fn watch_schema_changes(&mut self) -> Result<bool, BackendError> {
        if self.watch.is_none() {
            self.watch =
                SchemaWatch::install(&mut self.client).map_err(|error| BackendError::Database {
                    message: format!("cannot watch the schema for changes: {error}"),
                })?;
        }
        Ok(self.watch.is_some())
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn describe(&self) -> String {
        self.target.clone()
    }

    fn lock(&mut self, timeout: Option<Duration>) -> Result<(), BackendError> {
        self.ahead = ReadAhead::default();
        // Whatever runs under the lock may make or drop the tables.
        self.present_at_open = None;
        if self.locked {
            return Ok(());
        }
        acquire(&mut self.client, self.lock_key, timeout).map_err(|message| {
            BackendError::Lock {
                target: self.target.clone(),
                message,
            }
        })?;
        self.locked = true;
        Ok(())
    }

    fn unlock(&mut self) -> Result<(), BackendError> {
        self.tables_known = false;
        if !std::mem::replace(&mut self.locked, false) {
            return Ok(());
        }
        release(&mut self.client, self.lock_key).map_err(|message| BackendError::Lock {
            target: self.target.clone(),
            message,
        })
    }

    fn ensure_version_table(&mut self) -> Result<(), BackendError> {
        let fail = |error: postgres::Error| tracking(&self.table, message(&error));
        self.progress = create_missing_tables(&mut self.client, &self.table).map_err(fail)?;
        // Under the lock no other run makes or drops them: the reads that follow need
        // not ask again whether the tables exist.
        self.tables_known = self.locked;
        Ok(())
    }

    fn applied(&mut self) -> Result<Vec<AppliedRevision>, BackendError> {
        self.read_applied(Columns::All)
    }

    fn applied_without_texts(&mut self) -> Result<Vec<AppliedRevision>, BackendError> {
        match self.ahead.rows.take() {
            Some(rows) => Ok(rows),
            None => self.read_applied(Columns::WithoutTexts),
        }
    }

    fn read_ahead(&mut self) {
        // Each round trip is a good part of a no-op: what exists was asked on opening.
        let present = match self.present_at_open.take() {
            Some(present) => present,
            None => match present(&mut self.client, &self.table) {
                Ok(present) => present,
                Err(_) => return,
            },
        };
        let marks = if present.progress {
            read_marks(&mut self.client, &ProgressTable::beside(&self.table)).ok()
        } else {
            Some(Vec::new())
        };
        let rows = if present.tracking {
            self.read_rows_of_existing(Columns::WithoutTexts).ok()
        } else {
            Some(Vec::new())
        };
        self.ahead = ReadAhead { marks, rows };
    }

    fn read_table(
        &mut self,
        table: &str,
        columns: &[Column<'_>],
    ) -> Result<Option<TextRows>, BackendError> {
        read_foreign(&mut self.client, table, columns).map_err(|error| BackendError::Tracking {
            table: table.to_owned(),
            message: message(&error),
        })
    }

    fn read_user_table(
        &mut self,
        table: &QualifiedName,
        columns: &[Column<'_>],
    ) -> Result<Option<TextRows>, BackendError> {
        let quoted = Dialect::Postgres.quote_qualified(table);
        read_quoted(&mut self.client, &quoted, columns).map_err(|error| BackendError::Tracking {
            table: quoted.clone(),
            message: message(&error),
        })
    }

    fn read_user_tables(
        &mut self,
        tables: &[(&QualifiedName, &[String])],
    ) -> Result<Vec<Option<TextRows>>, BackendError> {
        super::user_rows::read_many(&mut self.client, tables).map_err(|error| database(&error))
    }

    fn digest_user_tables(
        &mut self,
        tables: &[(&QualifiedName, &[String])],
    ) -> Result<Vec<Option<crate::backend::RowsDigest>>, BackendError> {
        super::user_rows::digests(&mut self.client, tables).map_err(|error| database(&error))
    }

    fn insert_row(
        &mut self,
        table: &QualifiedName,
        columns: &[&str],
        row: &[crate::backend::SqlValue],
    ) -> Result<(), BackendError> {
        let (sql, values) = crate::backend::insert_row(Dialect::Postgres, table, columns, row);
        let typed = super::bind::typed(&values);
        self.client
            .execute_typed(&sql, &typed)
            .map(drop)
            .map_err(|error| database(&error))
    }

    fn record_locks(&mut self, on: bool) -> bool {
        self.held = on.then(Vec::new);
        true
    }

    fn take_locks(&mut self) -> Vec<HeldLock> {
        // In the order the statements took them.
        self.held.as_mut().map(std::mem::take).unwrap_or_default()
    }

    fn stages_steps(&self) -> bool {
        true
    }

    fn checks_pending_scripts(&self) -> bool {
        true
    }

    fn stage_steps(&mut self, works: &[StepWork<'_>]) -> Result<(), BackendError> {
        self.staged.stage(&mut self.client, works)
    }

    fn run_step(&mut self, work: StepWork<'_>) -> Result<(), BackendError> {
        self.tables_known = false;
        match work.script {
            // SQLite's table rebuild needs it; PostgreSQL alters tables in place, and turning
            // its foreign keys off takes a superuser: refused rather than run with them on.
            Some(script) if script.directives.foreign_keys_off => Err(BackendError::Database {
                message: format!(
                    "{}: `-- migrate:foreign-keys-off` is for SQLite; PostgreSQL runs every script with its foreign keys on",
                    script.origin
                ),
            }),
            Some(script) if script.directives.no_transaction => {
                self.ran_unstaged();
                self.run_no_transaction(script, work.record)
            }
            // Staged steps commit in the same message as their script: no room to look.
            _ if self.held.is_none() && self.staged.takes(&work) => {
                // On a watched database (verify's scratch ones only: the script is not
                // lexed again on a run's), the message also asks the change log.
                let ask_log = self.watch.as_mut().and_then(|watch| {
                    let changes_session = work
                        .script
                        .is_some_and(|script| may_leave_session_state(&script.text));
                    watch.call_in_step(changes_session)
                });
                let books = Books {
                    table: &self.table,
                    progress: self.progress.as_ref(),
                };
                let outcome = self.staged.run(&mut self.client, &books, work, ask_log);
                // Rolled back, with what the message asked.
                if outcome.is_err() {
                    self.ran_unstaged();
                }
                match outcome? {
                    StagedOutcome::Done(messages) => {
                        if let (Some(watch), Some(_)) = (&mut self.watch, ask_log) {
                            watch.answered_in_step(messages);
                        }
                        Ok(())
                    }
                    StagedOutcome::RunUnstaged => self.run_in_transaction(work),
                }
            }
            _ => {
                self.ran_unstaged();
                self.staged.forget();
                self.run_in_transaction(work)
            }
        }
    }

    fn open_undo_window(&mut self, check: &UndoCheck) -> Result<bool, BackendError> {
        let Some(watch) = &mut self.watch else {
            return Ok(false);
        };
        watch.open_window(&mut self.client, check)?;
        Ok(true)
    }

    fn undo_window_undone(&mut self) -> bool {
        self.watch.as_mut().is_some_and(SchemaWatch::window_undone)
    }

    fn resume_step(&mut self, work: StepWork<'_>, done: usize) -> Result<(), BackendError> {
        resume(&mut self.outside(false), work, done)
    }

    fn backup_name(&self) -> Option<BackupName> {
        Some(BackupName {
            folder: PathBuf::new(),
            stem: self.database.clone(),
            extension: "dump",
        })
    }

    fn backup(&mut self, to: &Path) -> Result<Backup, BackendError> {
        self.dump.dump(to)?;
        Ok(Backup {
            path: to.to_owned(),
            restore: self.restore_with(to),
        })
    }

    fn restore_with(&self, path: &Path) -> RestoreWith {
        RestoreWith::PgRestore {
            command: self.dump.restore_command(&self.database, path),
        }
    }

    fn dirty(&mut self) -> Result<Vec<DirtyRevision>, BackendError> {
        match self.ahead.marks.take() {
            Some(marks) => Ok(marks),
            None if self.tables_known => match &self.progress {
                Some(progress) => read_marks(&mut self.client, progress),
                None => Ok(Vec::new()),
            },
            None => dirty_marks(&mut self.client, &self.table),
        }
    }

    fn reset_session(&mut self) -> Result<(), BackendError> {
        super::session::reset(&mut self.client, &self.options).map_err(|error| database(&error))
    }

    fn clear_dirty(&mut self, id: &RevisionId) -> Result<(), BackendError> {
        clear_mark(&mut self.client, &self.table, id)
    }
}
