//! The SQL of staged step records: the session's temporary table, the statement that
//! fills it ahead of the steps, and the prepared statement each step's message ends with,
//! one per [`Variant`].

use std::borrow::Cow;

use crate::backend::backend::Record;
use crate::backend::dialect::Dialect;
use crate::backend::progress_table::ProgressTable;
use crate::backend::version_table::{
    APPLIED_AT_TO_CHAR, TRACKING_COLUMNS, VersionTable, insert_values,
};
use crate::core::Direction;

/// The temporary table, in the session's own schema.
pub(super) const STAGED: &str = "pg_temp.migrate_staged_records";

/// The name in every error the staged statements can raise, so such an error is told
/// from the script's own.
pub(super) const STAGED_NAME: &str = "migrate_staged_records";

/// The columns of a record that are known before its step runs: the tracking table's,
/// without `applied_at` and `duration_ms`, which the server fills in as the step ends.
pub(super) const KNOWN_AHEAD: usize = TRACKING_COLUMNS.len() - 2;

/// The column the record statement returns, by which a step knows it ran.
pub(super) const RECORDED: &str = "migrate_recorded";

/// Which record statement a step executes: an insert or a delete, with or without
/// clearing a dirty mark in the progress table (which exists only once a no-transaction
/// script has run).
#[derive(Clone, Copy)]
pub(super) struct Variant {
    pub(super) direction: Direction,
    pub(super) progress: bool,
}

impl Variant {
    pub(super) const ALL: [Self; 4] = [
        Self {
            direction: Direction::Up,
            progress: false,
        },
        Self {
            direction: Direction::Up,
            progress: true,
        },
        Self {
            direction: Direction::Down,
            progress: false,
        },
        Self {
            direction: Direction::Down,
            progress: true,
        },
    ];

    pub(super) fn index(self) -> usize {
        usize::from(self.direction == Direction::Down) * 2 + usize::from(self.progress)
    }

    /// The prepared statement's name, which holds [`STAGED_NAME`] as every error about
    /// it does.
    pub(super) fn name(self) -> String {
        let direction = match self.direction {
            Direction::Up => "insert",
            Direction::Down => "delete",
        };
        let progress = if self.progress { "_and_clear_mark" } else { "" };
        format!("{STAGED_NAME}_{direction}{progress}")
    }
}

/// The values of a record known before its step runs, in [`TRACKING_COLUMNS`] order; only the
/// revision for a deletion.
pub(super) fn known_ahead(record: Record<'_>) -> Vec<Option<Cow<'_, str>>> {
    fn known(value: crate::backend::SqlValue<'_>) -> Option<Cow<'_, str>> {
        match value {
            crate::backend::SqlValue::Text(text) => text,
            crate::backend::SqlValue::Integer(number) => Some(number.to_string().into()),
        }
    }
    match record {
        Record::Insert(row) => insert_values(row, 0)
            .into_iter()
            .take(KNOWN_AHEAD)
            .map(known)
            .collect(),
        Record::InsertMade { make, .. } => insert_values(&make(), 0)
            .into_iter()
            .take(KNOWN_AHEAD)
            .map(|value| known(value).map(|text| Cow::Owned(text.into_owned())))
            .collect(),
        Record::Delete(id) => {
            let mut values = vec![None; KNOWN_AHEAD];
            values[0] = Some(id.as_str().into());
            values
        }
    }
}

pub(super) fn create_sql() -> String {
    let columns: Vec<String> = TRACKING_COLUMNS[..KNOWN_AHEAD]
        .iter()
        .map(|column| format!("{column} TEXT"))
        .collect();
    format!(
        "CREATE TEMPORARY TABLE IF NOT EXISTS {STAGED_NAME} (position BIGINT PRIMARY KEY, {})",
        columns.join(", ")
    )
}

/// Replaces the staged rows with new ones, each column bound as one array.
pub(super) fn stage_sql() -> String {
    let arrays: Vec<String> = (0..KNOWN_AHEAD)
        .map(|index| format!("${}::text[]", index + 2))
        .collect();
    format!(
        "WITH cleared AS (DELETE FROM {STAGED}) \
         INSERT INTO {STAGED} (position, {}) SELECT * FROM unnest($1::bigint[], {})",
        TRACKING_COLUMNS[..KNOWN_AHEAD].join(", "),
        arrays.join(", ")
    )
}

/// The statement, prepared once per session, that takes the first staged record and
/// writes it: inserts the tracking row or deletes it, and clears the revision's dirty
/// mark. It fails unless exactly one record was staged for it, and returns one row under
/// [`RECORDED`].
pub(super) fn record_sql(
    direction: Direction,
    table: &VersionTable,
    progress: Option<&ProgressTable>,
) -> String {
    let dialect = Dialect::Postgres;
    let tracking = table.qualified(dialect);
    let known = TRACKING_COLUMNS[..KNOWN_AHEAD].join(", ");
    let take_first = format!(
        "next AS (DELETE FROM {STAGED} \
         WHERE position = (SELECT min(position) FROM {STAGED}) RETURNING {known})"
    );
    let write = match direction {
        // The step's time, as the server sees it: the message arrived at
        // `statement_timestamp()` and the script has run by `clock_timestamp()`.
        Direction::Up => format!(
            "written AS (INSERT INTO {tracking} ({}) SELECT {known}, \
             to_char(clock_timestamp() AT TIME ZONE 'UTC', '{APPLIED_AT_TO_CHAR}'), \
             (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::bigint \
             FROM next RETURNING 1)",
            TRACKING_COLUMNS.join(", ")
        ),
        Direction::Down => format!(
            "written AS (DELETE FROM {tracking} WHERE revision IN (SELECT revision FROM next) \
             RETURNING 1)"
        ),
    };
    let clear_mark = progress.map_or_else(String::new, |progress| {
        format!(
            ", cleared AS (DELETE FROM {} WHERE revision IN (SELECT revision FROM next))",
            progress.qualified(dialect)
        )
    });
    // The cast fails with a message naming the staged table when not exactly one record
    // was taken; it depends on the count, so the planner cannot fold it ahead of time.
    format!(
        "WITH {take_first}, {write}{clear_mark} \
         SELECT CASE WHEN count(*) = 1 THEN true \
         ELSE pg_catalog.bool('{STAGED_NAME}: ' || count(*) || ' records for one step') END \
         AS {RECORDED} FROM next"
    )
}
