//! How `verify` reports: a line per revision as it is judged, then a summary; or one JSON
//! document; plus GitHub Actions annotations and a JUnit XML file for other CI systems.

use std::fmt::Write as _;

use std::io::IsTerminal as _;
use std::time::Instant;

use migrate::engine::{Event, RevisionVerdict, Status, WalkReport};
use migrate::source::{SourceError, SumState};
use serde::Serialize;

use super::args::{Format, VerifyArgs};
use super::verify_base::BaseCheck;
use super::verify_snapshot::SnapshotCheck;

/// One backend's walk and snapshot check.
pub struct Report {
    pub walk: WalkReport,
    pub snapshot: SnapshotCheck,
}

/// What the sum file says.
#[derive(Debug, Clone, Serialize)]
pub struct ChecksumCheck {
    /// `verified`, `absent` or `mismatch`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ChecksumCheck {
    pub fn from_state(state: SumState) -> Self {
        match state {
            SumState::Verified => Self { status: "verified", detail: None },
            SumState::Absent | SumState::Unchecked => Self {
                status: "absent",
                detail: Some("no migrate.sum: run `migrate hash` and commit it, so edits to merged migrations are caught".into()),
            },
        }
    }

    pub fn mismatch(error: &SourceError) -> Self {
        let help = error
            .help()
            .map_or_else(String::new, |help| format!(" ({help})"));
        Self {
            status: "mismatch",
            detail: Some(format!("{error}{help}")),
        }
    }

    pub(super) fn fails(&self, strict: bool) -> bool {
        self.status == "mismatch" || (strict && self.status == "absent")
    }
}

/// What verify shows as it goes: a line per judged revision (human output only) and, on a
/// terminal, a status line with the revision being checked, its file and the time so far,
/// rewritten in place (never on a pipe or in JSON mode).
pub struct Progress {
    human: bool,
    terminal: bool,
    started: Instant,
}

impl Progress {
    pub fn new(human: bool) -> Self {
        Self {
            human,
            terminal: human && std::io::stderr().is_terminal(),
            started: Instant::now(),
        }
    }

    pub fn show(&mut self, event: &Event<'_>) {
        match event {
            Event::Checking {
                position,
                total,
                revision,
            } if self.terminal => {
                eprint!(
                    "\r\x1b[K[{position}/{total} {:.1}s] {}",
                    self.started.elapsed().as_secs_f64(),
                    revision.up.origin
                );
            }
            Event::Checking { .. } => {}
            Event::Judged(verdict) if self.human => {
                if self.terminal {
                    eprint!("\r\x1b[K");
                }
                print_verdict(verdict);
            }
            Event::Judged(_) | Event::Applied { .. } => {}
        }
    }
}

/// The line printed as a revision is judged.
fn print_verdict(verdict: &RevisionVerdict) {
    let mark = match verdict.status {
        Status::Ok | Status::Unchecked => "✓",
        Status::Irreversible | Status::Skipped => "-",
        _ => "✗",
    };
    let message = verdict.slug.replace('_', " ");
    println!(
        "{mark} {} {message}: {}",
        verdict.id,
        verdict.status.as_str()
    );
    if let Some(detail) = verdict
        .detail
        .as_ref()
        .filter(|_| verdict.status != Status::Ok)
    {
        let at = match (&verdict.file, verdict.line) {
            (Some(file), Some(line)) => format!(" ({file}:{line})"),
            (Some(file), None) => format!(" ({file})"),
            _ => String::new(),
        };
        println!("    {detail}{at}");
    }
    for finding in &verdict.diff {
        println!("    {finding}");
    }
    for warning in &verdict.warnings {
        println!("    warning: {warning}");
    }
}

/// Prints the end of the report and writes the JUnit file; returns whether the run failed.
pub fn finish(
    reports: &[Report],
    checksums: &ChecksumCheck,
    base: Option<&BaseCheck>,
    notes: &[String],
    args: &VerifyArgs,
) -> anyhow::Result<bool> {
    let strict = args.strict;
    let failed = checksums.fails(strict)
        || base.is_some_and(|base| !base.findings.is_empty())
        || reports
            .iter()
            .any(|r| r.walk.fails(strict) || r.snapshot.fails(strict));
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json(reports, checksums, base))?
        ),
        Format::Human => print!("{}", summary(reports, checksums, base, notes, failed)),
    }
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        annotate(reports, strict, args.format == Format::Json);
    }
    if let Some(path) = &args.junit {
        super::verify_junit::write(path, reports.iter().map(|r| &r.walk), strict)?;
    }
    Ok(failed)
}

fn summary(
    reports: &[Report],
    checksums: &ChecksumCheck,
    base: Option<&BaseCheck>,
    notes: &[String],
    failed: bool,
) -> String {
    let mut out = String::new();
    for report in reports {
        write_report(&mut out, report);
    }
    write_checksums(&mut out, "checksums", checksums);
    if let Some(base) = base {
        let _ = writeln!(
            out,
            "base {}: {}",
            base.reference,
            if base.findings.is_empty() {
                "no conflicts"
            } else {
                "conflicts"
            }
        );
        for finding in &base.findings {
            let _ = writeln!(out, "    {finding}");
        }
    }
    for note in notes {
        let _ = writeln!(out, "{note}");
    }
    let _ = writeln!(
        out,
        "{}",
        if failed {
            "verify: FAILED"
        } else {
            "verify: ok"
        }
    );
    out
}

/// A backend's snapshot check and the summary line of its walk.
pub(super) fn write_report(out: &mut String, report: &Report) {
    let walk = &report.walk;
    let _ = writeln!(
        out,
        "snapshot ({}): {}",
        walk.backend,
        report.snapshot.summary()
    );
    if let SnapshotCheck::Differs { diff, .. } = &report.snapshot {
        for line in diff.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    let bad = walk
        .revisions
        .iter()
        .filter(|v| v.status.fails(false))
        .count();
    let skipped = match walk.count(Status::Skipped) {
        0 => String::new(),
        n => format!(", {n} skipped"),
    };
    let _ = writeln!(
        out,
        "{}: {} revisions, {} ok, {} irreversible, {} failed{skipped}, in {:.1} s",
        walk.backend,
        walk.revisions.len(),
        walk.count(Status::Ok),
        walk.count(Status::Irreversible),
        bad,
        walk.duration_ms as f64 / 1000.0
    );
}

/// `checksums: verified`, under `label`.
pub(super) fn write_checksums(out: &mut String, label: &str, checksums: &ChecksumCheck) {
    let _ = writeln!(
        out,
        "{label}: {}{}",
        checksums.status,
        checksums
            .detail
            .as_ref()
            .map_or_else(String::new, |d| format!(": {d}"))
    );
}

#[derive(Serialize)]
struct BackendJson<'a> {
    backend: &'a str,
    source: &'a str,
    revisions: &'a [RevisionVerdict],
    snapshot: &'a SnapshotCheck,
    checksums: &'a ChecksumCheck,
    #[serde(skip_serializing_if = "Option::is_none")]
    base: Option<&'a BaseCheck>,
    duration_ms: u128,
}

fn json(
    reports: &[Report],
    checksums: &ChecksumCheck,
    base: Option<&BaseCheck>,
) -> serde_json::Value {
    let each = |report: &Report| backend_json(report, checksums, base);
    match reports {
        [only] => each(only),
        many => serde_json::Value::Object(
            many.iter()
                .map(|r| (r.walk.backend.clone(), each(r)))
                .collect(),
        ),
    }
}

/// One backend's report as JSON.
pub(super) fn backend_json(
    report: &Report,
    checksums: &ChecksumCheck,
    base: Option<&BaseCheck>,
) -> serde_json::Value {
    serde_json::to_value(BackendJson {
        backend: &report.walk.backend,
        source: &report.walk.source,
        revisions: &report.walk.revisions,
        snapshot: &report.snapshot,
        checksums,
        base,
        duration_ms: report.walk.duration_ms,
    })
    .unwrap_or_default()
}

/// `::error file=…,line=…::…` lines GitHub Actions turns into annotations on the file.
pub(super) fn annotate<'a>(
    reports: impl IntoIterator<Item = &'a Report>,
    strict: bool,
    to_stderr: bool,
) {
    for report in reports {
        for verdict in report
            .walk
            .revisions
            .iter()
            .filter(|v| v.status.fails(strict))
        {
            let mut line = String::from("::error");
            if let Some(file) = &verdict.file {
                let _ = write!(line, " file={file}");
                if let Some(number) = verdict.line {
                    let _ = write!(line, ",line={number}");
                }
            }
            let detail = verdict.detail.as_deref().unwrap_or("");
            let diff: Vec<String> = verdict.diff.iter().map(ToString::to_string).collect();
            let _ = write!(
                line,
                "::{} {} on {}: {detail} {}",
                verdict.id,
                verdict.status.as_str(),
                report.walk.backend,
                diff.join("; ")
            );
            if to_stderr {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
        }
    }
}
