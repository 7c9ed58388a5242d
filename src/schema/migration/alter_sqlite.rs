//! SQLite: a changed table. Columns appended with a constant default or none go through
//! `ALTER TABLE ADD COLUMN`; anything else `ALTER TABLE` cannot do is SQLite's documented
//! table rebuild (sqlite.org/lang_altertable.html, "making other kinds of table schema
//! changes"): create the new table, copy the rows, drop the old one, rename, recreate its
//! indexes and triggers, check foreign keys. Pure.

use super::steps::{Script, Step};
use crate::schema::model::Schema;
use crate::schema::name::{QualifiedName, quote_ident};
use crate::schema::render_table::{column_definition, index_statement, table_statement};
use crate::schema::table::{Column, Table};

/// What changing one table takes.
pub(crate) struct SqliteChange {
    pub script: Script,
    /// The table was rebuilt: its indexes and triggers were dropped with it and are
    /// already recreated, and views reading it must be dropped before.
    pub rebuilt: bool,
}

/// The statements that turn `head` into `desired`; `schema` is the desired model, whose
/// indexes and triggers on the table come back after a rebuild.
pub(crate) fn alter_table(head: &Table, desired: &Table, schema: &Schema) -> SqliteChange {
    if let Some(script) = append_columns(head, desired) {
        return SqliteChange {
            script,
            rebuilt: false,
        };
    }
    SqliteChange {
        script: rebuild(head, desired, schema),
        rebuilt: true,
    }
}

/// `ALTER TABLE ADD COLUMN` for each new last column, when that is all that changed and
/// SQLite can add them (no key, a constant default, NOT NULL only with a default).
fn append_columns(head: &Table, desired: &Table) -> Option<Script> {
    let n = head.columns.len();
    let same_rest = head.kind == desired.kind
        && head.strict == desired.strict
        && head.without_rowid == desired.without_rowid
        && head.constraints == desired.constraints
        && desired.columns.len() > n
        && desired.columns[..n] == head.columns[..];
    if !same_rest {
        return None;
    }
    let mut out = Script::default();
    for column in &desired.columns[n..] {
        if !addable(column) {
            return None;
        }
        out.add(format!(
            "ALTER TABLE {} ADD COLUMN {};",
            head.name,
            column_definition(column)
        ));
    }
    Some(out)
}

fn addable(column: &Column) -> bool {
    let constant = column.default.as_deref().is_none_or(|d| {
        let d = d.trim();
        !d.starts_with('(') && !d.to_ascii_uppercase().starts_with("CURRENT_")
    });
    let stored = column.generated.as_ref().is_some_and(|g| g.stored);
    constant && !stored && (!column.not_null || column.default.is_some())
}

/// The twelve steps, as statements. Switching foreign keys off and checking them before
/// the commit are the runner's (`PRAGMA foreign_keys` does nothing inside the transaction
/// a revision runs in): the plan marks the script when another table references this one.
fn rebuild(head: &Table, desired: &Table, schema: &Schema) -> Script {
    let scratch = QualifiedName::bare(&format!("_migrate_new_{}", desired.name.name));
    let mut new_table = desired.clone();
    new_table.name = scratch.clone();
    let mut out = Script::default();
    out.add(format!(
        "-- rebuild {}: SQLite's ALTER TABLE cannot make this change in place",
        desired.name
    ));
    out.add(table_statement(&new_table));
    let copied: Vec<String> = desired
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .filter(|c| {
            head.columns
                .iter()
                .any(|o| o.name == c.name && o.generated.is_none())
        })
        .map(|c| quote_ident(&c.name))
        .collect();
    if !copied.is_empty() {
        let list = copied.join(", ");
        out.add(format!(
            "INSERT INTO {scratch} ({list})\n    SELECT {list} FROM {};",
            head.name
        ));
    }
    let loses_columns = head
        .columns
        .iter()
        .any(|c| !desired.columns.iter().any(|d| d.name == c.name));
    let drop = format!("DROP TABLE {};", head.name);
    out.push(if loses_columns {
        Step::destructive(drop)
    } else {
        Step::new(drop)
    });
    out.add(format!(
        "ALTER TABLE {scratch} RENAME TO {};",
        quote_ident(&desired.name.name)
    ));
    for index in schema.indexes.values().filter(|i| i.table == desired.name) {
        out.add(format!("{};", index_statement(index)));
    }
    for trigger in schema
        .triggers
        .values()
        .filter(|t| t.name.table == desired.name)
    {
        out.add(format!("{};", trigger.definition));
    }
    out
}
