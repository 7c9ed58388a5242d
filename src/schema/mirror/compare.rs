//! The mirror comparison of two schemas, one from a SQLite set and one from a PostgreSQL
//! set: tables, columns (type family, nullability, comparable defaults), primary keys and
//! foreign keys here; indexes, views and triggers in `compare_objects`. Pure.

use std::collections::{BTreeMap, BTreeSet};

use super::super::model::Schema;
use super::super::table::FkAction;
use super::compare_objects::{indexes, triggers, views};
use super::finding::{DialectOnly, MirrorDiff, MirrorFinding, Side, part};
use super::logical::{Logical, LogicalColumn, LogicalForeignKey, LogicalTable};

/// What differs between the schema a SQLite set made and the one its PostgreSQL mirror
/// made, at the logical level both dialects share; and what only one of them has.
pub fn mirror_diff(sqlite: &Schema, postgres: &Schema) -> MirrorDiff {
    let sqlite = Logical::of(sqlite, Side::Sqlite);
    let postgres = Logical::of(postgres, Side::Postgres);
    let mut findings = Vec::new();
    for (name, pair) in pairs(&sqlite.tables, &postgres.tables) {
        let object = format!("table {name}");
        match pair {
            Pair::Only(side, _) => findings.push(MirrorFinding::only_on(side, object, None)),
            Pair::Both(a, b) => table(name, a, b, &mut findings),
        }
    }
    indexes(&sqlite, &postgres, &mut findings);
    views(&sqlite, &postgres, &mut findings);
    let mut dialect_only: Vec<DialectOnly> = [(Side::Sqlite, &sqlite), (Side::Postgres, &postgres)]
        .into_iter()
        .flat_map(|(side, logical)| {
            logical.dialect_only.iter().map(move |object| DialectOnly {
                side,
                object: object.clone(),
            })
        })
        .collect();
    triggers(&sqlite, &postgres, &mut findings, &mut dialect_only);
    findings.sort();
    findings.dedup();
    dialect_only.sort();
    dialect_only.dedup();
    MirrorDiff {
        findings,
        dialect_only,
    }
}

/// What a name stands for on each side.
pub(crate) enum Pair<'a, T> {
    Only(Side, &'a T),
    Both(&'a T, &'a T),
}

/// Every key of either map, in order, with what each side holds under it.
pub(crate) fn pairs<'a, K: Ord, T>(
    sqlite: &'a BTreeMap<K, T>,
    postgres: &'a BTreeMap<K, T>,
) -> Vec<(&'a K, Pair<'a, T>)> {
    let keys: BTreeSet<&K> = sqlite.keys().chain(postgres.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let pair = match (sqlite.get(key), postgres.get(key)) {
                (Some(a), Some(b)) => Pair::Both(a, b),
                (Some(a), None) => Pair::Only(Side::Sqlite, a),
                (None, Some(b)) => Pair::Only(Side::Postgres, b),
                (None, None) => return None,
            };
            Some((key, pair))
        })
        .collect()
}

fn table(name: &str, sqlite: &LogicalTable, postgres: &LogicalTable, out: &mut Vec<MirrorFinding>) {
    for (column, pair) in pairs(&sqlite.columns, &postgres.columns) {
        let object = format!("column {name}.{column}");
        match pair {
            Pair::Only(side, only) => {
                out.push(MirrorFinding::only_on(side, object, Some(describe(only))));
            }
            Pair::Both(a, b) => {
                let parts = column_parts(a, b);
                if !parts.is_empty() {
                    out.push(MirrorFinding::differs(object, &parts));
                }
            }
        }
    }
    let object = format!("primary key of {name}");
    match (&sqlite.primary_key, &postgres.primary_key) {
        (Some(a), Some(b)) if a != b => {
            out.push(MirrorFinding::differs(
                object,
                &[part("", list(a), list(b))],
            ));
        }
        (Some(key), None) => {
            out.push(MirrorFinding::only_on(
                Side::Sqlite,
                object,
                Some(key.join(", ")),
            ));
        }
        (None, Some(key)) => {
            out.push(MirrorFinding::only_on(
                Side::Postgres,
                object,
                Some(key.join(", ")),
            ));
        }
        _ => {}
    }
    foreign_keys(name, &sqlite.foreign_keys, &postgres.foreign_keys, out);
}

/// `text, nullable` or `integer, not null, default 0`.
fn describe(column: &LogicalColumn) -> String {
    let null = if column.not_null {
        "not null"
    } else {
        "nullable"
    };
    let mut out = format!("{}, {null}", column.family);
    if column.default.comparable()
        && !column
            .default
            .agrees(&super::default_value::DefaultValue::None)
    {
        out.push_str(&format!(", default {}", column.default));
    }
    out
}

fn column_parts(sqlite: &LogicalColumn, postgres: &LogicalColumn) -> Vec<String> {
    let mut parts = Vec::new();
    if sqlite.family != postgres.family {
        parts.push(part("type", typed(sqlite), typed(postgres)));
    }
    if sqlite.not_null != postgres.not_null {
        let null = |c: &LogicalColumn| if c.not_null { "not null" } else { "nullable" };
        parts.push(part("", null(sqlite), null(postgres)));
    }
    // A default is read as its column's family reads it: across families it says nothing.
    if sqlite.family == postgres.family && !sqlite.default.agrees(&postgres.default) {
        parts.push(part("default", &sqlite.default, &postgres.default));
    }
    parts
}

/// The family, with the declared type when it says more: `text (VARCHAR(20))`.
fn typed(column: &LogicalColumn) -> String {
    if column.declared.eq_ignore_ascii_case(column.family.name()) {
        column.family.to_string()
    } else {
        format!("{} ({})", column.family, column.declared)
    }
}

/// `(a, b)`.
pub(crate) fn list(names: &[String]) -> String {
    format!("({})", names.join(", "))
}

/// Foreign keys are matched by their columns; a pair then compares target and actions.
fn foreign_keys(
    table: &str,
    sqlite: &[LogicalForeignKey],
    postgres: &[LogicalForeignKey],
    out: &mut Vec<MirrorFinding>,
) {
    let by_columns = |keys: &[LogicalForeignKey]| -> BTreeMap<Vec<String>, LogicalForeignKey> {
        keys.iter()
            .map(|k| (k.columns.clone(), k.clone()))
            .collect()
    };
    let (sqlite, postgres) = (by_columns(sqlite), by_columns(postgres));
    for (columns, pair) in pairs(&sqlite, &postgres) {
        let object = format!("foreign key {table}{}", list(columns));
        match pair {
            Pair::Only(side, key) => {
                let target = format!("references {}", target(key));
                out.push(MirrorFinding::only_on(side, object, Some(target)));
            }
            Pair::Both(a, b) => {
                let mut parts = Vec::new();
                if (&a.references, &a.referenced_columns) != (&b.references, &b.referenced_columns)
                {
                    parts.push(part("references", target(a), target(b)));
                }
                if a.on_delete != b.on_delete {
                    parts.push(part("on delete", action(a.on_delete), action(b.on_delete)));
                }
                if a.on_update != b.on_update {
                    parts.push(part("on update", action(a.on_update), action(b.on_update)));
                }
                if !parts.is_empty() {
                    out.push(MirrorFinding::differs(object, &parts));
                }
            }
        }
    }
}

fn target(key: &LogicalForeignKey) -> String {
    format!("{}{}", key.references, list(&key.referenced_columns))
}

fn action(action: FkAction) -> &'static str {
    match action {
        FkAction::NoAction => "no action",
        FkAction::Restrict => "restrict",
        FkAction::Cascade => "cascade",
        FkAction::SetNull => "set null",
        FkAction::SetDefault => "set default",
    }
}
