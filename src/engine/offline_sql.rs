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
        write_step(&mut out, step, script, record, table, dialect);
    }
    out
}

fn write_step(
    out: &mut String,
    step: &Step,
    script: Option<&Script>,
    record: Record<'_>,
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
    let bookkeeping = match record {
        Record::Insert(row) => {
            let values: Vec<String> = insert_values(row, 0)
                .iter()
                .map(|value| dialect.literal(value))
                .collect();
            let statement = table.insert(dialect);
            let head = statement.split(" VALUES").next().unwrap_or(&statement);
            format!("{head} VALUES ({})", values.join(", "))
        }
        Record::Delete(id) => format!(
            "DELETE FROM {} WHERE revision = {}",
            table.qualified(dialect),
            dialect.literal(&crate::backend::SqlValue::Text(Some(id.as_str().into())))
        ),
    };
    let _ = writeln!(out, "{bookkeeping};");
    if transactional {
        out.push_str("COMMIT;\n");
    }
    out.push('\n');
}
