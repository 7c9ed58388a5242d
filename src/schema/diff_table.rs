//! The structural diff of tables (their options, columns, column order and constraints)
//! and of indexes. Pure.

use super::diff_walk::compare;
use super::finding::{Details, Finding, FindingKind, describe, detail, flag};
use super::name::{quote_ident, quote_literal};
use super::render_table::{constraint_body, deferrable_suffix, fk_action, index_key};
use super::table::{Column, Constraint, ConstraintKind, Index, Table, TableKind};

/// Reports a table's own changes, then its columns, column order and constraints.
pub(crate) fn diff_table(expected: &Table, actual: &Table, out: &mut Vec<Finding>) {
    let object = format!("table {}", actual.name);
    if let Some(text) = describe(&table_details(expected), &table_details(actual)) {
        out.push(Finding::with_detail(
            FindingKind::Changed,
            object.clone(),
            &text,
        ));
    }
    let by_name = |table: &Table| -> std::collections::BTreeMap<String, Column> {
        let columns = table.columns.iter();
        columns.map(|c| (c.name.clone(), c.clone())).collect()
    };
    let name = &actual.name;
    compare(
        out,
        (&by_name(expected), &by_name(actual)),
        |column| format!("column {name}.{}", quote_ident(&column.name)),
        column_details,
    );
    let (e_order, a_order) = (
        common_order(expected, actual),
        common_order(actual, expected),
    );
    if e_order != a_order {
        let detail = format!(
            "columns in order ({}) instead of ({})",
            a_order.join(", "),
            e_order.join(", ")
        );
        out.push(Finding::with_detail(
            FindingKind::ColumnOrder,
            object,
            &detail,
        ));
    }
    compare(
        out,
        (&expected.constraints, &actual.constraints),
        |constraint| format!("constraint {} on {name}", quote_ident(&constraint.name)),
        constraint_details,
    );
}

/// The names of `of`'s columns that `other` has too, in `of`'s order.
fn common_order(of: &Table, other: &Table) -> Vec<String> {
    let names = of.columns.iter().map(|column| &column.name);
    let common = names.filter(|name| other.columns.iter().any(|o| &o.name == *name));
    common.map(|name| quote_ident(name)).collect()
}

fn comment(details: &mut Details, comment: Option<&String>) {
    detail(details, "comment", comment.map(|text| quote_literal(text)));
}

fn table_details(table: &Table) -> Details {
    let mut out = Details::new();
    match &table.kind {
        TableKind::Ordinary => {}
        TableKind::Partitioned { key } => out.push(("PARTITION BY".to_owned(), key.clone())),
        TableKind::Virtual { using } => out.push(("virtual table".to_owned(), using.clone())),
    }
    flag(&mut out, "WITHOUT ROWID", table.without_rowid);
    flag(&mut out, "STRICT", table.strict);
    detail(
        &mut out,
        "partition of",
        table
            .partition_of
            .as_ref()
            .map(|partition| format!("{} {}", partition.parent, partition.bound)),
    );
    let parents: Vec<String> = table.inherits.iter().map(ToString::to_string).collect();
    detail(
        &mut out,
        "INHERITS",
        (!parents.is_empty()).then(|| parents.join(", ")),
    );
    comment(&mut out, table.comment.as_ref());
    out
}

fn column_details(column: &Column) -> Details {
    let mut out = Details::new();
    if !column.data_type.is_empty() {
        out.push(("type".to_owned(), column.data_type.clone()));
    }
    detail(
        &mut out,
        "collation",
        column.collation.as_ref().map(|c| quote_ident(c)),
    );
    detail(&mut out, "default", column.default.clone());
    flag(&mut out, "NOT NULL", column.not_null);
    detail(
        &mut out,
        "generated",
        column.generated.as_ref().map(|generated| {
            let storage = if generated.stored {
                "STORED"
            } else {
                "VIRTUAL"
            };
            format!("({}) {storage}", generated.expression)
        }),
    );
    detail(
        &mut out,
        "identity",
        column.identity.map(|identity| match identity {
            super::table::Identity::Always => "ALWAYS".to_owned(),
            super::table::Identity::ByDefault => "BY DEFAULT".to_owned(),
        }),
    );
    flag(&mut out, "HIDDEN", column.hidden);
    comment(&mut out, column.comment.as_ref());
    out
}

fn constraint_details(constraint: &Constraint) -> Details {
    let mut out = Details::new();
    match &constraint.kind {
        ConstraintKind::ForeignKey(key) => {
            let columns = |names: &[String]| -> String {
                let quoted: Vec<String> = names.iter().map(|n| quote_ident(n)).collect();
                format!("({})", quoted.join(", "))
            };
            out.push(("columns".to_owned(), columns(&key.columns)));
            out.push((
                "REFERENCES".to_owned(),
                if key.referenced_columns.is_empty() {
                    key.references.to_string()
                } else {
                    format!("{} {}", key.references, columns(&key.referenced_columns))
                },
            ));
            flag(&mut out, "MATCH FULL", key.match_full);
            out.push(("ON UPDATE".to_owned(), fk_action(key.on_update).to_owned()));
            out.push(("ON DELETE".to_owned(), fk_action(key.on_delete).to_owned()));
        }
        _ => {
            let plain = Constraint {
                deferrable: super::table::Deferrable::NotDeferrable,
                ..constraint.clone()
            };
            out.push(("definition".to_owned(), constraint_body(&plain)));
        }
    }
    let deferrable = deferrable_suffix(constraint.deferrable).trim_start();
    out.push((
        "deferrability".to_owned(),
        if deferrable.is_empty() {
            "NOT DEFERRABLE".to_owned()
        } else {
            deferrable.to_owned()
        },
    ));
    comment(&mut out, constraint.comment.as_ref());
    out
}

pub(crate) fn diff_index(expected: &Index, actual: &Index, out: &mut Vec<Finding>) {
    if let Some(text) = describe(&index_details(expected), &index_details(actual)) {
        let object = format!("index {}", actual.name);
        out.push(Finding::with_detail(FindingKind::Changed, object, &text));
    }
}

fn index_details(index: &Index) -> Details {
    let mut out = vec![("table".to_owned(), index.table.to_string())];
    flag(&mut out, "UNIQUE", index.unique);
    detail(&mut out, "method", index.method.clone());
    let keys: Vec<String> = index.keys.iter().map(index_key).collect();
    out.push(("keys".to_owned(), format!("({})", keys.join(", "))));
    if !index.include.is_empty() {
        let include: Vec<String> = index.include.iter().map(|c| quote_ident(c)).collect();
        out.push(("INCLUDE".to_owned(), format!("({})", include.join(", "))));
    }
    flag(&mut out, "NULLS NOT DISTINCT", index.nulls_not_distinct);
    detail(&mut out, "WHERE", index.predicate.clone());
    comment(&mut out, index.comment.as_ref());
    out
}
