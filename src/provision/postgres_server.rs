//! PostgreSQL scratch databases on a server named by URL: `CREATE DATABASE` for each,
//! `DROP DATABASE` after; the database the URL names is never touched.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The command a scratch server's container runs: speed over durability, since the
/// server is thrown away (the local binaries' cluster is started with the same settings).
pub(super) const SCRATCH_SERVER_COMMAND: [&str; 9] = [
    "postgres",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=200",
];

/// Where a scratch server's container keeps its cluster: a tmpfs, as the local binaries'
/// cluster is in memory (see `memory_dir`), with the cluster in a folder inside it
/// ([`SCRATCH_PGDATA`], the official image's and ours' `PGDATA`), which initdb makes: the
/// mount's root is root's, and initdb, run as the image's `postgres` user, may not take
/// over a folder it does not own.
pub(super) const SCRATCH_MEMORY: &str = "/var/lib/postgresql/scratch";
pub(super) const SCRATCH_PGDATA: &str = "/var/lib/postgresql/scratch/data";

use postgres::Client;
use postgres::types::Type;

use super::error::ProvisionError;
use super::interrupt::{OnInterrupt, hold_interrupts};
use super::scratch::{Provider, Scratch};
use crate::backend::{Dialect, PostgresBackend, VersionTable, redact, with_database};

/// What a database costs on a server not asked yet: about what one on disk takes (see
/// `memory_dir`).
pub(super) const UNMEASURED_DATABASE_COST: Duration = Duration::from_millis(150);

/// Makes databases on one server.
pub struct PostgresServer {
    pub(super) url: String,
    /// How the report names where the databases came from.
    origin: String,
    /// Databases made ahead, for the next [`Provider::create`]s: the one [`Self::check`]
    /// made (making and dropping one costs a verify a tenth of a second or more), and
    /// those made beside it for the shards to come (see `spares.rs`).
    pub(super) spares: Vec<Made>,
    /// How long making the first database took, connection included.
    first_made_in: Option<Duration>,
    /// Drops the spares no shard took, beside the walk (see `spares.rs`).
    pub(super) releasing: Vec<JoinHandle<()>>,
}

/// A database made on the server, not yet opened; dropped from the server with it.
pub(super) struct Made {
    pub(super) name: String,
    server: String,
    /// The session that made it, kept to drop it: connecting again at the end of a
    /// verify cost 5-9 ms of a 100-revision run's 300.
    admin: Option<Client>,
    /// Drops the database if the process is interrupted first.
    interrupt: Option<OnInterrupt>,
}

impl Drop for Made {
    fn drop(&mut self) {
        if let Some(interrupt) = self.interrupt.take() {
            drop(interrupt);
            drop_database(self.admin.take(), &self.server, &self.name);
        }
    }
}

impl Made {
    /// A scratch database that drops this one when done, connected for `table`.
    fn open(mut self, table: &VersionTable) -> Result<Scratch, ProvisionError> {
        let url = with_database(&self.server, &self.name);
        let backend = PostgresBackend::connect(&url, table.clone())?;
        let (server, name) = (self.server.clone(), self.name.clone());
        let interrupt = self.interrupt.take();
        let admin = self.admin.take();
        Ok(Scratch::new(
            Box::new(backend),
            name.clone(),
            Some(Box::new(move || {
                drop(interrupt);
                drop_database(admin, &server, &name);
            })),
        ))
    }
}

/// Numbers the scratch databases of this process: two providers in one process (two
/// verifies on threads, or tests) must not make the same name.
static MADE: AtomicUsize = AtomicUsize::new(0);

impl PostgresServer {
    /// A server reached at `url` (its database is used only to create and drop others).
    /// `origin` says how it was found, for the report: `URL`, `testcontainers`, ….
    pub fn new(url: &str, origin: &str) -> Self {
        Self {
            url: url.to_owned(),
            origin: origin.to_owned(),
            spares: Vec::new(),
            first_made_in: None,
            releasing: Vec::new(),
        }
    }

    /// Checks that the server is reachable and lets this user create databases, by
    /// making the first one.
    pub fn check(&mut self) -> Result<(), ProvisionError> {
        if self.spares.is_empty() {
            let made = self.make(None)?;
            self.spares.push(made);
        }
        Ok(())
    }
}

/// Drops a scratch database, closing any session still connected to it: through
/// `admin`, the session that made it, once the database's sessions are gone (see
/// [`sessions_ended`]); else, or when that fails, through a new session at once (an
/// interrupted run, whose own session may still be open).
fn drop_database(admin: Option<Client>, url: &str, name: &str) {
    let statement = format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        Dialect::Postgres.quote_identifier(name)
    );
    let dropped = admin.is_some_and(|mut admin| {
        sessions_ended(&mut admin, name)
            .and_then(|()| admin.batch_execute(&statement))
            .is_ok()
    });
    if !dropped && let Ok(mut client) = PostgresBackend::connect_session(url) {
        let _ = client.batch_execute(&statement);
    }
}

/// How long to wait for a database's sessions to end by themselves.
const SESSIONS_END_WITHIN: Duration = Duration::from_secs(2);

/// Waits until no session is connected to database `name`, for at most
/// [`SESSIONS_END_WITHIN`]. A scratch session that has just said goodbye takes a moment
/// to leave the server, and `DROP DATABASE` (`FORCE` or not) or `CREATE DATABASE …
/// TEMPLATE` that finds it there sleeps a tenth of a second before looking again: a
/// third of a 100-revision verify. Asking every millisecond costs a round trip each.
fn sessions_ended(client: &mut Client, name: &str) -> Result<(), postgres::Error> {
    let deadline = Instant::now() + SESSIONS_END_WITHIN;
    while Instant::now() < deadline
        && client
            .query_typed_one(
                "SELECT EXISTS (SELECT FROM pg_catalog.pg_stat_activity WHERE datname = $1)",
                &[(&name, Type::TEXT)],
            )?
            .try_get::<_, bool>(0)?
    {
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

impl Provider for PostgresServer {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn describe(&self) -> String {
        format!("postgres ({} {})", self.origin, redact(&self.url))
    }

    fn create(&mut self, table: &VersionTable) -> Result<Scratch, ProvisionError> {
        match self.spares.pop() {
            Some(spare) => spare.open(table),
            None => self.make(None)?.open(table),
        }
    }

    fn copy(
        &mut self,
        source: &mut Scratch,
        table: &VersionTable,
    ) -> Result<Scratch, ProvisionError> {
        // A template database may have no session: close ours for the copy.
        source.close();
        let copied = self
            .make(Some(source.location()))
            .and_then(|made| made.open(table));
        let url = with_database(&self.url, source.location());
        source.reopen(Box::new(PostgresBackend::connect(&url, table.clone())?));
        copied
    }

    fn database_cost(&self) -> Duration {
        self.first_made_in.unwrap_or(UNMEASURED_DATABASE_COST)
    }

    fn release_spares(&mut self, keep: usize) {
        self.release_beyond(keep);
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        for releasing in self.releasing.drain(..) {
            let _ = releasing.join();
        }
    }
}

impl PostgresServer {
    /// A new database, empty or a copy of the database `template`; the first one made
    /// tells what a database costs.
    fn make(&mut self, template: Option<&str>) -> Result<Made, ProvisionError> {
        let started = Instant::now();
        let made = make_database(&self.url, &self.describe(), template)?;
        self.first_made_in.get_or_insert(started.elapsed());
        Ok(made)
    }
}

/// A new database on the server at `url` (`provider` names it in errors), empty or a copy
/// of the database `template`, made through a session of its own.
pub(super) fn make_database(
    url: &str,
    provider: &str,
    template: Option<&str>,
) -> Result<Made, ProvisionError> {
    let number = MADE.fetch_add(1, Ordering::Relaxed) + 1;
    let name = format!("migrate_verify_{}_{number}", std::process::id());
    let quoted = Dialect::Postgres.quote_identifier(&name);
    let create = match template {
        Some(template) => format!(
            "CREATE DATABASE {quoted} TEMPLATE {}",
            Dialect::Postgres.quote_identifier(template)
        ),
        None => format!("CREATE DATABASE {quoted}"),
    };
    // Through the backend's own connect, so TLS and password handling are the same.
    let mut admin = PostgresBackend::connect_session(url)?;
    // Until its cleanup is registered below, an interrupt waits: else a database made
    // just as the signal came would stay on the user's server.
    let making = hold_interrupts();
    // Two round trips: a multi-statement string is one implicit transaction, and
    // neither statement may run inside one.
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {quoted}"))
        .and_then(|()| template.map_or(Ok(()), |template| sessions_ended(&mut admin, template)))
        .and_then(|()| admin.batch_execute(&create))
        .map_err(|error| ProvisionError::Create {
            provider: provider.to_owned(),
            message: format!(
                "{}; verify needs a user that may create databases (CREATEDB), and never touches the database the URL names",
                error.as_db_error().map_or_else(|| error.to_string(), |db| db.message().to_owned())
            ),
        })?;
    // An interrupted run (Ctrl-C, or SIGTERM when CI cancels a job) runs no
    // destructors: the database would stay on the user's server.
    let interrupt = {
        let (server, name) = (url.to_owned(), name.clone());
        OnInterrupt::register(move || drop_database(None, &server, &name))
    };
    drop(making);
    Ok(Made {
        name,
        server: url.to_owned(),
        admin: Some(admin),
        interrupt: Some(interrupt),
    })
}
