//! Tracking rows read ahead on another thread, kept only while the database stays as it
//! was when they were read.
//!
//! A no-op `upgrade` or `check` over a long history reads the tracking rows once; reading
//! them while the migrations directory is read takes them off the critical path. They
//! are read before the migration lock is taken, so they are used under it only if nothing
//! has been committed since: SQLite's `data_version` changes when another connection
//! commits, `total_changes` when this one writes rows, `schema_version` on any DDL.

use rusqlite::Connection;

use crate::core::AppliedRevision;

/// What has to be unchanged for rows read earlier to still be the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DatabaseState {
    data_version: i64,
    schema_version: i64,
    total_changes: u64,
}

impl DatabaseState {
    /// The state of the database as `conn` sees it now.
    pub(crate) fn read(conn: &Connection) -> rusqlite::Result<Self> {
        let (data_version, schema_version) = conn.query_row(
            "SELECT d.data_version, s.schema_version \
             FROM pragma_data_version AS d, pragma_schema_version AS s",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok(Self {
            data_version,
            schema_version,
            total_changes: conn.total_changes(),
        })
    }
}

/// Rows read at a known state.
#[derive(Debug)]
pub(crate) struct RowsReadAhead {
    /// Read before the rows: a commit between the two makes the state differ later,
    /// so the rows are read again rather than trusted.
    pub(crate) at: DatabaseState,
    pub(crate) rows: Vec<AppliedRevision>,
}

impl RowsReadAhead {
    /// The rows, if the database is still in the state they were read at.
    pub(crate) fn still_current(self, conn: &Connection) -> Option<Vec<AppliedRevision>> {
        let now = DatabaseState::read(conn).ok()?;
        (now == self.at).then_some(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{Backend, Record, SqliteBackend, StepWork, VersionTable};
    use crate::core::{CHECKSUM_ALGORITHM, Checksum};

    /// The state before and after `act` runs on the first of two connections to one file
    /// (the second is another process's).
    fn states_around(act: impl FnOnce(&Connection, &Connection)) -> (DatabaseState, DatabaseState) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let first = Connection::open(&path).unwrap();
        first.execute_batch("CREATE TABLE t (x INT)").unwrap();
        let second = Connection::open(&path).unwrap();
        let before = DatabaseState::read(&first).unwrap();
        act(&first, &second);
        (before, DatabaseState::read(&first).unwrap())
    }

    #[test]
    fn nothing_committed_keeps_the_state() {
        let (before, after) = states_around(|first, _| {
            first
                .query_row("SELECT count(*) FROM t", [], |_| Ok(()))
                .unwrap();
        });
        assert_eq!(after, before);
    }

    #[test]
    fn a_commit_by_another_connection_changes_it() {
        let (before, after) = states_around(|_, second| {
            second.execute("INSERT INTO t VALUES (1)", []).unwrap();
        });
        assert_ne!(after, before);
    }

    #[test]
    fn rows_written_through_the_same_connection_change_it() {
        let (before, after) = states_around(|first, _| {
            first.execute("INSERT INTO t VALUES (1)", []).unwrap();
        });
        assert_ne!(after, before);
    }

    #[test]
    fn ddl_through_the_same_connection_changes_it() {
        let (before, after) = states_around(|first, _| {
            first.execute_batch("DROP TABLE t").unwrap();
        });
        assert_ne!(after, before);
    }

    fn row(id: &str) -> AppliedRevision {
        let sql = format!("CREATE TABLE t{id} (id INT);");
        AppliedRevision {
            id: id.parse().unwrap(),
            slug: "step".into(),
            up_checksum: Checksum::of_text(&sql),
            down_checksum: None,
            checksum_algorithm: CHECKSUM_ALGORITHM.into(),
            up_sql: Some(sql.into()),
            down_sql: None,
            applied_at: "2026-01-01T00:00:00Z".into(),
            duration_ms: 1,
        }
    }

    fn record(backend: &mut SqliteBackend, id: &str) {
        let row = row(id);
        let work = StepWork {
            script: None,
            record: Record::Insert(&row),
        };
        backend.run_step(work).unwrap();
    }

    fn applied_ids(backend: &mut SqliteBackend) -> Vec<String> {
        let rows = backend.applied().unwrap();
        rows.iter().map(|row| row.id.to_string()).collect()
    }

    /// Another process migrating between the read-ahead and the lock: its rows count.
    #[test]
    fn rows_another_connection_commits_after_the_read_ahead_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let mut first = SqliteBackend::open(&path, VersionTable::default()).unwrap();
        let mut second = SqliteBackend::open(&path, VersionTable::default()).unwrap();
        first.ensure_version_table().unwrap();
        record(&mut first, "1");
        first.read_ahead();
        record(&mut second, "2");
        assert_eq!(applied_ids(&mut first), ["1", "2"]);
    }

    #[test]
    fn rows_the_same_backend_writes_after_the_read_ahead_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut backend =
            SqliteBackend::open(&dir.path().join("app.db"), VersionTable::default()).unwrap();
        backend.ensure_version_table().unwrap();
        backend.read_ahead();
        record(&mut backend, "1");
        assert_eq!(applied_ids(&mut backend), ["1"]);
        assert_eq!(
            applied_ids(&mut backend),
            ["1"],
            "read again, not taken from nothing"
        );
    }
}
