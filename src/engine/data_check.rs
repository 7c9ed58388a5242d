//! `verify --data`: seeds every user table before a revision's up and, after its down,
//! proves the rows that were there are still there with the same values. Orchestrates over
//! the Backend trait (insert a row, read a table as text); the rows come from
//! [`plan_seed`](super::data_seed::plan_seed) and the comparison is pure.

use std::collections::{BTreeMap, BTreeSet};

pub use super::data_compare::TableRows;
use super::data_compare::{compare, compare_as, narrowed};
use super::data_reach::Reached;
use super::data_seed::{SeedRound, SeedTable, label, plan_seed};
use super::error::EngineError;
use crate::backend::{Backend, Column, RowsDigest, SqlValue, TextRows};
use crate::schema::{ConstraintKind, QualifiedName, Schema, Table};

/// How `verify --data` fills tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataOptions {
    /// Printed in the report; the same seed writes the same rows (`--seed N`).
    pub seed: u64,
    /// Rows written into each table before each revision's up.
    pub rows: usize,
}

/// What seeding left: the rows to find again, and the tables skipped with why.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub tables: Vec<TableRows>,
    pub skipped: Vec<(String, String)>,
}

/// The tables filled so far, by label, with the columns they had then: a table gets new
/// rows when it has too few or its columns changed (a new column's values must be there
/// for a later down to lose), so tables stay small over a long history.
pub type Filled = BTreeMap<String, Vec<String>>;

/// What the walk knows of the tables before seeding: the rows it read last, and the
/// tables whose rows may have changed since.
pub struct Known {
    pub tables: Vec<TableRows>,
    pub since: Reached,
}

/// Tops up the tables of `schema` with round `round`'s rows (a table with fewer than
/// `options.rows` rows, or new columns since `filled`, and the parents its foreign keys
/// take values from) and reads every table back (a known one only if `known.since`
/// reaches it).
pub fn seed(
    backend: &mut dyn Backend,
    schema: &Schema,
    options: DataOptions,
    round: u64,
    state: (&mut Filled, Known),
) -> Result<Seeded, EngineError> {
    let (filled, known) = state;
    let tables = schema.tables.values().map(AsRef::as_ref);
    let mut tables = read_all(backend, tables, known.tables, &known.since)?;
    let wanted: BTreeSet<String> = tables
        .iter()
        .filter(|t| t.rows.len() < options.rows || filled.get(&t.table) != Some(&t.columns))
        .map(|t| t.table.clone())
        .collect();
    let mut seeded = Seeded::default();
    if wanted.is_empty() {
        seeded.tables = tables;
        return Ok(seeded);
    }
    let round = SeedRound {
        seed: options.seed,
        round,
        rows: options.rows,
    };
    let existing: Vec<SeedTable> = tables.iter().map(as_seed).collect();
    let plan = plan_seed(schema, round, Some(&wanted), &existing);
    seeded.skipped = plan.skipped;
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
    // What was written, read back as the database keeps it.
    let written: Vec<&Table> = plan
        .tables
        .iter()
        .filter_map(|t| schema.tables.get(&t.name).map(AsRef::as_ref))
        .collect();
    for again in read_all(backend, written.into_iter(), Vec::new(), &Reached::All)? {
        filled.insert(again.table.clone(), again.columns.clone());
        if let Some(slot) = tables.iter_mut().find(|t| t.name == again.name) {
            *slot = again;
        }
    }
    seeded.tables = tables;
    Ok(seeded)
}

/// Rows read back, as values a child row's foreign key can take: each as text, which
/// both databases convert to the column's type on insert.
fn as_seed(table: &TableRows) -> SeedTable {
    SeedTable {
        name: table.name.clone(),
        table: table.table.clone(),
        columns: table.columns.clone(),
        rows: table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|value| SqlValue::Text(value.clone().map(Into::into)))
                    .collect()
            })
            .collect(),
    }
}

/// Every row of each table, by its visible columns, matched by primary key; a table in
/// `known` with the same columns is read only if `reached` says it may have changed and
/// its digest says it did.
fn read_all<'a>(
    backend: &mut dyn Backend,
    tables: impl Iterator<Item = &'a Table>,
    mut known: Vec<TableRows>,
    reached: &Reached,
) -> Result<Vec<TableRows>, EngineError> {
    let mut out: Vec<TableRows> = tables
        .map(|table| {
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
            TableRows {
                name: table.name.clone(),
                table: label(&table.name),
                columns,
                key,
                rows: Vec::new(),
                digest: None,
            }
        })
        .collect();
    for table in &mut out {
        let found = known
            .iter_mut()
            .find(|k| k.name == table.name && k.columns == table.columns);
        if let Some(known) = found {
            table.rows = std::mem::take(&mut known.rows);
            table.digest = known.digest;
        }
    }
    // A table not known has no digest: it is read in full.
    let now = reread(backend, &out.iter().collect::<Vec<_>>(), reached)?;
    for (table, (now, digest)) in out.iter_mut().zip(now) {
        table.digest = digest;
        match now {
            Now::Same => {}
            Now::Gone => table.rows = Vec::new(),
            Now::Changed(rows) => table.rows = rows,
        }
    }
    Ok(out)
}

/// What a table holds now, beside the rows it had when last read.
enum Now {
    Same,
    Gone,
    Changed(TextRows),
}

/// Each of `tables` against the rows it had: the same (not reached since it was read, or
/// by digest), gone, or changed (then read in full). Most tables are not touched by a
/// step: not even their digest is computed.
fn reread(
    backend: &mut dyn Backend,
    tables: &[&TableRows],
    reached: &Reached,
) -> Result<Vec<(Now, Option<RowsDigest>)>, EngineError> {
    // A table read before (it has a digest) that no step since can have written.
    let unchanged = |t: &TableRows| t.digest.is_some() && !reached.contains(&t.name);
    let asked: Vec<&TableRows> = tables.iter().copied().filter(|t| !unchanged(t)).collect();
    let mut answers = if asked.is_empty() {
        Vec::new()
    } else {
        reread_all(backend, &asked)?
    }
    .into_iter();
    Ok(tables
        .iter()
        .map(|t| match unchanged(t) {
            true => (Now::Same, t.digest),
            false => answers.next().unwrap_or((Now::Gone, None)),
        })
        .collect())
}

/// As [`reread`], asking the backend of every table.
fn reread_all(
    backend: &mut dyn Backend,
    tables: &[&TableRows],
) -> Result<Vec<(Now, Option<RowsDigest>)>, EngineError> {
    let list: Vec<(&QualifiedName, &[String])> = tables
        .iter()
        .map(|t| (&t.name, t.columns.as_slice()))
        .collect();
    let Ok(digests) = backend.digest_user_tables(&list) else {
        // A table the backend cannot digest: each is read in full.
        let rows = read_many(backend, tables.iter().copied())?;
        return Ok(rows
            .into_iter()
            .map(|rows| (rows.map_or(Now::Gone, Now::Changed), None))
            .collect());
    };
    let changed: Vec<usize> = (0..tables.len())
        .filter(|&i| {
            digests[i].is_some() && (tables[i].digest.is_none() || digests[i] != tables[i].digest)
        })
        .collect();
    let mut rows = read_many(backend, changed.iter().map(|&i| tables[i]))?.into_iter();
    Ok(digests
        .into_iter()
        .enumerate()
        .map(|(index, digest)| {
            let now = match digest {
                None => Now::Gone,
                Some(_) if changed.contains(&index) => {
                    rows.next().flatten().map_or(Now::Gone, Now::Changed)
                }
                Some(_) => Now::Same,
            };
            (now, digest)
        })
        .collect())
}

/// The rows `now` holds, for a comparison with what was there.
fn rows_now<'a>(before: &'a TableRows, now: &'a Now) -> Option<&'a TextRows> {
    static EMPTY: TextRows = Vec::new();
    match now {
        Now::Same => None,
        Now::Gone => Some(&EMPTY),
        Now::Changed(rows) => Some(rows),
    }
    .filter(|_| !before.columns.is_empty())
}

/// The rows of each table, by its columns, in one call; `None` for a table that is gone.
/// Where the call fails (a column the step dropped), each table is read alone, and one
/// that cannot be read counts as empty.
fn read_many<'a>(
    backend: &mut dyn Backend,
    tables: impl Iterator<Item = &'a TableRows>,
) -> Result<Vec<Option<TextRows>>, EngineError> {
    let tables: Vec<(&QualifiedName, &[String])> =
        tables.map(|t| (&t.name, t.columns.as_slice())).collect();
    if let Ok(rows) = backend.read_user_tables(&tables) {
        return Ok(rows);
    }
    Ok(tables
        .iter()
        .map(|(name, columns)| read(backend, name, columns).unwrap_or(Some(Vec::new())))
        .collect())
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
    reached: &Reached,
) -> Result<Option<String>, EngineError> {
    let before: Vec<&TableRows> = seeded
        .tables
        .iter()
        .filter(|t| !t.rows.is_empty())
        .collect();
    // A column the down dropped shows in the schema diff; a table it dropped lost its rows.
    let after = reread(backend, &before, reached)?;
    for (before, (now, _)) in before.into_iter().zip(&after) {
        if let Some(loss) = rows_now(before, now).and_then(|rows| compare(before, rows)) {
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
    after_up: (&Schema, &Reached),
    revision: &str,
) -> Result<Vec<String>, EngineError> {
    let (after_up, reached) = after_up;
    let mut kept_tables = Vec::new();
    for before in seeded.tables.iter().filter(|t| !t.rows.is_empty()) {
        let Some(table) = after_up.tables.get(&before.name) else {
            continue;
        };
        let kept: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        kept_tables.extend(narrowed(before, &kept));
    }
    let after = reread(backend, &kept_tables.iter().collect::<Vec<_>>(), reached)?;
    let mut warnings = Vec::new();
    for (before, (now, _)) in kept_tables.iter().zip(&after) {
        let change = rows_now(before, now).and_then(|rows| compare_as(before, rows, "deleted"));
        if let Some(change) = change {
            warnings.push(format!("up of {revision} {change}"));
        }
    }
    Ok(warnings)
}
