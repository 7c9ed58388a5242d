//! How `verify --mirror` reports: each set's walk summary as verify prints it, then the
//! comparison (a line per difference where it starts, the head, what is listed and not
//! compared, stale allow entries); or one JSON document with a `mirror` array.

use std::fmt::Write as _;
use std::path::PathBuf;

use migrate::engine::{
    HistoryMark, JudgedFinding, MirrorComparison, MirrorOutcome, MirrorRevision, MirrorStatus,
};
use migrate::schema::Side;
use serde_json::json;

use super::args::Format;
use super::exit;
use super::verify_args::VerifyArgs;
use super::verify_checksums::ChecksumCheck;
use super::verify_json::backend_json;
use super::verify_output::{annotate, write_checksums, write_report};
use super::verify_result::Report;

/// One set's part of the run.
pub struct SetReport {
    pub side: Side,
    pub dir: PathBuf,
    /// `None` when the set's walk did not run (no PostgreSQL).
    pub report: Option<Report>,
    pub checksums: ChecksumCheck,
    /// The set's history, as a shard's report names it.
    pub history: HistoryMark,
}

impl SetReport {
    fn fails(&self, strict: bool) -> bool {
        self.checksums.fails(strict)
            || self
                .report
                .as_ref()
                .is_some_and(|r| r.walk.fails(strict) || r.snapshot.fails(strict))
    }
}

/// Prints the end of the report; returns the exit code: 2 when the comparison was
/// skipped (CI must not pass on half a check), 1 on a defect or drift, else 0.
pub fn finish(
    sets: &[SetReport],
    outcome: &MirrorOutcome,
    args: &VerifyArgs,
) -> anyhow::Result<u8> {
    let strict = args.strict;
    let drift = matches!(outcome, MirrorOutcome::Compared(c) if c.fails());
    let defect = drift || sets.iter().any(|set| set.fails(strict));
    let code = match outcome {
        MirrorOutcome::Skipped { .. } => exit::USAGE,
        MirrorOutcome::Compared(_) if defect => exit::DEFECT,
        MirrorOutcome::Compared(_) => exit::SUCCESS,
    };
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&document(sets, outcome))?
        ),
        Format::Human => print!("{}", summary(sets, outcome, code)),
    }
    let walked: Vec<&Report> = sets.iter().filter_map(|set| set.report.as_ref()).collect();
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        annotate(walked.iter().copied(), strict, args.format == Format::Json);
    }
    if let Some(path) = &args.junit {
        super::verify_junit::write(path, walked.iter().map(|r| &r.walk), strict)?;
    }
    Ok(code)
}

fn summary(sets: &[SetReport], outcome: &MirrorOutcome, code: u8) -> String {
    let mut out = String::new();
    for set in sets {
        if let Some(report) = &set.report {
            write_report(&mut out, report);
        }
        write_checksums(
            &mut out,
            &format!("checksums ({} set)", set.side),
            &set.checksums,
        );
    }
    let [sqlite, postgres] = [Side::Sqlite, Side::Postgres].map(|side| {
        sets.iter()
            .find(|set| set.side == side)
            .map_or_else(String::new, |set| set.dir.display().to_string())
    });
    let _ = writeln!(
        out,
        "mirror: sqlite set {sqlite} against postgres set {postgres}"
    );
    match outcome {
        MirrorOutcome::Skipped { reason } => {
            let _ = writeln!(
                out,
                "mirror: not compared, postgres is not available: {reason}"
            );
        }
        MirrorOutcome::Compared(comparison) => write_comparison(&mut out, comparison),
    }
    let _ = writeln!(
        out,
        "{}",
        match code {
            exit::SUCCESS => "verify: ok",
            exit::DEFECT => "verify: FAILED",
            _ => "verify: INCOMPLETE (the mirror comparison was skipped)",
        }
    );
    out
}

fn write_comparison(out: &mut String, comparison: &MirrorComparison) {
    for revision in &comparison.revisions {
        write_revision(out, revision);
    }
    let mut by_side: Vec<(Side, Vec<&str>)> = Vec::new();
    for only in &comparison.dialect_only {
        match by_side.last_mut() {
            Some((side, objects)) if *side == only.side => objects.push(&only.object),
            _ => by_side.push((only.side, vec![&only.object])),
        }
    }
    for (side, objects) in by_side {
        let _ = writeln!(
            out,
            "{side} only, listed and not compared: {}",
            objects.join(", ")
        );
    }
    for entry in &comparison.stale {
        let _ = writeln!(
            out,
            "✗ stale allow entry: revision {:?}, object {:?} matches no difference; remove it from migrate.toml",
            entry.revision, entry.object
        );
    }
    // The head is always last.
    let revisions = comparison
        .revisions
        .split_last()
        .map_or(&[][..], |(_, rest)| rest);
    let both = revisions.iter().filter(|r| r.sets.len() == 2).count();
    let starts = revisions
        .iter()
        .filter(|r| r.status == MirrorStatus::Differs && !r.findings.is_empty())
        .count();
    let _ = writeln!(
        out,
        "mirror: {both} revisions in both sets ({starts} with new differences), {} in one set only, compared in {:.2} s",
        revisions.len() - both,
        comparison.duration_ms as f64 / 1000.0
    );
}

/// A revision's new differences, one line each; the head with all of its own.
fn write_revision(out: &mut String, revision: &MirrorRevision) {
    let label = revision.label();
    if revision.revision == "head" {
        let fails = revision.fails();
        let mark = if fails { "✗" } else { "✓" };
        let said = match (revision.status, revision.findings.len()) {
            (MirrorStatus::NotCompared, _) => revision.detail.clone().unwrap_or_default(),
            (_, 0) => "the sets agree".into(),
            (_, 1) => "1 difference".into(),
            (_, n) => format!("{n} differences"),
        };
        let _ = writeln!(out, "{mark} head: {said}");
        for finding in &revision.findings {
            let _ = writeln!(out, "    {}", line(finding));
        }
        return;
    }
    if let Some(detail) = &revision.detail {
        let _ = writeln!(out, "- {label}: {detail}");
    }
    for finding in &revision.findings {
        let mark = if finding.allowed.is_some() {
            "~"
        } else {
            "✗"
        };
        let _ = writeln!(out, "{mark} {label}: {}", line(finding));
    }
}

fn line(finding: &JudgedFinding) -> String {
    match &finding.allowed {
        Some(reason) => format!("{} (allowed: {reason})", finding.message),
        None => finding.message.clone(),
    }
}

fn document(sets: &[SetReport], outcome: &MirrorOutcome) -> serde_json::Value {
    let mut doc = serde_json::Map::new();
    for set in sets {
        let mut value = match &set.report {
            Some(report) => backend_json(report, &set.checksums, set.history.clone()),
            None => json!({"backend": set.side.name(), "checksums": set.checksums}),
        };
        if let Some(object) = value.as_object_mut() {
            object.insert("dir".into(), json!(set.dir.display().to_string()));
        }
        doc.insert(set.side.name().into(), value);
    }
    let (revisions, result) = match outcome {
        MirrorOutcome::Skipped { reason } => {
            (json!([]), json!({"status": "skipped", "reason": reason}))
        }
        MirrorOutcome::Compared(comparison) => (
            json!(comparison.revisions),
            json!({
                "status": if comparison.fails() { "drift" } else { "agree" },
                "dialect_only": comparison.dialect_only,
                "stale_allow": comparison.stale,
                "duration_ms": comparison.duration_ms,
            }),
        ),
    };
    doc.insert("mirror".into(), revisions);
    doc.insert("mirror_result".into(), result);
    serde_json::Value::Object(doc)
}
