//! Turns the rows of the PostgreSQL catalog queries into model objects: schemas,
//! extensions, types, sequences, functions and triggers here; relations and what hangs
//! off them in `tables`.

use super::origins::{Entry, Origins};
use super::rows::Rows;
use crate::backend::introspect_error::IntrospectError;
use crate::schema::retain;
use crate::schema::{
    Domain, Enum, Extension, Function, FunctionKind, IntrospectOptions, Namespace, QualifiedName,
    Schema, Sequence, Trigger, TriggerName,
};

pub(crate) fn namespaces(schema: &mut Schema, rows: Rows) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let name: String = row.get(0)?;
        let namespace = Namespace {
            name: name.clone(),
            comment: row.get(1)?,
        };
        schema.namespaces.insert(name, namespace);
    }
    Ok(())
}

pub(crate) fn extensions(schema: &mut Schema, rows: Rows) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let name: String = row.get(0)?;
        let extension = Extension {
            name: name.clone(),
            schema: row.get(1)?,
            version: row.get(2)?,
        };
        schema.extensions.insert(name, extension);
    }
    Ok(())
}

pub(crate) fn enums(
    schema: &mut Schema,
    origins: &mut Origins,
    rows: Rows,
) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let name = QualifiedName::new(row.get::<String>(0)?, row.get::<String>(1)?);
        origins.entry(row.get(4)?, Entry::Enum(name.clone()));
        let item = Enum {
            name: name.clone(),
            labels: row.get(2)?,
            comment: row.get(3)?,
        };
        schema.enums.insert(name, item.into());
    }
    Ok(())
}

pub(crate) fn domains(
    schema: &mut Schema,
    origins: &mut Origins,
    rows: Rows,
) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let name = QualifiedName::new(row.get::<String>(0)?, row.get::<String>(1)?);
        let oid: u32 = row.get(9)?;
        origins.entry(oid, Entry::Domain(name.clone()));
        for check in row.get::<Vec<u32>>(10)? {
            origins.part(check, oid);
        }
        let check_names: Vec<String> = row.get(6)?;
        let check_definitions: Vec<String> = row.get(7)?;
        let domain = Domain {
            name: name.clone(),
            data_type: row.get(2)?,
            not_null: row.get(3)?,
            default: row.get(4)?,
            collation: row.get(5)?,
            checks: check_names.into_iter().zip(check_definitions).collect(),
            comment: row.get(8)?,
        };
        schema.domains.insert(name, domain.into());
    }
    Ok(())
}

pub(crate) fn sequences(
    schema: &mut Schema,
    origins: &mut Origins,
    rows: Rows,
) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let name = QualifiedName::new(row.get::<String>(0)?, row.get::<String>(1)?);
        origins.entry(row.get(13)?, Entry::Sequence(name.clone()));
        let owner: (Option<String>, Option<String>, Option<String>) =
            (row.get(9)?, row.get(10)?, row.get(11)?);
        let owned_by = match owner {
            (Some(schema), Some(table), Some(column)) => {
                Some((QualifiedName::new(schema, table), column))
            }
            _ => None,
        };
        let sequence = Sequence {
            name: name.clone(),
            data_type: row.get(2)?,
            start: row.get(3)?,
            increment: row.get(4)?,
            min_value: row.get(5)?,
            max_value: row.get(6)?,
            cache: row.get(7)?,
            cycle: row.get(8)?,
            owned_by,
            comment: row.get(12)?,
        };
        schema.sequences.insert(name, sequence.into());
    }
    Ok(())
}

pub(crate) fn functions(
    schema: &mut Schema,
    origins: &mut Origins,
    rows: Rows,
) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let name = QualifiedName::new(row.get::<String>(0)?, row.get::<String>(1)?);
        origins.entry(row.get(5)?, Entry::Function(name.clone()));
        let kind: String = row.get(2)?;
        let definition: String = row.get(3)?;
        let function = Function {
            name: name.clone(),
            kind: if kind == "p" {
                FunctionKind::Procedure
            } else {
                FunctionKind::Function
            },
            definition: definition.trim_end().to_owned(),
            comment: row.get(4)?,
        };
        schema.functions.insert(name, function.into());
    }
    Ok(())
}

pub(crate) fn triggers(
    schema: &mut Schema,
    origins: &mut Origins,
    rows: Rows,
) -> Result<(), IntrospectError> {
    for row in rows.iter() {
        let name = TriggerName {
            table: QualifiedName::new(row.get::<String>(0)?, row.get::<String>(1)?),
            name: row.get(2)?,
        };
        let table: u32 = row.get(5)?;
        origins.entry(table, Entry::Trigger(name.clone()));
        origins.part(row.get(6)?, table);
        let trigger = Trigger {
            name: name.clone(),
            definition: row.get(3)?,
            comment: row.get(4)?,
        };
        schema.triggers.insert(name, trigger.into());
    }
    Ok(())
}

/// Drops the tables (and views) `options` leaves out, with their indexes, triggers and
/// owned sequences.
pub(crate) fn exclude(schema: &mut Schema, options: &IntrospectOptions) {
    let excluded = |name: &QualifiedName| {
        let namespace = name.schema.as_deref().unwrap_or_default();
        options.excludes(namespace, &name.name)
    };
    retain(&mut schema.tables, |name, _| !excluded(name));
    retain(&mut schema.views, |name, _| !excluded(name));
    retain(&mut schema.indexes, |_, index| !excluded(&index.table));
    retain(&mut schema.triggers, |name, _| !excluded(&name.table));
    // A `serial` column's sequence goes with its table.
    retain(&mut schema.sequences, |_, sequence| {
        !sequence
            .owned_by
            .as_ref()
            .is_some_and(|(table, _)| excluded(table))
    });
}
