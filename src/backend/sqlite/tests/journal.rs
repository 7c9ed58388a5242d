//! The rollback journal while the migration lock is held: kept between commits, removed
//! when the lock is released, and a database or connection in another mode left alone.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use crate::backend::test_rows::script_row;
use crate::backend::{Backend, Record, SqliteBackend, StepWork, VersionTable};
use crate::core::Script;
use crate::source::database_stamp::beside;

fn journal_of(path: &Path) -> PathBuf {
    beside(path, "-journal")
}

/// What a mode pragma answers: the mode in force, after setting it when `pragma` does
/// (`journal_mode = wal`).
fn mode_of(conn: &Connection, pragma: &str) -> String {
    conn.query_row(&format!("PRAGMA {pragma}"), [], |row| row.get(0))
        .unwrap()
}

fn mode(conn: &Connection) -> String {
    mode_of(conn, "journal_mode")
}

fn locking(conn: &Connection) -> String {
    mode_of(conn, "locking_mode")
}

#[test]
fn the_journal_stays_between_commits_under_the_lock_and_goes_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let mut db = SqliteBackend::open(&path, VersionTable::default()).unwrap();
    db.lock(None).unwrap();
    assert_eq!(mode(db.connection()), "persist");
    db.ensure_version_table().unwrap();
    assert!(
        journal_of(&path).exists(),
        "a commit under the lock keeps the journal"
    );
    db.unlock().unwrap();
    assert_eq!(mode(db.connection()), "delete");
    assert!(
        !journal_of(&path).exists(),
        "releasing the lock removes the journal"
    );
    db.ensure_version_table().unwrap();
    assert!(!journal_of(&path).exists(), "and commits delete it again");
}

#[test]
fn a_wal_database_and_a_connection_in_another_mode_are_left_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    for set in ["wal", "truncate"] {
        let path = dir.path().join(format!("{set}.db"));
        let conn = Connection::open(&path).unwrap();
        mode_of(&conn, &format!("journal_mode = {set}"));
        let mut db = SqliteBackend::from_connection(conn, VersionTable::default()).unwrap();
        db.lock(None).unwrap();
        assert_eq!(mode(db.connection()), set, "under the lock");
        db.ensure_version_table().unwrap();
        db.unlock().unwrap();
        assert_eq!(mode(db.connection()), set, "after it");
    }
}

#[test]
fn an_in_memory_database_keeps_its_memory_journal() {
    let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
    db.lock(None).unwrap();
    assert_eq!(mode(db.connection()), "memory");
    db.unlock().unwrap();
}

/// Runs one step creating `table`, recorded as revision `id`.
fn step(db: &mut SqliteBackend, id: &str, table: &str) {
    let script = Script::new("up.sql", format!("CREATE TABLE {table} (a INTEGER);")).unwrap();
    let row = script_row(id, &script);
    db.run_step(StepWork {
        script: Some(&script),
        record: Record::Insert(&row),
    })
    .unwrap();
}

fn other_connection(path: &Path) -> Connection {
    let other = Connection::open(path).unwrap();
    other.busy_timeout(Duration::ZERO).unwrap();
    other
}

/// A run on a new database at `path`, under the migration lock, its tracking table made.
fn locked_run(path: &Path) -> SqliteBackend {
    let mut db = SqliteBackend::open(path, VersionTable::default()).unwrap();
    db.lock(None).unwrap();
    db.ensure_version_table().unwrap();
    db
}

fn read(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
}

#[test]
fn other_connections_wait_for_the_whole_run_and_read_and_write_once_the_lock_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let mut db = locked_run(&path);
    step(&mut db, "1", "first");
    let other = other_connection(&path);
    let between_steps = read(&other).unwrap_err();
    assert_eq!(
        between_steps.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy),
        "after the run's first step the database is the run's until the lock goes"
    );
    step(&mut db, "2", "second");
    db.unlock().unwrap();
    assert_eq!(locking(db.connection()), "normal");
    // The run's connection stays open, as an application's does after `init_db()`.
    other
        .execute_batch("BEGIN IMMEDIATE; CREATE TABLE after_the_run (a INTEGER); COMMIT;")
        .unwrap();
    assert!(read(&other).unwrap() >= 4);
    assert_eq!(db.applied().unwrap().len(), 2);
}

#[test]
fn an_application_writing_before_the_first_step_commits_and_the_step_runs_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let mut db = locked_run(&path);
    assert!(
        db.applied().unwrap().is_empty(),
        "the run reads what is applied"
    );
    // An application's write between the run's reads and its first step: holding the
    // shared lock of those reads would leave its commit waiting on the run, and the run's
    // first step waiting on its write lock.
    let app = other_connection(&path);
    app.execute_batch("BEGIN IMMEDIATE; CREATE TABLE orders (a INTEGER); COMMIT;")
        .unwrap();
    step(&mut db, "1", "first");
    db.unlock().unwrap();
    let both: i64 = app
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('orders', 'first')",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(both, 2, "the application's table and the step's");
}

#[test]
fn a_connection_the_application_holds_in_exclusive_locking_is_left_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let conn = Connection::open(&path).unwrap();
    mode_of(&conn, "locking_mode = EXCLUSIVE");
    let mut db = SqliteBackend::from_connection(conn, VersionTable::default()).unwrap();
    db.lock(None).unwrap();
    assert_eq!(mode(db.connection()), "delete", "under the lock");
    db.ensure_version_table().unwrap();
    db.unlock().unwrap();
    assert_eq!(mode(db.connection()), "delete", "after it");
    assert_eq!(locking(db.connection()), "exclusive", "after it");
}
