//! `verify --data`, pure part: what changed between the rows a table had before a step
//! and the rows it has after, in words with one example row; and which seeded row to
//! show when an up fails on them.

use std::collections::BTreeMap;

use crate::backend::{RowsDigest, TextRows};
use crate::schema::QualifiedName;

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
    /// The backend's digest of the table when `rows` were read: a later equal digest
    /// means the rows are still these.
    pub digest: Option<RowsDigest>,
}

/// What changed between `before`'s rows and `after`, in words with one example row.
pub fn compare(before: &TableRows, after: &TextRows) -> Option<String> {
    compare_as(before, after, "lost")
}

/// As [`compare`], saying `lost` for rows that are gone (`deleted` for an up, which may
/// mean it).
pub fn compare_as(before: &TableRows, after: &TextRows, lost_word: &str) -> Option<String> {
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
            if let Some(change) =
                compare_as(&keyed, after, lost_word).filter(|c| c.starts_with("changed"))
            {
                return Some(change);
            }
        }
    }
    if let Some(example) = lost.first() {
        return Some(format!(
            "{lost_word} {} rows of {}; e.g. {}",
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

pub(super) fn show(columns: &[String], row: &[Option<String>]) -> String {
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

/// `before` narrowed to the columns in `keep` (a step dropped the others), its key too;
/// rows are matched whole when a key column is gone. `None` when no column is left.
pub fn narrowed(before: &TableRows, keep: &[&str]) -> Option<TableRows> {
    let positions: Vec<usize> = (0..before.columns.len())
        .filter(|&i| keep.contains(&before.columns[i].as_str()))
        .collect();
    if positions.is_empty() {
        return None;
    }
    let key = if before.key.iter().all(|k| positions.contains(k)) {
        before
            .key
            .iter()
            .filter_map(|k| positions.iter().position(|p| p == k))
            .collect()
    } else {
        Vec::new()
    };
    Some(TableRows {
        name: before.name.clone(),
        table: before.table.clone(),
        columns: positions
            .iter()
            .map(|&i| before.columns[i].clone())
            .collect(),
        key,
        rows: before
            .rows
            .iter()
            .map(|row| positions.iter().map(|&i| row[i].clone()).collect())
            .collect(),
        digest: before.digest,
    })
}

/// One seeded row of the first table with rows that `statement` names, as the example
/// of an up that failed on existing data: `items: (id="7", name="v7")`.
pub fn example_row(tables: &[TableRows], statement: &str) -> Option<String> {
    let words: Vec<String> = statement
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let named = |table: &TableRows| {
        let bare = table.name.name.to_ascii_lowercase();
        let label = table.table.to_ascii_lowercase();
        words.iter().any(|w| *w == bare || *w == label)
    };
    tables
        .iter()
        .filter(|t| !t.rows.is_empty())
        .find(|t| named(t))
        .map(|t| format!("{}: {}", t.table, show(&t.columns, &t.rows[0])))
}
