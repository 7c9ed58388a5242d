//! Snapshots of a scratch PostgreSQL database that cost what a migration changed, not
//! what the database holds: an event trigger logs the oid of every object a DDL command
//! creates, alters or drops; the next snapshot reads again only the relations, functions
//! and types those objects are, belong to, or that depend on them (through `pg_depend`,
//! since renaming a table changes the text of the views over it), and keeps the rest of
//! the previous snapshot. What was dropped whole (a table, with its indexes) is only
//! forgotten: after a down that drops what its up made, the snapshot reads nothing.
//!
//! Everything lives in this session's temporary schema, so it is invisible to snapshots
//! and gone when the connection ends; the event triggers go with the function they call.
//! Creating an event trigger takes a superuser: for other roles every snapshot is a
//! full one. Whatever the log cannot vouch for (a schema or extension changed, the log or
//! the triggers gone) makes the next snapshot a full one. A snapshot takes two round
//! trips: the log, then every catalog query it needs in one message (`batch`); after a
//! staged step, whose own message asked the log (see `SchemaWatch::call_in_step`), one,
//! or none when there is nothing to read.

use postgres::{Client, SimpleQueryMessage, SimpleQueryRow};

use super::batch::Batch;
use super::origins::Origins;
use super::read::{CatalogStatements, begin, decode, read, read_and_end};
use super::rows::failed;
use super::watch_changes::{Again, Answer, answer_row, call};
use super::watch_sql::INSTALL;
use super::watch_window::{OPEN, Window, note_altered};
use crate::backend::introspect_error::IntrospectError;
use crate::core::UndoCheck;
use crate::schema::{IntrospectOptions, Schema};

/// What changed since the last snapshot.
enum Changes {
    /// Read everything again.
    Everything,
    /// The last step undid the one before it: the schema is the one before that.
    Undone,
    /// Read again what the log names.
    Some(Again),
}

/// The previous snapshot, with where each object came from.
#[derive(Clone)]
struct Last {
    options: IntrospectOptions,
    schema: Schema,
    origins: Origins,
}

impl Last {
    /// A full read.
    fn read(
        client: &mut Client,
        statements: &mut CatalogStatements,
        options: &IntrospectOptions,
    ) -> Result<Self, IntrospectError> {
        let (schema, origins) = read(client, statements, options, None)?;
        Ok(Self {
            options: options.clone(),
            schema,
            origins,
        })
    }
}

/// Watches one connection's database for DDL; see the module's documentation.
pub(crate) struct SchemaWatch {
    last: Option<Last>,
    /// The snapshot before `last`, kept while the step between them only made or changed
    /// new objects: a step that drops exactly those (a down after its up) returns to it.
    before_last: Option<Last>,
    batch: Batch,
    /// How many snapshots were those before the last, a step having undone the one
    /// before it.
    undone: usize,
    /// The log's answer, asked in the message of the step that made the changes and
    /// committed with it (see [`Self::call_in_step`]), for the next snapshot.
    answered: Option<SimpleQueryRow>,
    /// Verify's undo window (see `watch_window`).
    window: Window,
}

impl SchemaWatch {
    /// Installs the log and its triggers; `None` when this role may not (only a superuser
    /// creates event triggers), which leaves nothing behind.
    pub(crate) fn install(client: &mut Client) -> Result<Option<Self>, postgres::Error> {
        match client.batch_execute(INSTALL) {
            Ok(()) => Ok(Some(Self {
                last: None,
                before_last: None,
                batch: Batch::default(),
                undone: 0,
                answered: None,
                window: Window::Shut,
            })),
            Err(error) => {
                client.batch_execute("ROLLBACK")?;
                if error.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// How many snapshots a step undoing the one before it spared reading.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "the watch's tests prove the undoing is taken")
    )]
    pub(crate) fn undone(&self) -> usize {
        self.undone
    }

    /// Installs everything again, in place.
    fn reinstall(&mut self, client: &mut Client) -> Result<(), IntrospectError> {
        Self::install(client).map_err(|error| watch_failed(&error))?;
        // The scope table was made again, without its schemas.
        self.batch.reset();
        Ok(())
    }

    /// The database's schema, as [`super::read::introspect_with`] reads it.
    pub(crate) fn snapshot(
        &mut self,
        client: &mut Client,
        statements: &mut CatalogStatements,
        options: &IntrospectOptions,
    ) -> Result<Schema, IntrospectError> {
        let last = self.last.take().filter(|last| last.options == *options);
        let before_last = self
            .before_last
            .take()
            .filter(|before| before.options == *options);
        let answered = self.answered.take();
        let result = match last {
            Some(last) => {
                self.snapshot_after(client, statements, options, last, before_last, answered)
            }
            None => {
                // Emptied, as nothing in it is needed (a step's message may have done so;
                // its answer still tells whether the triggers stand).
                match answered {
                    Some(row) => drop(self.settle(client, Answer::of(&row)?, false)?),
                    None => {
                        if let Changes::Some(_) = self.changes(client, false)? {
                            end(client, "COMMIT")?;
                        }
                    }
                }
                Last::read(client, statements, options)
            }
        };
        let last = match result {
            Ok(last) => last,
            // A migration deallocated the prepared statements: read everything again.
            Err(_) if std::mem::take(&mut statements.lost) => {
                self.before_last = None;
                Last::read(client, statements, options)?
            }
            Err(error) => return Err(error),
        };
        let copy = last.schema.clone();
        self.last = Some(last);
        Ok(copy)
    }

    /// `last` brought up to date: the log read in one round trip (or `answered` in the
    /// step's message), then what it names in another (see `batch`), when this
    /// connection has the statements for it.
    fn snapshot_after(
        &mut self,
        client: &mut Client,
        statements: &mut CatalogStatements,
        options: &IntrospectOptions,
        mut last: Last,
        before_last: Option<Last>,
        answered: Option<SimpleQueryRow>,
    ) -> Result<Last, IntrospectError> {
        // Outside the read's transaction, which a failure here would abort.
        let ready = self.batch.ready(client, statements, options).is_ok();
        if !ready {
            self.batch.reset();
        }
        // A step's message committed its answer: no read transaction is open yet.
        let open = answered.is_none();
        let changes = match answered {
            Some(row) => self.settle(client, Answer::of(&row)?, false)?,
            None => self.changes(client, before_last.is_some())?,
        };
        let end_read = |client: &mut Client| match open {
            true => end(client, "COMMIT"),
            false => Ok(()),
        };
        let again = match changes {
            Changes::Some(again) => again,
            Changes::Everything => return Last::read(client, statements, options),
            Changes::Undone => {
                end_read(client)?;
                // Asked only with it at hand; were it not, reading everything is right.
                return match before_last {
                    Some(before_last) => {
                        self.undone += 1;
                        Ok(before_last)
                    }
                    None => Last::read(client, statements, options),
                };
            }
        };
        if again.only_new {
            self.before_last = Some(last.clone());
        }
        let named = again.only.clone();
        let only = again.units(&mut last.origins, &mut last.schema);
        if only.is_empty() {
            end_read(client)?;
            return Ok(last);
        }
        for unit in only.oids() {
            last.origins.forget(unit, &mut last.schema);
        }
        // The scope table lists what the server named; the units only the previous
        // snapshot could name (a dropped constraint's table) are bound the usual way.
        let (fragment, origins) = if ready && only.without(&named).is_empty() {
            match self.batch.read(client, &only, open)? {
                Some(mut rows) => decode(&mut rows, options, Some(&only))?,
                // The log was rolled back with the read, and what its function noted for
                // the next one: read everything.
                None => {
                    self.before_last = None;
                    return Last::read(client, statements, options);
                }
            }
        } else if open {
            read_and_end(client, statements, options, Some(&only))?
        } else {
            read(client, statements, options, Some(&only))?
        };
        last.schema.absorb(fragment);
        last.origins.absorb(origins);
        Ok(last)
    }

    /// Empties the log, in one round trip with opening the transaction of a partial
    /// read, which stays open when it returns [`Changes::Some`]. Everything changed when
    /// it cannot tell.
    fn changes(&mut self, client: &mut Client, may_undo: bool) -> Result<Changes, IntrospectError> {
        // The simple protocol carries several statements in one message; its values come
        // as text.
        let sql = format!("{}; {}", begin(true), call(may_undo));
        let Some(row) = client.simple_query(&sql).ok().and_then(answer_row) else {
            // The log is gone (`DISCARD ALL` drops temporary objects): start again.
            end(client, "ROLLBACK")?;
            self.reinstall(client)?;
            return Ok(Changes::Everything);
        };
        self.settle(client, Answer::of(&row)?, true)
    }

    /// What to do about the log's answer; with `open`, ends the read's transaction
    /// unless there is something to read in it.
    fn settle(
        &mut self,
        client: &mut Client,
        answer: Answer,
        open: bool,
    ) -> Result<Changes, IntrospectError> {
        let triggers_gone = match answer {
            Answer::TriggersGone => true,
            Answer::Everything => false,
            Answer::Undone => return Ok(Changes::Undone),
            Answer::Some(again) => return Ok(Changes::Some(again)),
        };
        if open {
            end(client, "COMMIT")?;
        }
        if triggers_gone {
            // Someone dropped or disabled the triggers.
            self.reinstall(client)?;
        }
        Ok(Changes::Everything)
    }

    /// The statement that asks the log, for the message of a transactional step about to
    /// run, when its answer can stand for the next snapshot's first round trip: the
    /// statement then commits with the step (or rolls back with it) and the answer is
    /// handed back with [`Self::answered_in_step`]. `None` for a step whose script may
    /// change the session (its role, its search path: the snapshot after such a step
    /// follows a reset), and when no snapshot was taken yet. A step that runs while an
    /// answer waits for a snapshot (steps applied unchecked) makes the next snapshot a
    /// full one: the log no longer holds the earlier step's changes.
    /// In an undo window, the window's statement instead (see `watch_window`).
    pub(crate) fn call_in_step(&mut self, changes_session: bool) -> Option<&'static str> {
        if let Some(carried) = self.window.carry() {
            return carried;
        }
        if self.forget_answer() {
            return None;
        }
        if changes_session || self.last.is_none() {
            return None;
        }
        Some(call(self.before_last.is_some()))
    }

    /// The results of the step's message that carried [`Self::call_in_step`]'s
    /// statement, once it committed. Without the answer among them, the next snapshot
    /// has nothing to go on but a full read.
    pub(crate) fn answered_in_step(&mut self, messages: Vec<SimpleQueryMessage>) {
        if self.window.answered(&messages) {
            return;
        }
        let row = answer_row(messages);
        if row.is_none() {
            self.last = None;
            self.before_last = None;
        }
        self.answered = row;
    }

    /// A step ran with no statement of ours in its message (unstaged), or failed: it is
    /// no part of an undo window, and an answer waiting for a snapshot no longer covers
    /// everything.
    pub(crate) fn ran_unstaged(&mut self) {
        self.window = Window::Shut;
        self.forget_answer();
    }

    /// Drops an answer a step's message gave that no snapshot took: the log no longer
    /// holds what it named, so the next snapshot is a full one. Whether there was one.
    fn forget_answer(&mut self) -> bool {
        if self.answered.take().is_none() {
            return false;
        }
        self.last = None;
        self.before_last = None;
        true
    }

    /// Opens an undo window on the database as it is (see `watch_window`): in no round
    /// trip when the last step's message opened one, or when the snapshot after the down
    /// is to be read (nothing is proved then); one more to note the tables the up alters.
    pub(crate) fn open_window(
        &mut self,
        client: &mut Client,
        check: &UndoCheck,
    ) -> Result<(), IntrospectError> {
        self.forget_answer();
        // The changes set aside are no step's undoing of the one before.
        self.before_last = None;
        let UndoCheck::Prove { altered } = check else {
            self.window = Window::Open { read_down: true };
            return Ok(());
        };
        if self.window != Window::Ready {
            client
                .batch_execute(OPEN)
                .map_err(|error| watch_failed(&error))?;
        }
        if !altered.is_empty() {
            note_altered(client, altered).map_err(|error| watch_failed(&error))?;
        }
        self.window = Window::Open { read_down: false };
        Ok(())
    }

    /// Whether the window's up and down (the down's message closed it) left every object
    /// as it was.
    pub(crate) fn window_undone(&mut self) -> bool {
        self.window.undone()
    }
}

/// Ends the transaction [`SchemaWatch::changes`] opened.
fn end(client: &mut Client, how: &str) -> Result<(), IntrospectError> {
    client
        .batch_execute(how)
        .map_err(|error| watch_failed(&error))
}

fn watch_failed(error: &postgres::Error) -> IntrospectError {
    failed("schema changes", error)
}
