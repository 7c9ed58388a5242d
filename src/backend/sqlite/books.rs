//! A step's bookkeeping on SQLite: its record written and its revision's dirty mark
//! cleared, in the caller's transaction.

use rusqlite::Connection;

use super::progress::clear_mark;
use super::tracking::write_record;
use crate::backend::backend::Record;
use crate::backend::progress_table::ProgressTable;
use crate::backend::version_table::VersionTable;

/// Where a step's bookkeeping goes.
pub(super) struct Books<'a> {
    pub table: &'a VersionTable,
    /// The progress table, when it exists.
    pub progress: Option<&'a ProgressTable>,
}

impl Books<'_> {
    /// Writes a step's record and clears its revision's dirty mark (so `stamp` moves past
    /// a dirty revision too), in the caller's transaction.
    pub fn finish(
        &self,
        conn: &Connection,
        record: Record<'_>,
        duration_ms: i64,
    ) -> rusqlite::Result<()> {
        write_record(conn, self.table, record, duration_ms)?;
        match self.progress {
            Some(progress) => clear_mark(conn, progress, record.id()),
            None => Ok(()),
        }
    }
}
