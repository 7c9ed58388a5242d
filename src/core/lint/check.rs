//! Runs the rules over scripts: the warnings with file:line, those silenced by a
//! `-- migrate:allow` comment, and the silences that match nothing. Pure.

use super::rule::Rule;
use super::silence::Silence;
use super::statement::{Facts, analyse};
use crate::core::{Location, Revision, Script, split_statements};

/// Which database the scripts are written for: SQLite has no concurrent index, no NOT
/// VALID, no lock_timeout and rewrites tables itself, so only rename and drop apply there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Postgres,
    Sqlite,
}

/// What the rules may assume about how the scripts are run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LintOptions {
    pub flavor: Flavor,
    /// A lock_timeout is set for every migration session (`db_lock_timeout`), so the
    /// scripts need not set their own.
    pub lock_timeout_configured: bool,
}

/// One warning, pointing into its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintWarning {
    pub rule: Rule,
    /// The script's origin, as shown to users.
    pub origin: String,
    pub line: usize,
    pub table: String,
    /// The first line of the statement.
    pub statement: String,
    /// The line the statement starts on (`line` is the finding's own).
    pub statement_line: usize,
    /// The lock mode `verify --locks` saw this statement take on `table`, where it ran.
    pub observed: Option<String>,
}

impl LintWarning {
    /// What goes wrong: with the lock mode verify observed, or as the statement reads.
    pub fn problem(&self) -> String {
        self.rule.problem(&self.table, self.observed.as_deref())
    }
}

/// A silencing comment that matched no warning, or names no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleSilence {
    pub origin: String,
    pub silence: Silence,
}

/// Everything lint found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintReport {
    pub warnings: Vec<LintWarning>,
    /// Warnings a `-- migrate:allow` comment accepted, with its reason.
    pub silenced: Vec<(LintWarning, Silence)>,
    pub stale: Vec<StaleSilence>,
}

/// A lock `verify --locks` saw a statement take (PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedLock {
    pub origin: String,
    /// The line the statement starts on.
    pub line: usize,
    /// The table, unqualified, as `pg_locks` names it.
    pub table: String,
    pub mode: String,
}

impl LintReport {
    /// Puts the lock modes verify observed on the warnings of the statements that took
    /// them, so a warning quotes what the database did rather than what the text implies.
    /// A warning whose statement took no new lock on its table keeps the text's reading.
    pub fn observe(&mut self, locks: &[ObservedLock]) {
        let bare = |table: &str| -> String {
            let last = table.rsplit('.').next().unwrap_or(table);
            last.trim_matches('"').to_ascii_lowercase()
        };
        let all = self
            .warnings
            .iter_mut()
            .chain(self.silenced.iter_mut().map(|(warning, _)| warning));
        for warning in all {
            warning.observed = strongest(locks.iter().filter(|lock| {
                lock.origin == warning.origin
                    && lock.line == warning.statement_line
                    && lock.table.to_ascii_lowercase() == bare(&warning.table)
            }));
        }
    }

    fn extend(&mut self, other: LintReport) {
        self.warnings.extend(other.warnings);
        self.silenced.extend(other.silenced);
        self.stale.extend(other.stale);
    }
}

/// Lints the up script of every revision. Down scripts are not linted: they undo what
/// their up did (dropping what it created is their job) and run only on a rollback.
pub fn lint_revisions(revisions: &[Revision], options: LintOptions) -> LintReport {
    let mut report = LintReport::default();
    for revision in revisions {
        report.extend(lint_script(&revision.up, options));
    }
    report
}

/// Lints one script. A table created earlier in the same file is new, so nothing on it
/// is dangerous; every other table is taken to exist and be in use.
pub fn lint_script(script: &Script, options: LintOptions) -> LintReport {
    let text = &script.text;
    let mut created: Vec<String> = Vec::new();
    let mut lock_timeout = options.lock_timeout_configured || options.flavor == Flavor::Sqlite;
    let mut found = Vec::new();
    let rebuilt = rebuilt_tables(text);
    for range in split_statements(text) {
        let facts: Facts = analyse(&text[range.clone()]);
        let new_table = |table: &str| created.iter().any(|name| name == table);
        let mut statement_warnings = Vec::new();
        for finding in &facts.findings {
            let rebuild = finding.rule == Rule::Drop && rebuilt.contains(&finding.table);
            if rebuild || new_table(&finding.table) || !applies(finding.rule, options.flavor) {
                continue;
            }
            statement_warnings.push((
                finding.rule,
                finding.table.clone(),
                range.start + finding.at,
            ));
        }
        let unguarded = !lock_timeout && !script.directives.no_transaction;
        if let Some(table) = facts
            .locks_table
            .as_deref()
            .filter(|t| !new_table(t) && unguarded)
        {
            statement_warnings.push((Rule::LockTimeout, table.to_owned(), range.start));
            // One warning per file: the fix is one SET at its top.
            lock_timeout = true;
        }
        lock_timeout |= facts.sets_lock_timeout;
        created.extend(facts.creates_table);
        let statement_line = Location::of_offset(text, range.start).line;
        for (rule, table, offset) in statement_warnings {
            let location = Location::of_offset(text, offset);
            found.push(LintWarning {
                rule,
                origin: script.origin.clone(),
                line: location.line,
                table,
                statement: location.line_text(text).trim().to_owned(),
                statement_line,
                observed: None,
            });
        }
    }
    apply_silences(script, found)
}

/// Tables the file rebuilds, SQLite's way: a new table made in the file takes their name
/// (`CREATE TABLE t_new …; DROP TABLE t; ALTER TABLE t_new RENAME TO t`), so the drop
/// leaves the application's table in place.
fn rebuilt_tables(text: &str) -> Vec<String> {
    let mut created = Vec::new();
    let mut rebuilt = Vec::new();
    for range in split_statements(text) {
        let facts = analyse(&text[range]);
        if let Some((_, to)) = facts.renames.filter(|(from, _)| created.contains(from)) {
            rebuilt.push(to);
        }
        created.extend(facts.creates_table);
    }
    rebuilt
}

/// The strongest of the modes, by PostgreSQL's order of table lock modes.
fn strongest<'a>(locks: impl Iterator<Item = &'a ObservedLock>) -> Option<String> {
    const ORDER: [&str; 8] = [
        "AccessShareLock",
        "RowShareLock",
        "RowExclusiveLock",
        "ShareUpdateExclusiveLock",
        "ShareLock",
        "ShareRowExclusiveLock",
        "ExclusiveLock",
        "AccessExclusiveLock",
    ];
    locks
        .max_by_key(|lock| ORDER.iter().position(|mode| *mode == lock.mode))
        .map(|lock| lock.mode.clone())
}

fn applies(rule: Rule, flavor: Flavor) -> bool {
    flavor == Flavor::Postgres || matches!(rule, Rule::Rename | Rule::Drop)
}

fn apply_silences(script: &Script, found: Vec<LintWarning>) -> LintReport {
    let silences = Silence::find_all(&script.text);
    let mut report = LintReport::default();
    let mut used = vec![false; silences.len()];
    for warning in found {
        let by = silences
            .iter()
            .position(|s| s.known_rule() == Some(warning.rule));
        match by {
            Some(index) => {
                used[index] = true;
                report.silenced.push((warning, silences[index].clone()));
            }
            None => report.warnings.push(warning),
        }
    }
    for (silence, used) in silences.into_iter().zip(used) {
        if !used {
            report.stale.push(StaleSilence {
                origin: script.origin.clone(),
                silence,
            });
        }
    }
    report
}
