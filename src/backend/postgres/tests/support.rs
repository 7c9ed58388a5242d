//! Test support: a fresh database per test on the server named by
//! `MIGRATE_TEST_POSTGRES_URL`, dropped when the test ends.

use crate::backend::with_database;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use postgres::{Client, NoTls};

use crate::backend::{
    Backend, BackendError, PostgresBackend, Record, SqlFailure, StepWork, VersionTable,
};
use crate::core::Script;

/// The server tests run against.
pub const URL_VARIABLE: &str = "MIGRATE_TEST_POSTGRES_URL";
/// Set to `1` (as CI does) to make a missing server fail the tests instead of skipping them.
pub const REQUIRE_VARIABLE: &str = "MIGRATE_REQUIRE_POSTGRES";

/// The test server's URL, or `None` after a loud notice when there is none to use.
///
/// # Panics
/// When no server is configured and [`REQUIRE_VARIABLE`] is `1`.
pub fn server_url(test: &str) -> Option<String> {
    match std::env::var(URL_VARIABLE) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var(REQUIRE_VARIABLE).as_deref() == Ok("1") => {
            panic!("{test}: {REQUIRE_VARIABLE}=1 but {URL_VARIABLE} is not set")
        }
        _ => {
            // Straight to the process's stderr: the test harness captures `eprintln!` of
            // passing tests, and a skip must not pass silently.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: set {URL_VARIABLE} to a PostgreSQL server URL \
                 (ci/start-postgres.sh prints one) to run the PostgreSQL tests"
            );
            None
        }
    }
}

/// A database of its own for one test, dropped (with any session still in it) on drop.
pub struct TestDb {
    admin: Client,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl TestDb {
    /// Creates a fresh database, or returns `None` when PostgreSQL tests are skipped.
    pub fn create(test: &str) -> Option<Self> {
        let server = server_url(test)?;
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let name = format!(
            "migrate_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = Client::connect(&server, NoTls).expect("connect to the test server");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create a test database");
        let url = with_database(&server, &name);
        Some(Self { admin, name, url })
    }

    /// A plain connection to the test database, to arrange or inspect.
    pub fn client(&self) -> Client {
        Client::connect(&self.url, NoTls).expect("connect to the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        if let Err(error) = self.admin.batch_execute(&drop) {
            eprintln!("could not drop test database {}: {error}", self.name);
        }
    }
}

/// A login role made for one test; on drop, what it owns in the test's database goes, and
/// then the role (even when the test panicked).
pub struct LoginRole<'a> {
    db: &'a TestDb,
    name: String,
    /// The test database's URL, as this role.
    pub url: String,
}

impl<'a> LoginRole<'a> {
    /// Creates `<prefix>_<pid>` and runs `grants` as the administrator in the test's
    /// database, with `{role}` standing for the role's name.
    pub fn create(db: &'a TestDb, prefix: &str, grants: &str) -> Self {
        let name = format!("{prefix}_{}", std::process::id());
        let setup = format!(
            "CREATE ROLE {name} LOGIN; {}",
            grants.replace("{role}", &name)
        );
        db.client()
            .batch_execute(&setup)
            .expect("create the test role");
        let url = db.url.replacen("://postgres@", &format!("://{name}@"), 1);
        Self { db, name, url }
    }
}

impl Drop for LoginRole<'_> {
    fn drop(&mut self) {
        let cleanup = format!("DROP OWNED BY {0} CASCADE; DROP ROLE {0}", self.name);
        if let Err(error) = self.db.client().batch_execute(&cleanup) {
            eprintln!("could not drop test role {}: {error}", self.name);
        }
    }
}

pub fn script(text: &str) -> Script {
    Script::new("migrations/1_test/up.sql", text).unwrap()
}

pub(crate) use crate::backend::test_rows::script_row as row;

pub fn connect(db: &TestDb) -> PostgresBackend {
    PostgresBackend::connect(&db.url, VersionTable::default()).unwrap()
}

/// Runs `text` as revision `id` after ensuring the tracking table.
pub fn apply(backend: &mut PostgresBackend, id: &str, text: &str) -> Result<(), BackendError> {
    backend.ensure_version_table()?;
    let script = script(text);
    let row = row(id, &script);
    backend.run_step(StepWork {
        script: Some(&script),
        record: Record::Insert(&row),
    })
}

pub fn script_failure(result: Result<(), BackendError>) -> SqlFailure {
    match result {
        Err(BackendError::Script { failure }) => *failure,
        other => panic!("expected a script failure, got {other:?}"),
    }
}

pub fn exists(db: &TestDb, relation: &str) -> bool {
    let row = db
        .client()
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&relation])
        .unwrap();
    row.get(0)
}

#[test]
fn replaces_the_database_of_a_url() {
    assert_eq!(
        with_database("postgres://u@h:1/postgres", "x"),
        "postgres://u@h:1/x"
    );
    assert_eq!(with_database("postgres://u@h:1", "x"), "postgres://u@h:1/x");
    assert_eq!(
        with_database("postgres://u@h/db?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
}
