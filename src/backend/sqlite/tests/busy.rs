//! A database another connection holds locked: opening does not wait, and a run waits no
//! longer than its lock timeout, then names the cause.

use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::backend::{Backend, BackendError, SqliteBackend, VersionTable};

/// A database file and a connection holding it in an exclusive transaction, as a process
/// in exclusive locking mode holds it until it closes.
fn held_database() -> (tempfile::TempDir, std::path::PathBuf, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let holder = Connection::open(&path).unwrap();
    holder
        .execute_batch("CREATE TABLE t (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);")
        .unwrap();
    (dir, path, holder)
}

#[test]
fn a_held_database_opens_at_once_and_fails_within_the_lock_timeout() {
    let (_dir, path, holder) = held_database();
    let started = Instant::now();
    let mut db = SqliteBackend::open(&path, VersionTable::default()).unwrap();
    db.read_ahead();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "opening waited {:?}",
        started.elapsed()
    );
    db.lock(Some(Duration::from_millis(200))).unwrap();
    let error = db.ensure_version_table().unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the run waited {:?}",
        started.elapsed()
    );
    assert!(
        matches!(error, BackendError::DatabaseLocked { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .ends_with("app.db is locked by another connection; gave up after 0.2 s"),
        "{error}"
    );
    assert!(error.help().unwrap().contains("--lock-timeout"));
    db.unlock().unwrap();
    drop(holder);
    db.lock(Some(Duration::from_millis(200))).unwrap();
    db.ensure_version_table().unwrap();
    assert!(db.applied().unwrap().is_empty());
}

#[test]
fn a_connection_the_application_holds_is_not_waited_on_either() {
    let (_dir, path, _holder) = held_database();
    let started = Instant::now();
    let conn = Connection::open(&path).unwrap();
    let mut db = SqliteBackend::from_connection(conn, VersionTable::default()).unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    db.lock(Some(Duration::ZERO)).unwrap();
    let error = db.applied().unwrap_err();
    assert!(
        matches!(error, BackendError::DatabaseLocked { .. }),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn another_kind_of_file_is_still_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "not a database, but long enough to have a header ".repeat(4),
    )
    .unwrap();
    let error = SqliteBackend::open(&path, VersionTable::default())
        .err()
        .unwrap();
    assert!(
        matches!(error, BackendError::NotADatabase { .. }),
        "{error:?}"
    );
}
