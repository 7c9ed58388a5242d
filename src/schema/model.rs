//! The canonical schema model: every object a database holds, ordered by construction
//! (sorted maps keyed by name, columns in table order) so that equal schemas are equal
//! values and render to equal bytes. Pure: std and serde only.

use std::collections::BTreeMap;
use std::sync::Arc;

use imbl::OrdMap;

use serde::Serialize;

use super::name::{QualifiedName, TriggerName};
use super::serialize::values;
use super::table::{Index, Table};

/// Everything a database holds, as far as migrations are concerned.
///
/// Maps are keyed by the object's own name (which each object also carries); as JSON they
/// become arrays of objects in key order. Objects are shared (`Arc`): verify keeps several
/// snapshots that differ in a few objects, so a copy costs its keys, and comparing an
/// object with itself is comparing two pointers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Schema {
    #[serde(serialize_with = "values")]
    pub namespaces: BTreeMap<String, Namespace>,
    #[serde(serialize_with = "values")]
    pub extensions: BTreeMap<String, Extension>,
    #[serde(serialize_with = "values")]
    pub enums: OrdMap<QualifiedName, Arc<Enum>>,
    #[serde(serialize_with = "values")]
    pub domains: OrdMap<QualifiedName, Arc<Domain>>,
    #[serde(serialize_with = "values")]
    pub composites: OrdMap<QualifiedName, Arc<Composite>>,
    #[serde(serialize_with = "values")]
    pub sequences: OrdMap<QualifiedName, Arc<Sequence>>,
    /// Keyed by name with the identity arguments, `add(integer, integer)`, since functions
    /// overload.
    #[serde(serialize_with = "values")]
    pub functions: OrdMap<QualifiedName, Arc<Function>>,
    #[serde(serialize_with = "values")]
    pub tables: OrdMap<QualifiedName, Arc<Table>>,
    #[serde(serialize_with = "values")]
    pub views: OrdMap<QualifiedName, Arc<View>>,
    #[serde(serialize_with = "values")]
    pub indexes: OrdMap<QualifiedName, Arc<Index>>,
    #[serde(serialize_with = "values")]
    pub triggers: OrdMap<TriggerName, Arc<Trigger>>,
}

impl Schema {
    /// Adds every object of `other`, replacing those of the same name: the objects read
    /// again after a change, put back into the snapshot they came from.
    pub fn absorb(&mut self, other: Schema) {
        self.namespaces.extend(other.namespaces);
        self.extensions.extend(other.extensions);
        self.enums.extend(other.enums);
        self.domains.extend(other.domains);
        self.composites.extend(other.composites);
        self.sequences.extend(other.sequences);
        self.functions.extend(other.functions);
        self.tables.extend(other.tables);
        self.views.extend(other.views);
        self.indexes.extend(other.indexes);
        self.triggers.extend(other.triggers);
    }
}

/// Keeps only the entries `keep` says to, as `BTreeMap::retain` does.
pub fn retain<K: Ord + Clone, V: Clone>(map: &mut OrdMap<K, V>, keep: impl Fn(&K, &V) -> bool) {
    let dropped: Vec<K> = map
        .iter()
        .filter(|(key, value)| !keep(key, value))
        .map(|(key, _)| key.clone())
        .collect();
    for key in dropped {
        map.remove(&key);
    }
}

/// A PostgreSQL schema (a namespace of objects).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Namespace {
    pub name: String,
    pub comment: Option<String>,
}

/// An installed extension. Its objects are not part of the model: the extension owns them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extension {
    pub name: String,
    pub schema: String,
    /// Kept for `--format json` but neither rendered nor compared: it follows the server's
    /// packages, not the migrations, and would make snapshots churn between machines.
    pub version: String,
}

/// A view or materialized view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct View {
    pub name: QualifiedName,
    pub materialized: bool,
    /// SQLite: an explicit column list, `CREATE VIEW v(a, b) AS …`.
    pub columns: Vec<String>,
    /// The query: PostgreSQL's `pg_get_viewdef`, or SQLite's text normalized.
    pub definition: String,
    pub comment: Option<String>,
}

/// A sequence with its options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sequence {
    pub name: QualifiedName,
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    pub cycle: bool,
    /// The column whose drop drops the sequence (`serial`), as `table`, `column`.
    pub owned_by: Option<(QualifiedName, String)>,
    pub comment: Option<String>,
}

/// An enum type with its labels in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enum {
    pub name: QualifiedName,
    pub labels: Vec<String>,
    pub comment: Option<String>,
}

/// A domain over a base type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Domain {
    pub name: QualifiedName,
    pub data_type: String,
    pub not_null: bool,
    pub default: Option<String>,
    pub collation: Option<String>,
    /// Check constraints by name: the expression as `CHECK (…)`.
    pub checks: BTreeMap<String, String>,
    pub comment: Option<String>,
}

/// A composite type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Composite {
    pub name: QualifiedName,
    pub attributes: Vec<Attribute>,
    pub comment: Option<String>,
}

/// One attribute of a composite type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribute {
    pub name: String,
    pub data_type: String,
    pub collation: Option<String>,
}

/// A function or procedure: its whole definition, signature and body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Function {
    pub name: QualifiedName,
    pub kind: FunctionKind,
    /// `pg_get_functiondef`: `CREATE OR REPLACE FUNCTION …`.
    pub definition: String,
    pub comment: Option<String>,
}

/// Function or procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    Function,
    Procedure,
}

/// A trigger, kept as its definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trigger {
    pub name: TriggerName,
    /// `pg_get_triggerdef`, or SQLite's `CREATE TRIGGER` text normalized.
    pub definition: String,
    pub comment: Option<String>,
}
