//! A schema as the mirror comparison sees it: what either dialect can say (tables, columns
//! by type family, nullability, comparable defaults, keys, foreign keys, indexes, views,
//! triggers), names lowercase and without PostgreSQL's default schema, and apart from it
//! the objects only one dialect has. Pure.

use std::collections::{BTreeMap, BTreeSet};

use super::super::model::Schema;
use super::super::name::{QualifiedName, function_label, quote_ident};
use super::super::table::{ConstraintKind, FkAction, Index, KeyPart, Table, TableKind};
use super::super::tokens::{Token, tokenize};
use super::super::type_family::TypeFamily;
use super::default_value::DefaultValue;
use super::finding::Side;

/// One side's schema, reduced.
pub(crate) struct Logical {
    pub tables: BTreeMap<String, LogicalTable>,
    /// Indexes and unique constraints alike: both make a unique index in either database.
    pub indexes: Vec<LogicalIndex>,
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
    /// Filled in from the target's primary key when the SQL left them out.
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
    pub(crate) fn of(schema: &Schema, side: Side) -> Self {
        let mut logical = Self {
            tables: BTreeMap::new(),
            indexes: Vec::new(),
            views: schema.views.keys().map(key).collect(),
            triggers: schema
                .triggers
                .keys()
                .map(|t| format!("{} on {}", t.name.to_lowercase(), key(&t.table)))
                .collect(),
            dialect_only: dialect_only(schema),
        };
        let shadows = virtual_shadows(schema);
        for table in schema.tables.values() {
            let name = key(&table.name);
            if matches!(table.kind, TableKind::Virtual { .. }) || shadows.contains(&name) {
                logical.dialect_only.push(format!("virtual table {name}"));
                continue;
            }
            logical.add_table(schema, side, table);
        }
        logical
            .indexes
            .extend(schema.indexes.values().map(|i| index(i)));
        logical.fill_referenced_columns();
        logical
    }

    fn add_table(&mut self, schema: &Schema, side: Side, table: &Table) {
        let name = key(&table.name);
        let mut primary_key = None;
        let mut foreign_keys = Vec::new();
        for constraint in table.constraints.values() {
            match &constraint.kind {
                ConstraintKind::PrimaryKey { columns, .. } => primary_key = Some(lower(columns)),
                ConstraintKind::Unique { columns, .. } => self.indexes.push(LogicalIndex {
                    object: format!("unique constraint {}", constraint.name.to_lowercase()),
                    name: constraint.name.to_lowercase(),
                    table: name.clone(),
                    keys: lower(columns),
                    unique: true,
                    partial: false,
                }),
                ConstraintKind::ForeignKey(fk) => foreign_keys.push(LogicalForeignKey {
                    columns: lower(&fk.columns),
                    references: key(&fk.references),
                    referenced_columns: lower(&fk.referenced_columns),
                    on_delete: fk.on_delete,
                    on_update: fk.on_update,
                }),
                ConstraintKind::Check { .. } | ConstraintKind::Exclusion { .. } => {}
            }
        }
        let rowid = rowid_alias(side, table, primary_key.as_deref());
        let columns = table
            .columns
            .iter()
            .map(|column| {
                let name = column.name.to_lowercase();
                let family = family(schema, side, &column.data_type);
                let mut default = DefaultValue::of(column.default.as_deref(), &family);
                if column.identity.is_some() {
                    default = DefaultValue::AutoIncrement;
                } else if rowid.as_deref() == Some(name.as_str()) && default == DefaultValue::None {
                    default = DefaultValue::Rowid;
                }
                let in_key = primary_key.as_ref().is_some_and(|key| key.contains(&name));
                let logical = LogicalColumn {
                    declared: column.data_type.clone(),
                    family,
                    not_null: column.not_null || in_key,
                    default,
                };
                (name, logical)
            })
            .collect();
        let table = LogicalTable {
            columns,
            primary_key,
            foreign_keys,
        };
        self.tables.insert(name, table);
    }

    /// `REFERENCES users` names the target's primary key (SQLite keeps no column list).
    fn fill_referenced_columns(&mut self) {
        let keys: BTreeMap<String, Vec<String>> = self
            .tables
            .iter()
            .filter_map(|(name, table)| Some((name.clone(), table.primary_key.clone()?)))
            .collect();
        for table in self.tables.values_mut() {
            for fk in &mut table.foreign_keys {
                if fk.referenced_columns.is_empty()
                    && let Some(columns) = keys.get(&fk.references)
                {
                    fk.referenced_columns = columns.clone();
                }
            }
        }
    }
}

fn lower(names: &[String]) -> Vec<String> {
    names.iter().map(|name| name.to_lowercase()).collect()
}

/// The column that is SQLite's rowid, which fills itself in when an insert leaves it
/// out: the one column of the key, declared exactly `INTEGER`, in a rowid table.
fn rowid_alias(side: Side, table: &Table, key: Option<&[String]>) -> Option<String> {
    let [column] = key? else {
        return None;
    };
    let declared = table
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(column))?;
    (side == Side::Sqlite && !table.without_rowid && declared.data_type == "INTEGER")
        .then(|| column.clone())
}

/// A column type's family; on PostgreSQL an enum is text and a domain has its base
/// type's family.
fn family(schema: &Schema, side: Side, data_type: &str) -> TypeFamily {
    if side == Side::Sqlite {
        return TypeFamily::of_sqlite(data_type);
    }
    let mut data_type = data_type.to_owned();
    // A domain over a domain: bounded, as a cycle cannot be made but a model can be.
    for _ in 0..8 {
        let TypeFamily::Other(name) = TypeFamily::of_postgres(&data_type) else {
            break;
        };
        let named = |qualified: &QualifiedName| {
            name == qualified.to_string() || name == quote_ident(&qualified.name)
        };
        if schema.enums.keys().any(named) {
            return TypeFamily::Text;
        }
        match schema
            .domains
            .iter()
            .find(|(qualified, _)| named(qualified))
        {
            Some((_, domain)) => data_type = domain.data_type.clone(),
            None => break,
        }
    }
    TypeFamily::of_postgres(&data_type)
}

fn index(index: &Index) -> LogicalIndex {
    let name = key(&index.name);
    LogicalIndex {
        object: format!("index {name}"),
        name,
        table: key(&index.table),
        keys: index
            .keys
            .iter()
            .map(|key| match &key.part {
                KeyPart::Column(column) => column.to_lowercase(),
                KeyPart::Expression(expression) => loose(expression),
            })
            .collect(),
        unique: index.unique,
        partial: index.predicate.is_some(),
    }
}

/// An index expression without casts, parentheses and case, so `lower(email)` and
/// PostgreSQL's `lower((email)::text)` read alike.
fn loose(expression: &str) -> String {
    let tokens = tokenize(expression);
    let mut out = Vec::new();
    let mut casting = false;
    for token in &tokens {
        match token {
            Token::Op(op) if op == "::" => casting = true,
            Token::Word(_) if casting => {}
            Token::Op(op) if op == "(" || op == ")" => casting = false,
            Token::Word(word) | Token::Quoted(word) => {
                casting = false;
                out.push(word.to_lowercase());
            }
            Token::Literal(text) | Token::Number(text) | Token::Op(text) => {
                casting = false;
                out.push(text.clone());
            }
        }
    }
    out.join(" ")
}

/// Objects of kinds only PostgreSQL has; SQLite's virtual tables are added as met.
fn dialect_only(schema: &Schema) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    out.extend(
        schema
            .namespaces
            .keys()
            .filter(|n| *n != "public")
            .map(|n| format!("schema {n}")),
    );
    out.extend(schema.extensions.keys().map(|n| format!("extension {n}")));
    out.extend(schema.enums.keys().map(|n| format!("enum {}", key(n))));
    out.extend(schema.domains.keys().map(|n| format!("domain {}", key(n))));
    out.extend(schema.composites.keys().map(|n| format!("type {}", key(n))));
    out.extend(
        schema
            .functions
            .keys()
            .map(|n| format!("function {}", function_label(n))),
    );
    out.extend(
        schema
            .sequences
            .values()
            .filter(|sequence| sequence.owned_by.is_none())
            .map(|sequence| format!("sequence {}", key(&sequence.name))),
    );
    out
}

/// The tables a SQLite virtual table keeps its data in (`docs_content`, `docs_idx` of an
/// FTS5 table `docs`): SQLite makes them, so they go with the virtual table.
fn virtual_shadows(schema: &Schema) -> BTreeSet<String> {
    const SUFFIXES: &[&str] = &[
        "content", "data", "idx", "docsize", "config", "segments", "segdir", "stat", "node",
        "parent", "rowid",
    ];
    schema
        .tables
        .values()
        .filter(|table| matches!(table.kind, TableKind::Virtual { .. }))
        .flat_map(|table| {
            let name = key(&table.name);
            SUFFIXES
                .iter()
                .map(move |suffix| format!("{name}_{suffix}"))
        })
        .collect()
}
