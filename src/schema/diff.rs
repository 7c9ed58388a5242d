//! The structural diff of two models: every object missing, unexpected or changed, and for
//! a changed one exactly which details differ. Findings come in a fixed order: by kind of
//! object, then by name. Pure.

use imbl::OrdMap;

use super::diff_table::{diff_index, diff_table};
use super::diff_types::{
    composite_object, diff_composite, diff_enum, domain_details, domain_object, enum_object,
};
use super::diff_walk::{comment, compare, compare_with};
use super::finding::{Details, Finding, FindingKind, describe, detail, flag};
use super::folded_time::differ_only_by_folded_time;
use super::model::{Extension, Function, FunctionKind, Namespace, Schema, Sequence, Trigger, View};
use super::name::{function_label, quote_ident};
use super::table::{Index, Table};

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
        (&e.namespaces, &a.namespaces),
        namespace_object,
        namespace_details,
    );
    compare(
        &mut out,
        (&e.extensions, &a.extensions),
        extension_object,
        extension_details,
    );
    compare_with(
        &mut out,
        unshared(&e.enums, &a.enums),
        enum_object,
        diff_enum,
    );
    compare(
        &mut out,
        unshared(&e.domains, &a.domains),
        domain_object,
        domain_details,
    );
    compare_with(
        &mut out,
        unshared(&e.composites, &a.composites),
        composite_object,
        diff_composite,
    );
    compare(
        &mut out,
        unshared(&e.sequences, &a.sequences),
        sequence_object,
        sequence_details,
    );
    compare(
        &mut out,
        unshared(&e.functions, &a.functions),
        function_object,
        function_details,
    );
    compare_with(
        &mut out,
        unshared(&e.tables, &a.tables),
        |t: &Table| format!("table {}", t.name),
        diff_table,
    );
    compare_with(
        &mut out,
        unshared(&e.views, &a.views),
        view_object,
        diff_view,
    );
    compare_with(
        &mut out,
        unshared(&e.indexes, &a.indexes),
        |i: &Index| format!("index {}", i.name),
        diff_index,
    );
    compare(
        &mut out,
        unshared(&e.triggers, &a.triggers),
        trigger_object,
        trigger_details,
    );
    out
}

/// The entries of both maps, or none when both are one map shared by two snapshots
/// (verify's snapshots share whatever a step did not touch): it holds no difference.
fn unshared<'a, K: Ord + Clone, V: Clone>(
    expected: &'a OrdMap<K, V>,
    actual: &'a OrdMap<K, V>,
) -> (
    impl Iterator<Item = (&'a K, &'a V)>,
    impl Iterator<Item = (&'a K, &'a V)>,
) {
    let entries = if expected.ptr_eq(actual) {
        0
    } else {
        usize::MAX
    };
    (expected.iter().take(entries), actual.iter().take(entries))
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

/// A changed view's finding; one whose definition differs only by a date/time constant
/// folded at creation is reported as such, apart from real changes.
fn diff_view(expected: &View, actual: &View, out: &mut Vec<Finding>) {
    let (expected_details, actual_details) = (view_details(expected), view_details(actual));
    let Some(text) = describe(&expected_details, &actual_details) else {
        return;
    };
    let folded = differ_only_by_folded_time(&expected.definition, &actual.definition)
        && expected_details.len() == actual_details.len()
        && expected_details
            .iter()
            .zip(&actual_details)
            .all(|(e, a)| e == a || e.0 == "definition");
    // The folded values change from run to run: the sentence names the cause instead.
    out.push(if folded {
        Finding::with_detail(
            FindingKind::FoldedConstant,
            view_object(actual),
            "definition differs only by a date/time constant folded when the view was made \
             ('now'::timestamp, 'today'::date): the same view, made at another time",
        )
    } else {
        Finding::with_detail(FindingKind::Changed, view_object(actual), &text)
    });
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
