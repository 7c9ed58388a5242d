//! Orchestrates a run over the Backend trait: lock, read, plan, run each step, unlock.

use std::time::{Duration, Instant};

use super::backup::{BackupTo, write_backup};
use super::error::EngineError;
use super::step_work::{
    STAGE_AHEAD, new_row, now_rfc3339, run_one, stage, step_error, step_script,
};
use crate::backend::{Backend, Backup, Record, StepWork};
use crate::core::{
    AppliedRevision, Direction, DirtyRevision, History, Plan, PlanOptions, RevisionId, StatusEntry,
    Step, Target, plan_downgrade, plan_stamp, plan_upgrade, status,
};

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Upgrade(Target),
    Downgrade(Target),
    Stamp(Target),
}

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct MigratorOptions {
    pub plan: PlanOptions,
    /// How long to wait for another run's lock (and, on SQLite, for another connection's
    /// lock on the database); forever (SQLite's: 30 s) when `None`.
    pub lock_timeout: Option<Duration>,
    /// Write a backup of the database, under the lock, before the first step of a run
    /// that has any; none when nothing is to run.
    pub backup: Option<BackupTo>,
}

/// What a run reports as it goes.
#[derive(Debug, Clone, Copy)]
pub enum RunEvent<'a> {
    /// The backup was written, before the first step.
    BackedUp(&'a Backup),
    /// A step completed.
    Step(&'a StepReport),
}

/// One completed step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub step: Step,
    pub duration: Duration,
    /// 1-based place of the step in its plan, and the plan's length, for progress output.
    pub position: usize,
    pub total: usize,
}

/// Runs migrations of one history on one database.
///
/// ```
/// use migrate::backend::{SqliteBackend, VersionTable};
/// use migrate::core::{History, Revision, Script, Target};
/// use migrate::engine::{Command, Migrator, MigratorOptions};
///
/// let revision = Revision {
///     id: "1".parse().unwrap(),
///     slug: "create_users".into(),
///     up: Script::new("1/up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);").unwrap(),
///     down: Some(Script::new("1/down.sql", "DROP TABLE users;").unwrap()),
/// };
/// let history = History::new(vec![revision]).unwrap();
/// let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
/// let mut migrator = Migrator::new(&mut db, &history, MigratorOptions::default());
/// let done = migrator.run(&Command::Upgrade(Target::Head), &mut |_| {}).unwrap();
/// assert_eq!(done.len(), 1);
/// assert!(migrator.run(&Command::Upgrade(Target::Head), &mut |_| {}).unwrap().is_empty());
/// assert_eq!(migrator.position().unwrap(), Some("1".parse().unwrap()));
/// migrator.run(&Command::Downgrade(Target::Base), &mut |_| {}).unwrap();
/// assert_eq!(migrator.position().unwrap(), None);
/// ```
pub struct Migrator<'a> {
    backend: &'a mut dyn Backend,
    history: &'a History,
    options: MigratorOptions,
    /// Where the last successful [`Migrator::run`] left the database (`Some(None)`: base).
    ran_to: Option<Option<RevisionId>>,
}

impl<'a> Migrator<'a> {
    pub fn new(
        backend: &'a mut dyn Backend,
        history: &'a History,
        options: MigratorOptions,
    ) -> Self {
        Self {
            backend,
            history,
            options,
            ran_to: None,
        }
    }

    /// The tracking table's rows; reads only.
    pub fn applied(&mut self) -> Result<Vec<AppliedRevision>, EngineError> {
        Ok(self.backend.applied()?)
    }

    /// The newest applied revision (`None`: base). After a successful [`Migrator::run`],
    /// from the rows that run read under the lock and the steps it ran: reading the whole
    /// tracking table again was a sixth of a no-op upgrade's work on a long history.
    pub fn position(&mut self) -> Result<Option<RevisionId>, EngineError> {
        if let Some(position) = &self.ran_to {
            return Ok(position.clone());
        }
        let applied = self.applied()?;
        Ok(self
            .history
            .newest_applied(&applied)
            .map(|row| row.id.clone()))
    }

    /// Every revision's state; reads only.
    pub fn status(&mut self) -> Result<Vec<StatusEntry>, EngineError> {
        let applied = self.applied()?;
        Ok(status(self.history, &applied))
    }

    /// Revisions whose no-transaction script stopped partway, each naming the last
    /// statement that completed as its file reads now; reads only.
    pub fn dirty(&mut self) -> Result<Vec<DirtyRevision>, EngineError> {
        let mut dirty = self.backend.dirty()?;
        for mark in &mut dirty {
            let revision = self.history.find(&mark.id);
            let script = revision.and_then(|revision| match mark.direction {
                Direction::Up => Some(&revision.up),
                Direction::Down => revision.down.as_ref(),
            });
            if let Some(script) = script {
                mark.name_last_done(&script.text);
            }
        }
        Ok(dirty)
    }

    /// Repairs a dirty revision under the lock: clears its mark (the user fixed the
    /// database, and the whole script will run again), or with `resume` runs the
    /// statements after the last good one and records the revision.
    pub fn repair(&mut self, id: &RevisionId, resume: bool) -> Result<DirtyRevision, EngineError> {
        self.ran_to = None;
        self.backend.lock(self.options.lock_timeout)?;
        let result = self.repair_locked(id, resume);
        let unlocked = self.backend.unlock();
        let mark = result?;
        unlocked?;
        Ok(mark)
    }

    fn repair_locked(
        &mut self,
        id: &RevisionId,
        resume: bool,
    ) -> Result<DirtyRevision, EngineError> {
        let mark = self
            .dirty()?
            .into_iter()
            .find(|mark| &mark.id == id)
            .ok_or_else(|| EngineError::NotDirty { id: id.clone() })?;
        if !resume {
            self.backend.clear_dirty(id)?;
            return Ok(mark);
        }
        let revision = self
            .history
            .find(id)
            .ok_or_else(|| EngineError::UnknownRevision { id: id.clone() })?;
        let row;
        let (script, record) = match mark.direction {
            Direction::Up => {
                row = new_row(
                    id,
                    &revision.slug,
                    &revision.up,
                    revision.down.as_ref(),
                    now_rfc3339(),
                );
                (&revision.up, Record::Insert(&row))
            }
            Direction::Down => {
                let down = revision
                    .down
                    .as_ref()
                    .ok_or_else(|| EngineError::UnknownRevision { id: id.clone() })?;
                (down, Record::Delete(id))
            }
        };
        let work = StepWork {
            script: Some(script),
            record,
        };
        self.backend
            .resume_step(work, mark.statements_done)
            .map_err(|error| step_error(id, Some(script), error, Vec::new()))?;
        Ok(mark)
    }

    /// Whether `command` has nothing to run, from the rows as they are now, read without
    /// the lock; reads only. For a caller holding a history whose scripts have no texts
    /// (a remembered directory): `false` whenever the answer takes more than the rows
    /// (a revision to run, a plan refused, a dirty mark, no tracking rows yet), so the
    /// caller goes on with the files read and [`Migrator::run`].
    pub fn has_nothing_to_do(&mut self, command: &Command) -> Result<bool, EngineError> {
        if !self.backend.dirty()?.is_empty() {
            return Ok(false);
        }
        let applied = self.backend.applied_without_texts()?;
        if applied.is_empty() {
            return Ok(false);
        }
        let Ok(plan) = self.plan_with(command, &applied, self.options.plan) else {
            return Ok(false);
        };
        if !plan.steps.is_empty() {
            return Ok(false);
        }
        self.ran_to = Some(plan.position_after(&applied));
        Ok(true)
    }

    /// The plan `command` would run now; reads only (for `--dry-run` and `--sql`).
    pub fn plan(&mut self, command: &Command) -> Result<Plan, EngineError> {
        let applied = self.applied()?;
        self.plan_with(command, &applied, self.options.plan)
    }

    fn plan_with(
        &self,
        command: &Command,
        applied: &[AppliedRevision],
        options: PlanOptions,
    ) -> Result<Plan, EngineError> {
        Ok(match command {
            Command::Upgrade(target) => plan_upgrade(self.history, applied, target, options)?,
            Command::Downgrade(target) => plan_downgrade(self.history, applied, target, options)?,
            Command::Stamp(target) => plan_stamp(self.history, applied, target)?,
        })
    }

    /// Takes the lock, plans against the rows read under it, and runs every step, calling
    /// `on_step` after each. The lock is released whether the run succeeds or not.
    pub fn run(
        &mut self,
        command: &Command,
        on_step: &mut dyn FnMut(&StepReport),
    ) -> Result<Vec<StepReport>, EngineError> {
        self.run_reporting(command, &mut |event| {
            if let RunEvent::Step(report) = event {
                on_step(report);
            }
        })
    }

    /// [`Migrator::run`], reporting the backup too, when one is written (see
    /// [`MigratorOptions::backup`]), before the first step runs.
    pub fn run_reporting(
        &mut self,
        command: &Command,
        on_event: &mut dyn FnMut(RunEvent<'_>),
    ) -> Result<Vec<StepReport>, EngineError> {
        self.ran_to = None;
        self.backend.lock(self.options.lock_timeout)?;
        let result = self.run_locked(command, on_event);
        let unlocked = self.backend.unlock();
        let (reports, position) = result?;
        unlocked?;
        self.ran_to = Some(position);
        Ok(reports)
    }

    fn run_locked(
        &mut self,
        command: &Command,
        on_event: &mut dyn FnMut(RunEvent<'_>),
    ) -> Result<(Vec<StepReport>, Option<RevisionId>), EngineError> {
        self.backend.ensure_version_table()?;
        // A half-applied no-transaction script leaves a state no plan can start from;
        // stamp is the way past it, so it alone goes on.
        if !matches!(command, Command::Stamp(_)) {
            let dirty = self.dirty()?;
            if !dirty.is_empty() {
                return Err(EngineError::Dirty { dirty });
            }
        }
        let applied = self.backend.applied()?;
        let mut options = self.options.plan;
        options.first_step_checked_by_run = self.backend.checks_pending_scripts();
        let plan = self.plan_with(command, &applied, options)?;
        let position = plan.position_after(&applied);
        if let (Some(to), Some(first)) = (&self.options.backup, plan.steps.first()) {
            let backup = write_backup(self.backend, to, &first.id)?;
            on_event(RunEvent::BackedUp(&backup));
        }
        let reports = self.execute(plan, &mut |report| on_event(RunEvent::Step(report)))?;
        Ok((reports, position))
    }

    /// Runs every step of a plan made under the lock the caller holds, calling `on_step`
    /// after each (for commands that plan with more than the history, like `adopt`).
    pub(super) fn execute(
        &mut self,
        plan: Plan,
        on_step: &mut dyn FnMut(&StepReport),
    ) -> Result<Vec<StepReport>, EngineError> {
        self.ran_to = None;
        let total = plan.steps.len();
        let mut reports: Vec<StepReport> = Vec::with_capacity(total);
        let mut steps = plan.steps.into_iter();
        let mut staged_until = 0;
        while let Some(next) = steps.as_slice().first() {
            let completed = || reports.iter().map(|r| r.step.id.clone()).collect();
            if reports.len() == staged_until {
                let ahead = &steps.as_slice()[..STAGE_AHEAD.min(steps.len())];
                stage(self.backend, ahead)
                    .map_err(|error| step_error(&next.id, None, error, completed()))?;
                staged_until += ahead.len();
            }
            let step = steps.next().expect("a step is next");
            let started = Instant::now();
            run_one(self.backend, &step)
                .map_err(|error| step_error(&step.id, step_script(&step), error, completed()))?;
            let report = StepReport {
                step,
                duration: started.elapsed(),
                position: reports.len() + 1,
                total,
            };
            on_step(&report);
            reports.push(report);
        }
        Ok(reports)
    }
}
