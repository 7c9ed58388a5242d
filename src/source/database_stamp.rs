//! A SQLite database file as `stat` and its header tell, so that a run can tell without
//! opening it that nothing wrote the file since an earlier run read it (see
//! `remembered_noop`).
//!
//! In SQLite's rollback-journal mode every commit writes the file (new ctime and mtime)
//! and moves the change counter in its header; the ctime cannot be set back by any tool.
//! Only a stamp whose ctime is older than [`SETTLED`] is taken, as for the directory's
//! stamps: a write in the same tick of a coarse file system clock shows a later ctime.
//! In WAL mode commits go to the `-wal` file and leave the database file alone, and a
//! `-journal` file beside it is a transaction under way: both are no stamp.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::stamps::Stamp;

/// The header's first bytes, as SQLite writes them.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The header's length: the change counter and the schema cookie are within.
const HEADER: usize = 100;

/// A SQLite file's `stat` and header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseStamp {
    file: Stamp,
    header: Vec<u8>,
}

impl DatabaseStamp {
    /// The file at `path`, or `None` when a stamp cannot vouch for it (see the module's
    /// documentation), with `settled_before` the time its ctime must be older than.
    pub fn read(path: &Path, settled_before: SystemTime) -> Option<Self> {
        for suffix in ["-wal", "-journal"] {
            if beside(path, suffix).symlink_metadata().is_ok() {
                return None;
            }
        }
        let file = Stamp::settled_file(path, settled_before)?;
        let mut header = vec![0; HEADER];
        std::io::Read::read_exact(&mut std::fs::File::open(path).ok()?, &mut header).ok()?;
        // Bytes 18 and 19: the write and read versions, 1 for the rollback journal.
        let rollback_journal = header[18] == 1 && header[19] == 1;
        (header.starts_with(MAGIC) && rollback_journal).then_some(Self { file, header })
    }
}

/// `path` with `suffix` added to its file name, as SQLite names its journals.
pub(crate) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn database(dir: &Path, journal_mode: &str) -> PathBuf {
        let path = dir.join("app.db");
        let connection = rusqlite::Connection::open(&path).unwrap();
        connection
            .execute_batch(&format!(
                "PRAGMA journal_mode = {journal_mode}; CREATE TABLE t (a INTEGER);"
            ))
            .unwrap();
        path
    }

    fn later() -> SystemTime {
        SystemTime::now() + Duration::from_secs(60)
    }

    #[test]
    fn a_commit_changes_the_stamp_and_a_read_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path(), "DELETE");
        let before = DatabaseStamp::read(&path, later()).expect("a stamp");
        let connection = rusqlite::Connection::open(&path).unwrap();
        let _: i64 = connection
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .unwrap();
        assert_eq!(DatabaseStamp::read(&path, later()), Some(before.clone()));
        connection.execute("INSERT INTO t VALUES (1)", []).unwrap();
        assert_ne!(DatabaseStamp::read(&path, later()), Some(before));
    }

    #[test]
    fn a_file_written_too_recently_or_in_wal_mode_has_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path(), "DELETE");
        assert_eq!(
            DatabaseStamp::read(&path, SystemTime::now() - Duration::from_secs(3600)),
            None
        );
        let wal = tempfile::tempdir().unwrap();
        let path = database(wal.path(), "WAL");
        assert_eq!(DatabaseStamp::read(&path, later()), None);
        std::fs::write(dir.path().join("other.db"), b"not a database, long enough to have a header of one hundred bytes ....................").unwrap();
        assert_eq!(
            DatabaseStamp::read(&dir.path().join("other.db"), later()),
            None
        );
    }
}
