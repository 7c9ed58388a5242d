//! Prints errors the way a compiler does: what failed, where in which file, the database's
//! own words, and the fix.

use std::fmt::Write as _;

use migrate::backend::BackendError;
use migrate::core::{AdoptError, ChangedRevision, MAX_STORED_TEXT, PlanError, Verdict};
use migrate::engine::{EngineError, MergeError, StepFailure};
use migrate::provision::ProvisionError;
use migrate::schema::show_whitespace_in_diff;
use migrate::source::{MirrorError, SourceError};

/// The whole text printed for an error, ending in a newline.
pub fn render_error(error: &anyhow::Error) -> String {
    let mut out = format!("error: {error:#}\n");
    if let Some(error) = error.downcast_ref::<EngineError>() {
        match error {
            EngineError::Step(failure) => write_step_failure(&mut out, failure),
            EngineError::Plan(plan) => write_plan_error(&mut out, plan),
            EngineError::Adopt(adopt) => write_adopt_error(&mut out, adopt),
            other => {
                if let Some(help) = other.help() {
                    let _ = writeln!(out, "help: {help}");
                }
            }
        }
    }
    let help = error
        .downcast_ref::<SourceError>()
        .and_then(SourceError::help)
        .or_else(|| error.downcast_ref::<MirrorError>()?.help())
        // A backend's error may come wrapped (a scratch database that could not be
        // provisioned): its fix is the same.
        .or_else(|| {
            error
                .chain()
                .find_map(|cause| cause.downcast_ref::<BackendError>())?
                .help()
        })
        .or_else(|| error.downcast_ref::<MergeError>()?.help())
        .or_else(|| error.downcast_ref::<ProvisionError>()?.help());
    if let Some(help) = help {
        let _ = writeln!(out, "help: {help}");
    }
    out
}

fn write_step_failure(out: &mut String, failure: &StepFailure) {
    match (failure.location, &failure.line_text) {
        (Some(at), Some(line_text)) => {
            let number = at.line.to_string();
            let pad = " ".repeat(number.len());
            let _ = writeln!(out, "{pad}--> {}:{}:{}", failure.origin, at.line, at.column);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {line_text}");
            let caret_pad: String = line_text
                .chars()
                .take(at.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} | {caret_pad}^");
        }
        _ => {
            let _ = writeln!(out, "  --> {}", failure.origin);
        }
    }
    let sql = &failure.failure;
    for (label, value) in [
        ("code", &sql.code),
        ("detail", &sql.detail),
        ("hint", &sql.hint),
    ] {
        if let Some(value) = value {
            let _ = writeln!(out, "  = {label}: {value}");
        }
    }
    let left = if failure.transactional {
        "nothing of this revision was applied (it ran in a transaction)".to_owned()
    } else {
        format!(
            "this revision ran outside a transaction: the statements before the failing one were applied, and it is marked dirty; \
             fix the file or the database, then `migrate repair {0} --resume` runs the rest, or `migrate repair {0}` lets the next run start it again",
            failure.id
        )
    };
    let completed = match failure.completed.len() {
        0 => String::new(),
        n => format!("; {n} earlier revision(s) of this run were applied"),
    };
    let _ = writeln!(out, "note: {left}{completed}");
}

fn write_plan_error(out: &mut String, error: &PlanError) {
    if let PlanError::Changed { changed } = error {
        for change in changed {
            write_change(out, change);
        }
    }
    if let PlanError::Irreversible { reasons, .. } = error {
        for reason in reasons {
            let _ = writeln!(out, "  --> {reason}");
        }
    }
    if let PlanError::Missing { missing, .. } = error {
        for revision in missing {
            let stored = if revision.has_stored_down {
                "down SQL stored"
            } else {
                "no down SQL stored"
            };
            let message = revision.slug.replace('_', " ");
            let _ = writeln!(out, "  {} {message} ({stored})", revision.id);
        }
    }
    if let Some(help) = error.help() {
        let _ = writeln!(out, "help: {help}");
    }
}

/// A unified diff of what an applied revision's file became.
fn write_change(out: &mut String, change: &ChangedRevision) {
    let _ = writeln!(
        out,
        "  --> {} (changed since it was applied)",
        change.origin
    );
    let Some(applied_text) = &change.applied_text else {
        let _ = writeln!(
            out,
            "   | the text as applied was not kept: it was over {} MiB\n   | checksum as applied: {}\n   | checksum now:        {}",
            MAX_STORED_TEXT / (1024 * 1024),
            change.applied_checksum,
            change.current_checksum
        );
        return;
    };
    let diff = similar::TextDiff::from_lines(&**applied_text, &*change.current_text);
    let unified = diff
        .unified_diff()
        .context_radius(2)
        .header("as applied", "now")
        .to_string();
    for line in show_whitespace_in_diff(&unified).split('\n') {
        if !line.is_empty() {
            let _ = writeln!(out, "   | {line}");
        }
    }
}

fn write_adopt_error(out: &mut String, error: &AdoptError) {
    if let AdoptError::ChecksumsDiffer { differ, .. } = error {
        for check in differ {
            if let Verdict::Differs { stored, computed } = &check.verdict {
                let _ = writeln!(
                    out,
                    "  --> {} (stored checksum {stored}, the file's is {computed})",
                    check.origin
                );
            }
        }
    }
    if let Some(help) = error.help() {
        let _ = writeln!(out, "help: {help}");
    }
}
