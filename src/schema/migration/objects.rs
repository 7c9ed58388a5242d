//! The objects around the tables: enums and sequences made before them, views, triggers
//! and indexes dropped before the tables change and made again after, and what is gone
//! dropped last. Pure.

use std::collections::BTreeSet;

use super::error::MigrationPlanError;
use super::flavor::Flavor;
use super::order::{mentions, views_in_order};
use super::steps::{Script, Step};
use super::type_changes::{enum_change, sequence_change};
use crate::schema::model::{Schema, View};
use crate::schema::name::QualifiedName;
use crate::schema::name::quote_ident;
use crate::schema::render::{sequence_options, view_head};
use crate::schema::render_fragments::{comment_line, enum_labels};
use crate::schema::render_table::index_statement;

/// What the table walk decided, for the index, view and trigger steps around it.
pub(crate) struct Tables {
    pub dropped: BTreeSet<QualifiedName>,
    /// Changed in place or rebuilt: views reading them are dropped and recreated.
    pub changed: BTreeSet<QualifiedName>,
    /// SQLite tables rebuilt: their indexes and triggers came back with them.
    pub rebuilt: BTreeSet<QualifiedName>,
}

/// Whether a view at head must go before the tables change: gone, changed, or reading a
/// table that is dropped or changed (PostgreSQL refuses to alter what a view reads, SQLite
/// to rename a table while a view names a missing one).
fn view_goes(view: &View, desired: &Schema, tables: &Tables) -> bool {
    desired
        .views
        .get(&view.name)
        .is_none_or(|new| **new != *view)
        || tables
            .dropped
            .iter()
            .chain(&tables.changed)
            .any(|name| mentions(view, &name.name))
}

/// Types and sequences the new tables need, then the drops of views, triggers and
/// indexes that are gone or stand in the way.
pub(crate) fn before_tables(
    head: &Schema,
    desired: &Schema,
    flavor: Flavor,
    tables: &Tables,
) -> Result<Script, MigrationPlanError> {
    let mut out = Script::default();
    for (name, item) in desired.enums.iter() {
        match head.enums.get(name) {
            None => {
                let mut sql = format!("CREATE TYPE {name} AS ENUM {};", enum_labels(&item.labels));
                comment_line(&mut sql, &format!("TYPE {name}"), item.comment.as_ref());
                out.add(sql);
            }
            Some(old) if old != item => out.extend_sql(enum_change(old, item)?),
            Some(_) => {}
        }
    }
    for (name, item) in desired.sequences.iter() {
        match head.sequences.get(name) {
            None => {
                let mut unowned = (**item).clone();
                unowned.owned_by = None;
                out.add(format!(
                    "CREATE SEQUENCE {name} {};",
                    sequence_options(&unowned)
                ));
            }
            Some(old) if old != item => out.extend_sql(sequence_change(old, item)?),
            Some(_) => {}
        }
    }
    let going: Vec<&View> = head
        .views
        .values()
        .filter(|v| view_goes(v, desired, tables))
        .map(|v| &**v)
        .collect();
    for view in views_in_order(going).into_iter().rev() {
        let kind = if view.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        };
        out.add(format!("DROP {kind} {};", view.name));
    }
    let gone_with_table = |table| tables.dropped.contains(table) || tables.rebuilt.contains(table);
    for (name, trigger) in head.triggers.iter() {
        if desired.triggers.get(name) != Some(trigger) && !gone_with_table(&name.table) {
            out.add(match flavor {
                Flavor::Sqlite => format!("DROP TRIGGER {};", quote_ident(&name.name)),
                Flavor::Postgres => {
                    format!(
                        "DROP TRIGGER {} ON {};",
                        quote_ident(&name.name),
                        name.table
                    )
                }
            });
        }
    }
    for (name, index) in head.indexes.iter() {
        if desired.indexes.get(name) != Some(index) && !gone_with_table(&index.table) {
            out.add(format!("DROP INDEX {name};"));
        }
    }
    Ok(out)
}

/// Indexes, views and triggers new, changed or dropped on the way, then sequence owners,
/// then the sequences and types nothing uses any more.
pub(crate) fn after_tables(head: &Schema, desired: &Schema, tables: &Tables) -> Script {
    let mut out = Script::default();
    for (name, index) in desired.indexes.iter() {
        if head.indexes.get(name) != Some(index) && !tables.rebuilt.contains(&index.table) {
            let mut sql = format!("{};", index_statement(index));
            comment_line(&mut sql, &format!("INDEX {name}"), index.comment.as_ref());
            out.add(sql);
        }
    }
    let coming: Vec<&View> = desired
        .views
        .values()
        .filter(|v| {
            head.views
                .get(&v.name)
                .is_none_or(|old| view_goes(old, desired, tables))
        })
        .map(|v| &**v)
        .collect();
    for view in views_in_order(coming) {
        let mut sql = format!(
            "{}\n{};",
            view_head(view),
            view.definition.trim_end_matches(';')
        );
        let kind = if view.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        };
        comment_line(
            &mut sql,
            &format!("{kind} {}", view.name),
            view.comment.as_ref(),
        );
        out.add(sql);
    }
    for (name, trigger) in desired.triggers.iter() {
        if head.triggers.get(name) != Some(trigger) && !tables.rebuilt.contains(&name.table) {
            out.add(format!("{};", trigger.definition));
        }
    }
    for (name, item) in desired.sequences.iter() {
        if let (None, Some((table, column))) = (head.sequences.get(name), &item.owned_by) {
            out.add(format!(
                "ALTER SEQUENCE {name} OWNED BY {table}.{};",
                quote_ident(column)
            ));
        }
    }
    for name in head
        .sequences
        .keys()
        .filter(|n| !desired.sequences.contains_key(*n))
    {
        // An owned sequence went with its column or table.
        out.push(Step::destructive(format!(
            "DROP SEQUENCE IF EXISTS {name};"
        )));
    }
    for name in head
        .enums
        .keys()
        .filter(|n| !desired.enums.contains_key(*n))
    {
        out.add(format!("DROP TYPE {name};"));
    }
    out
}
