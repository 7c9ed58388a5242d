//! `verify --data`: seeds every user table before a revision's up and, after its down,
//! proves the rows that were there are still there with the same values. Orchestrates over
//! the Backend trait (insert a row, read a table as text); the rows come from
//! [`plan_seed`](super::data_seed::plan_seed) and the comparison is pure.

use super::data_compare::{compare, compare_as, narrowed};
use super::data_seed::{label, plan_seed};
use super::error::EngineError;
use crate::backend::{Backend, Column, TextRows};
use crate::schema::{ConstraintKind, QualifiedName, Schema};

/// How `verify --data` fills tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataOptions {
    /// Printed in the report; the same seed writes the same rows (`--seed N`).
    pub seed: u64,
    /// Rows written into each table before each revision's up.
    pub rows: usize,
}

/// One table's rows as they were before the up.
#[derive(Debug, Clone)]
pub struct TableRows {
    pub name: QualifiedName,
    /// The name as reports show it.
    pub table: String,
    pub columns: Vec<String>,
    /// Positions in `columns` of the primary key; empty: rows are matched whole.
    pub key: Vec<usize>,
    pub rows: TextRows,
}

/// What seeding left: the rows to find again, and the tables skipped with why.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub tables: Vec<TableRows>,
    pub skipped: Vec<(String, String)>,
}

/// Writes round `round`'s rows into the tables of `schema` and reads every table back.
pub fn seed(
    backend: &mut dyn Backend,
    schema: &Schema,
    options: DataOptions,
    round: u64,
) -> Result<Seeded, EngineError> {
    let plan = plan_seed(schema, options.seed, round, options.rows);
    let mut seeded = Seeded {
        skipped: plan.skipped,
        ..Seeded::default()
    };
    for table in &plan.tables {
        let columns: Vec<&str> = table.columns.iter().map(String::as_str).collect();
        for row in &table.rows {
            if let Err(error) = backend.insert_row(&table.name, &columns, row) {
                // A CHECK or trigger the generator cannot read refused the row.
                seeded.skipped.push((
                    table.table.clone(),
                    format!("a generated row was refused: {error}"),
                ));
                break;
            }
        }
    }
    for table in schema.tables.values() {
        let columns: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !c.hidden)
            .map(|c| c.name.clone())
            .collect();
        let key = table
            .constraints
            .values()
            .find_map(|c| match &c.kind {
                ConstraintKind::PrimaryKey { columns: key, .. } => Some(key.clone()),
                _ => None,
            })
            .unwrap_or_default()
            .iter()
            .filter_map(|k| columns.iter().position(|c| c == k))
            .collect();
        let rows = read(backend, &table.name, &columns)?.unwrap_or_default();
        seeded.tables.push(TableRows {
            name: table.name.clone(),
            table: label(&table.name),
            columns,
            key,
            rows,
        });
    }
    Ok(seeded)
}

fn read(
    backend: &mut dyn Backend,
    table: &QualifiedName,
    columns: &[String],
) -> Result<Option<TextRows>, EngineError> {
    let columns: Vec<Column<'_>> = columns.iter().map(|c| Column::text(c)).collect();
    Ok(backend.read_user_table(table, &columns)?)
}

/// After the down: the first table whose rows did not survive, as the verdict's words.
pub fn check_survived(
    backend: &mut dyn Backend,
    seeded: &Seeded,
    revision: &str,
) -> Result<Option<String>, EngineError> {
    for before in &seeded.tables {
        if before.rows.is_empty() {
            continue;
        }
        // A column the down dropped shows in the schema diff; read the rest.
        let after = match read(backend, &before.name, &before.columns) {
            Ok(rows) => rows.unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        if let Some(loss) = compare(before, &after) {
            return Ok(Some(format!("down of {revision} {loss}")));
        }
    }
    Ok(None)
}

/// After the up: what it deleted or changed of the seeded rows, one line per table, in
/// the columns the up kept. Warnings, not failures: a data migration means to. A table
/// the up dropped shows in the schema; it is not read.
pub fn check_kept_by_up(
    backend: &mut dyn Backend,
    seeded: &Seeded,
    after_up: &Schema,
    revision: &str,
) -> Result<Vec<String>, EngineError> {
    let mut warnings = Vec::new();
    for before in seeded.tables.iter().filter(|t| !t.rows.is_empty()) {
        let Some(table) = after_up.tables.get(&before.name) else {
            continue;
        };
        let kept: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let Some(before) = narrowed(before, &kept) else {
            continue;
        };
        let after = read(backend, &before.name, &before.columns)?.unwrap_or_default();
        if let Some(change) = compare_as(&before, &after, "deleted") {
            warnings.push(format!("up of {revision} {change}"));
        }
    }
    Ok(warnings)
}
