//! Renders a model as readable, SQL-like text: one object per block, in a fixed order
//! (kind, then name), each table followed by its indexes and triggers. The same model
//! always gives the same bytes; this is the text users commit and review. Pure.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{
    Composite, Domain, Enum, Extension, Function, Namespace, Schema, Sequence, Trigger, View,
};
use super::name::{QualifiedName, function_label, quote_ident};
use super::render_fragments::{comment_line, enum_labels};
use super::render_table::{index_statement, table_statement};
use super::table::{Index, Table};

/// The text of a whole schema: blocks separated by one blank line, ending in a newline.
pub fn render(schema: &Schema) -> String {
    let mut blocks: Vec<String> = Vec::new();
    blocks.extend(schema.namespaces.values().map(namespace_block));
    blocks.extend(schema.extensions.values().map(extension_block));
    blocks.extend(schema.enums.values().map(|object| enum_block(object)));
    blocks.extend(schema.domains.values().map(|object| domain_block(object)));
    blocks.extend(
        schema
            .composites
            .values()
            .map(|object| composite_block(object)),
    );
    blocks.extend(
        schema
            .sequences
            .values()
            .map(|object| sequence_block(object)),
    );
    blocks.extend(
        schema
            .functions
            .values()
            .map(|object| function_block(object)),
    );

    let mut indexes = group_by_table(schema.indexes.values().map(|i| &**i), |i| &i.table);
    let mut triggers = group_by_table(schema.triggers.values().map(|t| &**t), |t| &t.name.table);
    let mut dependents = |name: &QualifiedName, blocks: &mut Vec<String>| {
        let own_indexes = indexes.remove(name).unwrap_or_default();
        blocks.extend(own_indexes.into_iter().map(index_block));
        let own_triggers = triggers.remove(name).unwrap_or_default();
        blocks.extend(own_triggers.into_iter().map(trigger_block));
    };
    for table in schema.tables.values() {
        blocks.push(table_block(table));
        dependents(&table.name, &mut blocks);
    }
    for view in schema.views.values() {
        blocks.push(view_block(view));
        dependents(&view.name, &mut blocks);
    }
    // Objects of a relation the model does not hold (excluded by the options) still show.
    for index in indexes.into_values().flatten() {
        blocks.push(index_block(index));
    }
    for trigger in triggers.into_values().flatten() {
        blocks.push(trigger_block(trigger));
    }

    let mut text = blocks.join("\n\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

fn group_by_table<'a, T>(
    items: impl Iterator<Item = &'a T>,
    table_of: impl Fn(&T) -> &QualifiedName,
) -> BTreeMap<QualifiedName, Vec<&'a T>> {
    let mut groups: BTreeMap<QualifiedName, Vec<&T>> = BTreeMap::new();
    for item in items {
        groups.entry(table_of(item).clone()).or_default().push(item);
    }
    groups
}

fn namespace_block(namespace: &Namespace) -> String {
    let name = quote_ident(&namespace.name);
    let mut out = format!("CREATE SCHEMA {name};");
    comment_line(
        &mut out,
        &format!("SCHEMA {name}"),
        namespace.comment.as_ref(),
    );
    out
}

fn extension_block(extension: &Extension) -> String {
    format!(
        "CREATE EXTENSION {} SCHEMA {};",
        quote_ident(&extension.name),
        quote_ident(&extension.schema)
    )
}

fn enum_block(item: &Enum) -> String {
    let mut out = format!(
        "CREATE TYPE {} AS ENUM {};",
        item.name,
        enum_labels(&item.labels)
    );
    comment_line(
        &mut out,
        &format!("TYPE {}", item.name),
        item.comment.as_ref(),
    );
    out
}

/// The domain's base type, nullability, default and collation, as one line.
pub(crate) fn domain_head(domain: &Domain) -> String {
    let mut out = format!("CREATE DOMAIN {} AS {}", domain.name, domain.data_type);
    if let Some(collation) = &domain.collation {
        let _ = write!(out, " COLLATE {}", quote_ident(collation));
    }
    if let Some(default) = &domain.default {
        let _ = write!(out, " DEFAULT {default}");
    }
    if domain.not_null {
        out.push_str(" NOT NULL");
    }
    out
}

fn domain_block(domain: &Domain) -> String {
    let mut out = domain_head(domain);
    for (name, check) in &domain.checks {
        let _ = write!(out, "\n    CONSTRAINT {} {check}", quote_ident(name));
    }
    out.push(';');
    comment_line(
        &mut out,
        &format!("DOMAIN {}", domain.name),
        domain.comment.as_ref(),
    );
    out
}

fn composite_block(composite: &Composite) -> String {
    let attributes: Vec<String> = composite
        .attributes
        .iter()
        .map(|attribute| {
            let mut line = format!(
                "    {} {}",
                quote_ident(&attribute.name),
                attribute.data_type
            );
            if let Some(collation) = &attribute.collation {
                let _ = write!(line, " COLLATE {}", quote_ident(collation));
            }
            line
        })
        .collect();
    let mut out = format!(
        "CREATE TYPE {} AS (\n{}\n);",
        composite.name,
        attributes.join(",\n")
    );
    let on = format!("TYPE {}", composite.name);
    comment_line(&mut out, &on, composite.comment.as_ref());
    out
}

/// A sequence's options, in `CREATE SEQUENCE` order.
pub(crate) fn sequence_options(sequence: &Sequence) -> String {
    let mut out = format!(
        "AS {} START {} INCREMENT {} MINVALUE {} MAXVALUE {} CACHE {}{}",
        sequence.data_type,
        sequence.start,
        sequence.increment,
        sequence.min_value,
        sequence.max_value,
        sequence.cache,
        if sequence.cycle {
            " CYCLE"
        } else {
            " NO CYCLE"
        }
    );
    if let Some((table, column)) = &sequence.owned_by {
        let _ = write!(out, " OWNED BY {table}.{}", quote_ident(column));
    }
    out
}

fn sequence_block(sequence: &Sequence) -> String {
    let mut out = format!(
        "CREATE SEQUENCE {} {};",
        sequence.name,
        sequence_options(sequence)
    );
    let on = format!("SEQUENCE {}", sequence.name);
    comment_line(&mut out, &on, sequence.comment.as_ref());
    out
}

fn function_block(function: &Function) -> String {
    let mut out = format!("{};", function.definition.trim_end());
    let kind = match function.kind {
        super::model::FunctionKind::Function => "FUNCTION",
        super::model::FunctionKind::Procedure => "PROCEDURE",
    };
    let on = format!("{kind} {}", function_label(&function.name));
    comment_line(&mut out, &on, function.comment.as_ref());
    out
}

fn table_block(table: &Table) -> String {
    table_statement(table)
}

fn index_block(index: &Index) -> String {
    let mut out = format!("{};", index_statement(index));
    comment_line(
        &mut out,
        &format!("INDEX {}", index.name),
        index.comment.as_ref(),
    );
    out
}

/// `CREATE VIEW name [(columns)] AS`, the line before the query.
pub(crate) fn view_head(view: &View) -> String {
    let kind = if view.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let mut out = format!("CREATE {kind} {}", view.name);
    if !view.columns.is_empty() {
        let columns: Vec<String> = view.columns.iter().map(|c| quote_ident(c)).collect();
        let _ = write!(out, " ({})", columns.join(", "));
    }
    out.push_str(" AS");
    out
}

fn view_block(view: &View) -> String {
    let mut out = format!("{}\n{};", view_head(view), view.definition);
    let kind = if view.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    comment_line(
        &mut out,
        &format!("{kind} {}", view.name),
        view.comment.as_ref(),
    );
    out
}

fn trigger_block(trigger: &Trigger) -> String {
    let mut out = format!("{};", trigger.definition);
    comment_line(
        &mut out,
        &format!("TRIGGER {}", trigger.name),
        trigger.comment.as_ref(),
    );
    out
}
