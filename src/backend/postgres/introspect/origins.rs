//! Where each object of a PostgreSQL snapshot came from, by oid: the relation, sequence,
//! function or type (a *unit*, what one catalog row of those kinds puts in the model), and
//! the unit each part belongs to (an index, constraint, trigger, column default or row
//! type). With it a snapshot can forget what one unit contributed and read it again, and
//! can tell which unit a dropped part belonged to once the catalogs no longer know.

use std::collections::HashMap;

use crate::schema::{QualifiedName, Schema, TriggerName};

/// One entry a unit put in the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    Table(QualifiedName),
    View(QualifiedName),
    Composite(QualifiedName),
    Index(QualifiedName),
    Trigger(TriggerName),
    Sequence(QualifiedName),
    Function(QualifiedName),
    Enum(QualifiedName),
    Domain(QualifiedName),
}

impl Entry {
    fn remove_from(&self, schema: &mut Schema) {
        match self {
            Self::Table(name) => drop(schema.tables.remove(name)),
            Self::View(name) => drop(schema.views.remove(name)),
            Self::Composite(name) => drop(schema.composites.remove(name)),
            Self::Index(name) => drop(schema.indexes.remove(name)),
            Self::Trigger(name) => drop(schema.triggers.remove(name)),
            Self::Sequence(name) => drop(schema.sequences.remove(name)),
            Self::Function(name) => drop(schema.functions.remove(name)),
            Self::Enum(name) => drop(schema.enums.remove(name)),
            Self::Domain(name) => drop(schema.domains.remove(name)),
        }
    }
}

/// Which catalog queries read a unit again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// A table, view or composite type.
    Relation,
    Sequence,
    Function,
    Enum,
    Domain,
}

#[derive(Debug, Default, Clone)]
struct Unit {
    entries: Vec<Entry>,
    parts: Vec<u32>,
    /// Partitions: detaching one changes it by a command on this unit only, after which
    /// the catalogs no longer tie the two.
    children: Vec<u32>,
}

/// The units of a snapshot by oid, and the unit of every part.
#[derive(Debug, Default, Clone)]
pub(crate) struct Origins {
    units: HashMap<u32, Unit>,
    parts: HashMap<u32, u32>,
    /// The indexes among the parts, each with what it put in the model: dropping one
    /// takes that entry out and changes nothing else of its table.
    indexes: HashMap<u32, QualifiedName>,
}

impl Origins {
    /// Records that unit `unit` put `entry` in the model.
    pub(crate) fn entry(&mut self, unit: u32, entry: Entry) {
        self.units.entry(unit).or_default().entries.push(entry);
    }

    /// Records that `part` (an index, constraint, trigger, default, row type) is unit
    /// `unit`'s.
    pub(crate) fn part(&mut self, part: u32, unit: u32) {
        self.units.entry(unit).or_default().parts.push(part);
        self.parts.insert(part, unit);
    }

    /// Records that index `index`, on relation `table`, put `name` in the model.
    pub(crate) fn index(&mut self, index: u32, table: u32, name: QualifiedName) {
        self.entry(table, Entry::Index(name.clone()));
        self.part(index, table);
        self.indexes.insert(index, name);
    }

    /// Takes index `index`, which was dropped, out of `schema` and of its table's unit,
    /// so the table need not be read again; false when this snapshot knows no such index.
    pub(crate) fn drop_index(&mut self, index: u32, schema: &mut Schema) -> bool {
        let Some(name) = self.indexes.remove(&index) else {
            return false;
        };
        let entry = Entry::Index(name);
        entry.remove_from(schema);
        if let Some(table) = self.parts.remove(&index)
            && let Some(unit) = self.units.get_mut(&table)
        {
            unit.entries.retain(|kept| *kept != entry);
            unit.parts.retain(|part| *part != index);
        }
        true
    }

    /// Records that relation `child` is a partition of `parent`.
    pub(crate) fn child(&mut self, parent: u32, child: u32) {
        self.units.entry(parent).or_default().children.push(child);
    }

    /// The partitions of unit `unit` when this snapshot was read.
    pub(crate) fn children(&self, unit: u32) -> &[u32] {
        self.units
            .get(&unit)
            .map_or(&[], |unit| unit.children.as_slice())
    }

    /// The unit `oid` is, or is part of, when this snapshot knows it.
    pub(crate) fn unit_of(&self, oid: u32) -> Option<(u32, Family)> {
        let unit = if self.units.contains_key(&oid) {
            oid
        } else {
            *self.parts.get(&oid)?
        };
        let family = match self.units.get(&unit)?.entries.first() {
            Some(Entry::Sequence(_)) => Family::Sequence,
            Some(Entry::Function(_)) => Family::Function,
            Some(Entry::Enum(_)) => Family::Enum,
            Some(Entry::Domain(_)) => Family::Domain,
            _ => Family::Relation,
        };
        Some((unit, family))
    }

    /// Removes from `schema` everything unit `unit` put there, and forgets the unit.
    pub(crate) fn forget(&mut self, unit: u32, schema: &mut Schema) {
        let Some(forgotten) = self.units.remove(&unit) else {
            return;
        };
        for entry in &forgotten.entries {
            entry.remove_from(schema);
        }
        for part in forgotten.parts {
            // A part moves between units only by being dropped and made again with a new
            // oid, so it still points here.
            self.parts.remove(&part);
            self.indexes.remove(&part);
        }
    }

    /// Takes in the origins of objects read again after their units were forgotten.
    pub(crate) fn absorb(&mut self, other: Self) {
        for (oid, unit) in other.units {
            let mine = self.units.entry(oid).or_default();
            mine.entries.extend(unit.entries);
            mine.parts.extend(unit.parts);
            mine.children.extend(unit.children);
        }
        self.parts.extend(other.parts);
        self.indexes.extend(other.indexes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Index, Table, TableKind};

    fn table(name: &str) -> Table {
        Table {
            name: QualifiedName::new("public", name),
            kind: TableKind::Ordinary,
            without_rowid: false,
            strict: false,
            partition_of: None,
            inherits: Vec::new(),
            columns: Vec::new(),
            constraints: Default::default(),
            comment: None,
        }
    }

    fn index(name: &str, table: &str) -> Index {
        Index {
            name: QualifiedName::new("public", name),
            table: QualifiedName::new("public", table),
            unique: false,
            method: None,
            keys: Vec::new(),
            include: Vec::new(),
            predicate: None,
            nulls_not_distinct: false,
            comment: None,
        }
    }

    #[test]
    fn forgetting_a_unit_removes_its_entries_and_parts_only() {
        let mut schema = Schema::default();
        let mut origins = Origins::default();
        for (oid, name, index_oid) in [(10, "a", 11), (20, "b", 21)] {
            schema
                .tables
                .insert(QualifiedName::new("public", name), table(name).into());
            let index_name = format!("{name}_idx");
            schema.indexes.insert(
                QualifiedName::new("public", index_name.as_str()),
                index(&index_name, name).into(),
            );
            origins.entry(oid, Entry::Table(QualifiedName::new("public", name)));
            origins.entry(
                oid,
                Entry::Index(QualifiedName::new("public", index_name.as_str())),
            );
            origins.part(index_oid, oid);
        }
        assert_eq!(origins.unit_of(11), Some((10, Family::Relation)));
        assert_eq!(origins.unit_of(20), Some((20, Family::Relation)));
        assert_eq!(origins.unit_of(99), None);

        origins.forget(10, &mut schema);

        let tables: Vec<_> = schema.tables.keys().map(|n| &*n.name).collect();
        let indexes: Vec<_> = schema.indexes.keys().map(|n| &*n.name).collect();
        assert_eq!((tables, indexes), (vec!["b"], vec!["b_idx"]));
        assert_eq!(
            origins.unit_of(11),
            None,
            "a forgotten unit's parts are forgotten"
        );
        assert_eq!(origins.unit_of(21), Some((20, Family::Relation)));
    }

    #[test]
    fn a_dropped_index_leaves_its_table_and_the_other_indexes() {
        let mut schema = Schema::default();
        let mut origins = Origins::default();
        let name = |name: &str| QualifiedName::new("public", name);
        schema.tables.insert(name("a"), table("a").into());
        origins.entry(10, Entry::Table(name("a")));
        for (oid, index_name) in [(11, "a_x"), (12, "a_y")] {
            schema
                .indexes
                .insert(name(index_name), index(index_name, "a").into());
            origins.index(oid, 10, name(index_name));
        }

        assert!(origins.drop_index(11, &mut schema));
        assert!(!origins.drop_index(11, &mut schema), "known no more");
        assert!(!origins.drop_index(10, &mut schema), "a table is no index");

        let indexes: Vec<_> = schema.indexes.keys().map(|n| &*n.name).collect();
        assert_eq!(indexes, vec!["a_y"]);
        assert_eq!(schema.tables.len(), 1);
        assert_eq!(origins.unit_of(11), None);
        assert_eq!(origins.unit_of(12), Some((10, Family::Relation)));
        origins.forget(10, &mut schema);
        assert!(schema.indexes.is_empty() && schema.tables.is_empty());
    }

    #[test]
    fn absorbed_origins_are_known() {
        let mut origins = Origins::default();
        let mut read_again = Origins::default();
        read_again.entry(30, Entry::Domain(QualifiedName::new("public", "d")));
        read_again.part(31, 30);
        read_again.entry(40, Entry::Function(QualifiedName::new("public", "f()")));
        origins.absorb(read_again);
        assert_eq!(origins.unit_of(31), Some((30, Family::Domain)));
        assert_eq!(origins.unit_of(40), Some((40, Family::Function)));
    }
}
