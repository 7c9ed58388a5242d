//! Judging one revision on the walk's scratch database: up, down (the schema must be back
//! to what it was, and with `--data` the rows), up again (the schema must be what the
//! first up made), each failure with the file to blame.

use super::error::EngineError;
use super::verify_report::Status;
use super::verify_steps::{run_down, run_up};
use super::verify_verdicts::{Outcome, failed, judge_down, refused, verdict};
use super::verify_walk::Walk;
use crate::core::{Revision, transaction_control};
use crate::provision::Scratch;
use crate::schema::{Schema, diff};

impl Walk<'_> {
    pub(super) fn check(
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
}
