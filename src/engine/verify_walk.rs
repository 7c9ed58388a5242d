//! The state of one verify walk and what it does besides judging a revision: the scratch
//! databases (fresh, rebuilt from a trailing checkpoint), snapshots, the locks noted and the
//! findings split into failures and warnings. Judging a revision is in `verify_check`.

use super::error::EngineError;
use super::verify_data::{DataWalk, SeededFailure};
use super::verify_options::VerifyOptions;
use super::verify_report::StepLock;
use super::verify_steps::{UpFailure, apply, apply_unchecked, run_up};
use crate::core::Revision;
use crate::provision::{Provider, Scratch};
use crate::schema::{Finding, FindingKind, Schema};

pub(super) struct Walk<'a> {
    pub(super) provider: &'a mut dyn Provider,
    pub(super) options: &'a VerifyOptions,
    /// A second database that trails the walk, with how many revisions it has applied:
    /// made at the first failure, moved forward at each later one and copied (a file
    /// copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL) to rebuild, so a
    /// history's revisions are replayed at most once however many fail.
    pub(super) checkpoint: Option<(Scratch, usize)>,
    /// The revisions before this index have their steps staged on the current scratch
    /// database (see [`super::verify_steps::stage_checks`]).
    pub(super) staged_until: usize,
    /// `--data`: the seeding state.
    pub(super) data: Option<DataWalk>,
    /// The tables the last seeding left alone, and why.
    pub(super) skipped: Vec<String>,
    /// What the current revision's up deleted or changed of the seeded rows.
    pub(super) data_warnings: Vec<String>,
    /// The current revision's up failed on seeded tables: to try again without rows.
    pub(super) seeded_failure: Option<SeededFailure>,
    /// `--locks`: what the current revision's steps held.
    pub(super) locks: Vec<StepLock>,
}

impl Walk<'_> {
    pub(super) fn snapshot(&mut self, scratch: &mut Scratch) -> Result<Schema, EngineError> {
        Ok(scratch.backend().introspect(&self.options.introspect)?)
    }

    /// A fresh database with its tracking table, its schema not watched: the checkpoint,
    /// which is only copied, has no use for the watch.
    fn unwatched(&mut self) -> Result<Scratch, EngineError> {
        let mut scratch = self.provider.create(&self.options.table)?;
        scratch.backend().ensure_version_table()?;
        Ok(scratch)
    }

    /// A fresh database with `revisions` applied unchecked, then its schema watched (verify
    /// snapshots each scratch database up to three times per revision). Not before: the
    /// watch would log every object they make and ask its log in every step's message,
    /// for a first snapshot that reads everything anyway. Returns the first up that
    /// failed, as [`apply_unchecked`] does.
    pub(super) fn fresh_after(
        &mut self,
        revisions: &[Revision],
    ) -> Result<(Scratch, Option<UpFailure>), EngineError> {
        let mut scratch = self.unwatched()?;
        let failure = apply_unchecked(&mut scratch, revisions)?;
        scratch.backend().watch_schema_changes()?;
        Ok((scratch, failure))
    }

    /// A database with the first `applied` revisions applied: the checkpoint brought
    /// forward to there, then copied.
    pub(super) fn rebuild(
        &mut self,
        revisions: &[Revision],
        applied: usize,
    ) -> Result<Scratch, EngineError> {
        let (mut checkpoint, at) = match self.checkpoint.take() {
            Some(checkpoint) => checkpoint,
            None => (self.unwatched()?, 0),
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
    pub(super) fn without_rows(
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

    /// Keeps the locks the step just run (of file `origin`) held, under `step`.
    pub(super) fn note_locks(&mut self, scratch: &mut Scratch, step: &str, origin: &str) {
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
    pub(super) fn split(&self, findings: Vec<Finding>) -> (Vec<Finding>, Vec<Finding>) {
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
