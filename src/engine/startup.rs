//! What an application calls at start-up (Alembic's `init_db()`): apply every pending
//! revision under the same lock and checks as `migrate upgrade`, or refuse to start.

use std::time::Duration;

use super::backup::BackupTo;
use super::error::EngineError;
use super::migrator::{Command, Migrator, MigratorOptions, RunEvent, StepReport};
use super::startup_error::Error;
use crate::backend::{Backend, Backup, DatabaseUrl, SqliteBackend, VersionTable, open};
use crate::core::{History, Target};
use crate::source::Directory;

/// How a start-up call runs.
#[derive(Debug, Clone, Default)]
pub struct StartupOptions {
    /// Write a backup before the first pending revision runs (none when nothing is
    /// pending); see [`BackupTo`] for where.
    pub backup: Option<BackupTo>,
    /// How long to wait for another process's migration lock, and on SQLite for another
    /// connection's lock on the database: forever (SQLite's: 30 s) when `None`.
    pub lock_timeout: Option<Duration>,
}

/// What a start-up call did.
#[derive(Debug, Clone)]
pub struct Upgraded {
    /// The steps that ran: none when the database was at head.
    pub steps: Vec<StepReport>,
    /// The backup written before them, when one was asked for and something was pending.
    pub backup: Option<Backup>,
}

/// Applies every pending revision of `history` to `backend`.
///
/// Takes the migration lock, so replicas starting together apply each revision once; refuses
/// (before running anything) when an applied revision changed or is missing, exactly as
/// the CLI does. Returns the steps this call ran: none when the database was at head.
pub fn upgrade_to_head(
    backend: &mut dyn Backend,
    history: &History,
) -> Result<Vec<StepReport>, EngineError> {
    Ok(upgrade_to_head_with(backend, history, &StartupOptions::default())?.steps)
}

/// [`upgrade_to_head`] with options: a backup first, a bounded wait for the lock.
///
/// ```
/// use migrate::backend::{SqliteBackend, VersionTable};
/// use migrate::engine::{BackupTo, StartupOptions, upgrade_to_head_with};
///
/// let folder = tempfile::tempdir().unwrap();
/// let migrations = migrate::embed_migrations!("$CARGO_MANIFEST_DIR/migrations").unwrap();
/// let mut db = SqliteBackend::open(&folder.path().join("app.db"), VersionTable::default()).unwrap();
/// let options = StartupOptions {
///     backup: Some(BackupTo::Folder(folder.path().join("backups"))),
///     ..StartupOptions::default()
/// };
/// let upgraded = upgrade_to_head_with(&mut db, &migrations.history, &options).unwrap();
/// assert!(upgraded.backup.unwrap().path.exists());
/// let again = upgrade_to_head_with(&mut db, &migrations.history, &options).unwrap();
/// assert!(again.steps.is_empty() && again.backup.is_none(), "nothing pending, no backup");
/// ```
pub fn upgrade_to_head_with(
    backend: &mut dyn Backend,
    history: &History,
    options: &StartupOptions,
) -> Result<Upgraded, EngineError> {
    let options = MigratorOptions {
        lock_timeout: options.lock_timeout,
        backup: options.backup.clone(),
        ..MigratorOptions::default()
    };
    let mut backup = None;
    let steps = Migrator::new(backend, history, options).run_reporting(
        &Command::Upgrade(Target::Head),
        &mut |event| {
            if let RunEvent::BackedUp(written) = event {
                backup = Some(written.clone());
            }
        },
    )?;
    Ok(Upgraded { steps, backup })
}

/// Opens the database at `url` (`sqlite://…`, `postgres://…`) and applies every pending
/// revision of `directory`.
///
/// ```
/// let migrations = migrate::embed_migrations!("$CARGO_MANIFEST_DIR/migrations").unwrap();
/// let applied = migrate::upgrade_url("sqlite::memory:", &migrations).unwrap();
/// assert_eq!(applied.len(), migrations.history.len());
/// ```
pub fn upgrade_url(url: &str, directory: &Directory) -> Result<Vec<StepReport>, Error> {
    Ok(upgrade_url_with(url, directory, &StartupOptions::default())?.steps)
}

/// [`upgrade_url`] with options: a backup first, a bounded wait for the lock.
pub fn upgrade_url_with(
    url: &str,
    directory: &Directory,
    options: &StartupOptions,
) -> Result<Upgraded, Error> {
    let url: DatabaseUrl = url.parse()?;
    let mut backend = open(&url, VersionTable::default())?;
    Ok(upgrade_to_head_with(
        backend.as_mut(),
        &directory.history,
        options,
    )?)
}

/// Applies every pending revision on a SQLite connection the application opened, and
/// hands the connection back.
pub fn upgrade_sqlite(
    conn: rusqlite::Connection,
    directory: &Directory,
) -> Result<(rusqlite::Connection, Vec<StepReport>), Error> {
    let mut backend = SqliteBackend::from_connection(conn, VersionTable::default())?;
    let applied = upgrade_to_head(&mut backend, &directory.history)?;
    Ok((backend.into_connection(), applied))
}
