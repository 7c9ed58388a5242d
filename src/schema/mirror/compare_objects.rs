//! The mirror comparison of the objects beside tables: indexes (unique constraints among
//! them), views and triggers. Pure.

use std::collections::BTreeMap;

use super::finding::{DialectOnly, MirrorFinding, Side, part};
use super::pairs::{Pair, list, pairs};
use super::reduced::{Logical, LogicalIndex};

/// Indexes and unique constraints are matched by what they do (table, keys, uniqueness,
/// partial or not), whatever their name or whether a constraint made them: a `UNIQUE`
/// column on one side and a `CREATE UNIQUE INDEX` on the other enforce the same. What is
/// left unmatched is paired by name (then it differs), else it exists on one side only.
/// Indexes of a table missing on one side are left to the table's finding.
pub(crate) fn indexes(sqlite: &Logical, postgres: &Logical, out: &mut Vec<MirrorFinding>) {
    let on_both = |index: &&LogicalIndex| {
        sqlite.tables.contains_key(&index.table) && postgres.tables.contains_key(&index.table)
    };
    let mut left: Vec<&LogicalIndex> = all(sqlite).filter(on_both).collect();
    let mut right: Vec<&LogicalIndex> = Vec::new();
    for index in all(postgres).filter(on_both) {
        match left.iter().position(|other| same_work(other, index)) {
            Some(at) => {
                left.swap_remove(at);
            }
            None => right.push(index),
        }
    }
    let by_name = |indexes: Vec<&LogicalIndex>| -> BTreeMap<String, LogicalIndex> {
        indexes
            .into_iter()
            .map(|index| (index.name.clone(), index.clone()))
            .collect()
    };
    let (left, right) = (by_name(left), by_name(right));
    for (_, pair) in pairs(&left, &right) {
        out.push(match pair {
            Pair::Only(side, index) => {
                MirrorFinding::only_on(side, index.object.clone(), Some(describe(index)))
            }
            Pair::Both(a, b) => {
                MirrorFinding::differs(a.object.clone(), &[part("", describe(a), describe(b))])
            }
        });
    }
}

/// Free-standing indexes and the unique constraints of tables.
fn all(logical: &Logical) -> impl Iterator<Item = &LogicalIndex> {
    let uniques = logical.tables.values().flat_map(|table| &table.uniques);
    logical.indexes.iter().map(|index| &**index).chain(uniques)
}

fn same_work(a: &LogicalIndex, b: &LogicalIndex) -> bool {
    (&a.table, &a.keys, a.unique, a.partial) == (&b.table, &b.keys, b.unique, b.partial)
}

/// `unique on users (email)`, `on trips (user_id) where …`.
fn describe(index: &LogicalIndex) -> String {
    format!(
        "{}on {} {}{}",
        if index.unique { "unique " } else { "" },
        index.table,
        list(&index.keys),
        if index.partial { " where …" } else { "" }
    )
}

/// Views by name: their SQL is the dialect's own, so only their existence is compared.
pub(crate) fn views(sqlite: &Logical, postgres: &Logical, out: &mut Vec<MirrorFinding>) {
    for (side, mine, theirs) in [
        (Side::Sqlite, sqlite, postgres),
        (Side::Postgres, postgres, sqlite),
    ] {
        for view in mine.views.difference(&theirs.views) {
            out.push(MirrorFinding::only_on(side, format!("view {view}"), None));
        }
    }
}

/// Triggers by name when both sides have some; when only one side does (PostgreSQL's
/// triggers often do what SQLite's default or application code does), they are listed.
pub(crate) fn triggers(
    sqlite: &Logical,
    postgres: &Logical,
    out: &mut Vec<MirrorFinding>,
    dialect_only: &mut Vec<DialectOnly>,
) {
    let compared = !sqlite.triggers.is_empty() && !postgres.triggers.is_empty();
    for (side, mine, theirs) in [
        (Side::Sqlite, sqlite, postgres),
        (Side::Postgres, postgres, sqlite),
    ] {
        for trigger in mine.triggers.difference(&theirs.triggers) {
            let object = format!("trigger {trigger}");
            if compared {
                out.push(MirrorFinding::only_on(side, object, None));
            } else {
                dialect_only.push(DialectOnly { side, object });
            }
        }
    }
}
