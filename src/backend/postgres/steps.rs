//! How the PostgreSQL backend runs one step: in a transaction with its record (`BEGIN`
//! and the script in one message), statement by statement while locks are recorded, or
//! outside any transaction for a `-- migrate:no-transaction` script.

use std::time::Instant;

use super::backend::PostgresBackend;
use super::batches::send_ahead;
use super::error::{database, script_failure};
use super::no_transaction::Outside;
use super::observed_locks::run_observed;
use super::tracking::Books;
use crate::backend::backend::{Record, StepWork};
use crate::backend::error::BackendError;
use crate::backend::held_lock::{HeldLock, NOT_OBSERVED};
use crate::backend::no_transaction::run_outside_transaction;
use crate::core::{Script, has_transaction_control};

impl PostgresBackend {
    pub(super) fn run_in_transaction(&mut self, work: StepWork<'_>) -> Result<(), BackendError> {
        if self.held.is_some() {
            return self.run_observed(work);
        }
        let started = Instant::now();
        let result = self.transaction_body(work, started);
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self
            .client
            .batch_execute(end)
            .map_err(|error| database(&error));
        result?;
        ended
    }

    /// `verify --locks`: the step in one transaction as always, but one statement at a
    /// time (see [`run_observed`]); its locks are kept once it commits.
    fn run_observed(&mut self, work: StepWork<'_>) -> Result<(), BackendError> {
        let books = Books {
            table: &self.table,
            progress: self.progress.as_ref(),
        };
        let locks = run_observed(&mut self.client, &books, work)?;
        self.held.get_or_insert_with(Vec::new).extend(locks);
        Ok(())
    }

    /// The script and the record, after a `BEGIN` that travels with the script.
    fn transaction_body(
        &mut self,
        work: StepWork<'_>,
        started: Instant,
    ) -> Result<(), BackendError> {
        const BEGIN: &str = "BEGIN;\n";
        match work.script {
            Some(script) => {
                // One simple-protocol message: the server parses the script itself, so no
                // splitter can misread it, and reports error positions in the text sent.
                // BEGIN goes in the same message (a transaction begun in a multi-statement
                // message outlives it): one round trip fewer per revision. A long script
                // goes in batches, the last one here.
                let rest = send_ahead(&mut self.client, script, BEGIN)?;
                let sent = format!("{}{}", rest.prefix, &script.text[rest.range.clone()]);
                self.client.batch_execute(&sent).map_err(|error| {
                    script_failure(&error, &script.text, rest.range.start, rest.prefix)
                })?;
            }
            None => self.client.batch_execute(BEGIN).map_err(|e| database(&e))?,
        }
        let books = Books {
            table: &self.table,
            progress: self.progress.as_ref(),
        };
        books.finish(&mut self.client, work.record, elapsed_ms(started))
    }

    /// The mechanisms of a script run outside a transaction; `observe`: read the locks
    /// of each statement when recording them.
    pub(super) fn outside(&mut self, observe: bool) -> Outside<'_> {
        Outside {
            client: &mut self.client,
            tracking: &self.table,
            progress: &mut self.progress,
            held: self.held.as_mut().filter(|_| observe),
        }
    }

    /// A `-- migrate:no-transaction` script. When recording locks, each statement runs in
    /// a transaction of its own, which is what PostgreSQL does with a statement sent alone,
    /// so its locks can be read before it commits; unless the file opens and ends
    /// transactions itself, which that would cut across.
    pub(super) fn run_no_transaction(
        &mut self,
        script: &Script,
        record: Record<'_>,
    ) -> Result<(), BackendError> {
        let observe = !has_transaction_control(&script.text);
        let result = run_outside_transaction(&mut self.outside(observe), script, record, 0);
        if let Some(held) = self.held.as_mut().filter(|_| !observe) {
            held.push(HeldLock {
                relation: String::new(),
                mode: NOT_OBSERVED.into(),
                line: None,
                held_ms: 0,
            });
        }
        result
    }
}

fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}
