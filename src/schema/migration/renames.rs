//! Renames: a dropped and an added table or column of the same shape may be one object
//! renamed. The planner never guesses: it lists candidates, and the caller says which are
//! renames (`--rename old=new`) or that none are (`--no-rename`). Pure.

use std::sync::Arc;

use super::error::MigrationPlanError;
use super::rename::{Rename, RenameCandidate};
use crate::schema::model::Schema;
use crate::schema::name::QualifiedName;
use crate::schema::table::{Column, ConstraintKind, KeyPart, Table};

impl Rename {
    /// Reads `--rename old=new` (a table) or `--rename table.old=table.new` (a column)
    /// against the two models.
    pub fn parse(spec: &str, head: &Schema, desired: &Schema) -> Result<Self, MigrationPlanError> {
        let unknown = |kind, from: &str, to: &str| MigrationPlanError::UnknownRename {
            spec: spec.to_owned(),
            kind,
            from: from.to_owned(),
            to: to.to_owned(),
        };
        let (left, right) = spec
            .split_once('=')
            .ok_or_else(|| unknown("object", spec, ""))?;
        if let (Some(from), Some(to)) = (find_table(head, left), find_table(desired, right)) {
            if desired.tables.contains_key(&from) || head.tables.contains_key(&to) {
                return Err(unknown("table", left, right));
            }
            return Ok(Self::Table { from, to });
        }
        let (Some((table_left, from)), Some((_, to))) =
            (left.rsplit_once('.'), right.rsplit_once('.'))
        else {
            return Err(unknown("table", left, right));
        };
        let table = find_table(head, table_left).ok_or_else(|| unknown("column", left, right))?;
        let has = |schema: &Schema, name: &QualifiedName, column: &str| {
            schema
                .tables
                .get(name)
                .is_some_and(|t| t.columns.iter().any(|c| c.name == column))
        };
        if !has(head, &table, from) || has(head, &table, to) {
            return Err(unknown("column", left, right));
        }
        Ok(Self::Column {
            table,
            from: from.to_owned(),
            to: to.to_owned(),
        })
    }

    /// The same rename, undone: applied to the desired model on the way down.
    pub(crate) fn inverse(&self, all: &[Rename]) -> Self {
        match self {
            Self::Table { from, to } => Self::Table {
                from: to.clone(),
                to: from.clone(),
            },
            Self::Column { table, from, to } => {
                let renamed = all.iter().find_map(|rename| match rename {
                    Self::Table { from: old, to: new } if old == table => Some(new.clone()),
                    _ => None,
                });
                Self::Column {
                    table: renamed.unwrap_or_else(|| table.clone()),
                    from: to.clone(),
                    to: from.clone(),
                }
            }
        }
    }
}

fn find_table(schema: &Schema, text: &str) -> Option<QualifiedName> {
    schema
        .tables
        .keys()
        .find(|name| {
            *name.name == *text
                || name
                    .schema
                    .as_ref()
                    .is_some_and(|s| format!("{s}.{}", name.name) == text)
        })
        .cloned()
}

/// A column's shape: what must match for a dropped and an added column to be one.
fn same_shape(a: &Column, b: &Column) -> bool {
    a.data_type == b.data_type && a.not_null == b.not_null && a.default == b.default
}

fn same_table_shape(a: &Table, b: &Table) -> bool {
    a.columns.len() == b.columns.len()
        && a.columns
            .iter()
            .zip(&b.columns)
            .all(|(x, y)| x.name == y.name && same_shape(x, y))
}

/// Every dropped and added pair of the same shape: tables with the same columns, and
/// columns of one table with the same type, nullability and default in the same place.
pub fn rename_candidates(head: &Schema, desired: &Schema) -> Vec<RenameCandidate> {
    let mut out = Vec::new();
    for (from, old) in head
        .tables
        .iter()
        .filter(|(n, _)| !desired.tables.contains_key(*n))
    {
        for (to, new) in desired
            .tables
            .iter()
            .filter(|(n, _)| !head.tables.contains_key(*n))
        {
            if from.schema == to.schema && same_table_shape(old, new) {
                out.push(Rename::Table {
                    from: from.clone(),
                    to: to.clone(),
                });
            }
        }
    }
    for (name, old) in head.tables.iter() {
        let Some(new) = desired.tables.get(name) else {
            continue;
        };
        for (place, column) in old.columns.iter().enumerate() {
            let dropped = !new.columns.iter().any(|c| c.name == column.name);
            let added = new
                .columns
                .get(place)
                .filter(|c| !old.columns.iter().any(|o| o.name == c.name) && same_shape(column, c));
            if let (true, Some(added)) = (dropped, added) {
                out.push(Rename::Column {
                    table: name.clone(),
                    from: column.name.clone(),
                    to: added.name.clone(),
                });
            }
        }
    }
    out.into_iter()
        .map(|rename| RenameCandidate { rename })
        .collect()
}

/// Whether `rename` settles `candidate`: they share the object renamed or renamed to.
pub fn settles(rename: &Rename, candidate: &Rename) -> bool {
    match (rename, candidate) {
        (Rename::Table { from, to }, Rename::Table { from: f, to: t }) => from == f || to == t,
        (
            Rename::Column { table, from, to },
            Rename::Column {
                table: tb,
                from: f,
                to: t,
            },
        ) => table == tb && (from == f || to == t),
        _ => false,
    }
}

/// `schema` with `rename` applied: the name changed, and every reference to it.
pub(crate) fn apply(schema: &mut Schema, rename: &Rename) {
    match rename {
        Rename::Table { from, to } => rename_table(schema, from, to),
        Rename::Column { table, from, to } => rename_column(schema, table, from, to),
    }
}

fn rename_table(schema: &mut Schema, from: &QualifiedName, to: &QualifiedName) {
    if let Some(table) = schema.tables.remove(from) {
        let mut table = (*table).clone();
        table.name = to.clone();
        schema.tables.insert(to.clone(), Arc::new(table));
    }
    each(&mut schema.tables, |_, table| {
        for constraint in table.constraints.values_mut() {
            if let ConstraintKind::ForeignKey(key) = &mut constraint.kind
                && key.references == *from
            {
                key.references = to.clone();
            }
        }
    });
    each(&mut schema.indexes, |_, index| {
        if index.table == *from {
            index.table = to.clone();
        }
    });
}

/// Changes every value of `map` in place, copying only the shared ones.
fn each<K: Ord + Clone, V: Clone>(
    map: &mut imbl::OrdMap<K, Arc<V>>,
    mut change: impl FnMut(&K, &mut V),
) {
    let keys: Vec<K> = map.keys().cloned().collect();
    for key in keys {
        if let Some(value) = map.get_mut(&key) {
            change(&key, Arc::make_mut(value));
        }
    }
}

fn rename_column(schema: &mut Schema, table_name: &QualifiedName, from: &str, to: &str) {
    let swap = |names: &mut Vec<String>| {
        for name in names.iter_mut().filter(|n| *n == from) {
            *name = to.to_owned();
        }
    };
    each(&mut schema.tables, |name, table| {
        let own = name == table_name;
        if own {
            for column in table.columns.iter_mut().filter(|c| c.name == from) {
                column.name = to.to_owned();
            }
        }
        for constraint in table.constraints.values_mut() {
            match &mut constraint.kind {
                ConstraintKind::PrimaryKey { columns, .. }
                | ConstraintKind::Unique { columns, .. }
                    if own =>
                {
                    swap(columns);
                }
                ConstraintKind::ForeignKey(key) => {
                    if own {
                        swap(&mut key.columns);
                    }
                    if key.references == *table_name {
                        swap(&mut key.referenced_columns);
                    }
                }
                _ => {}
            }
        }
    });
    each(&mut schema.indexes, |_, index| {
        if index.table == *table_name {
            for key in &mut index.keys {
                if let KeyPart::Column(name) = &mut key.part
                    && name == from
                {
                    *name = to.to_owned();
                }
            }
        }
    });
}
