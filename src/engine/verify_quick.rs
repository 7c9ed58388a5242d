//! Verify's quick check of a revision, where the database can vouch for what the careful
//! check (`verify_check`) reads: up, down, up again, with at most one snapshot between
//! them. The database watches its schema (PostgreSQL's event triggers, see
//! `Backend::open_undo_window`).
//!
//! The second up runs the same script on the schema the first ran on (the down is checked
//! to restore it); for a script that changes the schema only by what it says
//! (`core::replays_alike`: no code run to decide what to make, no folded date/time), it
//! makes the same schema as the first, which the careful check reads twice to compare.
//! Nothing is read after either up: the schema is read when something needs it (the next
//! careful check, the head's snapshot, a failure).
//!
//! The down is checked in one of two ways (`core::undo_check`). An up that only makes
//! new objects, or also alters tables it names, is proved undone: the database says after
//! the down whether the two steps left every object exactly as it was (nothing older
//! changed but the tables named, which print as they did before the up; everything the up
//! made gone), the careful check's "the down restored the schema", proved instead of
//! read. When the proof fails the revision is no worse off: the database is rebuilt to
//! before it and it is checked the careful way, so its verdict and findings are a careful
//! walk's. Any other up has its down read and compared, as the careful check does, in one
//! snapshot of what the up and the down changed.

use super::error::EngineError;
use super::verify_report::{QuickCheck, Status};
use super::verify_steps::{run_down, run_up};
use super::verify_verdicts::{Outcome, failed, judge_down, verdict};
use super::verify_walk::Walk;
use crate::core::{
    Revision, Script, UndoCheck, may_leave_session_state, quick_undo_check, transaction_control,
};
use crate::provision::Scratch;
use crate::schema::{Schema, diff};

/// What a quick check came to.
pub(super) enum Quick {
    /// Judged with no snapshot after either up; the database is at "this revision
    /// applied" unless the verdict says otherwise, and its schema is to be read when
    /// needed.
    Judged(Box<Outcome>),
    /// Not a revision (or a walk, or a database) for it: check it the careful way.
    NotTaken,
    /// The up and the down ran, but the database could not prove the down undid the up.
    /// The schema from before the up was never read, so the revision is to be checked
    /// again the careful way on a database rebuilt to before it.
    Unproven,
}

impl Walk<'_> {
    /// Checks `revision` quickly when it and the walk allow. `before` is the schema the
    /// database is at, when it was read; a down to read is compared with it (read now if
    /// it was not).
    pub(super) fn check_quickly(
        &mut self,
        scratch: &mut Scratch,
        revision: &Revision,
        before: &mut Option<Schema>,
    ) -> Result<Quick, EngineError> {
        let Some((down, undo)) = self.quick_down(revision) else {
            return Ok(Quick::NotTaken);
        };
        if !scratch.backend().open_undo_window(&undo)? {
            return Ok(Quick::NotTaken);
        }
        let check = match undo {
            UndoCheck::Prove { .. } => QuickCheck::Proved,
            UndoCheck::Read => QuickCheck::Read,
        };
        let before = match (check, before.take()) {
            (QuickCheck::Read, None) => Some(self.snapshot(scratch)?),
            (_, known) => known,
        };
        let backend = scratch.backend();
        let up = &revision.up;
        if let Err(error) = run_up(backend, revision) {
            return Ok(Quick::Judged(Box::new(failed(
                revision,
                Status::UpFailed,
                up,
                error,
                false,
            ))));
        }
        if let Err(error) = run_down(backend, revision, down) {
            // Rolled back to "up applied", as in the careful check.
            let outcome = failed(revision, Status::DownFailed, down, error, false);
            return Ok(Quick::Judged(Box::new(outcome)));
        }
        let mut warnings = Vec::new();
        match (check, before) {
            (QuickCheck::Read, Some(before)) => {
                let after_down = self.snapshot(scratch)?;
                let (failures, found) = self.split(diff(&before, &after_down));
                if let Some(mut verdict) = judge_down(revision, down, failures) {
                    verdict.warnings = found;
                    verdict.quick = Some(check);
                    return Ok(Quick::Judged(Box::new(Outcome {
                        verdict,
                        after: None,
                        needs_rebuild: true,
                    })));
                }
                warnings = found;
            }
            _ if scratch.backend().undo_window_undone() => {}
            _ => return Ok(Quick::Unproven),
        }
        if let Err(error) = run_up(scratch.backend(), revision) {
            let mut outcome = failed(revision, Status::ReupFailed, up, error, true);
            outcome.verdict.quick = Some(check);
            return Ok(Quick::Judged(Box::new(outcome)));
        }
        let mut verdict = verdict(revision, Status::Ok);
        verdict.warnings = warnings;
        verdict.quick = Some(check);
        Ok(Quick::Judged(Box::new(Outcome {
            verdict,
            after: None,
            needs_rebuild: false,
        })))
    }

    /// The down to check `revision` with quickly, and how, when the walk reads nothing
    /// besides the schema and both scripts are plain transactional ones whose up replays
    /// alike (see the module's documentation).
    fn quick_down<'r>(&self, revision: &'r Revision) -> Option<(&'r Script, UndoCheck)> {
        let options = self.options;
        if options.data.is_some() || options.locks || options.read_every_step {
            return None;
        }
        let down = revision.reversible_down()?;
        let plain = |script: &Script| {
            !script.directives.no_transaction
                && !script.directives.foreign_keys_off
                && transaction_control(script).is_none()
                && !may_leave_session_state(&script.text)
        };
        let up = &revision.up;
        if !plain(up) || !plain(down) || !down.directives.allow_diff.is_empty() {
            return None;
        }
        Some((down, quick_undo_check(&up.text)?))
    }
}
