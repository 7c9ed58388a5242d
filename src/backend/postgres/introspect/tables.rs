//! Turns the PostgreSQL catalog rows of relations into model objects: tables, views and
//! composite types, their columns and constraints, and indexes.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::origins::{Entry, Origins};
use super::rows::{RowRef, Rows};
use crate::backend::dialect::Dialect;
use crate::backend::introspect_error::IntrospectError;
use crate::schema::{
    Attribute, Column, Composite, Constraint, ConstraintKind, Deferrable, FkAction, ForeignKey,
    Generated, Identity, Index, IndexKey, KeyPart, NullsOrder, PartitionOf, QualifiedName, Schema,
    Table, TableKind, View,
};

/// Relations by oid, as `relations` found them, for the queries that name them by oid.
pub(crate) type Relations = BTreeMap<u32, (QualifiedName, RelationKind)>;

/// Where a relation's columns and constraints go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelationKind {
    Table,
    View,
    Composite,
}

/// Adds tables, views and composite types; returns them by oid.
pub(crate) fn relations(
    schema: &mut Schema,
    origins: &mut Origins,
    rows: Rows,
) -> Result<Relations, IntrospectError> {
    let mut relations = Relations::new();
    for row in rows.iter() {
        let oid: u32 = row.get(0)?;
        let name = QualifiedName::new(row.get::<String>(1)?, row.get::<String>(2)?);
        origins.part(row.get(10)?, oid);
        if let Some(parent) = row.get::<Option<u32>>(11)? {
            origins.child(parent, oid);
        }
        let kind: String = row.get(3)?;
        let comment: Option<String> = row.get(4)?;
        let relation_kind = match kind.as_str() {
            "v" | "m" => {
                let definition: Option<String> = row.get(5)?;
                let definition = definition.unwrap_or_default();
                let view = View {
                    name: name.clone(),
                    materialized: kind == "m",
                    columns: Vec::new(),
                    // The server indents the query by a space and ends it with `;`.
                    definition: definition.trim().trim_end_matches(';').to_owned(),
                    comment,
                };
                schema.views.insert(name.clone(), view.into());
                origins.entry(oid, Entry::View(name.clone()));
                RelationKind::View
            }
            "c" => {
                let composite = Composite {
                    name: name.clone(),
                    attributes: Vec::new(),
                    comment,
                };
                schema.composites.insert(name.clone(), composite.into());
                origins.entry(oid, Entry::Composite(name.clone()));
                RelationKind::Composite
            }
            _ => {
                let table = table(&row, name.clone(), comment)?;
                schema.tables.insert(name.clone(), table.into());
                origins.entry(oid, Entry::Table(name.clone()));
                RelationKind::Table
            }
        };
        relations.insert(oid, (name, relation_kind));
    }
    Ok(relations)
}

/// A table from a row of the relations query, with its partition key or parent and bound,
/// or the parents it inherits from.
fn table(
    row: &RowRef<'_>,
    name: QualifiedName,
    comment: Option<String>,
) -> Result<Table, IntrospectError> {
    let key: Option<String> = row.get(6)?;
    let parent: (Option<String>, Option<String>) = (row.get(7)?, row.get(8)?);
    let bound: Option<String> = row.get(9)?;
    let partition_of = match (parent, bound) {
        ((Some(schema), Some(table)), Some(bound)) => Some(PartitionOf {
            parent: QualifiedName::new(schema, table),
            bound,
        }),
        _ => None,
    };
    let parent_schemas: Option<Vec<String>> = row.get(12)?;
    let parent_names: Option<Vec<String>> = row.get(13)?;
    let inherits = parent_schemas
        .unwrap_or_default()
        .into_iter()
        .zip(parent_names.unwrap_or_default())
        .map(|(schema, table)| QualifiedName::new(schema, table))
        .collect();
    Ok(Table {
        name,
        kind: key.map_or(TableKind::Ordinary, |key| TableKind::Partitioned { key }),
        without_rowid: false,
        strict: false,
        partition_of,
        inherits,
        columns: Vec::new(),
        constraints: Default::default(),
        comment,
    })
}

/// Adds columns to their tables and attributes to their composite types, in order.
pub(crate) fn columns(
    schema: &mut Schema,
    origins: &mut Origins,
    relations: &Relations,
    rows: Rows,
) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let oid: u32 = row.get(0)?;
        let Some((relation, kind)) = relations.get(&oid) else {
            continue; // an extension's relation
        };
        if let Some(default) = row.get::<Option<u32>>(9)? {
            origins.part(default, oid);
        }
        let name: String = row.get(1)?;
        let data_type: String = row.get(2)?;
        let collation: Option<String> = row.get(7)?;
        if *kind == RelationKind::Composite {
            if let Some(composite) = schema.composites.get_mut(relation) {
                let attribute = Attribute {
                    name,
                    data_type,
                    collation,
                };
                Arc::make_mut(composite).attributes.push(attribute);
            }
            continue;
        }
        let default: Option<String> = row.get(4)?;
        let identity: String = row.get(5)?;
        let generated: String = row.get(6)?;
        let (default, generated) = match (generated.as_str(), default) {
            ("", default) => (default, None),
            (kind, expression) => {
                let expression = expression.unwrap_or_default();
                let stored = kind == "s";
                (None, Some(Generated { expression, stored }))
            }
        };
        let column = Column {
            name,
            data_type,
            not_null: row.get(3)?,
            default,
            generated,
            identity: match identity.as_str() {
                "a" => Some(Identity::Always),
                "d" => Some(Identity::ByDefault),
                _ => None,
            },
            collation,
            hidden: false,
            comment: row.get(8)?,
        };
        if let Some(table) = schema.tables.get_mut(relation) {
            Arc::make_mut(table).columns.push(column);
        }
    }
    Ok(())
}

fn action(code: &str) -> Result<FkAction, IntrospectError> {
    Ok(match code {
        "a" => FkAction::NoAction,
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        other => {
            return Err(IntrospectError::Unexpected {
                dialect: Dialect::Postgres,
                what: "foreign key action",
                value: other.to_owned(),
            });
        }
    })
}

/// Adds each constraint to its table.
pub(crate) fn constraints(
    schema: &mut Schema,
    origins: &mut Origins,
    relations: &Relations,
    rows: Rows,
) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let oid: u32 = row.get(0)?;
        let Some((relation, _)) = relations.get(&oid) else {
            continue;
        };
        origins.part(row.get(17)?, oid);
        let name: String = row.get(1)?;
        let deferrable = match (row.get(3)?, row.get(4)?) {
            (false, _) => Deferrable::NotDeferrable,
            (true, false) => Deferrable::InitiallyImmediate,
            (true, true) => Deferrable::InitiallyDeferred,
        };
        let constraint = Constraint {
            name: name.clone(),
            kind: constraint_kind(&row)?,
            deferrable,
            comment: row.get(16)?,
        };
        if let Some(table) = schema.tables.get_mut(relation) {
            Arc::make_mut(table).constraints.insert(name, constraint);
        }
    }
    Ok(())
}

/// What a row of the constraints query requires, by `contype`.
fn constraint_kind(row: &RowRef<'_>) -> Result<ConstraintKind, IntrospectError> {
    let contype: String = row.get(2)?;
    let columns: Vec<String> = row.get(6)?;
    let include: Vec<String> = row.get(14)?;
    Ok(match contype.as_str() {
        "p" => ConstraintKind::PrimaryKey {
            columns,
            include,
            autoincrement: false,
        },
        "u" => ConstraintKind::Unique {
            columns,
            include,
            nulls_not_distinct: row.get(15)?,
        },
        "f" => ConstraintKind::ForeignKey(ForeignKey {
            columns,
            references: QualifiedName::new(
                row.get::<Option<String>>(7)?.unwrap_or_default(),
                row.get::<Option<String>>(8)?.unwrap_or_default(),
            ),
            referenced_columns: row.get(9)?,
            on_update: action(&row.get::<String>(10)?)?,
            on_delete: action(&row.get::<String>(11)?)?,
            match_full: row.get::<String>(12)? == "f",
        }),
        "c" => ConstraintKind::Check {
            expression: row.get::<Option<String>>(13)?.unwrap_or_default(),
        },
        _ => ConstraintKind::Exclusion {
            // Deferrability is kept apart, as for every other constraint.
            definition: row
                .get::<Option<String>>(5)?
                .unwrap_or_default()
                .trim_end_matches(" INITIALLY DEFERRED")
                .trim_end_matches(" DEFERRABLE")
                .to_owned(),
        },
    })
}

pub(crate) fn indexes(
    schema: &mut Schema,
    origins: &mut Origins,
    rows: Rows,
) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let namespace: String = row.get(0)?;
        let name = QualifiedName::new(namespace.clone(), row.get::<String>(1)?);
        let table: u32 = row.get(14)?;
        origins.index(row.get(15)?, table, name.clone());
        let key_count = usize::try_from(row.get::<i32>(5)?).unwrap_or(0);
        let texts: Vec<String> = row.get(6)?;
        let attnums: Vec<i16> = row.get(7)?;
        let options: Vec<i16> = row.get(8)?;
        let collations: Vec<Option<String>> = row.get(9)?;
        let opclasses: Vec<Option<String>> = row.get(10)?;
        let keys = (0..key_count.min(texts.len()))
            .map(|at| {
                let option = options.get(at).copied().unwrap_or(0);
                let (descending, nulls_first) = (option & 1 != 0, option & 2 != 0);
                IndexKey {
                    part: if attnums.get(at).copied().unwrap_or(0) != 0 {
                        KeyPart::Column(texts[at].clone())
                    } else {
                        KeyPart::Expression(texts[at].clone())
                    },
                    collation: collations.get(at).cloned().flatten(),
                    opclass: opclasses.get(at).cloned().flatten(),
                    descending,
                    // DESC sorts NULLs first by default, ASC last.
                    nulls: match (nulls_first, descending) {
                        (true, true) | (false, false) => NullsOrder::Default,
                        (true, false) => NullsOrder::First,
                        (false, true) => NullsOrder::Last,
                    },
                }
            })
            .collect();
        let index = Index {
            name: name.clone(),
            table: QualifiedName::new(namespace, row.get::<String>(2)?),
            unique: row.get(3)?,
            method: Some(row.get(4)?),
            keys,
            include: texts.iter().skip(key_count).cloned().collect(),
            predicate: row.get(11)?,
            nulls_not_distinct: row.get(12)?,
            comment: row.get(13)?,
        };
        schema.indexes.insert(name, index.into());
    }
    Ok(())
}
