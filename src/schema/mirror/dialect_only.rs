//! What one dialect has that the other cannot: PostgreSQL's schemas, extensions, types,
//! functions and free-standing sequences, SQLite's virtual tables and the tables they keep
//! their data in. Listed by the mirror comparison, not compared. Pure.

use std::collections::BTreeSet;

use super::super::model::Schema;
use super::super::name::function_label;
use super::super::table::TableKind;
use super::reduced::key;

/// Objects of kinds only PostgreSQL has; SQLite's virtual tables are added as met.
pub(crate) fn dialect_only(schema: &Schema) -> Vec<String> {
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
pub(crate) fn virtual_shadows(schema: &Schema) -> BTreeSet<String> {
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
