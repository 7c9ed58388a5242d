//! How `verify` reports: a line per revision as it is judged, then a summary; or one JSON
//! document; plus GitHub Actions annotations and a JUnit XML file for other CI systems.

use std::fmt::Write as _;

use std::io::IsTerminal as _;
use std::time::Instant;

use migrate::engine::{Event, RevisionVerdict, Status};

use super::args::Format;
use super::verify_args::VerifyArgs;
use super::verify_checksums::ChecksumCheck;
use super::verify_result::{Report, Verification};
use super::verify_snapshot::SnapshotCheck;

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
    for warning in &verdict.data_warnings {
        println!("    warning: {warning}");
    }
    for lock in &verdict.locks {
        let at = lock
            .line
            .map_or_else(String::new, |line| format!(", line {line}"));
        if lock.relation.is_empty() {
            println!(
                "    lock ({}{at}): {}: {}",
                lock.step, lock.mode, lock.blocks
            );
        } else {
            println!(
                "    lock ({}{at}): {} on {}: {}, held {} ms",
                lock.step, lock.mode, lock.relation, lock.blocks, lock.held_ms
            );
        }
    }
    for table in &verdict.data_skipped {
        println!("    data: skipped {table}");
    }
}

/// Prints each walk's header and verdicts at once, as one walk prints them while it goes:
/// for walks put together from shards.
pub fn print_walks(reports: &[Report]) {
    for report in reports {
        let walk = &report.walk;
        println!(
            "verify on {}: {} revisions",
            walk.source,
            walk.revisions.len()
        );
        walk.revisions.iter().for_each(print_verdict);
    }
}

/// Prints the end of the report and writes the JSON and JUnit files; returns whether the
/// run failed.
pub fn finish(verification: &Verification, args: &VerifyArgs) -> anyhow::Result<bool> {
    let strict = args.strict;
    let failed = verification.fails(strict);
    let reports = &verification.reports;
    match args.format {
        Format::Json => println!("{}", super::verify_json::document(verification)?),
        Format::Human => print!("{}", summary(verification, failed)),
    }
    if let Some(path) = &args.report {
        let text = super::verify_json::document(verification)?;
        std::fs::write(path, text + "\n")
            .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
    }
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        annotate(reports, strict, args.format == Format::Json);
    }
    if let Some(path) = &args.junit {
        super::verify_junit::write(path, reports.iter().map(|r| &r.walk), strict)?;
    }
    Ok(failed)
}

fn summary(verification: &Verification, failed: bool) -> String {
    let mut out = String::new();
    for report in &verification.reports {
        write_report(&mut out, report);
    }
    write_checksums(&mut out, "checksums", &verification.checksums);
    if let Some(base) = &verification.base {
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
    for note in &verification.notes {
        let _ = writeln!(out, "{note}");
    }
    for (backend, lint) in &verification.lint {
        if !(lint.warnings.is_empty() && lint.stale.is_empty()) {
            let _ = writeln!(out, "lint ({backend}):");
            out.push_str(&super::lint_output::human(lint));
        }
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
