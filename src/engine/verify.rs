//! `verify`: for every revision in order, on a scratch database, up, down (the schema must
//! be back to what it was), up again (the schema must be what the first up made). Every
//! problem is reported in one run; after a failure the state is rebuilt and the walk goes on.

use std::time::Instant;

use super::error::EngineError;
use super::step_work::STAGE_AHEAD;
use super::verify_data::DataWalk;
use super::verify_options::VerifyOptions;
use super::verify_quick::Quick;
use super::verify_report::{RevisionVerdict, Status, WalkReport};
use super::verify_steps::stage_checks;
use super::verify_verdicts::{failed, skipped, verdict};
use super::verify_walk::Walk;
use crate::core::{History, Revision, RevisionId, makes_rules};
use crate::provision::{Provider, Scratch};
use crate::schema::Schema;

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
    /// revision whose up ran, with [`VerifyOptions::read_every_step`] (a quick check reads
    /// none); a caller may keep it (a clone shares the walk's objects), so comparing
    /// histories takes no snapshot of its own.
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
    let (mut scratch, replay_failure) = walk.fresh_after(&revisions[..first_checked])?;
    let mut verdicts: Vec<RevisionVerdict> = revisions[..first_checked]
        .iter()
        .map(|revision| verdict(revision, Status::Unchecked))
        .collect();
    let mut up_failed = false;
    if let Some(failure) = replay_failure {
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
    // The schema the next revision starts from, read when something needs it: a quick
    // check (verify_quick) needs none. So a walk from a revision (a shard) does not read
    // the schema of the revisions it applied first unless it keeps every revision's
    // (the mirror's walks): 27 ms of the long shard of a 100-revision verify.
    let mut before: Option<Schema> = None;
    if let Some(revision) = first_checked
        .checked_sub(1)
        .filter(|_| options.read_every_step)
        .map(|last| &revisions[last])
    {
        let schema = walk.snapshot(&mut scratch)?;
        on_event(Event::Applied {
            revision,
            schema: &schema,
        });
        before = Some(schema);
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
            stage_from(&mut walk, &mut scratch, &revisions[..end], index)?;
        }
        let mut outcome = match walk.check_quickly(&mut scratch, revision, &mut before)? {
            Quick::Judged(outcome) => {
                // The database moved on unread (or the walk stops at this failed up).
                before = None;
                *outcome
            }
            Quick::NotTaken => {
                let known = known(&mut walk, &mut scratch, before.take())?;
                let outcome = walk.check(&mut scratch, revision, &known)?;
                before = Some(known);
                outcome
            }
            Quick::Unproven => {
                scratch = walk.rebuild(revisions, index)?;
                stage_from(&mut walk, &mut scratch, &revisions[..end], index)?;
                let known = walk.snapshot(&mut scratch)?;
                let outcome = walk.check(&mut scratch, revision, &known)?;
                before = Some(known);
                outcome
            }
        };
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
            // The next revision is compared with the database it runs on, read when
            // needed: a rebuilt one can differ from the first up's snapshot where a
            // definition depends on when it was made (a view that folds `'now'::timestamp`).
            before = None;
        } else if let Some(after) = outcome.after {
            before = Some(after);
        }
        on_event(Event::Judged(&outcome.verdict));
        verdicts.push(outcome.verdict);
    }
    let head = match !up_failed && end == revisions.len() && !options.skip_head {
        true => Some(known(&mut walk, &mut scratch, before)?),
        false => None,
    };
    Ok(WalkReport {
        backend: walk.provider.dialect().name().into(),
        source: walk.provider.describe(),
        revisions: verdicts,
        head,
        duration_ms: started.elapsed().as_millis(),
    })
}

/// Stages the steps of the checked revisions from `index` on, a window at a time (see
/// [`stage_checks`]).
fn stage_from(
    walk: &mut Walk<'_>,
    scratch: &mut Scratch,
    checked: &[Revision],
    index: usize,
) -> Result<(), EngineError> {
    let window = index..checked.len().min(index + STAGE_AHEAD);
    stage_checks(scratch.backend(), &checked[window.clone()])?;
    walk.staged_until = window.end;
    Ok(())
}

/// The schema of the walk's database: `known` when it was read already.
fn known(
    walk: &mut Walk<'_>,
    scratch: &mut Scratch,
    known: Option<Schema>,
) -> Result<Schema, EngineError> {
    match known {
        Some(schema) => Ok(schema),
        None => walk.snapshot(scratch),
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
