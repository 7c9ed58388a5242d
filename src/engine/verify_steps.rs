//! How verify runs a revision's steps on a scratch database: the records it stages, each up
//! and down in the session a new run would have, and the revisions applied unchecked.

use super::error::EngineError;
use super::step_work::{STAGE_AHEAD, new_row, now_rfc3339};
use crate::backend::{Backend, BackendError, Record, StepWork};
use crate::core::{
    AppliedRevision, Revision, Script, may_leave_session_state, transaction_control,
};
use crate::provision::Scratch;

pub(super) fn up_row(revision: &Revision) -> AppliedRevision {
    new_row(
        &revision.id,
        &revision.slug,
        &revision.up,
        revision.down.as_ref(),
        now_rfc3339(),
    )
}

pub(super) fn up_work<'a>(revision: &'a Revision, row: &'a AppliedRevision) -> StepWork<'a> {
    StepWork {
        script: Some(&revision.up),
        record: Record::Insert(row),
    }
}

pub(super) fn down_work<'a>(revision: &'a Revision, down: &'a Script) -> StepWork<'a> {
    StepWork {
        script: Some(down),
        record: Record::Delete(&revision.id),
    }
}

pub(super) fn run_up(backend: &mut dyn Backend, revision: &Revision) -> Result<(), BackendError> {
    run_in_fresh_session(backend, up_work(revision, &up_row(revision)))
}

pub(super) fn run_down(
    backend: &mut dyn Backend,
    revision: &Revision,
    down: &Script,
) -> Result<(), BackendError> {
    run_in_fresh_session(backend, down_work(revision, down))
}

/// Runs a step, then resets the session if its script may have left state there: each
/// step must see what a new run would (a real down runs days after its up, in another
/// session), not the temporary tables or settings of the step before it.
pub(super) fn run_in_fresh_session(
    backend: &mut dyn Backend,
    work: StepWork<'_>,
) -> Result<(), BackendError> {
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

/// Tells the backend the steps checking `revisions` takes when all goes well: for each,
/// up, down, up again (or the up alone, when there is no down to check). Sent for many
/// revisions at once, so that staging costs one round trip per window, not per revision.
pub(super) fn stage_checks(
    backend: &mut dyn Backend,
    revisions: &[Revision],
) -> Result<(), BackendError> {
    let rows: Vec<AppliedRevision> = revisions.iter().map(up_row).collect();
    let mut works = Vec::with_capacity(revisions.len() * 3);
    for (revision, row) in revisions.iter().zip(&rows) {
        works.push(up_work(revision, row));
        // A down refused before it runs would leave the steps after it staged for nothing.
        let down = revision
            .reversible_down()
            .filter(|down| transaction_control(down).is_none());
        if let Some(down) = down {
            works.extend([down_work(revision, down), up_work(revision, row)]);
        }
    }
    backend.stage_steps(&works)
}

/// Applies `revisions` without checking them.
pub(super) fn apply(scratch: &mut Scratch, revisions: &[Revision]) -> Result<(), EngineError> {
    match apply_unchecked(scratch, revisions)? {
        None => Ok(()),
        Some(UpFailure { index, error }) => {
            let revision = &revisions[index];
            Err(step_failure(revision, &revision.up, error))
        }
    }
}

/// The up that failed while applying revisions unchecked: which one, and why.
pub(super) struct UpFailure {
    pub(super) index: usize,
    pub(super) error: BackendError,
}

/// Applies `revisions` without checking them, up to the first up that fails.
pub(super) fn apply_unchecked(
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
pub(super) fn step_failure(
    revision: &Revision,
    script: &Script,
    error: BackendError,
) -> EngineError {
    EngineError::Rebuild {
        id: revision.id.clone(),
        origin: script.origin.clone(),
        message: error.to_string(),
    }
}
