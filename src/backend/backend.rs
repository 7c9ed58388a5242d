//! The one trait every database implements: mechanisms only, no policy.

use std::path::Path;
use std::time::Duration;

use super::backup::{Backup, BackupName, RestoreWith};
use super::dialect::Dialect;
use super::error::BackendError;
use super::foreign_table::{Column, TextRows};
use super::held_lock::HeldLock;
pub use super::record::Record;
use super::row_digest::RowsDigest;
use super::sql_value::SqlValue;
use crate::core::{AppliedRevision, DirtyRevision, RevisionId, Script, UndoCheck};
use crate::schema::{IntrospectOptions, QualifiedName, Schema};

/// One unit of work: an optional script and its bookkeeping.
#[derive(Debug, Clone, Copy)]
pub struct StepWork<'a> {
    /// `None` for `stamp`, which only moves bookkeeping.
    pub script: Option<&'a Script>,
    pub record: Record<'a>,
}

/// A database the engine can migrate.
///
/// The engine calls, in this order: [`lock`](Backend::lock),
/// [`ensure_version_table`](Backend::ensure_version_table), [`applied`](Backend::applied),
/// then [`run_step`](Backend::run_step) once per planned step, then
/// [`unlock`](Backend::unlock). Read-only commands call only `applied`; `adopt` also calls
/// [`read_table`](Backend::read_table), under the lock, before planning.
///
/// ```
/// use migrate::backend::{Backend, SqliteBackend, VersionTable};
///
/// let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
/// db.lock(None).unwrap();
/// db.ensure_version_table().unwrap();
/// assert!(db.applied().unwrap().is_empty());
/// db.unlock().unwrap();
/// ```
pub trait Backend {
    /// The SQL dialect this database speaks.
    fn dialect(&self) -> Dialect;

    /// A description of the database for messages, without any password.
    fn describe(&self) -> String;

    /// Takes the lock that serializes migration runs on this database and tracking table,
    /// waiting at most `timeout` (forever when `None`). Held until [`Backend::unlock`] or
    /// until the connection ends, so a killed process never leaves it behind. Where the
    /// database has a lock of its own that other programs take (SQLite's), statements under
    /// this lock wait for it no longer than `timeout` either.
    fn lock(&mut self, timeout: Option<Duration>) -> Result<(), BackendError>;

    /// Releases the lock taken by [`Backend::lock`].
    fn unlock(&mut self) -> Result<(), BackendError>;

    /// Creates the tracking table when it does not exist yet.
    fn ensure_version_table(&mut self) -> Result<(), BackendError>;

    /// Every row of the tracking table, sorted by revision id; empty when the table does
    /// not exist. Never writes.
    fn applied(&mut self) -> Result<Vec<AppliedRevision>, BackendError>;

    /// [`Backend::applied`] with every row's `up_sql` empty and `down_sql` `None`: for a
    /// caller that compares ids and checksums only (is there anything to do?), as the
    /// texts are most of a tracking table's bytes. Never writes.
    fn applied_without_texts(&mut self) -> Result<Vec<AppliedRevision>, BackendError> {
        self.applied()
    }

    /// Every row of another tool's table `table` (found as an unqualified name is:
    /// PostgreSQL's `search_path`), each value read as text; `None` when there is no such
    /// table. For `migrate adopt`,
    /// which reads (never writes) the tracking table of the tool a team is leaving.
    ///
    /// ```
    /// use migrate::backend::{Backend, Column, SqliteBackend, VersionTable};
    ///
    /// let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
    /// let columns = [Column::text("version"), Column::bytes("checksum")];
    /// assert_eq!(db.read_table("_sqlx_migrations", &columns).unwrap(), None);
    /// db.connection()
    ///     .execute_batch("CREATE TABLE _sqlx_migrations (version BIGINT, checksum BLOB);
    ///                     INSERT INTO _sqlx_migrations VALUES (1, x'0aff');")
    ///     .unwrap();
    /// let rows = db.read_table("_sqlx_migrations", &columns).unwrap().unwrap();
    /// assert_eq!(rows, [[Some("1".to_owned()), Some("0AFF".to_owned())]]);
    /// ```
    fn read_table(
        &mut self,
        table: &str,
        columns: &[Column<'_>],
    ) -> Result<Option<TextRows>, BackendError>;

    /// Inserts one row into a user's table `table` (qualified by its schema where the
    /// model has one, so neither `search_path` nor a same-named table elsewhere decides),
    /// binding `row`'s values to `columns`; for `verify --data`, on scratch databases.
    fn insert_row(
        &mut self,
        table: &QualifiedName,
        columns: &[&str],
        row: &[SqlValue],
    ) -> Result<(), BackendError> {
        let _ = (table, columns, row);
        Err(BackendError::Database {
            message: format!("{} cannot write rows", self.dialect()),
        })
    }

    /// Every row of a user's table `table` (qualified as for [`Backend::insert_row`]), each
    /// value read as text; `None` when there is no such table. For `verify --data`.
    fn read_user_table(
        &mut self,
        table: &QualifiedName,
        columns: &[Column<'_>],
    ) -> Result<Option<TextRows>, BackendError> {
        // A database without schemas finds the bare name.
        self.read_table(&table.name, columns)
    }

    /// The rows of each of `tables` (by the named columns, each value as text), as
    /// [`Backend::read_user_table`] reads one: `None` for a table that does not exist. A
    /// backend may read them all at once.
    fn read_user_tables(
        &mut self,
        tables: &[(&QualifiedName, &[String])],
    ) -> Result<Vec<Option<TextRows>>, BackendError> {
        tables
            .iter()
            .map(|(name, columns)| {
                let columns: Vec<Column<'_>> = columns.iter().map(|c| Column::text(c)).collect();
                self.read_user_table(name, &columns)
            })
            .collect()
    }

    /// A digest of each of `tables`' rows, `None` for a table that does not exist: two
    /// digests of a table from this call are equal exactly when its rows are (all of its
    /// columns, or at least the named ones), so a caller learns whether a table changed
    /// without reading it.
    fn digest_user_tables(
        &mut self,
        tables: &[(&QualifiedName, &[String])],
    ) -> Result<Vec<Option<RowsDigest>>, BackendError> {
        Ok(self
            .read_user_tables(tables)?
            .iter()
            .map(|rows| rows.as_ref().map(RowsDigest::of))
            .collect())
    }

    /// From now on (`on`), remembers the locks each transactional step holds just before
    /// it commits, for [`Backend::take_locks`]. Off by default: reading them costs a query
    /// per step (and on PostgreSQL runs steps unstaged). Returns whether this backend can.
    fn record_locks(&mut self, on: bool) -> bool {
        let _ = on;
        false
    }

    /// The locks the steps run since the last call held, sorted; empty unless recording.
    fn take_locks(&mut self) -> Vec<HeldLock> {
        Vec::new()
    }

    /// Runs a step's script and writes its record. Unless the script is marked
    /// `-- migrate:no-transaction`, both happen in one transaction: either the script's
    /// effects and its record are committed together, or neither is.
    ///
    /// A backend that runs a no-transaction script statement by statement records its
    /// progress as it goes; if a statement fails (or the process dies) the revision stays
    /// dirty (see [`Backend::dirty`]). Writing a revision's record clears its mark.
    fn run_step(&mut self, work: StepWork<'_>) -> Result<(), BackendError>;

    /// The steps about to run, in the order they will, before the first of them: a backend
    /// may send their records ahead (PostgreSQL stages them in a temporary table, so each
    /// transactional step is then one round trip). Every step still runs through
    /// [`Backend::run_step`]; one that comes out of this order runs unstaged, and a call
    /// replaces what an earlier one staged.
    fn stage_steps(&mut self, works: &[StepWork<'_>]) -> Result<(), BackendError> {
        let _ = works;
        Ok(())
    }

    /// Whether [`Backend::stage_steps`] does anything: the records are built ahead only
    /// for a backend that takes them.
    fn stages_steps(&self) -> bool {
        false
    }

    /// Whether [`Backend::run_step`] may be handed a transactional script whose long text
    /// is still being lexed for transaction control (see [`Script::facts_pending`]): it
    /// then lets no statement of such a text (any that [`Script::lexed_beside`], whether
    /// its lexing is in by then or not) end or open the transaction, and fails with
    /// [`BackendError::TransactionControl`], nothing committed, where the lexing finds one.
    /// The planner then need not wait for the first step's lexing.
    fn checks_pending_scripts(&self) -> bool {
        false
    }

    /// Resumes a no-transaction step whose first `done` statements ran already (as a dirty
    /// mark's `statements_done` says), then writes its record; for `repair --resume` once
    /// the user fixed what made the next statement fail. Backends that record no progress
    /// refuse.
    fn resume_step(&mut self, work: StepWork<'_>, done: usize) -> Result<(), BackendError> {
        let _ = (work, done);
        Err(BackendError::Database {
            message: format!("{} cannot resume a script partway", self.dialect()),
        })
    }

    /// The database's schema as the canonical model, leaving out what `options` names and
    /// always this backend's own tracking and progress tables. Never writes.
    fn introspect(&mut self, options: &IntrospectOptions) -> Result<Schema, BackendError>;

    /// Reads ahead what a no-op check reads first, so that a caller can pay for it on
    /// another thread while it does other work: SQLite, the schema of every table (parsed
    /// once per connection) and the tracking rows, which the next
    /// [`Backend::applied_without_texts`] returns if nothing was committed in between;
    /// PostgreSQL, the dirty marks and the tracking rows, which the next
    /// [`Backend::dirty`] and [`Backend::applied_without_texts`] return unless
    /// [`Backend::lock`] came first (neither is read under the lock anyway). Never writes;
    /// nothing happens where there is nothing to read ahead. A failure is not reported
    /// here: the first statement that needs what failed reports it, with what it was doing.
    fn read_ahead(&mut self) {}

    /// From now on, lets [`Backend::introspect`] read again only what DDL touched since
    /// its previous call and keep the rest; returns whether this backend can. Installs
    /// what it needs for the rest of the connection (PostgreSQL: event triggers on a
    /// temporary function, which takes a superuser), so it is for scratch databases,
    /// which verify snapshots many times, and never for a user's own.
    fn watch_schema_changes(&mut self) -> Result<bool, BackendError> {
        Ok(false)
    }

    /// On a watched database ([`Backend::watch_schema_changes`]), opens an undo window on
    /// the schema as it is, for the next three steps (an up, its down, the up again), none
    /// of them followed by a snapshot but the down with [`UndoCheck::Read`], which then
    /// reads what the up and the down changed. With [`UndoCheck::Prove`],
    /// [`Backend::undo_window_undone`] says after the down whether the two left every
    /// object as it was (the tables the up alters as they are now), proved from the change
    /// log instead of read. Returns whether this backend can (`false`: nothing was done).
    fn open_undo_window(&mut self, check: &UndoCheck) -> Result<bool, BackendError> {
        let _ = check;
        Ok(false)
    }

    /// After the down of an undo window: whether the up and the down left every object
    /// exactly as it was when the window opened. `false` when it cannot tell (a step ran
    /// out of turn, the log could not vouch): the caller then checks the careful way.
    fn undo_window_undone(&mut self) -> bool {
        false
    }

    /// Gives the session the state a new connection would have, keeping what this backend
    /// installed for itself (staged records, the schema watch): drops the temporary objects
    /// scripts made and resets the session settings and role they changed. Verify calls it
    /// between a revision's steps, because a real rollback runs in a new session, days after
    /// the up (a temporary table made by the up, still standing, can keep its down from
    /// dropping an extension). For scratch databases only: it resets whatever the session
    /// holds.
    fn reset_session(&mut self) -> Result<(), BackendError> {
        Ok(())
    }

    /// Where a backup goes when the caller names no file (SQLite: beside the database;
    /// PostgreSQL: the working directory); `None` when this backend cannot write one.
    fn backup_name(&self) -> Option<BackupName> {
        None
    }

    /// Writes a consistent copy of the whole database to `to`, a file that does not exist
    /// yet, while other connections go on (SQLite: `VACUUM INTO`; PostgreSQL:
    /// `pg_dump --format=custom`). The engine calls it under the migration lock, before
    /// the first step of a run.
    fn backup(&mut self, to: &Path) -> Result<Backup, BackendError> {
        Err(BackendError::Backup {
            path: to.display().to_string(),
            message: format!("{} cannot write backups", self.dialect()),
        })
    }

    /// How the backup at `path` is restored.
    fn restore_with(&self, path: &Path) -> RestoreWith {
        let _ = path;
        RestoreWith::Migrate
    }

    /// Replaces the whole database with the backup at `from`, for a caller that holds the
    /// migration lock. A backend whose backups are restored by another tool (see
    /// [`Backend::restore_with`]) refuses.
    fn restore(&mut self, from: &Path) -> Result<(), BackendError> {
        Err(BackendError::Backup {
            path: from.display().to_string(),
            message: format!(
                "{} backups are restored with their own tool",
                self.dialect()
            ),
        })
    }

    /// Revisions whose no-transaction script stopped partway, sorted by id; empty when
    /// there are none or the backend records no progress. Never writes.
    fn dirty(&mut self) -> Result<Vec<DirtyRevision>, BackendError> {
        Ok(Vec::new())
    }

    /// Clears the dirty mark of `id`, once the user has repaired the database by hand;
    /// nothing happens when it has none.
    fn clear_dirty(&mut self, id: &RevisionId) -> Result<(), BackendError> {
        let _ = id;
        Ok(())
    }
}
