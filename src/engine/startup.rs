//! What an application calls at start-up (Alembic's `init_db()`): apply every pending
//! revision under the same lock and checks as `migrate upgrade`, or refuse to start.

use super::error::EngineError;
use super::migrator::{Command, Migrator, MigratorOptions, StepReport};
use super::startup_error::Error;
use crate::backend::{Backend, DatabaseUrl, SqliteBackend, VersionTable, open};
use crate::core::{History, Target};
use crate::source::Directory;

/// Applies every pending revision of `history` to `backend`.
///
/// Takes the migration lock, so replicas starting together apply each revision once; refuses
/// (before running anything) when an applied revision changed or is missing, exactly as
/// the CLI does. Returns the steps this call ran: none when the database was at head.
pub fn upgrade_to_head(
    backend: &mut dyn Backend,
    history: &History,
) -> Result<Vec<StepReport>, EngineError> {
    Migrator::new(backend, history, MigratorOptions::default())
        .run(&Command::Upgrade(Target::Head), &mut |_| {})
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
    let url: DatabaseUrl = url.parse()?;
    let mut backend = open(&url, VersionTable::default())?;
    Ok(upgrade_to_head(backend.as_mut(), &directory.history)?)
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
