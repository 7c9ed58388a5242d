//! The mirror comparison of two schemas, one from a SQLite set and one from a PostgreSQL
//! set: tables, columns (type family, nullability, comparable defaults), primary keys and
//! foreign keys here; indexes, views and triggers in `compare_objects`. Pure.

use std::collections::BTreeMap;

use super::super::model::Schema;
use super::super::table::FkAction;
use super::cache::Projections;
use super::compare_objects::{indexes, triggers, views};
use super::finding::{DialectOnly, MirrorDiff, MirrorFinding, Side, part};
use super::pairs::{Pair, list, pairs};
use super::reduced::{Logical, LogicalColumn, LogicalForeignKey, LogicalTable};

/// What differs between the schema a SQLite set made and the one its PostgreSQL mirror
/// made, at the logical level both dialects share; and what only one of them has.
pub fn mirror_diff(sqlite: &Schema, postgres: &Schema) -> MirrorDiff {
    MirrorCache::default().diff(sqlite, postgres)
}

/// [`mirror_diff`] along a history: each side's tables and indexes are reduced once and
/// reused while the snapshots share them, so a comparison costs what changed.
#[derive(Default)]
pub struct MirrorCache {
    sqlite: Projections,
    postgres: Projections,
}

impl MirrorCache {
    /// What differs between the two schemas, as [`mirror_diff`] says.
    pub fn diff(&mut self, sqlite: &Schema, postgres: &Schema) -> MirrorDiff {
        let sqlite = Logical::of(sqlite, Side::Sqlite, &mut self.sqlite);
        let postgres = Logical::of(postgres, Side::Postgres, &mut self.postgres);
        let mut findings = Vec::new();
        for (name, pair) in pairs(&sqlite.tables, &postgres.tables) {
            match pair {
                Pair::Only(side, _) => {
                    findings.push(MirrorFinding::only_on(side, format!("table {name}"), None));
                }
                Pair::Both(a, b) => table(name, [(a, &sqlite), (b, &postgres)], &mut findings),
            }
        }
        indexes(&sqlite, &postgres, &mut findings);
        views(&sqlite, &postgres, &mut findings);
        let mut dialect_only: Vec<DialectOnly> =
            [(Side::Sqlite, &sqlite), (Side::Postgres, &postgres)]
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
}

/// A table on both sides, each with the schema it is in (for the targets of its keys).
type Sides<'a> = [(&'a LogicalTable, &'a Logical); 2];

fn table(name: &str, [sqlite, postgres]: Sides<'_>, out: &mut Vec<MirrorFinding>) {
    for (column, pair) in pairs(&sqlite.0.columns, &postgres.0.columns) {
        let object = || format!("column {name}.{column}");
        match pair {
            Pair::Only(side, only) => {
                out.push(MirrorFinding::only_on(side, object(), Some(describe(only))));
            }
            Pair::Both(a, b) => {
                let parts = column_parts(a, b);
                if !parts.is_empty() {
                    out.push(MirrorFinding::differs(object(), &parts));
                }
            }
        }
    }
    let object = || format!("primary key of {name}");
    match (&sqlite.0.primary_key, &postgres.0.primary_key) {
        (Some(a), Some(b)) if a != b => {
            out.push(MirrorFinding::differs(
                object(),
                &[part("", list(a), list(b))],
            ));
        }
        (Some(key), None) => {
            out.push(MirrorFinding::only_on(
                Side::Sqlite,
                object(),
                Some(key.join(", ")),
            ));
        }
        (None, Some(key)) => {
            out.push(MirrorFinding::only_on(
                Side::Postgres,
                object(),
                Some(key.join(", ")),
            ));
        }
        _ => {}
    }
    foreign_keys(name, [sqlite, postgres], out);
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

/// A foreign key with the columns it references resolved.
type Resolved = (LogicalForeignKey, Vec<String>);

/// Foreign keys are matched by their columns; a pair then compares target and actions.
fn foreign_keys(table: &str, [sqlite, postgres]: Sides<'_>, out: &mut Vec<MirrorFinding>) {
    if sqlite.0.foreign_keys.is_empty() && postgres.0.foreign_keys.is_empty() {
        return;
    }
    let by_columns =
        |(table, logical): (&LogicalTable, &Logical)| -> BTreeMap<Vec<String>, Resolved> {
            table
                .foreign_keys
                .iter()
                .map(|k| (k.columns.clone(), (k.clone(), logical.referenced(k))))
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
                if target(a) != target(b) {
                    parts.push(part("references", target(a), target(b)));
                }
                let ((a, _), (b, _)) = (a, b);
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

fn target((key, columns): &Resolved) -> String {
    format!("{}{}", key.references, list(columns))
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
