//! Tables and what belongs to them: columns, constraints, and indexes. Part of the
//! canonical model (see `model`); pure, std and serde only.

use std::collections::BTreeMap;

use serde::Serialize;

use super::name::QualifiedName;
use super::serialize::values;

/// A table with its columns and constraints. Indexes and triggers are top-level objects
/// that name their table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub name: QualifiedName,
    pub kind: TableKind,
    /// SQLite `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// SQLite `STRICT`.
    pub strict: bool,
    /// PostgreSQL: the parent and bound when this table is a partition.
    pub partition_of: Option<PartitionOf>,
    /// PostgreSQL: the tables this one inherits from (`INHERITS`), in their order; a
    /// partition's parent is in `partition_of` instead. Left out of a snapshot when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<QualifiedName>,
    /// In table order: a column's position is information (see `diff`).
    pub columns: Vec<Column>,
    #[serde(serialize_with = "values")]
    pub constraints: BTreeMap<String, Constraint>,
    pub comment: Option<String>,
}

/// What sort of table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TableKind {
    Ordinary,
    /// PostgreSQL partitioned table, with its partition key (`RANGE (created_at)`).
    Partitioned {
        key: String,
    },
    /// SQLite virtual table, with its normalized `USING module(args)` text.
    Virtual {
        using: String,
    },
}

/// A partition's parent and bound (`FOR VALUES FROM (…) TO (…)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartitionOf {
    pub parent: QualifiedName,
    pub bound: String,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: String,
    /// As the database spells it (`character varying(20)`, `INTEGER`); SQLite keeps the
    /// declared type as written, which may be empty.
    pub data_type: String,
    pub not_null: bool,
    pub default: Option<String>,
    pub generated: Option<Generated>,
    pub identity: Option<Identity>,
    /// Only where it differs from the type's default.
    pub collation: Option<String>,
    /// SQLite virtual-table hidden column.
    pub hidden: bool,
    pub comment: Option<String>,
}

/// A generated column's expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Generated {
    pub expression: String,
    /// `STORED` rather than `VIRTUAL`.
    pub stored: bool,
}

/// An identity column's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

/// A named table constraint. SQLite keeps no names for most constraints; they get the
/// names PostgreSQL would give them (`trips_user_id_fkey`), so they stay stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Constraint {
    pub name: String,
    pub kind: ConstraintKind,
    pub deferrable: Deferrable,
    pub comment: Option<String>,
}

/// What a constraint requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ConstraintKind {
    PrimaryKey {
        columns: Vec<String>,
        include: Vec<String>,
        /// SQLite `AUTOINCREMENT`: rowids are never reused.
        autoincrement: bool,
    },
    Unique {
        columns: Vec<String>,
        include: Vec<String>,
        nulls_not_distinct: bool,
    },
    ForeignKey(ForeignKey),
    Check {
        expression: String,
    },
    /// PostgreSQL `EXCLUDE`, kept as the server's definition.
    Exclusion {
        definition: String,
    },
}

/// A foreign key's columns, target and actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub references: QualifiedName,
    pub referenced_columns: Vec<String>,
    pub on_update: FkAction,
    pub on_delete: FkAction,
    pub match_full: bool,
}

/// What a foreign key does when its target changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

/// When a constraint is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferrable {
    NotDeferrable,
    InitiallyImmediate,
    InitiallyDeferred,
}

/// An index that no constraint owns (those render with their constraint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Index {
    pub name: QualifiedName,
    pub table: QualifiedName,
    pub unique: bool,
    /// PostgreSQL access method (`btree`, `gin`); `None` on SQLite.
    pub method: Option<String>,
    pub keys: Vec<IndexKey>,
    pub include: Vec<String>,
    pub predicate: Option<String>,
    pub nulls_not_distinct: bool,
    pub comment: Option<String>,
}

/// One key of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexKey {
    pub part: KeyPart,
    pub collation: Option<String>,
    /// PostgreSQL operator class, only when not the type's default.
    pub opclass: Option<String>,
    pub descending: bool,
    pub nulls: NullsOrder,
}

/// A column or an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPart {
    Column(String),
    Expression(String),
}

/// Where NULLs sort in an index key; `Default` is the backend's default for the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NullsOrder {
    Default,
    First,
    Last,
}
