//! Errors of the database layer: what failed, with the database's own words.

/// Where in a script a statement failed, and what the database said.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SqlFailure {
    /// Byte offset into the script's text of the failing statement's start (or, where the
    /// database reports it, of the exact token).
    pub offset: Option<usize>,
    /// The failing statement's text.
    pub statement: Option<String>,
    pub message: String,
    /// SQLSTATE (PostgreSQL) or the extended result code name (SQLite).
    pub code: Option<String>,
    pub detail: Option<String>,
    pub hint: Option<String>,
}

/// A failure of a backend call.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("cannot open {target}: {message}")]
    Connect { target: String, message: String },
    #[error("{path} is not an SQLite database")]
    NotADatabase { path: String },
    #[error("{}", .failure.message)]
    Script { failure: Box<SqlFailure> },
    /// A transactional script that ends or opens the transaction, found once it ran (see
    /// [`crate::core::Script::facts_pending`]): nothing of it was committed.
    #[error("{found}: a statement that ends or opens the transaction")]
    TransactionControl {
        found: crate::core::TransactionControl,
    },
    #[error("could not take the migration lock on {target}: {message}")]
    Lock { target: String, message: String },
    #[error(
        "{target} is locked by another connection; gave up after {:.1} s",
        waited.as_secs_f64()
    )]
    DatabaseLocked {
        target: String,
        waited: std::time::Duration,
    },
    #[error("cannot write the backup {path}: {message}")]
    Backup { path: String, message: String },
    #[error("cannot restore from {path}: {message}")]
    Restore { path: String, message: String },
    #[error("pg_dump is not on PATH, so the backup cannot be written; nothing was applied")]
    NoPgDump,
    #[error("tracking table {table}: {message}")]
    Tracking { table: String, message: String },
    #[error("{message}")]
    Database { message: String },
    #[error(transparent)]
    Introspect(#[from] super::introspect_error::IntrospectError),
}

impl BackendError {
    /// The fix, for the `help:` line.
    pub fn help(&self) -> Option<String> {
        match self {
            Self::NotADatabase { .. } => Some(
                "its first bytes are not SQLite's header (another kind of file, or an \
                 encrypted database): point --database-url, DATABASE_URL or `database_url` \
                 in migrate.toml at the application's database file; it was left as it was"
                    .into(),
            ),
            Self::DatabaseLocked { .. } => Some(
                "another process is writing to it, or holds it in exclusive locking mode \
                 (`PRAGMA locking_mode=EXCLUSIVE`), which lasts until that connection closes: \
                 find it with `fuser` or `lsof` on the file; to wait longer, raise \
                 --lock-timeout SECONDS (`lock_timeout` of `StartupOptions` or `MigratorOptions` in the library)"
                    .into(),
            ),
            Self::Lock { .. } => Some(
                "another migrate run holds the migration lock (a deploy still going, a replica \
                 starting): let it finish, or wait longer with --lock-timeout SECONDS; a lock \
                 whose process died is released with it, so there is nothing to clean up"
                    .into(),
            ),
            Self::Connect { .. } => Some(
                "check that the server runs and accepts connections at that host and port \
                 (`pg_isready -h HOST -p PORT` tells), and the URL's user, password and \
                 database; TLS follows the URL's `sslmode=` (default `prefer`), as libpq does"
                    .into(),
            ),
            Self::NoPgDump => Some(
                "install PostgreSQL's client programs (Debian and Ubuntu: `apt-get install \
                 postgresql-client`) or add the folder holding pg_dump to PATH; to apply \
                 without a backup, run without --backup (and without `backup = true` in \
                 migrate.toml)"
                    .into(),
            ),
            _ => None,
        }
    }
}
