//! `verify --locks` on PostgreSQL: the table locks each statement of a step takes, read
//! from `pg_locks` for the step's own session after each statement, and how long each was
//! held. A transaction only gains locks until it ends, so what is new after a statement
//! is what that statement took.

use std::time::Instant;

use postgres::Client;

use super::error::{database, statement_failure};
use super::tracking::Books;
use crate::backend::backend::StepWork;
use crate::backend::error::BackendError;
use crate::backend::held_lock::HeldLock;
use crate::core::{Location, split_statements};

/// Runs a step in one transaction, as always, but one statement at a time, reading after
/// each the locks it took; returns them once the transaction committed, each held until
/// then. The tracking row is written through `books`, as an unrecorded step writes it.
pub(crate) fn run_observed(
    client: &mut Client,
    books: &Books<'_>,
    work: StepWork<'_>,
) -> Result<Vec<HeldLock>, BackendError> {
    let mut observed = Observed::default();
    let result = observed_body(client, books, work, &mut observed);
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = client.batch_execute(end).map_err(|error| database(&error));
    result?;
    ended?;
    Ok(observed.ended())
}

fn observed_body(
    client: &mut Client,
    books: &Books<'_>,
    work: StepWork<'_>,
    observed: &mut Observed,
) -> Result<(), BackendError> {
    let started = Instant::now();
    client
        .batch_execute("BEGIN")
        .map_err(|error| database(&error))?;
    if let Some(script) = work.script {
        let text = &script.text;
        for range in split_statements(text) {
            let at = Instant::now();
            client
                .batch_execute(&text[range.clone()])
                .map_err(|error| statement_failure(&error, text, range.clone()))?;
            observed.note(client, &books.table.name, (text, range.start), at)?;
        }
    }
    let elapsed = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    books.finish(client, work.record, elapsed)
}

/// The table locks this session holds now, leaving out the tracking table `tracking` and
/// temporary tables, which are this program's own.
fn held_now(client: &mut Client, tracking: &str) -> Result<Vec<(String, String)>, BackendError> {
    const LOCKS: &str = "SELECT c.relname::text, l.mode FROM pg_locks l \
        JOIN pg_class c ON c.oid = l.relation \
        WHERE l.pid = pg_backend_pid() AND l.granted AND c.relkind IN ('r', 'p') \
        AND c.relpersistence <> 't' AND c.relname <> $1 \
        AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) \
        ORDER BY 1, 2";
    client
        .query(LOCKS, &[&tracking])
        .map_err(|error| database(&error))?
        .iter()
        .map(|row| {
            Ok((
                row.try_get(0).map_err(|error| database(&error))?,
                row.try_get(1).map_err(|error| database(&error))?,
            ))
        })
        .collect()
}

/// A lock as first seen: by which statement, and when that statement started.
struct Taken {
    relation: String,
    mode: String,
    line: usize,
    at: Instant,
}

/// The locks one transaction took, statement by statement.
#[derive(Default)]
pub(crate) struct Observed {
    taken: Vec<Taken>,
}

impl Observed {
    /// After the statement starting at byte `offset` of `text`, which started at
    /// `started`: notes the locks it took.
    pub(crate) fn note(
        &mut self,
        client: &mut Client,
        tracking: &str,
        place: (&str, usize),
        started: Instant,
    ) -> Result<(), BackendError> {
        let (text, offset) = place;
        let line = Location::of_offset(text, offset).line;
        for (relation, mode) in held_now(client, tracking)? {
            let known = self
                .taken
                .iter()
                .any(|t| t.relation == relation && t.mode == mode);
            if !known {
                self.taken.push(Taken {
                    relation,
                    mode,
                    line,
                    at: started,
                });
            }
        }
        Ok(())
    }

    /// The locks, once the transaction ended: each held until now.
    pub(crate) fn ended(self) -> Vec<HeldLock> {
        self.taken
            .into_iter()
            .map(|taken| HeldLock {
                held_ms: u64::try_from(taken.at.elapsed().as_millis()).unwrap_or(u64::MAX),
                relation: taken.relation,
                mode: taken.mode,
                line: Some(taken.line),
            })
            .collect()
    }
}
