//! `--sql`: a plan as the SQL it would run, tracking statements included, for a DBA to
//! review or run by hand (Alembic's offline mode).

use std::fmt::Write as _;

use super::step_work::new_row;
use crate::backend::{Dialect, Record, VersionTable, insert_values};
use crate::core::{Action, Plan, Script, Step};

/// The SQL of every step of `plan`, each in its own transaction unless its file says
/// `-- migrate:no-transaction`.
pub fn offline_sql(
    plan: &Plan,
    table: &VersionTable,
    dialect: Dialect,
    applied_at: &str,
) -> String {
    let mut out = String::new();
    if plan.steps.is_empty() {
        out.push_str("-- nothing to do\n");
        return out;
    }
    let _ = writeln!(out, "{};\n", table.create(dialect));
    let mut nulls_allowed = false;
    for step in &plan.steps {
        let (script, row) = match &step.action {
            Action::Apply { up, down } => (
                Some(up),
                Some(new_row(
                    &step.id,
                    &step.slug,
                    up,
                    down.as_ref(),
                    applied_at.into(),
                )),
            ),
            Action::Record { up, down } => (
                None,
                Some(new_row(
                    &step.id,
                    &step.slug,
                    up,
                    down.as_ref(),
                    applied_at.into(),
                )),
            ),
            Action::Revert { down } => (Some(down), None),
            Action::Forget => (None, None),
        };
        let record = match &row {
            Some(row) => Record::Insert(row),
            None => Record::Delete(&step.id),
        };
        // A table an older version made refuses the NULL of a text not kept; the script
        // cannot ask which kind it will meet, so it lifts that once, as a run would.
        let allow_nulls = !nulls_allowed && row.as_ref().is_some_and(|row| row.leaves_out_a_text());
        nulls_allowed |= allow_nulls;
        let books = Books {
            record,
            allow_nulls,
        };
        write_step(&mut out, step, script, books, table, dialect);
    }
    out
}

/// A step's bookkeeping: its record, after lifting the tracking table's NOT NULL on the
/// texts when `allow_nulls`.
struct Books<'a> {
    record: Record<'a>,
    allow_nulls: bool,
}

fn write_step(
    out: &mut String,
    step: &Step,
    script: Option<&Script>,
    books: Books<'_>,
    table: &VersionTable,
    dialect: Dialect,
) {
    let verb = match step.action {
        Action::Apply { .. } => "upgrade",
        Action::Revert { .. } => "downgrade",
        Action::Record { .. } | Action::Forget => "stamp",
    };
    let _ = writeln!(out, "-- {verb} {} {}", step.id, step.slug);
    let transactional = !script.is_some_and(|s| s.directives.no_transaction);
    if transactional {
        out.push_str("BEGIN;\n");
    }
    if let Some(script) = script {
        let _ = writeln!(out, "-- {}", script.origin);
        out.push_str(script.text.trim_end());
        out.push('\n');
    }
    if books.allow_nulls {
        let _ = writeln!(out, "{};", table.allow_null_texts(dialect));
    }
    let bookkeeping = match books.record.row() {
        Some(row) => {
            let values: Vec<String> = insert_values(&row, 0)
                .iter()
                .map(|value| dialect.literal(value))
                .collect();
            let statement = table.insert(dialect);
            let head = statement.split(" VALUES").next().unwrap_or(&statement);
            format!("{head} VALUES ({})", values.join(", "))
        }
        None => format!(
            "DELETE FROM {} WHERE revision = {}",
            table.qualified(dialect),
            dialect.literal(&crate::backend::SqlValue::Text(Some(
                books.record.id().as_str().into()
            )))
        ),
    };
    let _ = writeln!(out, "{bookkeeping};");
    if transactional {
        out.push_str("COMMIT;\n");
    }
    out.push('\n');
}
