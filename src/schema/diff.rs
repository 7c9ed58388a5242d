//! The structural diff of two models: every object missing, unexpected or changed, and for
//! a changed one exactly which details differ. Findings come in rendering order. Pure.

use std::collections::BTreeMap;

use super::diff_table::{diff_index, diff_table};
use super::finding::{Details, Finding, FindingKind, describe, detail, flag};
use super::model::{
    Composite, Domain, Enum, Extension, Function, FunctionKind, Namespace, Schema, Sequence,
    Trigger, View,
};
use super::name::{function_label, quote_ident, quote_literal};
use super::render::enum_labels;

/// Everything that differs between `expected` and `actual`; empty exactly when both render
/// to the same text.
///
/// ```
/// use migrate::schema::{Schema, diff};
/// assert!(diff(&Schema::default(), &Schema::default()).is_empty());
/// ```
pub fn diff(expected: &Schema, actual: &Schema) -> Vec<Finding> {
    let mut out = Vec::new();
    let (e, a) = (expected, actual);
    compare(
        &mut out,
        &e.namespaces,
        &a.namespaces,
        namespace_object,
        namespace_details,
    );
    compare(
        &mut out,
        &e.extensions,
        &a.extensions,
        extension_object,
        extension_details,
    );
    compare_with(&mut out, &e.enums, &a.enums, enum_object, diff_enum);
    compare(
        &mut out,
        &e.domains,
        &a.domains,
        domain_object,
        domain_details,
    );
    compare_with(
        &mut out,
        &e.composites,
        &a.composites,
        composite_object,
        diff_composite,
    );
    compare(
        &mut out,
        &e.sequences,
        &a.sequences,
        sequence_object,
        sequence_details,
    );
    compare(
        &mut out,
        &e.functions,
        &a.functions,
        function_object,
        function_details,
    );
    compare_with(
        &mut out,
        &e.tables,
        &a.tables,
        |t| format!("table {}", t.name),
        diff_table,
    );
    compare(&mut out, &e.views, &a.views, view_object, view_details);
    compare_with(
        &mut out,
        &e.indexes,
        &a.indexes,
        |i| format!("index {}", i.name),
        diff_index,
    );
    compare(
        &mut out,
        &e.triggers,
        &a.triggers,
        trigger_object,
        trigger_details,
    );
    out
}

/// Walks two maps in key order: what only `expected` has is missing, what only `actual`
/// has is unexpected, and `changed` reports on what both have but differently.
pub(crate) fn compare_with<K: Ord, V: PartialEq>(
    out: &mut Vec<Finding>,
    expected: &BTreeMap<K, V>,
    actual: &BTreeMap<K, V>,
    object: impl Fn(&V) -> String,
    changed: impl Fn(&V, &V, &mut Vec<Finding>),
) {
    let mut keys: Vec<&K> = expected.keys().chain(actual.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        match (expected.get(key), actual.get(key)) {
            (Some(e), None) => out.push(Finding::missing(object(e))),
            (None, Some(a)) => out.push(Finding::unexpected(object(a))),
            (Some(e), Some(a)) if e != a => changed(e, a, out),
            _ => {}
        }
    }
}

/// [`compare_with`] for objects whose changes are a list of details.
pub(crate) fn compare<K: Ord, V: PartialEq>(
    out: &mut Vec<Finding>,
    expected: &BTreeMap<K, V>,
    actual: &BTreeMap<K, V>,
    object: impl Fn(&V) -> String,
    details: impl Fn(&V) -> Details,
) {
    compare_with(out, expected, actual, &object, |e, a, out| {
        if let Some(text) = describe(&details(e), &details(a)) {
            out.push(Finding::with_detail(FindingKind::Changed, object(a), &text));
        }
    });
}

fn comment(details: &mut Details, comment: Option<&String>) {
    detail(details, "comment", comment.map(|text| quote_literal(text)));
}

fn namespace_object(namespace: &Namespace) -> String {
    format!("schema {}", quote_ident(&namespace.name))
}

fn namespace_details(namespace: &Namespace) -> Details {
    let mut out = Details::new();
    comment(&mut out, namespace.comment.as_ref());
    out
}

fn extension_object(extension: &Extension) -> String {
    format!("extension {}", quote_ident(&extension.name))
}

fn extension_details(extension: &Extension) -> Details {
    vec![("schema".to_owned(), quote_ident(&extension.schema))]
}

fn enum_object(item: &Enum) -> String {
    format!("enum {}", item.name)
}

/// Labels missing or unexpected by name; when the same labels come in another order, that.
fn diff_enum(expected: &Enum, actual: &Enum, out: &mut Vec<Finding>) {
    let mut parts = Vec::new();
    for label in &expected.labels {
        if !actual.labels.contains(label) {
            parts.push(format!("label {} missing", quote_literal(label)));
        }
    }
    for label in &actual.labels {
        if !expected.labels.contains(label) {
            parts.push(format!("label {} unexpected", quote_literal(label)));
        }
    }
    let common = |of: &Enum, other: &Enum| -> Vec<String> {
        let labels = of
            .labels
            .iter()
            .filter(|label| other.labels.contains(label));
        labels.cloned().collect()
    };
    let (e, a) = (common(expected, actual), common(actual, expected));
    if e != a {
        let (e, a) = (enum_labels(&e), enum_labels(&a));
        parts.push(format!("labels in order {a} instead of {e}"));
    }
    let (mut e, mut a) = (Details::new(), Details::new());
    comment(&mut e, expected.comment.as_ref());
    comment(&mut a, actual.comment.as_ref());
    parts.extend(describe(&e, &a));
    if !parts.is_empty() {
        let object = enum_object(actual);
        out.push(Finding::with_detail(
            FindingKind::Changed,
            object,
            &parts.join("; "),
        ));
    }
}

fn domain_object(domain: &Domain) -> String {
    format!("domain {}", domain.name)
}

fn domain_details(domain: &Domain) -> Details {
    let mut out = vec![("type".to_owned(), domain.data_type.clone())];
    detail(
        &mut out,
        "collation",
        domain.collation.as_ref().map(|c| quote_ident(c)),
    );
    detail(&mut out, "default", domain.default.clone());
    flag(&mut out, "NOT NULL", domain.not_null);
    for (name, check) in &domain.checks {
        out.push((format!("constraint {}", quote_ident(name)), check.clone()));
    }
    comment(&mut out, domain.comment.as_ref());
    out
}

fn composite_object(composite: &Composite) -> String {
    format!("type {}", composite.name)
}

/// Attributes compared by name, then their order.
fn diff_composite(expected: &Composite, actual: &Composite, out: &mut Vec<Finding>) {
    let details = |composite: &Composite| -> Details {
        let mut out: Details = composite
            .attributes
            .iter()
            .map(|attribute| {
                let mut value = attribute.data_type.clone();
                if let Some(collation) = &attribute.collation {
                    value.push_str(&format!(" COLLATE {}", quote_ident(collation)));
                }
                (format!("attribute {}", quote_ident(&attribute.name)), value)
            })
            .collect();
        comment(&mut out, composite.comment.as_ref());
        out
    };
    let (e, a) = (details(expected), details(actual));
    let mut parts: Vec<String> = describe(&e, &a).into_iter().collect();
    let order = |of: &Composite, other: &Composite| -> Vec<String> {
        let names = of.attributes.iter().map(|attribute| &attribute.name);
        let common = names.filter(|name| other.attributes.iter().any(|o| &o.name == *name));
        common.map(|name| quote_ident(name)).collect()
    };
    let (e_order, a_order) = (order(expected, actual), order(actual, expected));
    if e_order != a_order {
        parts.push(format!(
            "attributes in order ({}) instead of ({})",
            a_order.join(", "),
            e_order.join(", ")
        ));
    }
    if !parts.is_empty() {
        let object = composite_object(actual);
        out.push(Finding::with_detail(
            FindingKind::Changed,
            object,
            &parts.join("; "),
        ));
    }
}

fn sequence_object(sequence: &Sequence) -> String {
    format!("sequence {}", sequence.name)
}

fn sequence_details(sequence: &Sequence) -> Details {
    // Compared option by option so the sentence names the one that changed.
    let mut out = vec![
        ("type".to_owned(), sequence.data_type.clone()),
        ("START".to_owned(), sequence.start.to_string()),
        ("INCREMENT".to_owned(), sequence.increment.to_string()),
        ("MINVALUE".to_owned(), sequence.min_value.to_string()),
        ("MAXVALUE".to_owned(), sequence.max_value.to_string()),
        ("CACHE".to_owned(), sequence.cache.to_string()),
    ];
    flag(&mut out, "CYCLE", sequence.cycle);
    detail(
        &mut out,
        "OWNED BY",
        sequence
            .owned_by
            .as_ref()
            .map(|(table, column)| format!("{table}.{}", quote_ident(column))),
    );
    comment(&mut out, sequence.comment.as_ref());
    out
}

fn function_object(function: &Function) -> String {
    let kind = match function.kind {
        FunctionKind::Function => "function",
        FunctionKind::Procedure => "procedure",
    };
    format!("{kind} {}", function_label(&function.name))
}

fn function_details(function: &Function) -> Details {
    let mut out = vec![("definition".to_owned(), function.definition.clone())];
    comment(&mut out, function.comment.as_ref());
    out
}

fn view_object(view: &View) -> String {
    let kind = if view.materialized {
        "materialized view"
    } else {
        "view"
    };
    format!("{kind} {}", view.name)
}

fn view_details(view: &View) -> Details {
    let mut out = Details::new();
    flag(&mut out, "MATERIALIZED", view.materialized);
    if !view.columns.is_empty() {
        let columns: Vec<String> = view.columns.iter().map(|c| quote_ident(c)).collect();
        out.push(("columns".to_owned(), format!("({})", columns.join(", "))));
    }
    out.push(("definition".to_owned(), view.definition.clone()));
    comment(&mut out, view.comment.as_ref());
    out
}

fn trigger_object(trigger: &Trigger) -> String {
    format!("trigger {}", trigger.name)
}

fn trigger_details(trigger: &Trigger) -> Details {
    let mut out = vec![("definition".to_owned(), trigger.definition.clone())];
    comment(&mut out, trigger.comment.as_ref());
    out
}
