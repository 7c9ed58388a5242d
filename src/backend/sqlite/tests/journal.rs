//! The rollback journal while the migration lock is held: kept between commits, removed
//! when the lock is released, and a database or connection in another mode left alone.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::backend::{Backend, SqliteBackend, VersionTable};
use crate::source::database_stamp::beside;

fn journal_of(path: &Path) -> PathBuf {
    beside(path, "-journal")
}

/// The journal mode, or with `pragma` another mode (`locking_mode`).
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
        let _: String = conn
            .query_row(&format!("PRAGMA journal_mode = {set}"), [], |row| {
                row.get(0)
            })
            .unwrap();
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

#[test]
fn other_connections_wait_for_the_whole_run_and_read_and_write_once_the_lock_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let mut db = SqliteBackend::open(&path, VersionTable::default()).unwrap();
    db.lock(None).unwrap();
    db.ensure_version_table().unwrap();
    let other = Connection::open(&path).unwrap();
    other.busy_timeout(std::time::Duration::ZERO).unwrap();
    let read = |conn: &Connection| {
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
            row.get::<_, i64>(0)
        })
    };
    let between_commits = read(&other).unwrap_err();
    assert_eq!(
        between_commits.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy),
        "after the run's first commit the database is the run's until the lock goes"
    );
    db.unlock().unwrap();
    assert_eq!(locking(db.connection()), "normal");
    // The run's connection stays open, as an application's does after `init_db()`.
    other
        .execute_batch("BEGIN IMMEDIATE; CREATE TABLE after_the_run (a INTEGER); COMMIT;")
        .unwrap();
    assert!(read(&other).unwrap() >= 2);
    db.ensure_version_table().unwrap();
}

#[test]
fn a_connection_the_application_holds_in_exclusive_locking_is_left_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let conn = Connection::open(&path).unwrap();
    let _: String = conn
        .query_row("PRAGMA locking_mode = EXCLUSIVE", [], |row| row.get(0))
        .unwrap();
    let mut db = SqliteBackend::from_connection(conn, VersionTable::default()).unwrap();
    db.lock(None).unwrap();
    assert_eq!(mode(db.connection()), "delete", "under the lock");
    db.ensure_version_table().unwrap();
    db.unlock().unwrap();
    assert_eq!(mode(db.connection()), "delete", "after it");
    assert_eq!(locking(db.connection()), "exclusive", "after it");
}
