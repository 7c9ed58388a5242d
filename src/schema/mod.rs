//! The canonical schema model, its deterministic rendering and the structural diff of two
//! models. PURE: no files, environment, clock or database; introspection lives in
//! `backend/` and hands plain models in.

mod diff;
mod diff_table;
#[cfg(test)]
mod diff_tests;
mod diff_types;
mod diff_walk;
mod finding;
mod folded_time;
mod migration;
mod mirror;
mod model;
mod name;
mod normalize;
mod options;
#[cfg(test)]
mod proptests;
mod render;
mod render_fragments;
mod render_table;
mod serialize;
mod sqlite_text;
mod table;
mod tokens;
mod type_family;
mod visible;

pub use diff::diff;
pub use finding::{Finding, FindingKind};
pub use migration::{
    Flavor, MigrationPlan, MigrationPlanError, Rename, RenameCandidate, Renames, Script, Step,
    managed, plan_migration, rename_candidates, settles, unmanaged_statement,
};
pub use mirror::{DialectOnly, MirrorCache, MirrorDiff, MirrorFinding, Side, mirror_diff};
pub use model::{
    Attribute, Composite, Domain, Enum, Extension, Function, FunctionKind, Namespace, Schema,
    Sequence, Trigger, View, retain,
};
pub use name::{QualifiedName, TriggerName, function_label, quote_ident, quote_literal};
pub use normalize::normalize_sql;
pub use options::IntrospectOptions;
pub use render::render;
pub use sqlite_text::{
    CheckText, ColumnText, ForeignKeyText, IndexText, TableText, ViewText, default_expression,
    format_trigger, parse_index, parse_table, parse_view,
};
pub use table::{
    Column, Constraint, ConstraintKind, Deferrable, FkAction, ForeignKey, Generated, Identity,
    Index, IndexKey, KeyPart, NullsOrder, PartitionOf, Table, TableKind,
};
pub use type_family::TypeFamily;
pub use visible::{differ_in_whitespace_only, show_whitespace, show_whitespace_in_diff};
