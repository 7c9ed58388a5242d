//! The rollback journal kept between a run's commits: a run of many revisions commits once
//! per revision, and in SQLite's default journal mode (`DELETE`) every commit creates the
//! `-journal` file, syncs the folder that holds it and unlinks it again. While the
//! migration lock is held the connection uses `PERSIST` instead, which commits by zeroing
//! the journal's header in place: as durable (the same syncs of the journal and the
//! database), and the file system's metadata is left alone. A 1,000-revision downgrade
//! took 10-15% less time that way (by hand: 2.3-2.9 s against 2.9-3.5 s). It trades the
//! folder's sync, the file's creation and its unlink for one more sync of the journal
//! (five a commit against four, strace): on storage where a flush costs far more than a
//! metadata change, the gain may shrink or turn.
//!
//! Only a connection in `DELETE` mode is switched, and back to it when the lock is
//! released, which removes the journal (SQLite deletes it only under a lock that keeps it
//! from another connection's transaction). WAL databases and connections an application
//! set to another mode are left as they are. Other connections keep their own mode: SQLite
//! reads a journal with a zeroed header as no transaction to roll back.
//!
//! Both switches are made only if they need no wait: reading the mode reads the schema,
//! which another connection's exclusive lock holds up, and the run's own statements are
//! the ones to wait for it, within the run's lock timeout. A switch that cannot be made
//! leaves the mode as it was, which costs only the time above.

use std::time::Duration;

use rusqlite::Connection;

use super::busy::without_waiting;

/// Switches `conn` from `DELETE` to `PERSIST` if that takes no wait; whether it did, so
/// the caller knows to switch it back ([`restore`]). `wait` is the connection's busy
/// timeout, set again after.
pub(super) fn persist(conn: &Connection, wait: Duration) -> bool {
    let switched = without_waiting(conn, wait, || {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Ok(false);
        }
        switch(conn, "PRAGMA journal_mode = PERSIST").map(|()| true)
    });
    matches!(switched, Ok(Ok(true)))
}

/// Puts `conn` back in `DELETE` mode, which removes the journal [`persist`] kept (SQLite
/// leaves it, harmless, when another connection is writing).
pub(super) fn restore(conn: &Connection, wait: Duration) {
    // A journal left behind is one a later run removes; nothing here is worth failing a
    // run that has done its work.
    let _ = without_waiting(conn, wait, || switch(conn, "PRAGMA journal_mode = DELETE"));
}

/// The pragma answers with the mode now in force: a row to read.
fn switch(conn: &Connection, pragma: &str) -> rusqlite::Result<()> {
    conn.query_row(pragma, [], |row| row.get::<_, String>(0))
        .map(drop)
}
