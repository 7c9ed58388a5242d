//! `verify --data`: the tables a step can have changed rows of, so that after it only
//! those are read again (a digest each) rather than every table three times per revision.
//! The script's words ([`row_reach`]) name the tables; the schemas on either side of the
//! step add what reaches further: foreign-key actions, partitions, views written through,
//! and any table whose definition changed. Where a trigger or a function exists, anything
//! can change: every table is read. A table missed here would be a loss not reported, so
//! every doubt reads more.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::core::{RowReach, row_reach};
use crate::schema::{ConstraintKind, FkAction, QualifiedName, Schema};

/// The tables whose rows may have changed since they were last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reached {
    /// Any table.
    All,
    /// Only these, by name in lower case, whatever their schema (two tables of one name
    /// in two schemas are both read: more, never less).
    Tables(BTreeSet<String>),
}

impl Reached {
    /// No table.
    pub fn none() -> Self {
        Self::Tables(BTreeSet::new())
    }

    /// Whether `table`'s rows may have changed.
    pub fn contains(&self, table: &QualifiedName) -> bool {
        match self {
            Self::All => true,
            Self::Tables(names) => names.contains(&table.name.to_lowercase()),
        }
    }

    /// What either reaches.
    pub fn add(&mut self, other: Reached) {
        match (&mut *self, other) {
            (Self::All, _) => {}
            (_, Self::All) => *self = Self::All,
            (Self::Tables(mine), Self::Tables(theirs)) => mine.extend(theirs),
        }
    }
}

/// The tables a step running `script` can have changed rows of, `before` and `after`
/// being the schema on either side of it.
pub fn step_reach(script: &str, before: &Schema, after: &Schema) -> Reached {
    let schemas = [before, after];
    if schemas
        .iter()
        .any(|s| !s.functions.is_empty() || !s.triggers.is_empty())
    {
        // A trigger fires on a write, a function may be called from a default, a check or
        // an index: either can write any table.
        return Reached::All;
    }
    let RowReach::Named(named) = row_reach(script) else {
        return Reached::All;
    };
    let Some(mut cascading) = through_views(named.cascading, &schemas) else {
        return Reached::All;
    };
    cascading.extend(redefined(before, after));
    let mut reached = cascades(cascading, &schemas);
    reached.extend(named.created);
    Reached::Tables(reached)
}

/// `names` and the names in the query of each view among them (a write through a view
/// writes its tables), through views of views; `None` when a query reaches anything.
fn through_views(mut names: BTreeSet<String>, schemas: &[&Schema]) -> Option<BTreeSet<String>> {
    let mut seen = BTreeSet::new();
    loop {
        let views: Vec<_> = schemas
            .iter()
            .flat_map(|s| s.views.values())
            .filter(|v| {
                let name = v.name.name.to_lowercase();
                names.contains(&name) && !seen.contains(&name)
            })
            .cloned()
            .collect();
        if views.is_empty() {
            return Some(names);
        }
        for view in views {
            seen.insert(view.name.name.to_lowercase());
            match row_reach(&view.definition) {
                RowReach::Anything { .. } => return None,
                RowReach::Named(query) => {
                    names.extend(query.cascading);
                    names.extend(query.created);
                }
            }
        }
    }
}

/// The tables whose definition differs between `before` and `after`, or that are in one
/// only: whatever changed them (a schema renamed, a type dropped with its columns) may
/// have changed their rows without naming them.
fn redefined(before: &Schema, after: &Schema) -> BTreeSet<String> {
    let differs = |one: &Schema, other: &Schema| -> Vec<String> {
        one.tables
            .iter()
            .filter(|(name, table)| {
                other
                    .tables
                    .get(*name)
                    .is_none_or(|was| !Arc::ptr_eq(was, table) && was != *table)
            })
            .map(|(name, _)| name.name.to_lowercase())
            .collect()
    };
    differs(before, after)
        .into_iter()
        .chain(differs(after, before))
        .collect()
}

/// `names` and every table a change of their rows reaches: a child whose foreign key
/// deletes or updates with its parent's row, a partition of a table or a table inheriting
/// from it (a write to the parent lands there) and the parent of either (reading it reads
/// the child's rows).
fn cascades(mut names: BTreeSet<String>, schemas: &[&Schema]) -> BTreeSet<String> {
    loop {
        let mut more = Vec::new();
        for table in schemas.iter().flat_map(|s| s.tables.values()) {
            let name = table.name.name.to_lowercase();
            let parents: Vec<String> = (table.partition_of.iter().map(|p| &p.parent))
                .chain(&table.inherits)
                .map(|parent| parent.name.to_lowercase())
                .collect();
            if names.contains(&name) {
                more.extend(parents.into_iter().filter(|p| !names.contains(p)));
                continue;
            }
            let from_parent = parents.iter().any(|p| names.contains(p));
            let by_key = table.constraints.values().any(|c| match &c.kind {
                ConstraintKind::ForeignKey(fk) => {
                    acts(fk.on_delete, fk.on_update)
                        && names.contains(&fk.references.name.to_lowercase())
                }
                _ => false,
            });
            if from_parent || by_key {
                more.push(name);
            }
        }
        if more.is_empty() {
            return names;
        }
        names.extend(more);
    }
}

/// Whether a foreign key with these actions writes its child's rows when its parent's
/// change.
fn acts(on_delete: FkAction, on_update: FkAction) -> bool {
    let writes = |action| !matches!(action, FkAction::NoAction | FkAction::Restrict);
    writes(on_delete) || writes(on_update)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{Backend, SqliteBackend, VersionTable};
    use crate::schema::IntrospectOptions;

    fn schema(sql: &str) -> Schema {
        let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
        db.connection().execute_batch(sql).unwrap();
        db.introspect(&IntrospectOptions::default()).unwrap()
    }

    const TABLES: &str = "CREATE TABLE parent (id integer PRIMARY KEY);\n\
        CREATE TABLE child (id integer PRIMARY KEY,\n\
            parent_id integer REFERENCES parent (id) ON DELETE CASCADE);\n\
        CREATE TABLE grandchild (id integer PRIMARY KEY,\n\
            child_id integer REFERENCES child (id) ON UPDATE SET NULL);\n\
        CREATE TABLE pointer (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id));\n\
        CREATE TABLE other (id integer PRIMARY KEY);\n\
        CREATE VIEW parents AS SELECT id FROM parent;\n";

    fn reaches(reached: &Reached, table: &str) -> bool {
        reached.contains(&QualifiedName::bare(table))
    }

    #[test]
    fn a_write_reaches_what_cascades_from_it_and_no_more() {
        let tables = schema(TABLES);
        let reached = step_reach("DELETE FROM parent WHERE id < 0;", &tables, &tables);
        for table in ["parent", "child", "grandchild"] {
            assert!(reaches(&reached, table), "{table}: {reached:?}");
        }
        // No action: a delete that would orphan its rows fails instead.
        assert!(!reaches(&reached, "pointer"), "{reached:?}");
        assert!(!reaches(&reached, "other"), "{reached:?}");
    }

    #[test]
    fn a_write_reaches_the_tables_inheriting_from_it_and_their_parents() {
        // SQLite has no INHERITS: the model a PostgreSQL introspection gives, set by hand.
        let mut tables = schema(TABLES);
        let other = tables
            .tables
            .get_mut(&QualifiedName::bare("other"))
            .expect("the table other");
        std::sync::Arc::make_mut(other).inherits = vec![QualifiedName::bare("pointer")];
        let reached = step_reach("DELETE FROM pointer;", &tables, &tables);
        assert!(reaches(&reached, "other"), "{reached:?}");
        let reached = step_reach("UPDATE other SET id = id;", &tables, &tables);
        assert!(reaches(&reached, "pointer"), "{reached:?}");
        assert!(!reaches(&reached, "parent"), "{reached:?}");
    }

    #[test]
    fn a_write_through_a_view_reaches_its_tables() {
        let tables = schema(TABLES);
        let reached = step_reach("DELETE FROM parents;", &tables, &tables);
        assert!(reaches(&reached, "child"), "{reached:?}");
    }

    #[test]
    fn a_create_reaches_what_it_names_without_cascading() {
        let tables = schema(TABLES);
        let reached = step_reach("CREATE INDEX i ON parent (id);", &tables, &tables);
        assert!(reaches(&reached, "parent"), "{reached:?}");
        assert!(!reaches(&reached, "child"), "{reached:?}");
    }

    #[test]
    fn a_table_redefined_without_being_named_is_reached() {
        let before = schema(TABLES);
        let after = schema(&TABLES.replace("other (id integer", "other (id text"));
        let reached = step_reach("SELECT 1;", &before, &after);
        assert!(reaches(&reached, "other"), "{reached:?}");
        assert!(!reaches(&reached, "parent"), "{reached:?}");
    }

    #[test]
    fn a_trigger_anywhere_reaches_every_table() {
        let tables = schema(&format!(
            "{TABLES}CREATE TRIGGER t AFTER INSERT ON other BEGIN DELETE FROM pointer; END;"
        ));
        assert_eq!(
            step_reach("INSERT INTO other VALUES (1);", &tables, &tables),
            Reached::All
        );
    }
}
