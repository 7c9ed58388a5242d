//! What every introspection test shares: fixtures, snapshot settings, and the one guard
//! that decides whether PostgreSQL tests run (and gives each its own database).

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::dialect::Dialect;

/// The text of `fixtures/schema/<backend>/<name>.sql`.
pub(crate) fn fixture(backend: &str, name: &str) -> String {
    let path = format!(
        "{}/fixtures/schema/{backend}/{name}.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("fixture {path}: {error}"))
}

/// insta settings that store snapshots in `snapshots/schema/<backend>/`.
pub(crate) fn snapshot_settings(backend: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!(
        "{}/snapshots/schema/{backend}",
        env!("CARGO_MANIFEST_DIR")
    ));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// A fresh PostgreSQL database for one test, dropped when this goes out of scope.
pub(crate) struct TestDatabase {
    admin: postgres::Config,
    name: String,
    pub(crate) client: postgres::Client,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh database on the server at `MIGRATE_TEST_POSTGRES_URL`, or `None` (after a loud
/// message) when the variable is unset, unless `MIGRATE_REQUIRE_POSTGRES=1` demands it.
pub(crate) fn postgres_database() -> Option<TestDatabase> {
    let Ok(url) = std::env::var("MIGRATE_TEST_POSTGRES_URL") else {
        if std::env::var("MIGRATE_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("MIGRATE_REQUIRE_POSTGRES=1 but MIGRATE_TEST_POSTGRES_URL is not set");
        }
        // Straight to stderr, not eprintln!: the test harness captures that, and a skip
        // nobody sees is a pass nobody earned.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: set MIGRATE_TEST_POSTGRES_URL to a server URL (ci/start-postgres.sh \
             prints one) to run the PostgreSQL introspection tests"
        );
        return None;
    };
    let admin: postgres::Config = url.parse().expect("MIGRATE_TEST_POSTGRES_URL parses");
    let name = format!(
        "migrate_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut client = admin
        .connect(postgres::NoTls)
        .expect("connect to the test server");
    let quoted = Dialect::Postgres.quote_identifier(&name);
    // Separate calls: several statements in one would run as one transaction, which
    // CREATE DATABASE refuses.
    for statement in [
        format!("DROP DATABASE IF EXISTS {quoted}"),
        format!("CREATE DATABASE {quoted}"),
    ] {
        client
            .batch_execute(&statement)
            .expect("create the test database");
    }
    let mut config = admin.clone();
    config.dbname(&name);
    let client = config
        .connect(postgres::NoTls)
        .expect("connect to the test database");
    Some(TestDatabase {
        admin,
        name,
        client,
    })
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let quoted = Dialect::Postgres.quote_identifier(&self.name);
        if let Ok(mut admin) = self.admin.connect(postgres::NoTls) {
            // FORCE ends this test's own connection, which is still open here.
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"));
        }
    }
}
