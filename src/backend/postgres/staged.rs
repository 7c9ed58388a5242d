//! Step records sent ahead, so a transactional step is one round trip.
//!
//! Unstaged, a step costs three round trips: `BEGIN` and the script, the record (its
//! values bound as parameters), `COMMIT`. Values must never be formatted into SQL, and the
//! simple protocol that runs a whole script takes no parameters. So the records of the
//! next steps go ahead in one statement, into a temporary table, and each step's message
//! ends with a constant statement that moves the first staged record into the tracking
//! table: `BEGIN; script; record; COMMIT` travel together, and the record commits with the
//! script or not at all.
//!
//! The queue kept here mirrors the temporary table: a step runs staged only when it is the
//! first one queued. Anything unexpected (a script that drops the session's temporary
//! tables, a role without the right to make one) puts the backend back on the unstaged
//! path, which is always correct.

use std::borrow::Cow;
use std::collections::VecDeque;

use postgres::types::{ToSql, Type};
use postgres::{Client, SimpleQueryMessage};

use super::batches::send_ahead;
use super::copy::is_long;
use super::error::{database, script_failure};
use super::staged_sql::{
    KNOWN_AHEAD, RECORDED, STAGED_NAME, Variant, create_sql, known_ahead, record_sql, stage_sql,
};
use super::tracking::Books;
use crate::backend::backend::{Record, StepWork};
use crate::backend::error::BackendError;
use crate::core::{Direction, RevisionId, Script};

/// The records of the steps expected next, as the server holds them.
#[derive(Debug, Default)]
pub(crate) struct StagedRecords {
    /// Each staged step's revision and script direction, first first.
    queue: VecDeque<(RevisionId, Direction)>,
    /// Whether the temporary table exists in this session, as far as is known.
    table_made: bool,
    /// Set when the server refused the table (no TEMP privilege): nothing is staged again.
    refused: bool,
    /// Which record statements are prepared in this session, by [`Variant::index`].
    prepared: [bool; 4],
    /// Positions only grow, so rows staged earlier never collide with new ones.
    next_position: i64,
}

/// What a staged step came to.
pub(crate) enum StagedOutcome {
    /// The script ran and its record was written, in one transaction; with the results
    /// of the message, where the statement sent after the record has its row.
    Done(Vec<SimpleQueryMessage>),
    /// The step failed in a way of ours, not the script's; its transaction was rolled
    /// back and it is to run again unstaged.
    RunUnstaged,
}

impl StagedRecords {
    /// Sends the records of the transactional steps among `works` ahead, in order,
    /// replacing whatever was staged before. A server that refuses is not an error: the
    /// steps then run unstaged.
    pub fn stage(
        &mut self,
        client: &mut Client,
        works: &[StepWork<'_>],
    ) -> Result<(), BackendError> {
        self.queue.clear();
        if self.refused {
            return Ok(());
        }
        // A long script's record goes apart from its script, streamed (see postgres_copy).
        let works: Vec<&StepWork<'_>> = works
            .iter()
            .filter(|work| {
                transactional(work)
                    && !matches!(work.record, Record::Insert(row) if is_long(row))
                    && !matches!(work.record, Record::InsertMade { .. })
            })
            .collect();
        if works.is_empty() {
            return Ok(());
        }
        if !self.table_made {
            if let Err(error) = client.batch_execute(&create_sql()) {
                if error.as_db_error().is_none() {
                    return Err(database(&error));
                }
                self.refused = true;
                return Ok(());
            }
            self.table_made = true;
        }
        let mut positions: Vec<i64> = Vec::with_capacity(works.len());
        let mut columns: Vec<Vec<Option<Cow<'_, str>>>> = (0..KNOWN_AHEAD)
            .map(|_| Vec::with_capacity(works.len()))
            .collect();
        for work in &works {
            positions.push(self.next_position);
            self.next_position += 1;
            let values = known_ahead(work.record);
            for (column, value) in columns.iter_mut().zip(values) {
                column.push(value);
            }
        }
        let mut params: Vec<(&(dyn ToSql + Sync), Type)> = vec![(&positions, Type::INT8_ARRAY)];
        params.extend(
            columns
                .iter()
                .map(|column| (column as &(dyn ToSql + Sync), Type::TEXT_ARRAY)),
        );
        if let Err(error) = client.execute_typed(&stage_sql(), &params) {
            if error.as_db_error().is_none() {
                return Err(database(&error));
            }
            // Dropped by a script (`DISCARD TEMP`) or otherwise unusable: make it again
            // next time, and run these steps unstaged.
            self.table_made = false;
            return Ok(());
        }
        self.queue = works
            .iter()
            .map(|work| (work.record.id().clone(), work.record.direction()))
            .collect();
        Ok(())
    }

    /// Whether `work` is the step whose record is staged first.
    pub fn takes(&self, work: &StepWork<'_>) -> bool {
        transactional(work)
            && self.queue.front().is_some_and(|(id, direction)| {
                id == work.record.id() && *direction == work.record.direction()
            })
    }

    /// After a staged step failed for a reason of ours (a script dropped the table or
    /// the prepared statements): makes both again at the next [`Self::stage`].
    fn start_over(&mut self, client: &mut Client) {
        for variant in Variant::ALL {
            if std::mem::take(&mut self.prepared[variant.index()]) {
                // Gone already if the script discarded it, which is no failure here.
                let _ = client.batch_execute(&format!("DEALLOCATE {}", variant.name()));
            }
        }
        self.table_made = false;
    }

    /// After a batch sent ahead of a staged step failed: the step's transaction is rolled
    /// back and its failure returned; the records staged after it are forgotten.
    fn abandon(
        &mut self,
        client: &mut Client,
        failure: BackendError,
    ) -> Result<StagedOutcome, BackendError> {
        self.queue.clear();
        client
            .batch_execute("ROLLBACK")
            .map_err(|error| database(&error))?;
        Err(failure)
    }

    /// Forgets the queue: the steps to come run unstaged until the next [`Self::stage`].
    pub fn forget(&mut self) {
        self.queue.clear();
    }

    /// Runs the first staged step, `work` ([`Self::takes`] said so), in one message:
    /// `BEGIN`, its script, the statement that writes its record, `after` (a statement of
    /// ours that commits with the step, when given), `COMMIT`.
    pub fn run(
        &mut self,
        client: &mut Client,
        books: &Books<'_>,
        work: StepWork<'_>,
        after: Option<&str>,
    ) -> Result<StagedOutcome, BackendError> {
        let Books { table, progress } = *books;
        const BEGIN: &str = "BEGIN;\n";
        let variant = Variant {
            direction: work.record.direction(),
            progress: progress.is_some(),
        };
        if !self.prepared[variant.index()] {
            let prepare = format!(
                "PREPARE {} AS {}",
                variant.name(),
                record_sql(variant.direction, table, progress)
            );
            if let Err(error) = client.batch_execute(&prepare) {
                self.queue.clear();
                return match error.as_db_error() {
                    Some(_) => Ok(StagedOutcome::RunUnstaged),
                    None => Err(database(&error)),
                };
            }
            self.prepared[variant.index()] = true;
        }
        let record = match after {
            Some(after) => format!("EXECUTE {};\n{after}", variant.name()),
            None => format!("EXECUTE {}", variant.name()),
        };
        let mut rest = None;
        let (sent, script_end) = match work.script {
            Some(script) => {
                // A long script goes ahead in batches; its last one travels with the record.
                let ahead = match send_ahead(client, script, BEGIN) {
                    Ok(ahead) => ahead,
                    Err(failure) => return self.abandon(client, failure),
                };
                let body = &script.text[ahead.range.clone()];
                // The line break ends a trailing `--` comment; the `;` a last statement
                // without one (an empty statement is no error).
                let sent = format!("{}{body}\n;\n{record};\nCOMMIT", ahead.prefix);
                let end = ahead.prefix.len() + body.len();
                rest = Some(ahead);
                (sent, end)
            }
            None => (format!("{BEGIN}{record};\nCOMMIT"), BEGIN.len()),
        };
        let result = client.simple_query(&sent);
        self.queue.pop_front();
        match result {
            Ok(messages) if recorded(&messages) => Ok(StagedOutcome::Done(messages)),
            // The record statement did not run, yet nothing failed: the script ends
            // inside a string or comment that took in what followed it. Nothing was
            // committed; roll back what was begun and say what is wrong.
            Ok(_) => {
                self.queue.clear();
                client
                    .batch_execute("ROLLBACK")
                    .map_err(|error| database(&error))?;
                Err(BackendError::Database {
                    message: "the script ends inside a string, a quoted name or a comment: \
                              close it (nothing was applied)"
                        .into(),
                })
            }
            Err(error) => {
                self.queue.clear();
                let rolled_back = client.batch_execute("ROLLBACK");
                if is_ours(&error, &sent, script_end) {
                    rolled_back.map_err(|error| database(&error))?;
                    self.start_over(client);
                    return Ok(StagedOutcome::RunUnstaged);
                }
                let failure = match (work.script, rest) {
                    (Some(script), Some(rest)) => {
                        script_failure(&error, &script.text, rest.range.start, rest.prefix)
                    }
                    _ => database(&error),
                };
                rolled_back.map_err(|error| database(&error))?;
                Err(failure)
            }
        }
    }
}

/// Whether a step's script runs in a transaction (a step with none does too).
fn transactional(work: &StepWork<'_>) -> bool {
    work.script
        .is_none_or(|script: &Script| !script.directives.no_transaction)
}

/// Whether the record statement ran: its one row, under its own column name, is among
/// the rows of the message (the last, or the one before the row of what came after it).
fn recorded(messages: &[SimpleQueryMessage]) -> bool {
    messages.iter().any(|message| match message {
        SimpleQueryMessage::Row(row) => row
            .columns()
            .first()
            .is_some_and(|column| column.name() == RECORDED),
        _ => false,
    })
}

/// Whether a failure came from what was sent after the script (a position past its end)
/// or names the staged table, rather than from the script itself.
fn is_ours(error: &postgres::Error, sent: &str, script_end: usize) -> bool {
    let Some(db) = error.as_db_error() else {
        return false;
    };
    let past_the_script = match db.position() {
        Some(postgres::error::ErrorPosition::Original(position)) => {
            let chars = usize::try_from(*position).unwrap_or(usize::MAX);
            sent.char_indices()
                .nth(chars.saturating_sub(1))
                .is_none_or(|(offset, _)| offset >= script_end)
        }
        _ => false,
    };
    past_the_script || db.message().contains(STAGED_NAME)
}
