//! `verify`: for every revision in order, on a scratch database, up, down (the schema must
//! be back to what it was), up again (the schema must be what the first up made). Every
//! problem is reported in one run; after a failure the state is rebuilt and the walk goes on.

use std::collections::BTreeSet;
use std::time::Instant;

use super::data_check::{DataOptions, check_survived, seed};
use super::error::EngineError;
use super::step_work::{STAGE_AHEAD, new_row, now_rfc3339};
use super::verify_report::{RevisionVerdict, Status, StepLock, WalkReport};
use crate::backend::{Backend, BackendError, Record, StepWork, VersionTable};
use crate::core::{
    AppliedRevision, History, Location, Revision, RevisionId, Script, TransactionControl,
    may_leave_session_state, transaction_control,
};
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
        round: 0,
        skipped: Vec::new(),
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
        let mut outcome = walk.check(&mut scratch, revision, &before)?;
        outcome.verdict.data_skipped = std::mem::take(&mut walk.skipped);
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

/// What checking one revision left.
struct Outcome {
    verdict: RevisionVerdict,
    /// The schema with this revision applied, when known.
    after: Option<Schema>,
    /// The database is not at "this revision applied" and must be rebuilt.
    needs_rebuild: bool,
}

struct Walk<'a> {
    provider: &'a mut dyn Provider,
    options: &'a VerifyOptions,
    /// A second database that trails the walk, with how many revisions it has applied:
    /// made at the first failure, moved forward at each later one and copied (a file
    /// copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL) to rebuild, so a
    /// history's revisions are replayed at most once however many fail.
    checkpoint: Option<(Scratch, usize)>,
    /// Revisions seeded so far (`--data`): each round's values are new, so keys stay unique.
    round: u64,
    /// The tables the last seeding left alone, and why.
    skipped: Vec<String>,
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
        let seeded = match self.options.data {
            Some(data) => {
                self.round += 1;
                let seeded = seed(scratch.backend(), before, data, self.round)?;
                self.skipped = seeded
                    .skipped
                    .iter()
                    .map(|(table, why)| format!("{table}: {why}"))
                    .collect();
                Some(seeded)
            }
            None => None,
        };
        if self.options.locks {
            scratch.backend().record_locks(true);
        }
        stage_check(scratch.backend(), revision)?;
        let up = run_up(scratch.backend(), revision);
        self.note_locks(scratch, "up");
        if let Err(error) = up {
            return Ok(failed(
                revision,
                Status::UpFailed,
                &revision.up,
                error,
                false,
            ));
        }
        let after_up = self.snapshot(scratch)?;
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
        self.note_locks(scratch, "down");
        if let Err(error) = ran_down {
            // A failed down in a transaction rolled back to "up applied": nothing to rebuild.
            let rebuild = down.directives.no_transaction;
            let mut outcome = failed(revision, Status::DownFailed, down, error, rebuild);
            outcome.after = Some(after_up);
            return Ok(outcome);
        }
        let after_down = self.snapshot(scratch)?;
        let (failures, warnings) = self.split(diff(before, &after_down));
        if let Some(mut verdict) = judge_down(revision, down, failures) {
            verdict.warnings = warnings;
            return Ok(Outcome {
                verdict,
                after: Some(after_up),
                needs_rebuild: true,
            });
        }
        if let Some(seeded) = &seeded {
            let id = revision.id.to_string();
            if let Some(loss) = check_survived(scratch.backend(), seeded, &id)? {
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

    /// Keeps the locks the step just run held, under `step`.
    fn note_locks(&mut self, scratch: &mut Scratch, step: &str) {
        if !self.options.locks {
            return;
        }
        for lock in scratch.backend().take_locks() {
            self.locks.push(StepLock {
                step: step.to_owned(),
                blocks: lock.blocks().to_owned(),
                relation: lock.relation,
                mode: lock.mode,
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

/// The verdict on a down that ran: `None` when it restored the schema (or left exactly the
/// difference its `-- migrate:allow-diff` lines declare).
fn judge_down(
    revision: &Revision,
    down: &Script,
    failures: Vec<Finding>,
) -> Option<RevisionVerdict> {
    let declared = &down.directives.allow_diff;
    let actual = objects(failures.iter().map(|f| f.object.as_str()));
    let expected = objects(declared.iter().map(String::as_str));
    if actual == expected {
        return None;
    }
    let mut verdict = verdict(revision, Status::DownMismatch);
    verdict.file = Some(down.origin.clone());
    verdict.detail = Some(if declared.is_empty() {
        "the down did not restore the schema from before the up".into()
    } else {
        let stale: Vec<&str> = expected.difference(&actual).map(String::as_str).collect();
        let undeclared: Vec<&str> = actual.difference(&expected).map(String::as_str).collect();
        format!(
            "the difference the down leaves is not the one it declares (declared but not found: {}; found but not declared: {})",
            list(&stale),
            list(&undeclared)
        )
    });
    verdict.diff = failures;
    Some(verdict)
}

/// Objects by name without PostgreSQL's default schema, so `column users.legacy_id` in a
/// declaration names `column public.users.legacy_id` of a finding on either backend.
fn objects<'a>(names: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    names
        .map(|name| name.replacen(" public.", " ", 1))
        .collect()
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
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

fn skipped(revision: &Revision) -> RevisionVerdict {
    let mut skipped = verdict(revision, Status::Skipped);
    skipped.detail = Some("not checked: an earlier revision's up failed".into());
    skipped
}

fn verdict(revision: &Revision, status: Status) -> RevisionVerdict {
    RevisionVerdict {
        id: revision.id.to_string(),
        slug: revision.slug.clone(),
        status,
        detail: None,
        diff: Vec::new(),
        warnings: Vec::new(),
        file: None,
        line: None,
        data_skipped: Vec::new(),
        locks: Vec::new(),
    }
}

fn failed(
    revision: &Revision,
    status: Status,
    script: &Script,
    error: BackendError,
    rebuild: bool,
) -> Outcome {
    let mut verdict = verdict(revision, status);
    verdict.file = Some(script.origin.clone());
    if let BackendError::Script { failure } = &error {
        verdict.line = failure
            .offset
            .map(|offset| Location::of_offset(&script.text, offset).line);
        let code = failure
            .code
            .as_deref()
            .map_or_else(String::new, |code| format!(" [{code}]"));
        verdict.detail = Some(format!("{}{code}", failure.message));
    } else {
        verdict.detail = Some(error.to_string());
    }
    Outcome {
        verdict,
        after: None,
        needs_rebuild: rebuild,
    }
}

/// A script refused for controlling the transaction it runs in; it did not run.
fn refused(
    revision: &Revision,
    status: Status,
    control: TransactionControl,
    after: Option<Schema>,
) -> Outcome {
    let mut verdict = verdict(revision, status);
    verdict.detail = Some(format!(
        "`{}` ends or opens a transaction inside the one migrate runs the file in; remove it, or put `-- migrate:no-transaction` at the top of the file",
        control.statement
    ));
    verdict.file = Some(control.origin);
    verdict.line = Some(control.line);
    Outcome {
        verdict,
        after,
        needs_rebuild: false,
    }
}

fn up_row(revision: &Revision) -> AppliedRevision {
    new_row(
        &revision.id,
        &revision.slug,
        &revision.up,
        revision.down.as_ref(),
        now_rfc3339(),
    )
}

fn up_work<'a>(revision: &'a Revision, row: &'a AppliedRevision) -> StepWork<'a> {
    StepWork {
        script: Some(&revision.up),
        record: Record::Insert(row),
    }
}

fn down_work<'a>(revision: &'a Revision, down: &'a Script) -> StepWork<'a> {
    StepWork {
        script: Some(down),
        record: Record::Delete(&revision.id),
    }
}

fn run_up(backend: &mut dyn Backend, revision: &Revision) -> Result<(), BackendError> {
    run_in_fresh_session(backend, up_work(revision, &up_row(revision)))
}

fn run_down(
    backend: &mut dyn Backend,
    revision: &Revision,
    down: &Script,
) -> Result<(), BackendError> {
    run_in_fresh_session(backend, down_work(revision, down))
}

/// Runs a step, then resets the session if its script may have left state there: each
/// step must see what a new run would (a real down runs days after its up, in another
/// session), not the temporary tables or settings of the step before it.
fn run_in_fresh_session(backend: &mut dyn Backend, work: StepWork<'_>) -> Result<(), BackendError> {
    let leaves_state = work
        .script
        .is_some_and(|script| may_leave_session_state(&script.text));
    let result = backend.run_step(work);
    if leaves_state {
        let reset = backend.reset_session();
        result?;
        return reset;
    }
    result
}

/// Tells the backend the steps checking `revision` takes when all goes well: up, down,
/// up again (or the up alone, when there is no down to check).
fn stage_check(backend: &mut dyn Backend, revision: &Revision) -> Result<(), BackendError> {
    let row = up_row(revision);
    let mut works = vec![up_work(revision, &row)];
    // A down refused before it runs would leave the steps after it staged for nothing.
    let down = revision
        .reversible_down()
        .filter(|down| transaction_control(down).is_none());
    if let Some(down) = down {
        works.extend([down_work(revision, down), up_work(revision, &row)]);
    }
    backend.stage_steps(&works)
}

/// Applies `revisions` without checking them.
fn apply(scratch: &mut Scratch, revisions: &[Revision]) -> Result<(), EngineError> {
    match apply_unchecked(scratch, revisions)? {
        None => Ok(()),
        Some(UpFailure { index, error }) => {
            let revision = &revisions[index];
            Err(step_failure(revision, &revision.up, error))
        }
    }
}

/// The up that failed while applying revisions unchecked: which one, and why.
struct UpFailure {
    index: usize,
    error: BackendError,
}

/// Applies `revisions` without checking them, up to the first up that fails.
fn apply_unchecked(
    scratch: &mut Scratch,
    revisions: &[Revision],
) -> Result<Option<UpFailure>, EngineError> {
    let backend = scratch.backend();
    let mut applied = 0;
    for window in revisions.chunks(STAGE_AHEAD) {
        let rows: Vec<AppliedRevision> = window.iter().map(up_row).collect();
        let works: Vec<StepWork<'_>> = window
            .iter()
            .zip(&rows)
            .map(|(revision, row)| up_work(revision, row))
            .collect();
        backend.stage_steps(&works)?;
        for revision in window {
            if let Err(error) = run_up(backend, revision) {
                let index = applied;
                return Ok(Some(UpFailure { index, error }));
            }
            applied += 1;
        }
    }
    Ok(None)
}

/// An up that fails while rebuilding worked a moment ago: the harness cannot go on.
fn step_failure(revision: &Revision, script: &Script, error: BackendError) -> EngineError {
    EngineError::Rebuild {
        id: revision.id.clone(),
        origin: script.origin.clone(),
        message: error.to_string(),
    }
}
