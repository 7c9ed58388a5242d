//! The progress table's SQL, written once for every backend: how far each running
//! `-- migrate:no-transaction` script got, so a failure or a crash leaves a dirty mark
//! behind. Values are bound; only the (quoted) table name is spliced in.
//!
//! A separate table rather than new columns on the tracking table, so tracking tables
//! written by earlier versions need no change and `applied()` stays exactly the applied
//! revisions.

use super::dialect::Dialect;
use super::sql_value::SqlValue;
use super::version_table::VersionTable;
use crate::core::{DirtyRevision, RevisionId};

/// The progress table beside a tracking table: same schema, name suffixed `_progress`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressTable {
    table: VersionTable,
}

/// The columns in the order [`ProgressTable::upsert`] binds them and
/// [`ProgressTable::select`] returns them.
pub const PROGRESS_COLUMNS: [&str; 6] = [
    "revision",
    "direction",
    "statements_done",
    "statement_count",
    "failed_statement",
    "error",
];

impl ProgressTable {
    /// The progress table of `tracking`.
    pub fn beside(tracking: &VersionTable) -> Self {
        Self {
            table: VersionTable {
                schema: tracking.schema.clone(),
                name: format!("{}_progress", tracking.name),
            },
        }
    }

    /// The table's name, unquoted.
    pub fn name(&self) -> &str {
        &self.table.name
    }

    /// The table's name, schema-qualified and quoted.
    pub fn qualified(&self, dialect: Dialect) -> String {
        self.table.qualified(dialect)
    }

    /// Creates the table when it is missing.
    pub fn create(&self, dialect: Dialect) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n\
             \x20   revision TEXT PRIMARY KEY,\n\
             \x20   direction TEXT NOT NULL,\n\
             \x20   statements_done BIGINT NOT NULL,\n\
             \x20   statement_count BIGINT NOT NULL,\n\
             \x20   failed_statement TEXT,\n\
             \x20   error TEXT\n\
             )",
            self.qualified(dialect)
        )
    }

    /// Records (or updates) a revision's progress; binds [`PROGRESS_COLUMNS`] in order.
    /// `ON CONFLICT … DO UPDATE` is spelled the same by PostgreSQL and SQLite ≥ 3.24.
    pub fn upsert(&self, dialect: Dialect) -> String {
        let placeholders: Vec<String> = (1..=PROGRESS_COLUMNS.len())
            .map(|n| dialect.placeholder(n))
            .collect();
        let updates: Vec<String> = PROGRESS_COLUMNS[1..]
            .iter()
            .map(|column| format!("{column} = excluded.{column}"))
            .collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (revision) DO UPDATE SET {}",
            self.qualified(dialect),
            PROGRESS_COLUMNS.join(", "),
            placeholders.join(", "),
            updates.join(", ")
        )
    }

    /// Clears a revision's mark; binds the revision id. The same statement as the
    /// tracking table's, on this table.
    pub fn delete(&self, dialect: Dialect) -> String {
        self.table.delete(dialect)
    }

    /// Reads every mark, [`PROGRESS_COLUMNS`] in order.
    pub fn select(&self, dialect: Dialect) -> String {
        self.table.select_columns(dialect, &PROGRESS_COLUMNS)
    }
}

/// The values [`ProgressTable::upsert`] binds, in [`PROGRESS_COLUMNS`] order.
pub fn progress_values(dirty: &DirtyRevision) -> [SqlValue<'_>; 6] {
    fn text(text: Option<&str>) -> SqlValue<'_> {
        SqlValue::Text(text.map(Into::into))
    }
    let count = |n: usize| SqlValue::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    [
        text(Some(dirty.id.as_str())),
        text(Some(dirty.direction.as_str())),
        count(dirty.statements_done),
        count(dirty.statement_count),
        text(dirty.failed_statement.as_deref()),
        text(dirty.error.as_deref()),
    ]
}

/// A progress row as read from the database, before its values are checked.
#[derive(Debug, Clone, Default)]
pub struct RawProgress {
    pub revision: String,
    pub direction: String,
    pub statements_done: i64,
    pub statement_count: i64,
    pub failed_statement: Option<String>,
    pub error: Option<String>,
}

impl RawProgress {
    /// Checks the row's values; the error names the revision and what is wrong.
    pub fn into_dirty(self) -> Result<DirtyRevision, String> {
        let id: RevisionId = self
            .revision
            .parse()
            .map_err(|error| format!("row {:?}: {error}", self.revision))?;
        let direction = self
            .direction
            .parse()
            .map_err(|error| format!("row {id}: {error}"))?;
        let count = |column: &str, n: i64| {
            usize::try_from(n).map_err(|_| format!("row {id}, column {column}: {n} is negative"))
        };
        Ok(DirtyRevision {
            statements_done: count("statements_done", self.statements_done)?,
            statement_count: count("statement_count", self.statement_count)?,
            id,
            direction,
            failed_statement: self.failed_statement,
            error: self.error,
            last_done: None,
        })
    }
}

/// The marks as [`super::Backend::dirty`] returns them: each checked, sorted by revision
/// id. The error names the row at fault.
pub(crate) fn sorted_dirty(rows: Vec<RawProgress>) -> Result<Vec<DirtyRevision>, String> {
    let mut dirty = rows
        .into_iter()
        .map(RawProgress::into_dirty)
        .collect::<Result<Vec<_>, _>>()?;
    dirty.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(dirty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sits_beside_the_tracking_table() {
        let tracking = VersionTable {
            schema: Some("app".into()),
            name: "history".into(),
        };
        let progress = ProgressTable::beside(&tracking);
        assert_eq!(
            progress.qualified(Dialect::Postgres),
            r#""app"."history_progress""#
        );
        assert!(
            progress
                .upsert(Dialect::Sqlite)
                .contains("VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        );
        assert!(
            progress
                .upsert(Dialect::Postgres)
                .ends_with("error = excluded.error")
        );
    }

    #[test]
    fn the_same_sql_runs_on_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let table = ProgressTable::beside(&VersionTable::default());
        conn.execute_batch(&table.create(Dialect::Sqlite)).unwrap();
        let mut dirty = DirtyRevision {
            id: "1".parse().unwrap(),
            direction: crate::core::Direction::Up,
            statements_done: 0,
            statement_count: 2,
            failed_statement: None,
            error: None,
            last_done: None,
        };
        for done in [0, 1] {
            dirty.statements_done = done;
            let values = progress_values(&dirty).map(|value| match value {
                SqlValue::Text(text) => rusqlite::types::Value::from(text.map(String::from)),
                SqlValue::Integer(n) => rusqlite::types::Value::Integer(n),
            });
            let params = rusqlite::params_from_iter(values);
            conn.execute(&table.upsert(Dialect::Sqlite), params)
                .unwrap();
        }
        let done: i64 = conn
            .query_row(&table.select(Dialect::Sqlite), [], |row| row.get(2))
            .unwrap();
        assert_eq!(done, 1, "the second write updated the first");
    }

    #[test]
    fn a_negative_count_is_refused() {
        let raw = RawProgress {
            revision: "1".into(),
            direction: "up".into(),
            statements_done: -1,
            ..RawProgress::default()
        };
        assert!(raw.into_dirty().unwrap_err().contains("statements_done"));
    }
}
