//! Prints what `migrate lint` found, for people and as JSON; verify prints the same lines.

use std::fmt::Write as _;

use migrate::core::lint::{LintReport, LintWarning};

/// The warnings and stale silences as compiler-style lines, then a count.
pub fn human(report: &LintReport) -> String {
    let mut out = String::new();
    for warning in &report.warnings {
        let _ = writeln!(out, "warning[{}]: {}", warning.rule, warning.problem());
        let _ = writeln!(out, "  --> {}:{}", warning.origin, warning.line);
        let _ = writeln!(out, "   | {}", warning.statement);
        let _ = writeln!(out, "help: {}", warning.rule.safe_pattern());
    }
    for stale in &report.stale {
        let what = if stale.silence.known_rule().is_some() {
            "matches no warning"
        } else {
            "names no lint rule"
        };
        let _ = writeln!(
            out,
            "warning[stale-allow]: `-- migrate:allow {}` {what}\n  --> {}:{}\nhelp: remove the comment",
            stale.silence.rule, stale.origin, stale.silence.line
        );
    }
    let _ = writeln!(
        out,
        "lint: {} warning(s), {} silenced, {} stale silence(s)",
        report.warnings.len(),
        report.silenced.len(),
        report.stale.len()
    );
    out
}

fn warning_json(warning: &LintWarning) -> serde_json::Value {
    let mut value = serde_json::json!({
        "rule": warning.rule.name(),
        "file": warning.origin,
        "line": warning.line,
        "table": warning.table,
        "statement": warning.statement,
        "problem": warning.problem(),
        "help": warning.rule.safe_pattern(),
    });
    // Only where verify ran with --locks.
    if let Some(mode) = &warning.observed {
        value["observed_lock"] = mode.clone().into();
    }
    value
}

/// The report as one JSON object: `warnings`, `silenced` (with their reasons) and `stale`.
pub fn json(report: &LintReport) -> serde_json::Value {
    let silenced: Vec<_> = report
        .silenced
        .iter()
        .map(|(warning, silence)| {
            let mut value = warning_json(warning);
            value["reason"] = silence.reason.clone().into();
            value
        })
        .collect();
    let stale: Vec<_> = report
        .stale
        .iter()
        .map(|stale| {
            serde_json::json!({
                "file": stale.origin,
                "line": stale.silence.line,
                "rule": stale.silence.rule,
                "known_rule": stale.silence.known_rule().is_some(),
            })
        })
        .collect();
    serde_json::json!({
        "warnings": report.warnings.iter().map(warning_json).collect::<Vec<_>>(),
        "silenced": silenced,
        "stale": stale,
    })
}
