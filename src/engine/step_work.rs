//! What the migrator hands the backend for each step (its script, the tracking row it
//! writes, the records staged ahead) and a failed step's error pointed into its file.

use super::error::{EngineError, StepFailure};
use crate::backend::{Backend, BackendError, Record, StepWork, applied_at_text};
use crate::core::{
    Action, AppliedRevision, CHECKSUM_ALGORITHM, Location, PlanError, RevisionId, Script, Step,
    kept_text,
};

/// How many steps' records go to the backend ahead of them (see
/// [`Backend::stage_steps`]): enough that sending them costs little per step, few enough
/// that the rows built for it stay small.
pub(super) const STAGE_AHEAD: usize = 64;

/// Tells the backend which steps come next, if it takes them; not a step whose script is
/// hashed beside its run (see [`run_one`]): its row waits for the checksum.
pub(super) fn stage(backend: &mut dyn Backend, steps: &[Step]) -> Result<(), BackendError> {
    if !backend.stages_steps() {
        return Ok(());
    }
    let steps: Vec<&Step> = steps
        .iter()
        .filter(|step| !step_script(step).is_some_and(Script::lexed_beside))
        .collect();
    let rows: Vec<Option<AppliedRevision>> = steps.iter().map(|step| row_of(step)).collect();
    let works: Vec<StepWork<'_>> = steps
        .iter()
        .zip(&rows)
        .map(|(step, row)| work_of(step, row.as_ref()))
        .collect();
    backend.stage_steps(&works)
}

/// The tracking row a step writes, if it writes one.
pub(super) fn row_of(step: &Step) -> Option<AppliedRevision> {
    match &step.action {
        Action::Apply { up, down } | Action::Record { up, down } => Some(new_row(
            &step.id,
            &step.slug,
            up,
            down.as_ref(),
            now_rfc3339(),
        )),
        Action::Revert { .. } | Action::Forget => None,
    }
}

/// What the backend does for a step: its script, then the row from [`row_of`] written,
/// or the revision's row deleted when there is none.
pub(super) fn work_of<'a>(step: &'a Step, row: Option<&'a AppliedRevision>) -> StepWork<'a> {
    StepWork {
        script: step_script(step),
        record: match row {
            Some(row) => Record::Insert(row),
            None => Record::Delete(&step.id),
        },
    }
}

/// Runs one step with its record. A transactional up script whose long text is hashed and
/// lexed on threads of its own starts at once on a backend that checks such scripts
/// itself (see [`Backend::checks_pending_scripts`]): its row, which holds the checksum, is
/// made once the script ran.
pub(super) fn run_one(backend: &mut dyn Backend, step: &Step) -> Result<(), BackendError> {
    if let Action::Apply { up, down } = &step.action
        && up.lexed_beside()
        && !up.directives.no_transaction
        && backend.checks_pending_scripts()
    {
        let applied_at = now_rfc3339();
        let make = || new_row(&step.id, &step.slug, up, down.as_ref(), applied_at.clone());
        return backend.run_step(StepWork {
            script: Some(up),
            record: Record::InsertMade {
                id: &step.id,
                make: &make,
            },
        });
    }
    let row = row_of(step);
    backend.run_step(work_of(step, row.as_ref()))
}

/// The tracking row for a revision applied at `applied_at`.
pub(super) fn new_row(
    id: &RevisionId,
    slug: &str,
    up: &Script,
    down: Option<&Script>,
    applied_at: String,
) -> AppliedRevision {
    AppliedRevision {
        id: id.clone(),
        slug: slug.to_owned(),
        up_checksum: up.checksum(),
        down_checksum: down.map(|down| down.checksum()),
        checksum_algorithm: CHECKSUM_ALGORITHM.into(),
        up_sql: kept_text(&up.text),
        down_sql: down.and_then(|down| kept_text(&down.text)),
        applied_at,
        duration_ms: 0,
    }
}

/// The current time as the tracking table stores it: UTC, to the microsecond, RFC 3339
/// (`2026-12-05T15:56:21.123456Z`), as PostgreSQL's clock stamps the steps it records
/// itself, so `applied_at` reads the same whichever backend and path wrote it.
pub fn now_rfc3339() -> String {
    applied_at_text(time::OffsetDateTime::now_utc())
}

/// The script a step runs, if any.
pub(super) fn step_script(step: &Step) -> Option<&Script> {
    match &step.action {
        Action::Apply { up, .. } => Some(up),
        Action::Revert { down } => Some(down),
        Action::Record { .. } | Action::Forget => None,
    }
}

/// Points a failed script's error into its file.
pub(super) fn step_error(
    id: &RevisionId,
    script: Option<&Script>,
    error: BackendError,
    completed: Vec<RevisionId>,
) -> EngineError {
    if let BackendError::TransactionControl { found } = error {
        return EngineError::Plan(PlanError::TransactionControl { found: vec![found] });
    }
    let (BackendError::Script { failure }, Some(script)) = (&error, script) else {
        return EngineError::Backend(error);
    };
    let location = failure
        .offset
        .map(|offset| Location::of_offset(&script.text, offset));
    EngineError::Step(Box::new(StepFailure {
        id: id.clone(),
        origin: script.origin.clone(),
        line_text: location.map(|at| at.line_text(&script.text).to_owned()),
        location,
        failure: (**failure).clone(),
        transactional: !script.directives.no_transaction,
        completed,
    }))
}
