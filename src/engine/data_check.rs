//! `verify --data`: seeds every user table before a revision's up and, after its down,
//! proves the rows that were there are still there with the same values. Orchestrates over
//! the Backend trait (insert a row, read a table as text); the rows come from
//! [`plan_seed`](super::data_seed::plan_seed) and the comparison is pure.

use std::collections::BTreeMap;

use super::data_seed::plan_seed;
use super::error::EngineError;
use crate::backend::{Backend, Column, TextRows};
use crate::schema::{ConstraintKind, Schema};

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
            if let Err(error) = backend.insert_row(&table.table, &columns, row) {
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
        let name = table.name.name.to_string();
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
        let rows = read(backend, &name, &columns)?.unwrap_or_default();
        seeded.tables.push(TableRows {
            table: name,
            columns,
            key,
            rows,
        });
    }
    Ok(seeded)
}

fn read(
    backend: &mut dyn Backend,
    table: &str,
    columns: &[String],
) -> Result<Option<TextRows>, EngineError> {
    let columns: Vec<Column<'_>> = columns.iter().map(|c| Column::text(c)).collect();
    Ok(backend.read_table(table, &columns)?)
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
        let after = match read(backend, &before.table, &before.columns) {
            Ok(rows) => rows.unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        if let Some(loss) = compare(before, &after) {
            return Ok(Some(format!("down of {revision} {loss}")));
        }
    }
    Ok(None)
}

/// What changed between `before`'s rows and `after`, in words with one example row.
pub fn compare(before: &TableRows, after: &TextRows) -> Option<String> {
    let key_of = |row: &Vec<Option<String>>| -> Vec<Option<String>> {
        if before.key.is_empty() {
            row.clone()
        } else {
            before.key.iter().map(|&i| row[i].clone()).collect()
        }
    };
    let found: BTreeMap<Vec<Option<String>>, &Vec<Option<String>>> =
        after.iter().map(|row| (key_of(row), row)).collect();
    let lost: Vec<&Vec<Option<String>>> = before
        .rows
        .iter()
        .filter(|row| !found.contains_key(&key_of(row)))
        .collect();
    if !lost.is_empty() && before.key.is_empty() {
        // No key: a row whose one column changed reads as lost; match on the others.
        for index in 0..before.columns.len() {
            let mut keyed = before.clone();
            keyed.key = (0..before.columns.len()).filter(|&i| i != index).collect();
            if let Some(change) = compare(&keyed, after).filter(|c| c.starts_with("changed")) {
                return Some(change);
            }
        }
    }
    if let Some(example) = lost.first() {
        return Some(format!(
            "lost {} rows of {}; e.g. {}",
            lost.len(),
            before.table,
            show(&before.columns, example)
        ));
    }
    for (index, column) in before.columns.iter().enumerate() {
        let changed: Vec<_> = before
            .rows
            .iter()
            .filter_map(|row| {
                found
                    .get(&key_of(row))
                    .filter(|now| now[index] != row[index])
                    .map(|now| (row, now))
            })
            .collect();
        if let Some((was, now)) = changed.first() {
            return Some(format!(
                "changed column {column} of {} rows of {}; e.g. {} became {}",
                changed.len(),
                before.table,
                show(&before.columns, was),
                show(&before.columns, now)
            ));
        }
    }
    None
}

fn show(columns: &[String], row: &[Option<String>]) -> String {
    let fields: Vec<String> = columns
        .iter()
        .zip(row)
        .map(|(c, v)| {
            format!(
                "{c}={}",
                v.as_deref().map_or("NULL".into(), |v| format!("{v:?}"))
            )
        })
        .collect();
    format!("({})", fields.join(", "))
}
