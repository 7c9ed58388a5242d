//! How long a schema snapshot takes on a 200-table schema, beside a floor: the cheapest
//! query that touches the catalog at all. `migrate verify` takes two snapshots per
//! revision, so this is its per-revision overhead.
//!
//!     cargo bench --bench introspect
//!
//! PostgreSQL runs too when `MIGRATE_TEST_POSTGRES_URL` is set (a scratch database is
//! created and dropped). Targets: well under 50 ms on SQLite, under 100 ms on PostgreSQL.

use std::time::{Duration, Instant};

use migrate::backend::{postgres_introspect, sqlite_introspect};
use migrate::schema::{IntrospectOptions, diff, render};

const TABLES: usize = 200;
const RUNS: usize = 20;

/// The DDL of the benchmark schema: `TABLES` tables, each with a key, a foreign key to
/// the one before, a unique constraint, a check and an index, plus a view per four
/// tables. `serial` is the one spelling that differs between the dialects.
fn ddl(serial: &str) -> String {
    let mut out = String::new();
    for n in 0..TABLES {
        let parent = if n == 0 {
            String::new()
        } else {
            format!(
                ",\n    parent_id integer REFERENCES t{} (id) ON DELETE CASCADE",
                n - 1
            )
        };
        out.push_str(&format!(
            "CREATE TABLE t{n} (\n    id {serial} PRIMARY KEY,\n    name text NOT NULL UNIQUE,\n    \
             score real DEFAULT 0 CHECK (score >= 0),\n    note text,\n    created_at text{parent}\n);\n\
             CREATE INDEX t{n}_score_idx ON t{n} (score DESC, name);\n"
        ));
        if n % 4 == 0 {
            out.push_str(&format!(
                "CREATE VIEW v{n} AS SELECT id, name FROM t{n} WHERE score > 1;\n"
            ));
        }
    }
    out
}

/// The median of `RUNS` timed calls of `run`, after one untimed warm-up call.
fn median(mut run: impl FnMut()) -> Duration {
    run();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

/// Prints one backend's line; `floor` is the floor's time and the query it times.
fn report(backend: &str, snapshot: Duration, (floor, floor_what): (Duration, &str), lines: usize) {
    println!(
        "{backend:<10} snapshot of {TABLES} tables ({lines} lines rendered): median {:>6.2} ms \
         over {RUNS} runs; floor ({floor_what}): {:>5.2} ms",
        snapshot.as_secs_f64() * 1e3,
        floor.as_secs_f64() * 1e3,
    );
}

fn sqlite() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let conn = rusqlite::Connection::open(dir.path().join("bench.db")).expect("open");
    conn.execute_batch(&ddl("INTEGER")).expect("schema");
    let options = IntrospectOptions::new("migrate_history");
    let snapshot = median(|| {
        sqlite_introspect::introspect(&conn, &options).expect("introspect");
    });
    let schema = sqlite_introspect::introspect(&conn, &options).expect("introspect");
    let lines = render(&schema).lines().count();
    let floor = median(|| {
        let mut statement = conn
            .prepare_cached("SELECT * FROM sqlite_schema")
            .expect("prepare");
        let rows = statement.query_map([], |row| row.get::<_, Option<String>>(4));
        let count = rows.expect("query").count();
        assert!(count > TABLES);
    });
    report(
        "sqlite",
        snapshot,
        (floor, "SELECT * FROM sqlite_schema"),
        lines,
    );
    // What verify adds per comparison on top of the snapshots.
    let compare = median(|| {
        assert!(diff(&schema, &schema.clone()).is_empty());
        render(&schema);
    });
    println!(
        "{:<10} render + diff of that snapshot: median {:>6.2} ms",
        "model",
        compare.as_secs_f64() * 1e3
    );
}

fn postgres(url: &str) {
    let admin_config: postgres::Config = url.parse().expect("MIGRATE_TEST_POSTGRES_URL parses");
    let mut admin = admin_config.connect(postgres::NoTls).expect("connect");
    let name = format!("migrate_bench_{}", std::process::id());
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .expect("drop");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create");
    let mut config = admin_config.clone();
    config.dbname(&name);
    let mut client = config
        .connect(postgres::NoTls)
        .expect("connect to the bench database");
    client.batch_execute(&ddl("serial")).expect("schema");
    let options = IntrospectOptions::new("migrate_history");
    let snapshot = median(|| {
        postgres_introspect::introspect(&mut client, &options).expect("introspect");
    });
    let schema = postgres_introspect::introspect(&mut client, &options).expect("introspect");
    let lines = render(&schema).lines().count();

    let floor = median(|| {
        let rows = client
            .query("SELECT relname FROM pg_class WHERE relkind = 'r'", &[])
            .expect("query");
        assert!(rows.len() > TABLES);
    });
    report(
        "postgres",
        snapshot,
        (floor, "SELECT relname FROM pg_class"),
        lines,
    );
    drop(client);
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .expect("drop");
}

fn main() {
    sqlite();
    match std::env::var("MIGRATE_TEST_POSTGRES_URL") {
        Ok(url) => postgres(&url),
        Err(_) => println!("postgres   SKIPPED: set MIGRATE_TEST_POSTGRES_URL to measure it"),
    }
}
