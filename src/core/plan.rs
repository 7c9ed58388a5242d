//! The planner: from the history, the applied rows and a target, the full list of steps,
//! computed before anything is written. Pure: no I/O.

use super::applied::AppliedRevision;
use super::history::History;
use super::plan_error::{ChangedRevision, PlanError};
use super::revision_id::RevisionId;
use super::script::Script;
use super::script::transaction_control;
use super::target::Target;
use super::timeline::{Entry, Timeline};

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Run the up script and record the revision.
    Apply { up: Script, down: Option<Script> },
    /// Run the down script and forget the revision.
    Revert { down: Script },
    /// Record the revision without running anything (`stamp`).
    Record { up: Script, down: Option<Script> },
    /// Forget the revision without running anything (`stamp`).
    Forget,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: RevisionId,
    pub slug: String,
    pub action: Action,
}

/// Every step a command will take, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    /// The newest revision recorded once every step has run on a database whose rows were
    /// `applied`; `None` for base. What reading the tracking table again would show, so a
    /// run can report where it left the database without that read.
    pub fn position_after(&self, applied: &[AppliedRevision]) -> Option<RevisionId> {
        let mut ids: std::collections::BTreeSet<&RevisionId> =
            applied.iter().map(|row| &row.id).collect();
        for step in &self.steps {
            match step.action {
                Action::Apply { .. } | Action::Record { .. } => ids.insert(&step.id),
                Action::Revert { .. } | Action::Forget => ids.remove(&step.id),
            };
        }
        ids.last().map(|id| (*id).clone())
    }
}

/// Overrides of the checks the planner makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Go on although an applied revision's file changed since it was applied.
    pub allow_changed: bool,
    /// Roll back applied revisions whose folder is gone with the down SQL stored when they
    /// were applied.
    pub use_stored_down: bool,
    /// The run checks the first step's script for transaction control itself, before it
    /// commits anything (the engine sets this when its backend does: see
    /// `Backend::checks_pending_scripts`). The plan then does not wait for that script's
    /// lexing when it is a long text's (see [`Script::lexed_beside`]), unless another
    /// step's finding refuses the plan anyway.
    pub first_step_checked_by_run: bool,
}

/// Plans an upgrade to `target`.
pub fn plan_upgrade(
    history: &History,
    applied: &[AppliedRevision],
    target: &Target,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let timeline = Timeline::new(history, applied);
    check_consistent(&timeline, options)?;
    let missing = timeline.missing();
    if !missing.is_empty() {
        return Err(PlanError::missing(&missing, false));
    }
    let current = timeline.current();
    let goal = target.resolve(&timeline.ids(), current)?;
    if goal < current {
        return Err(PlanError::TargetBelowCurrent {
            target: target.to_string(),
        });
    }
    let steps = timeline.entries[current..goal]
        .iter()
        .filter_map(|entry| match entry {
            Entry::Known { revision, .. } => Some(Step {
                id: revision.id.clone(),
                slug: revision.slug.clone(),
                action: Action::Apply {
                    up: revision.up.clone(),
                    down: revision.down.clone(),
                },
            }),
            Entry::Missing(_) => None,
        })
        .collect();
    refuse_transaction_control(Plan { steps }, options)
}

/// Plans a downgrade to `target`; refuses before anything runs when a revision on the way
/// cannot be reverted.
pub fn plan_downgrade(
    history: &History,
    applied: &[AppliedRevision],
    target: &Target,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let timeline = Timeline::new(history, applied);
    check_consistent(&timeline, options)?;
    let current = timeline.current();
    let goal = target.resolve(&timeline.ids(), current)?;
    if goal > current {
        return Err(PlanError::TargetAboveCurrent {
            target: target.to_string(),
        });
    }
    let range = &timeline.entries[goal..current];
    let missing: Vec<&AppliedRevision> = range
        .iter()
        .filter_map(|entry| match entry {
            Entry::Missing(row) => Some(*row),
            Entry::Known { .. } => None,
        })
        .collect();
    if !missing.is_empty() && !options.use_stored_down {
        return Err(PlanError::missing(&missing, true));
    }
    let not_kept: Vec<RevisionId> = missing
        .iter()
        .filter(|row| row.down_not_kept())
        .map(|row| row.id.clone())
        .collect();
    if !not_kept.is_empty() {
        return Err(PlanError::DownNotKept {
            revisions: not_kept,
        });
    }
    let mut steps = Vec::with_capacity(range.len());
    let mut irreversible = Vec::new();
    let mut reasons = Vec::new();
    for entry in range.iter().rev() {
        match down_of(entry) {
            Some(down) => steps.push(Step {
                id: entry.id().clone(),
                slug: entry.slug().to_owned(),
                action: Action::Revert { down },
            }),
            None => {
                irreversible.push(entry.id().clone());
                reasons.push(why_irreversible(entry));
            }
        }
    }
    if !irreversible.is_empty() {
        return Err(PlanError::Irreversible {
            irreversible,
            reasons,
        });
    }
    refuse_transaction_control(Plan { steps }, options)
}

/// Refuses a plan that would run a transactional script with a `COMMIT` (or `BEGIN`…) of
/// its own, before anything runs: the database would otherwise be left with part of the
/// file committed when a later statement fails. The first step's script is left to the
/// run when it may be (see [`PlanOptions::first_step_checked_by_run`]): nothing runs
/// before it, and the run refuses it before anything commits.
fn refuse_transaction_control(plan: Plan, options: PlanOptions) -> Result<Plan, PlanError> {
    fn script(step: &Step) -> Option<&Script> {
        match &step.action {
            Action::Apply { up: script, .. } | Action::Revert { down: script } => Some(script),
            Action::Record { .. } | Action::Forget => None,
        }
    }
    let left_to_run = usize::from(
        options.first_step_checked_by_run
            && plan
                .steps
                .first()
                .and_then(script)
                .is_some_and(Script::lexed_beside),
    );
    let found_after: Vec<_> = plan.steps[left_to_run..]
        .iter()
        .filter_map(|step| script(step).and_then(transaction_control))
        .collect();
    if found_after.is_empty() {
        return Ok(plan);
    }
    let first = plan.steps[..left_to_run]
        .iter()
        .filter_map(|step| script(step).and_then(transaction_control));
    let found = first.chain(found_after).collect();
    Err(PlanError::TransactionControl { found })
}

/// Plans a stamp: the tracking table is made to say that exactly the revisions up to
/// `target` are applied, running nothing. No consistency check: stamp is how a user
/// repairs an inconsistent table.
pub fn plan_stamp(
    history: &History,
    applied: &[AppliedRevision],
    target: &Target,
) -> Result<Plan, PlanError> {
    let timeline = Timeline::new(history, applied);
    let goal = target.resolve(&timeline.ids(), timeline.current())?;
    let (below, above) = timeline.entries.split_at(goal);
    let record = below.iter().filter_map(|entry| match entry {
        Entry::Known {
            revision,
            applied: None,
        } => Some(Step {
            id: revision.id.clone(),
            slug: revision.slug.clone(),
            action: Action::Record {
                up: revision.up.clone(),
                down: revision.down.clone(),
            },
        }),
        _ => None,
    });
    let forget = above
        .iter()
        .rev()
        .filter(|entry| entry.applied().is_some())
        .map(|entry| Step {
            id: entry.id().clone(),
            slug: entry.slug().to_owned(),
            action: Action::Forget,
        });
    Ok(Plan {
        steps: record.chain(forget).collect(),
    })
}

/// The script that reverts an applied entry, if there is one.
fn down_of(entry: &Entry<'_>) -> Option<Script> {
    match entry {
        Entry::Known { revision, .. } => revision.reversible_down().cloned(),
        Entry::Missing(row) => {
            let origin = format!("down SQL of {} stored in the tracking table", row.id);
            let script = Script::new(origin, row.down_sql.clone()?).ok()?;
            (!script.directives.irreversible).then_some(script)
        }
    }
}

/// Why an entry has no down to run, naming the file a user would fix.
fn why_irreversible(entry: &Entry<'_>) -> String {
    match entry {
        Entry::Known { revision, .. } => match &revision.down {
            None => format!("{} has no down", revision.up.origin),
            Some(down) => format!("{} is marked -- migrate:irreversible", down.origin),
        },
        Entry::Missing(row) => format!(
            "{} is not in the directory, and no down SQL was stored for it",
            row.id
        ),
    }
}

/// Refuses a history that was edited after it was applied, or that has pending revisions
/// below applied ones.
fn check_consistent(timeline: &Timeline<'_>, options: PlanOptions) -> Result<(), PlanError> {
    let changed = timeline.changed();
    if !changed.is_empty() && !options.allow_changed {
        return Err(PlanError::Changed {
            changed: changed
                .into_iter()
                .map(|(revision, row)| ChangedRevision {
                    id: revision.id.clone(),
                    origin: revision.up.origin.clone(),
                    applied_text: row.up_sql.clone(),
                    current_text: revision.up.text.clone(),
                    applied_checksum: row.up_checksum,
                    current_checksum: revision.up.checksum(),
                })
                .collect(),
        });
    }
    let out_of_order = timeline.out_of_order();
    if let Some(newest) = timeline.entries[..timeline.current()].last()
        && !out_of_order.is_empty()
    {
        return Err(PlanError::OutOfOrder {
            pending: out_of_order.iter().map(|r| r.id.clone()).collect(),
            newest_applied: newest.id().clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
