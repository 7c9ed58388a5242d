//! `-- migrate:foreign-keys-off` on a connection that has foreign keys on, as applications
//! open theirs: autogenerate's rebuild of a table other tables reference keeps the rows
//! that point at it, a change that breaks a reference is rolled back, and the
//! connection's foreign keys are on again afterwards.

use rusqlite::Connection;

use crate::backend::sqlite_introspect::introspect;
use crate::backend::test_rows::script_row;
use crate::backend::{Backend, BackendError, Record, SqliteBackend, StepWork, VersionTable};
use crate::core::{AppliedRevision, Script};
use crate::schema::{Flavor, IntrospectOptions, Renames, plan_migration};

const HEAD: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n\
    CREATE TABLE trips (id INTEGER PRIMARY KEY, \
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);\n\
    INSERT INTO users VALUES (1, 'ada');\n\
    INSERT INTO trips VALUES (1, 1), (2, 1);\n";

/// `users.name` becomes NOT NULL: SQLite rebuilds `users`, which `trips` references.
const DESIRED: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');\n\
    CREATE TABLE trips (id INTEGER PRIMARY KEY, \
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);\n";

fn apply(db: &mut SqliteBackend, text: &str) -> Result<(), BackendError> {
    let script = Script::new("migrations/2_change/up.sql", text).unwrap();
    let row = AppliedRevision {
        id: "2".parse().unwrap(),
        slug: "change".into(),
        ..script_row("1", &script)
    };
    db.run_step(StepWork {
        script: Some(&script),
        record: Record::Insert(&row),
    })
}

/// An application's connection: foreign keys on, at head, with rows.
fn app_database() -> SqliteBackend {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    conn.execute_batch(HEAD).unwrap();
    let mut db = SqliteBackend::from_connection(conn, VersionTable::default()).unwrap();
    db.ensure_version_table().unwrap();
    db
}

fn planned_up() -> String {
    let options = IntrospectOptions::default();
    // Through the backend: the tracking table is not the schema's.
    let head = app_database().introspect(&options).unwrap();
    let scratch = Connection::open_in_memory().unwrap();
    scratch.execute_batch(DESIRED).unwrap();
    let desired = introspect(&scratch, &options).unwrap();
    let renames = Renames::default();
    let plan = plan_migration(&head, &desired, Flavor::Sqlite, &renames).unwrap();
    plan.up.text()
}

fn count(db: &SqliteBackend, sql: &str) -> i64 {
    db.connection()
        .query_row(sql, [], |row| row.get(0))
        .unwrap()
}

#[test]
fn a_rebuild_of_a_referenced_table_keeps_the_rows_pointing_at_it() {
    let up = planned_up();
    assert!(up.starts_with("-- migrate:foreign-keys-off\n"), "{up}");
    let mut db = app_database();
    apply(&mut db, &up).unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM trips"), 2, "{up}");
    assert_eq!(count(&db, "SELECT count(*) FROM users"), 1);
    assert_eq!(count(&db, "PRAGMA foreign_keys"), 1, "switched back on");
}

#[test]
fn without_the_mark_the_same_rebuild_loses_the_rows() {
    // Why the mark exists: dropping the old table with foreign keys on cascades.
    let up = planned_up().replace("-- migrate:foreign-keys-off\n", "");
    let mut db = app_database();
    apply(&mut db, &up).unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM trips"), 0);
}

#[test]
fn a_broken_reference_is_rolled_back_and_foreign_keys_come_back_on() {
    let mut db = app_database();
    let error = apply(&mut db, "-- migrate:foreign-keys-off\nDELETE FROM users;\n").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("trips row 1 points at no row of users"),
        "{error}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM users"), 1, "rolled back");
    assert_eq!(count(&db, "PRAGMA foreign_keys"), 1);
    assert!(db.applied().unwrap().is_empty());
}
