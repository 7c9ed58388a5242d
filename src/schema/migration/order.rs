//! Dependency order: tables after the tables their foreign keys reference, views after
//! what they read. Views are matched by the names their query mentions, which errs on the
//! side of dropping and recreating a view that did not need it. Pure.

use std::collections::BTreeSet;

use crate::schema::model::View;
use crate::schema::name::QualifiedName;
use crate::schema::table::{ConstraintKind, Table};

/// `tables` with every table after those it references (cycles keep name order).
pub(crate) fn referenced_first(tables: Vec<&Table>) -> Vec<&Table> {
    let names: BTreeSet<&QualifiedName> = tables.iter().map(|t| &t.name).collect();
    let mut placed: BTreeSet<QualifiedName> = BTreeSet::new();
    let mut out = Vec::new();
    let mut rest = tables;
    while !rest.is_empty() {
        let (ready, waiting): (Vec<&Table>, Vec<&Table>) = rest.into_iter().partition(|t| {
            references(t)
                .iter()
                .all(|r| *r == t.name || !names.contains(r) || placed.contains(r))
        });
        if ready.is_empty() {
            // A cycle: take the rest in name order rather than loop.
            out.extend(waiting);
            break;
        }
        placed.extend(ready.iter().map(|t| t.name.clone()));
        out.extend(ready);
        rest = waiting;
    }
    out
}

fn references(table: &Table) -> Vec<QualifiedName> {
    table
        .constraints
        .values()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey(key) => Some(key.references.clone()),
            _ => None,
        })
        .collect()
}

/// Whether a view's query mentions `name` as a word: then it may read it.
pub(crate) fn mentions(view: &View, name: &str) -> bool {
    let text = view.definition.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    text.match_indices(&name).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + name.len()).copied();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// `views` with every view after the views it mentions (cycles keep name order).
pub(crate) fn views_in_order(views: Vec<&View>) -> Vec<&View> {
    let mut out: Vec<&View> = Vec::new();
    let mut rest = views;
    while !rest.is_empty() {
        let (ready, waiting): (Vec<&View>, Vec<&View>) = rest.iter().partition(|v| {
            !rest
                .iter()
                .any(|other| other.name != v.name && mentions(v, &other.name.name))
        });
        if ready.is_empty() {
            out.extend(waiting);
            break;
        }
        out.extend(ready);
        rest = waiting;
    }
    out
}
