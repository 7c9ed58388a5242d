//! The rollback journal kept between a run's commits: a run of many revisions commits once
//! per revision, and in SQLite's default journal mode (`DELETE`) every commit creates the
//! `-journal` file, syncs the folder that holds it and unlinks it again. While the
//! migration lock is held the connection uses `PERSIST` instead, which commits by zeroing
//! the journal's header in place: as durable (the same syncs of the journal and the
//! database), and the file system's metadata is left alone. A 1,000-revision downgrade
//! took 10-15% less time that way (by hand: 2.3-2.9 s against 2.9-3.5 s).
//!
//! And from the run's first step on, the connection holds the database in exclusive
//! locking mode. In the normal mode SQLite closes the journal when each transaction's lock
//! is released, so the next one opens it again, checks it for a hot journal and, having
//! opened it with `O_CREAT`, syncs the folder once more: five syncs a commit (strace),
//! where holding the lock keeps the journal open and leaves four, as many as `DELETE`
//! makes. Syncs are most of a long run's time (an upgrade of 1,000 revisions: 0.9 s of
//! 1.3 s under strace); farm-bench measured that upgrade 0.82x, its downgrade 0.91x. What
//! it costs: other connections cannot read the database from the first step's commit
//! until the lock is released, where they could read between two revisions before, so an
//! application reading it during a deploy waits (its busy timeout) for the run rather than
//! for one step. They see the database as it was before the run or after it, never
//! half-way; Alembic holds the whole run in one transaction to the same effect.
//!
//! The mode is entered inside the first step's transaction, once `BEGIN IMMEDIATE` holds
//! the write lock ([`hold_from_here`]), not when the migration lock is taken: in exclusive
//! mode a read keeps its shared lock too, and a shared lock kept while another connection
//! holds the write lock would deadlock the two (it waits for our shared lock to commit, we
//! wait for its write lock), failing the application's write at its busy timeout. Once
//! ours holds the write lock, no other connection can take one.
//!
//! Only a connection in `DELETE` mode, and in the normal locking mode, is switched, and
//! back to both when the lock is released: that removes the journal (SQLite deletes it
//! only under a lock that keeps it from another connection's transaction) and releases
//! the file lock. WAL databases and connections an application set to another mode are
//! left as they are. Other connections keep their own mode: SQLite reads a journal with a
//! zeroed header as no transaction to roll back.
//!
//! Both switches are made only if they need no wait: reading the mode reads the schema,
//! which another connection's exclusive lock holds up, and the run's own statements are
//! the ones to wait for it, within the run's lock timeout. A switch that cannot be made
//! leaves the mode as it was, which costs only the time above.

use std::time::Duration;

use rusqlite::Connection;

use super::busy::without_waiting;

/// Switches `conn` from `DELETE` to `PERSIST` if that takes no wait and it is in the
/// normal locking mode; whether it did, so the caller knows to switch it back
/// ([`restore`]) and may [`hold_from_here`]. `wait` is the connection's busy timeout, set
/// again after.
pub(super) fn persist(conn: &Connection, wait: Duration) -> bool {
    let switched = without_waiting(conn, wait, || -> rusqlite::Result<bool> {
        let journal: String = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0))?;
        let locking: String = conn.query_row("PRAGMA locking_mode", [], |row| row.get(0))?;
        if !journal.eq_ignore_ascii_case("delete") || !locking.eq_ignore_ascii_case("normal") {
            return Ok(false);
        }
        switch(conn, "PRAGMA journal_mode = PERSIST").map(|()| true)
    });
    matches!(switched, Ok(Ok(true)))
}

/// Keeps the lock `conn` holds now, a transaction's write lock, until [`restore`]: called
/// right after `BEGIN IMMEDIATE`, so the commit's exclusive lock stays too.
pub(super) fn hold_from_here(conn: &Connection) {
    // Takes no lock by itself. A connection that stays in normal locking only loses the
    // time above; [`restore`] sets the normal mode either way.
    let _ = switch(conn, "PRAGMA locking_mode = EXCLUSIVE");
}

/// Puts `conn` back in normal locking and `DELETE` mode, which removes the journal
/// [`persist`] kept, and releases the file lock the run held.
pub(super) fn restore(conn: &Connection, wait: Duration) {
    // A journal left behind is one a later run removes; nothing here is worth failing a
    // run that has done its work.
    let _ = without_waiting(conn, wait, || {
        // Normal locking first: in exclusive mode SQLite would keep the journal.
        switch(conn, "PRAGMA locking_mode = NORMAL")?;
        switch(conn, "PRAGMA journal_mode = DELETE")?;
        // SQLite lets go of a lock kept in exclusive mode at the end of the next
        // transaction that reads the file, not when the mode changes.
        conn.query_row("PRAGMA schema_version", [], |row| row.get::<_, i64>(0))
            .map(drop)
    });
}

/// The pragma answers with the mode now in force: a row to read.
fn switch(conn: &Connection, pragma: &str) -> rusqlite::Result<()> {
    conn.query_row(pragma, [], |row| row.get::<_, String>(0))
        .map(drop)
}
