//! A schema as the mirror comparison sees it: what either dialect can say (tables, columns
//! by type family, nullability, comparable defaults, keys, foreign keys, indexes, views,
//! triggers), names lowercase and without PostgreSQL's default schema, and apart from it
//! the objects only one dialect has. `logical` reduces a schema to this. Pure.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::super::name::QualifiedName;
use super::super::table::FkAction;
use super::super::type_family::TypeFamily;
use super::default_value::DefaultValue;

/// One side's schema, reduced.
pub(crate) struct Logical {
    pub tables: BTreeMap<String, Arc<LogicalTable>>,
    /// Indexes no constraint owns; unique constraints are with their table.
    pub indexes: Vec<Arc<LogicalIndex>>,
    pub views: BTreeSet<String>,
    /// `name on table`.
    pub triggers: BTreeSet<String>,
    /// Objects of kinds the other dialect does not have, as reports name them.
    pub dialect_only: Vec<String>,
}

pub(crate) struct LogicalTable {
    pub columns: BTreeMap<String, LogicalColumn>,
    pub primary_key: Option<Vec<String>>,
    pub foreign_keys: Vec<LogicalForeignKey>,
    /// Unique constraints, as the unique indexes they make.
    pub uniques: Vec<LogicalIndex>,
}

pub(crate) struct LogicalColumn {
    /// The type as declared, for messages.
    pub declared: String,
    pub family: TypeFamily,
    /// NOT NULL, or part of the primary key.
    pub not_null: bool,
    pub default: DefaultValue,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct LogicalForeignKey {
    pub columns: Vec<String>,
    pub references: String,
    /// Empty when the SQL left them out: then the target's primary key.
    pub referenced_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct LogicalIndex {
    /// `index users_email` or `unique constraint users_email_key`.
    pub object: String,
    pub name: String,
    pub table: String,
    pub keys: Vec<String>,
    pub unique: bool,
    /// Has a `WHERE` clause (whose text the dialects spell too differently to compare).
    pub partial: bool,
}

/// A name as both sides can agree on it: lowercase (SQLite folds no case but matches
/// names without regard to it), and without `public.`.
pub(crate) fn key(name: &QualifiedName) -> String {
    match name.schema.as_deref() {
        None | Some("public") => name.name.to_lowercase(),
        Some(schema) => format!("{}.{}", schema.to_lowercase(), name.name.to_lowercase()),
    }
}

impl Logical {
    /// The columns a foreign key references: as written, else the target's primary key
    /// (SQLite keeps no column list for `REFERENCES users`).
    pub(crate) fn referenced(&self, fk: &LogicalForeignKey) -> Vec<String> {
        if !fk.referenced_columns.is_empty() {
            return fk.referenced_columns.clone();
        }
        self.tables
            .get(&fk.references)
            .and_then(|table| table.primary_key.clone())
            .unwrap_or_default()
    }
}
