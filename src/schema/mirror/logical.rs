//! Reduces one side's schema to what the mirror comparison compares (`reduced`): each
//! column's type family (SQLite's affinity; PostgreSQL's enums as text, domains as their
//! base type), nullability with the key's columns not null, its default as both dialects
//! can say it, keys, foreign keys and indexes. Pure.

use std::collections::BTreeMap;

use super::super::model::Schema;
use super::super::name::{QualifiedName, quote_ident};
use super::super::table::{ConstraintKind, Index, KeyPart, Table, TableKind};
use super::super::tokens::{Token, tokenize};
use super::super::type_family::TypeFamily;
use super::cache::Projections;
use super::default_value::DefaultValue;
use super::dialect_only::{dialect_only, virtual_shadows};
use super::finding::Side;
use super::reduced::{Logical, LogicalColumn, LogicalForeignKey, LogicalIndex, LogicalTable, key};

impl Logical {
    /// Reduces `schema`, reusing from `cache` the tables and indexes it reduced before.
    pub(crate) fn of(schema: &Schema, side: Side, cache: &mut Projections) -> Self {
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
            let reduced = cache.table(table, || project_table(schema, side, table));
            logical.tables.insert(name, reduced);
        }
        for index in schema.indexes.values() {
            logical
                .indexes
                .push(cache.index(index, || project_index(index)));
        }
        cache.sweep();
        logical
    }
}

fn project_table(schema: &Schema, side: Side, table: &Table) -> LogicalTable {
    let name = key(&table.name);
    let mut primary_key = None;
    let mut foreign_keys = Vec::new();
    let mut uniques = Vec::new();
    for constraint in table.constraints.values() {
        match &constraint.kind {
            ConstraintKind::PrimaryKey { columns, .. } => primary_key = Some(lower(columns)),
            ConstraintKind::Unique { columns, .. } => uniques.push(LogicalIndex {
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
    LogicalTable {
        columns,
        primary_key,
        foreign_keys,
        uniques,
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

fn project_index(index: &Index) -> LogicalIndex {
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
