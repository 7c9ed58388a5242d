//! Running a `-- migrate:no-transaction` script one statement at a time, written once for
//! every backend: how far it got is recorded after each statement, so a failure (or a
//! crash) leaves a dirty mark saying what ran, and `repair --resume` goes on after the last
//! good statement.
//!
//! Each backend supplies the mechanisms through [`OutsideTransaction`]: running one
//! statement, writing a mark, and writing the step's record with the mark cleared. The
//! order of things, the statements themselves (split once, by
//! [`split_statements`](crate::core::split_statements)) and what a mark keeps of a failure
//! live here.

use std::ops::Range;
use std::time::Instant;

use super::backend::{Record, StepWork};
use super::dialect::Dialect;
use super::error::BackendError;
use crate::core::{DirtyRevision, Script, split_statements};

/// What a backend does for a script run outside a transaction.
pub(crate) trait OutsideTransaction {
    /// The dialect, for the words of a stored failure.
    fn dialect(&self) -> Dialect;

    /// Creates the progress table where it is missing.
    fn ensure_progress_table(&mut self) -> Result<(), BackendError>;

    /// Records `mark` (inserted, or replacing the revision's earlier one) where it stays
    /// if the next statement fails or the process dies.
    fn save_mark(&mut self, mark: &DirtyRevision) -> Result<(), BackendError>;

    /// Runs the statement at `range` of `text` alone, outside any transaction; a failure
    /// points at its place in `text`.
    fn run_statement(&mut self, text: &str, range: Range<usize>) -> Result<(), BackendError>;

    /// Writes the step's record and clears the revision's mark, in one transaction.
    fn finish(&mut self, record: Record<'_>, duration_ms: i64) -> Result<(), BackendError>;
}

/// Runs `script` statement by statement, the first `done` excepted (they ran already:
/// zero but for a resumed step), then writes `record`.
pub(crate) fn run_outside_transaction(
    backend: &mut impl OutsideTransaction,
    script: &Script,
    record: Record<'_>,
    done: usize,
) -> Result<(), BackendError> {
    let started = Instant::now();
    backend.ensure_progress_table()?;
    let mark = DirtyRevision {
        id: record.id().clone(),
        direction: record.direction(),
        statements_done: done,
        statement_count: 0,
        failed_statement: None,
        error: None,
        last_done: None,
    };
    run_statements(backend, script, mark)?;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    backend.finish(record, duration_ms)
}

/// Resumes a no-transaction step after its first `done` statements (`repair --resume`);
/// any other step is refused, as its script ran in a transaction that left nothing behind.
pub(crate) fn resume(
    backend: &mut impl OutsideTransaction,
    work: StepWork<'_>,
    done: usize,
) -> Result<(), BackendError> {
    match work.script {
        Some(script) if script.directives.no_transaction => {
            run_outside_transaction(backend, script, work.record, done)
        }
        _ => Err(BackendError::Database {
            message: "only a `-- migrate:no-transaction` script can be resumed".into(),
        }),
    }
}

/// Runs each statement the mark does not count as done, saving the mark after each, so
/// that what is on record always says what ran.
fn run_statements(
    backend: &mut impl OutsideTransaction,
    script: &Script,
    mut mark: DirtyRevision,
) -> Result<(), BackendError> {
    let text = &script.text;
    let statements = split_statements(text);
    let done = mark.statements_done;
    if done > statements.len() {
        return Err(BackendError::Database {
            message: format!(
                "cannot resume after statement {done}: the script has {} statements",
                statements.len()
            ),
        });
    }
    mark.statement_count = statements.len();
    backend.save_mark(&mark)?;
    for (index, range) in statements.into_iter().enumerate().skip(done) {
        if let Err(error) = backend.run_statement(text, range.clone()) {
            mark.failed_statement = Some(text[range].to_owned());
            mark.error = Some(stored_error(backend.dialect(), &error));
            // The statement's failure is the news; should the mark fail too (a dropped
            // connection), the mark saved before this statement still says where it was.
            let _ = backend.save_mark(&mark);
            return Err(error);
        }
        mark.statements_done = index + 1;
        backend.save_mark(&mark)?;
    }
    Ok(())
}

/// What the progress table keeps of a failure.
fn stored_error(dialect: Dialect, error: &BackendError) -> String {
    match error {
        BackendError::Script { failure } => match &failure.code {
            Some(code) => format!("{} ({})", failure.message, dialect.error_code(code)),
            None => failure.message.clone(),
        },
        other => other.to_string(),
    }
}
