//! `verify --data` inside the walk: seeds the tables before each up, keeps what seeding
//! wrote, says what an up deleted or changed of it, whether a down kept it, and tells an
//! up that failed on the seeded rows from one that fails anyway.

use super::data_check::{
    DataOptions, Filled, Known, Seeded, check_kept_by_up, check_survived, seed,
};
use super::data_compare::example_row;
use super::data_reach::{Reached, step_reach};
use super::error::EngineError;
use super::verify_report::{RevisionVerdict, Status};
use crate::backend::{Backend, BackendError};
use crate::schema::Schema;

/// The seeding state of one walk.
pub(super) struct DataWalk {
    options: DataOptions,
    /// Revisions seeded so far: each round's values are new, so keys stay unique.
    round: u64,
    /// What the current revision's seeding wrote and read back.
    seeded: Option<Seeded>,
    /// The tables filled so far, with their columns then.
    filled: Filled,
    /// The tables whose rows the steps run since `seeded` was read may have changed:
    /// only those are read again.
    since_seed: Reached,
    /// A revision of the history makes a rule: every step can write any table.
    every_step_reaches_all: bool,
}

/// What the seeded rows say of an up that failed: the database's detail and one row.
pub(super) struct SeededFailure {
    detail: Option<String>,
    example: Option<String>,
}

impl DataWalk {
    /// `history_makes_rules`: a script of the whole history (not only the revisions
    /// checked: a rule made before them still fires) makes a rule.
    pub(super) fn new(options: DataOptions, history_makes_rules: bool) -> Self {
        Self {
            every_step_reaches_all: history_makes_rules,
            options,
            round: 0,
            seeded: None,
            filled: Filled::new(),
            since_seed: Reached::All,
        }
    }

    /// A step ran `script`, the schema going from `before` to `after`: the tables it may
    /// have written are read again.
    pub(super) fn ran(&mut self, script: &str, before: &Schema, after: &Schema) {
        if self.every_step_reaches_all {
            self.since_seed = Reached::All;
        } else if self.since_seed != Reached::All {
            self.since_seed.add(step_reach(script, before, after));
        }
    }

    /// The database is not what the last readings saw (a step failed, the database was
    /// rebuilt or replaced): every table is read again.
    pub(super) fn forget(&mut self) {
        self.since_seed = Reached::All;
    }

    /// Fills the tables of `before` for the next revision; the tables left alone, and why.
    pub(super) fn seed(
        &mut self,
        backend: &mut dyn Backend,
        before: &Schema,
    ) -> Result<Vec<String>, EngineError> {
        self.round += 1;
        let seeded = {
            // The rows read before the last revision: a table unchanged since is not read.
            let known = Known {
                tables: self.seeded.take().map(|s| s.tables).unwrap_or_default(),
                since: std::mem::replace(&mut self.since_seed, Reached::none()),
            };
            seed(
                backend,
                before,
                self.options,
                self.round,
                (&mut self.filled, known),
            )?
        };
        let skipped = seeded
            .skipped
            .iter()
            .map(|(table, why)| format!("{table}: {why}"))
            .collect();
        self.seeded = Some(seeded);
        Ok(skipped)
    }

    /// What the up just run deleted or changed of the seeded rows.
    pub(super) fn after_up(
        &self,
        backend: &mut dyn Backend,
        after_up: &Schema,
        revision: &str,
    ) -> Result<Vec<String>, EngineError> {
        match &self.seeded {
            Some(seeded) => {
                check_kept_by_up(backend, seeded, (after_up, &self.since_seed), revision)
            }
            None => Ok(Vec::new()),
        }
    }

    /// After the down: the first table whose seeded rows did not survive, in words.
    pub(super) fn after_down(
        &self,
        backend: &mut dyn Backend,
        revision: &str,
    ) -> Result<Option<String>, EngineError> {
        match &self.seeded {
            Some(seeded) => check_survived(backend, seeded, revision, &self.since_seed),
            None => Ok(None),
        }
    }

    /// When the up (of text `script`) failed on seeded tables: what to show if it passes
    /// without the rows.
    pub(super) fn up_failed(&self, script: &str, error: &BackendError) -> Option<SeededFailure> {
        let seeded = self.seeded.as_ref()?;
        if seeded.tables.iter().all(|t| t.rows.is_empty()) {
            // Nothing was there to fail on.
            return None;
        }
        let BackendError::Script { failure } = error else {
            return Some(SeededFailure {
                detail: None,
                example: None,
            });
        };
        // The statement names the table (an index's message names only the index); where
        // the database gave no position, the script does.
        let text = [
            Some(failure.statement.as_deref().unwrap_or(script)),
            Some(failure.message.as_str()),
            failure.detail.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
        Some(SeededFailure {
            detail: failure.detail.clone(),
            example: example_row(&seeded.tables, &text),
        })
    }
}

impl SeededFailure {
    /// Turns the up's failure into the finding: it fails on existing data only.
    pub(super) fn relabel(&self, verdict: &mut RevisionVerdict) {
        verdict.status = Status::FailsOnExistingData;
        let mut detail = format!(
            "up of {} fails on existing data (it passes on empty tables): {}",
            verdict.id,
            verdict
                .detail
                .as_deref()
                .unwrap_or("the database refused it")
        );
        if let Some(more) = &self.detail {
            detail.push_str(&format!(" ({more})"));
        }
        if let Some(example) = &self.example {
            detail.push_str(&format!("; e.g. a row of {example}"));
        }
        verdict.detail = Some(detail);
    }
}
