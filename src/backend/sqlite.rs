//! SQLite: a file or an in-memory database through rusqlite. Mechanisms only.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, params_from_iter};

use super::backend::{Backend, Record, StepWork};
use super::dialect::Dialect;
use super::error::BackendError;
use super::foreign_table::{Column, TextRows, select_as_text};
use super::sqlite_read_ahead::{DatabaseState, RowsReadAhead};
use super::sqlite_script::run_script;
use super::sqlite_snapshot_cache::SnapshotCache;
use super::version_table::{RawRow, SqlValue, VersionTable, insert_values, sorted_applied};
use crate::core::AppliedRevision;
use crate::schema::{IntrospectOptions, Schema};

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a waiting process retries the migration lock.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// A SQLite database.
///
/// The migration lock is an advisory lock on a file beside the database
/// (`app.db.migrate-lock`), which the operating system releases when the process dies.
/// SQLite's own locks last only one transaction, and a run spans many; `BEGIN IMMEDIATE`
/// alone would let two processes plan the same revisions and apply them twice.
pub struct SqliteBackend {
    conn: Connection,
    table: VersionTable,
    path: Option<PathBuf>,
    lock_file: Option<File>,
    /// The schema as last read, and recent snapshots.
    snapshots: SnapshotCache,
    /// The tracking rows [`Backend::read_ahead`] read, for the first `applied` to take.
    rows_read_ahead: Option<RowsReadAhead>,
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
    pub fn from_connection(conn: Connection, table: VersionTable) -> Result<Self, BackendError> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(database)?;
        let path = conn
            .path()
            .filter(|path| !path.is_empty())
            .map(PathBuf::from);
        // SQLite opens any file and reads its header only at the first statement: read it
        // now, so another kind of file is named as such before anything is attempted.
        let header: rusqlite::Result<i64> =
            conn.query_row("PRAGMA schema_version", [], |row| row.get(0));
        match header {
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == rusqlite::ErrorCode::NotADatabase =>
            {
                let path = path.as_deref().unwrap_or(Path::new(":memory:"));
                return Err(BackendError::NotADatabase {
                    path: path.display().to_string(),
                });
            }
            Err(error) => return Err(database(error)),
            Ok(_) => {}
        }
        Ok(Self {
            conn,
            table,
            path,
            lock_file: None,
            snapshots: SnapshotCache::default(),
            rows_read_ahead: None,
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

    fn lock_path(&self) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        let mut name = path.file_name()?.to_owned();
        name.push(".migrate-lock");
        Some(path.with_file_name(name))
    }

    fn write_record(&self, record: Record<'_>, duration_ms: i64) -> rusqlite::Result<()> {
        let dialect = Dialect::Sqlite;
        match record {
            Record::Insert(row) => {
                let values = insert_values(row, duration_ms);
                // Cached: the same two statements run once per revision.
                self.conn
                    .prepare_cached(&self.table.insert(dialect))?
                    .execute(params_from_iter(values.iter().map(to_sqlite)))?;
            }
            Record::Delete(id) => {
                self.conn
                    .prepare_cached(&self.table.delete(dialect))?
                    .execute([id.as_str()])?;
            }
        }
        Ok(())
    }

    /// Every row of the tracking table, read now.
    fn read_applied(&self) -> Result<Vec<AppliedRevision>, BackendError> {
        let tracking = |message: String| BackendError::Tracking {
            table: self.table.name.clone(),
            message,
        };
        if !self
            .table_exists(&self.table.name)
            .map_err(|e| tracking(e.to_string()))?
        {
            return Ok(Vec::new());
        }
        let mut statement = self
            .conn
            .prepare(&self.table.select(Dialect::Sqlite))
            .map_err(|e| tracking(e.to_string()))?;
        let raw_rows = statement
            .query_map([], |row| {
                Ok(RawRow {
                    revision: row.get(0)?,
                    slug: row.get(1)?,
                    up_checksum: row.get(2)?,
                    down_checksum: row.get(3)?,
                    checksum_algorithm: row.get(4)?,
                    up_sql: row.get(5)?,
                    down_sql: row.get(6)?,
                    applied_at: row.get(7)?,
                    duration_ms: row.get(8)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| tracking(e.to_string()))?;
        sorted_applied(raw_rows).map_err(tracking)
    }

    fn table_exists(&self, name: &str) -> rusqlite::Result<bool> {
        self.conn
            .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1")?
            .exists([name])
    }

    fn read_text_rows(&self, table: &str, columns: &[Column<'_>]) -> rusqlite::Result<TextRows> {
        // SQLite reads a double-quoted name that is no column as a string literal, so a
        // missing column would come back as its own name on every row: refuse it instead.
        let present: Vec<String> = self
            .conn
            .prepare("SELECT name FROM pragma_table_info(?1)")?
            .query_map([table], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some(missing) = columns
            .iter()
            .find(|c| !present.iter().any(|p| p == c.name))
        {
            return Err(rusqlite::Error::InvalidColumnName(missing.name.to_owned()));
        }
        let dialect = Dialect::Sqlite;
        let sql = select_as_text(dialect, &dialect.quote_identifier(table), columns);
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([], |row| {
            (0..columns.len())
                .map(|index| row.get::<_, Option<String>>(index))
                .collect()
        })?;
        rows.collect()
    }
}

fn database(error: rusqlite::Error) -> BackendError {
    BackendError::Database {
        message: error.to_string(),
    }
}

/// A value as rusqlite binds it, borrowed: SQLite copies it once as it binds.
fn to_sqlite<'a>(value: &'a SqlValue<'_>) -> ToSqlOutput<'a> {
    ToSqlOutput::Borrowed(match value {
        SqlValue::Text(Some(text)) => ValueRef::Text(text.as_bytes()),
        SqlValue::Text(None) => ValueRef::Null,
        SqlValue::Integer(number) => ValueRef::Integer(*number),
    })
}

impl Backend for SqliteBackend {
    fn introspect(&mut self, options: &IntrospectOptions) -> Result<Schema, BackendError> {
        let options = self.table.excluded_from(options);
        Ok(super::sqlite_introspect::introspect_with(
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
        let Some(lock_path) = self.lock_path() else {
            return Ok(()); // an in-memory database has one connection: nothing to race
        };
        let lock_error = |message: String| BackendError::Lock {
            target: lock_path.display().to_string(),
            message,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|error| lock_error(error.to_string()))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    if timeout.is_some_and(|limit| started.elapsed() >= limit) {
                        return Err(lock_error(format!(
                            "another migrate process still holds it after {:?}",
                            started.elapsed()
                        )));
                    }
                    std::thread::sleep(LOCK_POLL);
                }
                Err(TryLockError::Error(error)) => return Err(lock_error(error.to_string())),
            }
        }
        self.lock_file = Some(file);
        Ok(())
    }

    fn unlock(&mut self) -> Result<(), BackendError> {
        // Dropping the file releases the lock.
        self.lock_file = None;
        Ok(())
    }

    fn read_ahead(&mut self) {
        // The first statement makes SQLite parse the whole schema, and the rows are the
        // rest of what a no-op run reads: on a long history, most of its database time.
        let Ok(at) = DatabaseState::read(&self.conn) else {
            return;
        };
        if let Ok(rows) = self.read_applied() {
            self.rows_read_ahead = Some(RowsReadAhead { at, rows });
        }
    }

    fn ensure_version_table(&mut self) -> Result<(), BackendError> {
        self.conn
            .execute_batch(&self.table.create(Dialect::Sqlite))
            .map_err(|error| BackendError::Tracking {
                table: self.table.name.clone(),
                message: error.to_string(),
            })
    }

    fn applied(&mut self) -> Result<Vec<AppliedRevision>, BackendError> {
        let ahead = self.rows_read_ahead.take();
        match ahead.and_then(|ahead| ahead.still_current(&self.conn)) {
            Some(rows) => Ok(rows),
            None => self.read_applied(),
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
        if !self.table_exists(table).map_err(fail)? {
            return Ok(None);
        }
        self.read_text_rows(table, columns).map(Some).map_err(fail)
    }

    fn run_step(&mut self, work: StepWork<'_>) -> Result<(), BackendError> {
        let transactional = !work.script.is_some_and(|s| s.directives.no_transaction);
        let started = Instant::now();
        if transactional {
            // IMMEDIATE takes the write lock now, so a concurrent writer waits here rather
            // than failing halfway through the script.
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(database)?;
        }
        let result = work
            .script
            .map_or(Ok(()), |script| run_script(&self.conn, &script.text))
            .map_err(|failure| BackendError::Script { failure })
            .and_then(|()| {
                let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
                self.write_record(work.record, duration_ms)
                    .map_err(|error| BackendError::Tracking {
                        table: self.table.name.clone(),
                        message: error.to_string(),
                    })
            });
        if !transactional {
            return result;
        }
        match result {
            Ok(()) => self.conn.execute_batch("COMMIT").map_err(database),
            Err(error) => {
                // Some errors already rolled back; a failing ROLLBACK then is expected.
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(error)
            }
        }
    }
}
