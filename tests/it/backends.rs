//! The databases every case runs on: a SQLite file, and a fresh database on the PostgreSQL
//! server named by MIGRATE_TEST_POSTGRES_URL.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The server tests create their databases on.
pub const POSTGRES_URL_VAR: &str = "MIGRATE_TEST_POSTGRES_URL";
/// Set (by .ci/run) to turn a missing PostgreSQL into a failure instead of a skip.
pub const REQUIRE_POSTGRES_VAR: &str = "MIGRATE_REQUIRE_POSTGRES";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A database for one test, dropped with it.
pub struct Database {
    pub kind: Kind,
    pub url: String,
    /// The database's name, redacted from output.
    pub name: String,
    server: Option<String>,
    sqlite_path: Option<std::path::PathBuf>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The PostgreSQL server's URL, or `None` after announcing the skip. Panics instead when
/// REQUIRE_POSTGRES_VAR is set, so CI cannot pass by skipping.
pub fn postgres_server() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os(REQUIRE_POSTGRES_VAR).is_some() => {
            panic!(
                "{REQUIRE_POSTGRES_VAR} is set but {POSTGRES_URL_VAR} is not: start one with ci/start-postgres.sh"
            )
        }
        _ => {
            // Straight to the process's stderr: the test harness captures `eprintln!` of
            // passing tests, and a skip must not pass silently.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "\x1b[1;33mSKIPPED (PostgreSQL): set {POSTGRES_URL_VAR}, e.g. export {POSTGRES_URL_VAR}=$(ci/start-postgres.sh)\x1b[0m"
            );
            None
        }
    }
}

pub use migrate::backend::with_database;

impl Database {
    pub fn create(kind: Kind, test: &str, dir: &Path) -> Option<Self> {
        match kind {
            Kind::Sqlite => Some(Self {
                kind,
                url: "sqlite://app.db".into(),
                name: "app.db".into(),
                server: None,
                sqlite_path: Some(dir.join("app.db")),
            }),
            Kind::Postgres => {
                let server = postgres_server()?;
                let name = format!(
                    "it_{}_{}_{}",
                    test.chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .take(30)
                        .collect::<String>(),
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed)
                )
                .to_lowercase();
                let mut client = postgres::Client::connect(&server, postgres::NoTls)
                    .unwrap_or_else(|error| panic!("cannot reach {POSTGRES_URL_VAR}: {error}"));
                client
                    .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                    .expect("create test database");
                Some(Self {
                    kind,
                    url: with_database(&server, &name),
                    name,
                    server: Some(server),
                    sqlite_path: None,
                })
            }
        }
    }

    /// The URL with any SQLite path made absolute, for calls from this process.
    pub fn absolute_url(&self) -> String {
        match &self.sqlite_path {
            Some(path) => format!("sqlite://{}", path.display()),
            None => self.url.clone(),
        }
    }

    /// The revisions the tracking table lists, oldest first, read straight from the
    /// database; `None` when there is no tracking table.
    pub fn tracked_revisions(&self) -> Option<Vec<String>> {
        self.query_strings(
            "migrate_history",
            "SELECT revision FROM migrate_history ORDER BY revision",
        )
    }

    /// The tables of the database (tracking table included), sorted.
    pub fn tables(&self) -> Vec<String> {
        let sql = match self.kind {
            Kind::Sqlite => "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
            Kind::Postgres => {
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            }
        };
        self.query_strings("", sql).unwrap_or_default()
    }

    /// Runs a query returning one text column; `None` if `table` (when named) is missing.
    pub fn query_strings(&self, table: &str, sql: &str) -> Option<Vec<String>> {
        match self.kind {
            Kind::Sqlite => {
                let path = self.sqlite_path.as_ref()?;
                if !path.exists() {
                    return None;
                }
                let conn = rusqlite::Connection::open(path).unwrap();
                if !table.is_empty() {
                    let exists: bool = conn
                        .query_row(
                            "SELECT count(*) > 0 FROM sqlite_schema WHERE name = ?1",
                            [table],
                            |row| row.get(0),
                        )
                        .unwrap();
                    if !exists {
                        return None;
                    }
                }
                let mut statement = conn.prepare(sql).unwrap();
                let rows = statement
                    .query_map([], |row| row.get::<_, String>(0))
                    .unwrap();
                Some(rows.map(Result::unwrap).collect())
            }
            Kind::Postgres => {
                let mut client = self.postgres_client();
                if !table.is_empty() {
                    let row = client
                        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
                        .unwrap();
                    if !row.get::<_, bool>(0) {
                        return None;
                    }
                }
                let rows = client.query(sql, &[]).unwrap();
                Some(rows.iter().map(|row| row.get::<_, String>(0)).collect())
            }
        }
    }

    /// Runs a statement on the database, outside of migrate.
    pub fn execute(&self, sql: &str) {
        match self.kind {
            Kind::Sqlite => {
                let conn = rusqlite::Connection::open(self.sqlite_path.as_ref().unwrap()).unwrap();
                conn.execute_batch(sql).unwrap();
            }
            Kind::Postgres => self.postgres_client().batch_execute(sql).unwrap(),
        }
    }

    /// A client on this test's PostgreSQL database.
    pub fn postgres_client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to test database")
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(server) = &self.server
            && let Ok(mut client) = postgres::Client::connect(server, postgres::NoTls)
        {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}
