//! `verify`: for every revision in order, on a scratch database, up, down (the schema must
//! be back to what it was), up again (the schema must be what the first up made). Every
//! problem is reported in one run; after a failure the state is rebuilt and the walk goes on.

use std::time::Instant;

use super::data_check::DataOptions;
use super::error::EngineError;
use super::step_work::STAGE_AHEAD;
use super::verify_data::{DataWalk, SeededFailure};
use super::verify_report::{RevisionVerdict, Status, StepLock, WalkReport};
use super::verify_steps::{apply, apply_unchecked, run_down, run_up, stage_checks};
use super::verify_verdicts::{Outcome, failed, judge_down, refused, skipped, verdict};
use crate::backend::VersionTable;
use crate::core::{History, Revision, RevisionId, makes_rules, transaction_control};
use crate::provision::{Provider, Scratch};
use crate::schema::{Finding, FindingKind, IntrospectOptions, Schema, diff};

/// How to verify.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Start checking at this revision; earlier ones are applied once, unchecked.
    pub from: Option<RevisionId>,
    /// Stop after checking this revision (`verify --shard`): later ones are neither
    /// applied nor judged, and the walk has no schema at head.
    pub to: Option<RevisionId>,
    /// A column back at another position fails the revision instead of warning.
    pub strict_column_order: bool,
    pub introspect: IntrospectOptions,
    pub table: VersionTable,
    /// `verify --data`: seed every table before each up and prove the down keeps the rows.
    pub data: Option<DataOptions>,
    /// `verify --locks`: record the table locks each up and down holds before commit.
    pub locks: bool,
}

/// What the walk tells its caller as it goes, for progress and streaming output.
pub enum Event<'a> {
    /// Revision `position` of `total` (1-based) is about to be checked.
    Checking {
        position: usize,
        total: usize,
        revision: &'a Revision,
    },
    /// A revision was judged.
    Judged(&'a RevisionVerdict),
    /// The schema with `revision` applied, as the walk read it after the revision's (first)
    /// up, or before the first checked revision for the last unchecked one. Told once per
    /// revision whose up ran; a caller may keep it (a clone shares the walk's objects), so
    /// comparing histories takes no snapshot of its own.
    Applied {
        revision: &'a Revision,
        schema: &'a Schema,
    },
}

/// Whether any up or down of `history` makes a rule (see [`DataWalk::new`]).
fn history_makes_rules(history: &History) -> bool {
    history.revisions().iter().any(|revision| {
        std::iter::once(&revision.up)
            .chain(revision.down.as_ref())
            .any(|script| makes_rules(&script.text))
    })
}

/// Walks every revision of `history` on scratch databases from `provider`, telling
/// `on_event` as each revision is checked and judged.
pub fn verify(
    provider: &mut dyn Provider,
    history: &History,
    options: &VerifyOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<WalkReport, EngineError> {
    let started = Instant::now();
    let revisions = history.revisions();
    let first_checked = position(revisions, options.from.as_ref())?.unwrap_or(0);
    let end = position(revisions, options.to.as_ref())?.map_or(revisions.len(), |at| at + 1);
    let mut walk = Walk {
        provider,
        options,
        checkpoint: None,
        staged_until: 0,
        data: options
            .data
            .map(|data| DataWalk::new(data, history_makes_rules(history))),
        skipped: Vec::new(),
        data_warnings: Vec::new(),
        seeded_failure: None,
        locks: Vec::new(),
    };
    let mut scratch = walk.fresh()?;
    let mut verdicts: Vec<RevisionVerdict> = revisions[..first_checked]
        .iter()
        .map(|revision| verdict(revision, Status::Unchecked))
        .collect();
    let mut up_failed = false;
    if let Some(failure) = apply_unchecked(&mut scratch, &revisions[..first_checked])? {
        // What one walk over the whole history says, so that shards agree with it: this
        // up failed, and nothing after it stands on anything.
        let revision = &revisions[failure.index];
        let outcome = failed(
            revision,
            Status::UpFailed,
            &revision.up,
            failure.error,
            false,
        );
        verdicts[failure.index] = outcome.verdict;
        for (later, revision) in verdicts.iter_mut().zip(revisions).skip(failure.index + 1) {
            *later = skipped(revision);
        }
        up_failed = true;
    }
    let mut before = walk.snapshot(&mut scratch)?;
    if let Some(revision) = first_checked.checked_sub(1).map(|last| &revisions[last]) {
        on_event(Event::Applied {
            revision,
            schema: &before,
        });
    }
    for (index, revision) in revisions.iter().enumerate().take(end).skip(first_checked) {
        if up_failed {
            let skipped = skipped(revision);
            on_event(Event::Judged(&skipped));
            verdicts.push(skipped);
            continue;
        }
        on_event(Event::Checking {
            position: index + 1,
            total: revisions.len(),
            revision,
        });
        if index >= walk.staged_until {
            let window = index..end.min(index + STAGE_AHEAD);
            stage_checks(scratch.backend(), &revisions[window.clone()])?;
            walk.staged_until = window.end;
        }
        let mut outcome = walk.check(&mut scratch, revision, &before)?;
        if let Some(failure) = walk.seeded_failure.take()
            && let Some((copy, after)) = walk.without_rows(revisions, index)?
        {
            failure.relabel(&mut outcome.verdict);
            scratch = copy;
            outcome.after = Some(after);
            outcome.needs_rebuild = false;
        }
        if outcome.needs_rebuild
            || !matches!(outcome.verdict.status, Status::Ok | Status::Irreversible)
        {
            // Not every step staged for this revision ran (or the database is about to
            // be replaced): the next revision stages its own window, and reads every
            // table before seeding.
            walk.staged_until = 0;
            if let Some(data) = &mut walk.data {
                data.forget();
            }
        }
        outcome.verdict.data_skipped = std::mem::take(&mut walk.skipped);
        outcome.verdict.data_warnings = std::mem::take(&mut walk.data_warnings);
        outcome.verdict.locks = std::mem::take(&mut walk.locks);
        if let Some(schema) = &outcome.after {
            on_event(Event::Applied { revision, schema });
        }
        if outcome.verdict.status == Status::UpFailed {
            up_failed = true;
        }
        if outcome.needs_rebuild {
            scratch = walk.rebuild(revisions, index + 1)?;
            // The next revision is compared with the database it runs on: a rebuilt one
            // can differ from the first up's snapshot where a definition depends on when it
            // was made (a view that folds `'now'::timestamp`).
            before = walk.snapshot(&mut scratch)?;
        } else if let Some(after) = outcome.after {
            before = after;
        }
        on_event(Event::Judged(&outcome.verdict));
        verdicts.push(outcome.verdict);
    }
    Ok(WalkReport {
        backend: walk.provider.dialect().name().into(),
        source: walk.provider.describe(),
        revisions: verdicts,
        head: (!up_failed && end == revisions.len()).then_some(before),
        duration_ms: started.elapsed().as_millis(),
    })
}

struct Walk<'a> {
    provider: &'a mut dyn Provider,
    options: &'a VerifyOptions,
    /// A second database that trails the walk, with how many revisions it has applied:
    /// made at the first failure, moved forward at each later one and copied (a file
    /// copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL) to rebuild, so a
    /// history's revisions are replayed at most once however many fail.
    checkpoint: Option<(Scratch, usize)>,
    /// The revisions before this index have their steps staged on the current scratch
    /// database (see [`stage_checks`]).
    staged_until: usize,
    /// `--data`: the seeding state.
    data: Option<DataWalk>,
    /// The tables the last seeding left alone, and why.
    skipped: Vec<String>,
    /// What the current revision's up deleted or changed of the seeded rows.
    data_warnings: Vec<String>,
    /// The current revision's up failed on seeded tables: to try again without rows.
    seeded_failure: Option<SeededFailure>,
    /// `--locks`: what the current revision's steps held.
    locks: Vec<StepLock>,
}

impl Walk<'_> {
    fn snapshot(&mut self, scratch: &mut Scratch) -> Result<Schema, EngineError> {
        Ok(scratch.backend().introspect(&self.options.introspect)?)
    }

    /// A fresh database, no revision applied.
    fn fresh(&mut self) -> Result<Scratch, EngineError> {
        let mut scratch = self.provider.create(&self.options.table)?;
        // Verify snapshots each scratch database up to three times per revision.
        scratch.backend().watch_schema_changes()?;
        scratch.backend().ensure_version_table()?;
        Ok(scratch)
    }

    /// A database with the first `applied` revisions applied: the checkpoint brought
    /// forward to there, then copied.
    fn rebuild(&mut self, revisions: &[Revision], applied: usize) -> Result<Scratch, EngineError> {
        let (mut checkpoint, at) = match self.checkpoint.take() {
            Some(checkpoint) => checkpoint,
            None => (self.fresh()?, 0),
        };
        apply(&mut checkpoint, &revisions[at..applied])?;
        let copy = self.provider.copy(&mut checkpoint, &self.options.table);
        self.checkpoint = Some((checkpoint, applied));
        let mut copy = copy?;
        copy.backend().watch_schema_changes()?;
        Ok(copy)
    }

    /// A database with the revisions before `index` applied and no seeded rows, and revision
    /// `index`'s up run on it; `None` when the up fails there too.
    fn without_rows(
        &mut self,
        revisions: &[Revision],
        index: usize,
    ) -> Result<Option<(Scratch, Schema)>, EngineError> {
        let mut copy = self.rebuild(revisions, index)?;
        if run_up(copy.backend(), &revisions[index]).is_err() {
            return Ok(None);
        }
        let after = self.snapshot(&mut copy)?;
        Ok(Some((copy, after)))
    }

    fn check(
        &mut self,
        scratch: &mut Scratch,
        revision: &Revision,
        before: &Schema,
    ) -> Result<Outcome, EngineError> {
        // Refused as upgrade refuses it, before it runs: what it would do to the transaction
        // is not what a run would do.
        if let Some(control) = transaction_control(&revision.up) {
            return Ok(refused(revision, Status::UpFailed, control, None));
        }
        if let Some(data) = &mut self.data {
            self.skipped = data.seed(scratch.backend(), before)?;
        }
        if self.options.locks {
            scratch.backend().record_locks(true);
        }
        let up = run_up(scratch.backend(), revision);
        self.note_locks(scratch, "up", &revision.up.origin);
        if let Err(error) = up {
            self.seeded_failure = self
                .data
                .as_ref()
                .and_then(|d| d.up_failed(&revision.up.text, &error));
            return Ok(failed(
                revision,
                Status::UpFailed,
                &revision.up,
                error,
                false,
            ));
        }
        let after_up = self.snapshot(scratch)?;
        if let Some(data) = &mut self.data {
            data.ran(&revision.up.text, before, &after_up);
            let id = revision.id.to_string();
            self.data_warnings = data.after_up(scratch.backend(), &after_up, &id)?;
        }
        let Some(down) = revision.reversible_down() else {
            let mut verdict = verdict(revision, Status::Irreversible);
            verdict.detail = Some(match &revision.down {
                None => format!("{} has no down", revision.up.origin),
                Some(down) => format!("{} is marked -- migrate:irreversible", down.origin),
            });
            return Ok(Outcome {
                verdict,
                after: Some(after_up),
                needs_rebuild: false,
            });
        };
        if let Some(control) = transaction_control(down) {
            return Ok(refused(
                revision,
                Status::DownFailed,
                control,
                Some(after_up),
            ));
        }
        let ran_down = run_down(scratch.backend(), revision, down);
        self.note_locks(scratch, "down", &down.origin);
        if let Err(error) = ran_down {
            // A failed down in a transaction rolled back to "up applied": nothing to rebuild.
            let rebuild = down.directives.no_transaction;
            let mut outcome = failed(revision, Status::DownFailed, down, error, rebuild);
            outcome.after = Some(after_up);
            return Ok(outcome);
        }
        let after_down = self.snapshot(scratch)?;
        if let Some(data) = &mut self.data {
            data.ran(&down.text, &after_up, &after_down);
        }
        let (failures, warnings) = self.split(diff(before, &after_down));
        if let Some(mut verdict) = judge_down(revision, down, failures) {
            verdict.warnings = warnings;
            return Ok(Outcome {
                verdict,
                after: Some(after_up),
                needs_rebuild: true,
            });
        }
        if let Some(data) = &self.data {
            let id = revision.id.to_string();
            if let Some(loss) = data.after_down(scratch.backend(), &id)? {
                let mut verdict = verdict(revision, Status::DownMismatch);
                verdict.detail = Some(loss);
                verdict.file = Some(down.origin.clone());
                verdict.warnings = warnings;
                return Ok(Outcome {
                    verdict,
                    after: Some(after_up),
                    needs_rebuild: true,
                });
            }
        }
        if !down.directives.allow_diff.is_empty() {
            // A lossy down leaves the schema it declares, not the one before the up, so a
            // second up would start from somewhere else: it is not checked.
            let mut verdict = verdict(revision, Status::Ok);
            verdict.detail = Some(
                "the down leaves exactly the difference it declares; the second up is not checked"
                    .into(),
            );
            verdict.warnings = warnings;
            return Ok(Outcome {
                verdict,
                after: Some(after_up),
                needs_rebuild: true,
            });
        }
        if let Err(error) = run_up(scratch.backend(), revision) {
            let mut outcome = failed(revision, Status::ReupFailed, &revision.up, error, true);
            outcome.after = Some(after_up);
            return Ok(outcome);
        }
        // The second up takes the locks the first did: they are reported once.
        let _ = scratch.backend().take_locks();
        let after_reup = self.snapshot(scratch)?;
        if let Some(data) = &mut self.data {
            data.ran(&revision.up.text, &after_down, &after_reup);
        }
        let (failures, more_warnings) = self.split(diff(&after_up, &after_reup));
        let mut verdict = verdict(revision, Status::Ok);
        verdict.warnings = warnings.into_iter().chain(more_warnings).collect();
        let mismatch = !failures.is_empty();
        if mismatch {
            verdict.status = Status::ReupMismatch;
            verdict.detail = Some("the second up left another schema than the first".into());
            verdict.file = Some(revision.up.origin.clone());
            verdict.diff = failures;
        }
        Ok(Outcome {
            verdict,
            after: Some(after_up),
            needs_rebuild: mismatch,
        })
    }

    /// Keeps the locks the step just run (of file `origin`) held, under `step`.
    fn note_locks(&mut self, scratch: &mut Scratch, step: &str, origin: &str) {
        if !self.options.locks {
            return;
        }
        for lock in scratch.backend().take_locks() {
            self.locks.push(StepLock {
                step: step.to_owned(),
                file: origin.to_owned(),
                line: lock.line,
                blocks: lock.blocks().to_owned(),
                relation: lock.relation,
                mode: lock.mode,
                held_ms: lock.held_ms,
            });
        }
    }

    /// Splits findings into failures and warnings: a column's position (unless strict), and
    /// a view that differs only by a date/time constant folded when it was made.
    fn split(&self, findings: Vec<Finding>) -> (Vec<Finding>, Vec<Finding>) {
        let strict = self.options.strict_column_order;
        findings
            .into_iter()
            .partition(|finding| match finding.kind {
                FindingKind::ColumnOrder => strict,
                FindingKind::FoldedConstant => false,
                FindingKind::Missing | FindingKind::Unexpected | FindingKind::Changed => true,
            })
    }
}

/// Where `id` is in the history; `None` when no id is given.
fn position(revisions: &[Revision], id: Option<&RevisionId>) -> Result<Option<usize>, EngineError> {
    id.map(|id| {
        revisions
            .iter()
            .position(|revision| &revision.id == id)
            .ok_or_else(|| EngineError::UnknownRevision { id: id.clone() })
    })
    .transpose()
}
