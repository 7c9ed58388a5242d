//! The plan of one migration: renames first, then new types, then drops of what depends
//! on changed tables, then tables created (referenced first), changed, dropped (in
//! reverse), then indexes, views and triggers back. Down is the same walk from desired to
//! head with the renames undone. Pure.

use std::collections::BTreeSet;

use super::error::MigrationPlanError;
use super::flavor::Flavor;
use super::objects::{Tables, after_tables, before_tables};
use super::order::referenced_first;
use super::rename::{Rename, Renames};
use super::renames::{apply, rename_candidates, settles};
use super::steps::{Script, Step};
use super::{alter_postgres, alter_sqlite};
use crate::schema::model::Schema;
use crate::schema::name::{QualifiedName, quote_ident};
use crate::schema::render_table::table_statement;
use crate::schema::table::ConstraintKind;

/// Both scripts of a migration, and the objects left to the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationPlan {
    pub up: Script,
    pub down: Script,
    /// Objects that differ but that autogenerate does not manage: named, never dropped.
    pub unmanaged: Vec<String>,
}

impl MigrationPlan {
    /// Whether there is nothing to migrate.
    pub fn is_empty(&self) -> bool {
        self.up.is_empty() && self.down.is_empty()
    }
}

/// The model without the kinds autogenerate does not write (schemas, extensions, domains,
/// composite types, functions): those the user keeps by hand.
pub fn managed(schema: &Schema) -> Schema {
    let mut out = schema.clone();
    out.namespaces.clear();
    out.extensions.clear();
    out.domains.clear();
    out.composites.clear();
    out.functions.clear();
    out
}

fn unmanaged(head: &Schema, desired: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |kind: &str, differ: Vec<String>| {
        out.extend(differ.into_iter().map(|name| format!("{kind} {name}")));
    };
    note("schema", differing(&head.namespaces, &desired.namespaces));
    note(
        "extension",
        differing(&head.extensions, &desired.extensions),
    );
    note("domain", differing_ord(&head.domains, &desired.domains));
    note("type", differing_ord(&head.composites, &desired.composites));
    note(
        "function",
        differing_ord(&head.functions, &desired.functions),
    );
    out
}

fn differing<V: PartialEq>(
    a: &std::collections::BTreeMap<String, V>,
    b: &std::collections::BTreeMap<String, V>,
) -> Vec<String> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

fn differing_ord<V: PartialEq + Clone>(
    a: &imbl::OrdMap<QualifiedName, V>,
    b: &imbl::OrdMap<QualifiedName, V>,
) -> Vec<String> {
    let keys: BTreeSet<&QualifiedName> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| k.to_string())
        .collect()
}

/// The up and down scripts that turn `head` into `desired` and back, or why not.
pub fn plan_migration(
    head: &Schema,
    desired: &Schema,
    flavor: Flavor,
    renames: &Renames,
) -> Result<MigrationPlan, MigrationPlanError> {
    let (head_m, desired_m) = (managed(head), managed(desired));
    if !renames.none {
        let open: Vec<_> = rename_candidates(&head_m, &desired_m)
            .into_iter()
            .filter(|c| !renames.chosen.iter().any(|r| settles(r, &c.rename)))
            .collect();
        if !open.is_empty() {
            return Err(MigrationPlanError::UnresolvedRenames { candidates: open });
        }
    }
    let inverse: Vec<Rename> = renames
        .chosen
        .iter()
        .map(|r| r.inverse(&renames.chosen))
        .collect();
    Ok(MigrationPlan {
        up: direction(head_m.clone(), &desired_m, flavor, &renames.chosen)?,
        down: direction(desired_m, &head_m, flavor, &inverse)?,
        unmanaged: unmanaged(head, desired),
    })
}

/// Column renames go first, while their table still has the name they give it.
fn rename_sql(rename: &Rename) -> String {
    match rename {
        Rename::Table { from, to } => {
            format!("ALTER TABLE {from} RENAME TO {};", quote_ident(&to.name))
        }
        Rename::Column { table, from, to } => format!(
            "ALTER TABLE {table} RENAME COLUMN {} TO {};",
            quote_ident(from),
            quote_ident(to)
        ),
    }
}

fn direction(
    mut head: Schema,
    desired: &Schema,
    flavor: Flavor,
    renames: &[Rename],
) -> Result<Script, MigrationPlanError> {
    let mut out = Script::default();
    let columns_first = renames
        .iter()
        .filter(|r| matches!(r, Rename::Column { .. }));
    let tables_after = renames.iter().filter(|r| matches!(r, Rename::Table { .. }));
    for rename in columns_first.chain(tables_after) {
        out.add(rename_sql(rename));
        apply(&mut head, rename);
    }
    let mut changes = Script::default();
    let mut tables = Tables {
        dropped: head
            .tables
            .keys()
            .filter(|n| !desired.tables.contains_key(*n))
            .cloned()
            .collect(),
        changed: BTreeSet::new(),
        rebuilt: BTreeSet::new(),
    };
    for (name, table) in desired.tables.iter() {
        let Some(old) = head.tables.get(name) else {
            continue;
        };
        if old == table {
            continue;
        }
        tables.changed.insert(name.clone());
        match flavor {
            Flavor::Postgres => changes.extend(alter_postgres::alter_table(old, table)?),
            Flavor::Sqlite => {
                let change = alter_sqlite::alter_table(old, table, desired);
                if change.rebuilt {
                    tables.rebuilt.insert(name.clone());
                }
                changes.extend(change.script);
            }
        }
    }
    out.extend(before_tables(&head, desired, flavor, &tables)?);
    let created: Vec<_> = desired
        .tables
        .values()
        .filter(|t| !head.tables.contains_key(&t.name))
        .map(|t| &**t)
        .collect();
    for table in referenced_first(created) {
        out.add(table_statement(table));
    }
    out.extend(changes);
    let dropped: Vec<_> = head
        .tables
        .values()
        .filter(|t| tables.dropped.contains(&t.name))
        .map(|t| &**t)
        .collect();
    for table in referenced_first(dropped).into_iter().rev() {
        out.push(Step::destructive(format!("DROP TABLE {};", table.name)));
    }
    out.extend(after_tables(&head, desired, &tables));
    out.foreign_keys_off = referenced_by_others(&tables.rebuilt, [&head, desired]);
    Ok(out)
}

/// Whether another table's foreign key, at either end, points at a rebuilt table: then
/// dropping the old table with foreign keys on would delete or refuse the rows that
/// point at it (SQLite's implicit `DELETE` on `DROP TABLE`).
fn referenced_by_others(rebuilt: &BTreeSet<QualifiedName>, schemas: [&Schema; 2]) -> bool {
    schemas.iter().flat_map(|s| s.tables.values()).any(|table| {
        table.constraints.values().any(|c| match &c.kind {
            ConstraintKind::ForeignKey(key) => {
                key.references != table.name && rebuilt.contains(&key.references)
            }
            _ => false,
        })
    })
}
