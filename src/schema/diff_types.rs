//! The structural diff of user-defined types: enums (labels and their order), domains,
//! and composite types (attributes and their order). Pure.

use super::diff_walk::comment;
use super::finding::{Details, Finding, FindingKind, describe, detail, flag};
use super::model::{Composite, Domain, Enum};
use super::name::{quote_ident, quote_literal};
use super::render_fragments::enum_labels;

pub(crate) fn enum_object(item: &Enum) -> String {
    format!("enum {}", item.name)
}

/// Labels missing or unexpected by name; when the same labels come in another order, that.
pub(crate) fn diff_enum(expected: &Enum, actual: &Enum, out: &mut Vec<Finding>) {
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

pub(crate) fn domain_object(domain: &Domain) -> String {
    format!("domain {}", domain.name)
}

pub(crate) fn domain_details(domain: &Domain) -> Details {
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

pub(crate) fn composite_object(composite: &Composite) -> String {
    format!("type {}", composite.name)
}

/// Attributes compared by name, then their order.
pub(crate) fn diff_composite(expected: &Composite, actual: &Composite, out: &mut Vec<Finding>) {
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
