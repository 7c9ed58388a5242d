//! PostgreSQL through the synchronous `postgres` crate. Mechanisms only.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};

use super::batches::send_ahead;
use super::connect_url::{ConnectUrl, scrub};
use super::dump::DumpSource;
use super::error::{database, message, script_failure, tracking};
use super::introspect::CatalogStatements;
use super::introspect::SchemaWatch;
use super::lock::{acquire, lock_key, release};
use super::no_transaction::Outside;
use super::observed_locks::run_observed;
use super::options::PostgresOptions;
use super::progress::{clear_mark, dirty_marks};
use super::read_ahead::ReadAhead;
use super::setup::{
    DEFAULT_SCHEMA, create_missing_tables, find_progress_table, schema_of, table_exists,
};
use super::staged::{StagedOutcome, StagedRecords};
use super::tls_connect::make_connector;
use super::tracking::{Books, read_foreign, read_quoted, read_rows};
use crate::backend::backend::{Backend, Record, StepWork};
use crate::backend::backup::{Backup, BackupName, RestoreWith};
use crate::backend::dialect::Dialect;
use crate::backend::error::BackendError;
use crate::backend::foreign_table::{Column, TextRows};
use crate::backend::held_lock::{HeldLock, NOT_OBSERVED};
use crate::backend::no_transaction::{resume, run_outside_transaction};
use crate::backend::progress_table::ProgressTable;
use crate::backend::version_table::{Columns, VersionTable, sorted_applied};
use crate::core::{AppliedRevision, DirtyRevision, RevisionId, Script, has_transaction_control};
use crate::schema::{IntrospectOptions, QualifiedName, Schema};

/// The schema of the tracking table when none is given.
/// The `application_name` the session shows in `pg_stat_activity`, unless the URL sets one,
/// so a lock-timeout message elsewhere can say who holds the lock.
const APPLICATION_NAME: &str = "migrate";

/// A PostgreSQL database.
///
/// The migration lock is a session advisory lock, which the server releases when the
/// connection ends, so a killed process never leaves it behind. Each transactional step
/// runs in one transaction with its tracking row; a `-- migrate:no-transaction` script
/// runs statement by statement outside any.
pub struct PostgresBackend {
    client: Client,
    /// Always schema-qualified (see [`DEFAULT_SCHEMA`]).
    table: VersionTable,
    /// The progress table, once it is known to exist: it is made by the first
    /// no-transaction script, so databases that never run one never see it.
    progress: Option<ProgressTable>,
    /// `postgres://user@host:port/database`, never with a password.
    target: String,
    lock_key: i64,
    locked: bool,
    /// Catalog queries prepared on this connection, for repeated snapshots.
    catalog: CatalogStatements,
    /// Set on a scratch database (see [`Backend::watch_schema_changes`]).
    watch: Option<SchemaWatch>,
    /// The records of the steps expected next (see [`Backend::stage_steps`]).
    staged: StagedRecords,
    /// The session settings asked for at connection, applied again after a reset.
    options: PostgresOptions,
    /// `Some` while recording the locks steps hold (see [`Backend::record_locks`]).
    held: Option<Vec<HeldLock>>,
    /// The database's name, for a backup's file name.
    database: String,
    /// How `pg_dump` reaches this database, for backups.
    dump: DumpSource,
    /// Read on the connecting thread, for a no-op check (see [`Backend::read_ahead`]).
    ahead: ReadAhead,
}

impl PostgresBackend {
    /// Connects to a `postgres://` or `postgresql://` URL. Its query takes libpq's
    /// parameters as the driver reads them (`application_name`, `connect_timeout`,
    /// `options`, `hostaddr`, …) plus `sslmode` (`disable`, `allow`, `prefer` (the
    /// default), `require`, `verify-ca`, `verify-full`) and `sslrootcert`, as libpq reads
    /// them. The session's `application_name` is `migrate` unless the URL sets one.
    pub fn connect(url: &str, table: VersionTable) -> Result<Self, BackendError> {
        Self::connect_with(url, table, &PostgresOptions::default())
    }

    /// Connects to a URL and applies `options` to the session.
    pub fn connect_with(
        url: &str,
        table: VersionTable,
        options: &PostgresOptions,
    ) -> Result<Self, BackendError> {
        let ConnectUrl {
            mut config,
            target,
            tls,
        } = ConnectUrl::parse(url)?;
        if config.get_application_name().is_none() {
            config.application_name(APPLICATION_NAME);
        }
        let dump = DumpSource::new(url, config.get_password());
        let connect_error = |text: String| BackendError::Connect {
            target: target.clone(),
            message: scrub(&text, config.get_password()),
        };
        let connected = match make_connector(&tls).map_err(connect_error)? {
            None => config.connect(NoTls),
            Some(connector) => config.connect(connector),
        };
        let mut client = connected.map_err(|error| connect_error(message(&error)))?;
        options
            .apply(&mut client)
            .map_err(|error| connect_error(message(&error)))?;
        let mut backend = Self::new(client, table, Some(target))?;
        backend.options = *options;
        backend.dump = dump;
        Ok(backend)
    }

    /// Migrates through a connection the application already holds; its session settings
    /// are left as they are. A backup made through it reaches the server as the connection
    /// describes it (user, host, port, database), with the password from the environment
    /// or `~/.pgpass`, as `pg_dump` finds them.
    pub fn from_client(client: Client, table: VersionTable) -> Result<Self, BackendError> {
        Self::new(client, table, None)
    }

    fn new(
        mut client: Client,
        mut table: VersionTable,
        target: Option<String>,
    ) -> Result<Self, BackendError> {
        let row = client
            .query_typed_one(
                "SELECT current_database(), current_user, \
                        coalesce(host(inet_server_addr()), '<local socket>'), \
                        coalesce(inet_server_port(), 5432)",
                &[],
            )
            .map_err(|error| database(&error))?;
        let column = |index: usize| -> Result<String, BackendError> {
            row.try_get(index).map_err(|error| database(&error))
        };
        let database_name = column(0)?;
        let target = match target {
            Some(target) => target,
            None => {
                let port: i32 = row.try_get(3).map_err(|error| database(&error))?;
                format!(
                    "postgres://{}@{}:{port}/{database_name}",
                    column(1)?,
                    column(2)?
                )
            }
        };
        let schema = table
            .schema
            .get_or_insert_with(|| DEFAULT_SCHEMA.to_owned());
        let lock_key = lock_key(&database_name, schema, &table.name);
        Ok(Self {
            dump: DumpSource::new(&target, None),
            client,
            table,
            progress: None,
            target,
            lock_key,
            locked: false,
            catalog: CatalogStatements::default(),
            watch: None,
            staged: StagedRecords::default(),
            held: None,
            ahead: ReadAhead::default(),
            options: PostgresOptions::default(),
            database: database_name,
        })
    }

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
        if !table_exists(&mut self.client, schema, &self.table.name).map_err(fail)? {
            return Ok(Vec::new());
        }
        let rows = read_rows(&mut self.client, &self.table, columns).map_err(fail)?;
        sorted_applied(rows).map_err(|e| tracking(&self.table, e))
    }

    fn run_in_transaction(&mut self, work: StepWork<'_>) -> Result<(), BackendError> {
        if self.held.is_some() {
            return self.run_observed(work);
        }
        let started = Instant::now();
        let result = self.transaction_body(work, started);
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self
            .client
            .batch_execute(end)
            .map_err(|error| database(&error));
        result?;
        ended
    }

    /// `verify --locks`: the step in one transaction as always, but one statement at a
    /// time (see [`run_observed`]); its locks are kept once it commits.
    fn run_observed(&mut self, work: StepWork<'_>) -> Result<(), BackendError> {
        let books = Books {
            table: &self.table,
            progress: self.progress.as_ref(),
        };
        let locks = run_observed(&mut self.client, &books, work)?;
        self.held.get_or_insert_with(Vec::new).extend(locks);
        Ok(())
    }

    /// The script and the record, after a `BEGIN` that travels with the script.
    fn transaction_body(
        &mut self,
        work: StepWork<'_>,
        started: Instant,
    ) -> Result<(), BackendError> {
        const BEGIN: &str = "BEGIN;\n";
        match work.script {
            Some(script) => {
                // One simple-protocol message: the server parses the script itself, so no
                // splitter can misread it, and reports error positions in the text sent.
                // BEGIN goes in the same message (a transaction begun in a multi-statement
                // message outlives it): one round trip fewer per revision. A long script
                // goes in batches, the last one here.
                let rest = send_ahead(&mut self.client, &script.text, BEGIN)?;
                let sent = format!("{}{}", rest.prefix, &script.text[rest.range.clone()]);
                self.client.batch_execute(&sent).map_err(|error| {
                    script_failure(&error, &script.text, rest.range.start, rest.prefix)
                })?;
            }
            None => self.client.batch_execute(BEGIN).map_err(|e| database(&e))?,
        }
        let books = Books {
            table: &self.table,
            progress: self.progress.as_ref(),
        };
        books.finish(&mut self.client, work.record, elapsed_ms(started))
    }

    /// The mechanisms of a script run outside a transaction; `observe`: read the locks
    /// of each statement when recording them.
    fn outside(&mut self, observe: bool) -> Outside<'_> {
        Outside {
            client: &mut self.client,
            tracking: &self.table,
            progress: &mut self.progress,
            held: self.held.as_mut().filter(|_| observe),
        }
    }

    /// A `-- migrate:no-transaction` script. When recording locks, each statement runs in
    /// a transaction of its own, which is what PostgreSQL does with a statement sent alone,
    /// so its locks can be read before it commits; unless the file opens and ends
    /// transactions itself, which that would cut across.
    fn run_no_transaction(
        &mut self,
        script: &Script,
        record: Record<'_>,
    ) -> Result<(), BackendError> {
        let observe = !has_transaction_control(&script.text);
        let result = run_outside_transaction(&mut self.outside(observe), script, record, 0);
        if let Some(held) = self.held.as_mut().filter(|_| !observe) {
            held.push(HeldLock {
                relation: String::new(),
                mode: NOT_OBSERVED.into(),
                line: None,
                held_ms: 0,
            });
        }
        result
    }
}

fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
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
        create_missing_tables(&mut self.client, &self.table).map_err(fail)?;
        self.progress = find_progress_table(&mut self.client, &self.table).map_err(fail)?;
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
        self.ahead = ReadAhead {
            marks: dirty_marks(&mut self.client, &self.table).ok(),
            rows: self.read_applied(Columns::WithoutTexts).ok(),
        };
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

    fn stage_steps(&mut self, works: &[StepWork<'_>]) -> Result<(), BackendError> {
        self.staged.stage(&mut self.client, works)
    }

    fn run_step(&mut self, work: StepWork<'_>) -> Result<(), BackendError> {
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
                self.run_no_transaction(script, work.record)
            }
            // Staged steps commit in the same message as their script: no room to look.
            _ if self.held.is_none() && self.staged.takes(&work) => {
                let progress = self.progress.as_ref();
                match self
                    .staged
                    .run(&mut self.client, &self.table, progress, work)?
                {
                    StagedOutcome::Done => Ok(()),
                    StagedOutcome::RunUnstaged => self.run_in_transaction(work),
                }
            }
            _ => {
                self.staged.forget();
                self.run_in_transaction(work)
            }
        }
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
