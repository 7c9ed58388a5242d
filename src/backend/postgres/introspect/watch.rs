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
//! trips: the log, then every catalog query it needs in one message (`batch`).

use postgres::{Client, SimpleQueryMessage};

use super::batch::Batch;
use super::origins::{Family, Origins};
use super::read::{CatalogStatements, Only, begin, decode, read, read_and_end};
use super::watch_sql::INSTALL;
use crate::backend::introspect_error::IntrospectError;
use crate::schema::{IntrospectOptions, Schema};

/// Empties the log; see `migrate_read_schema_changes` in [`INSTALL`].
const CHANGES: &str = "SELECT * FROM pg_temp.migrate_read_schema_changes(false)";

/// [`CHANGES`], first asking whether the last step undid the one before it.
const CHANGES_OR_UNDONE: &str = "SELECT * FROM pg_temp.migrate_read_schema_changes(true)";

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
        let result = match last {
            Some(last) => self.snapshot_after(client, statements, options, last, before_last),
            None => {
                // Emptied, as nothing in it is needed.
                if let Changes::Some(_) = self.changes(client, false)? {
                    end(client, "COMMIT")?;
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

    /// `last` brought up to date: the log read in one round trip, then what it names in
    /// another (see `batch`), when this connection has the statements for it.
    fn snapshot_after(
        &mut self,
        client: &mut Client,
        statements: &mut CatalogStatements,
        options: &IntrospectOptions,
        mut last: Last,
        before_last: Option<Last>,
    ) -> Result<Last, IntrospectError> {
        // Outside the read's transaction, which a failure here would abort.
        let ready = self.batch.ready(client, statements, options).is_ok();
        if !ready {
            self.batch.reset();
        }
        let again = match self.changes(client, before_last.is_some())? {
            Changes::Some(again) => again,
            Changes::Everything => return Last::read(client, statements, options),
            Changes::Undone => {
                end(client, "COMMIT")?;
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
        let only = again.units(&mut last);
        if only.is_empty() {
            end(client, "COMMIT")?;
            return Ok(last);
        }
        for unit in only.oids() {
            last.origins.forget(unit, &mut last.schema);
        }
        // The scope table lists what the server named; the units only the previous
        // snapshot could name (a dropped constraint's table) are bound the usual way.
        let (fragment, origins) = if ready && only.without(&named).is_empty() {
            match self.batch.read(client, &only)? {
                Some(mut rows) => decode(&mut rows, options, Some(&only))?,
                // The log was rolled back with the read, and what its function noted for
                // the next one: read everything.
                None => {
                    self.before_last = None;
                    return Last::read(client, statements, options);
                }
            }
        } else {
            read_and_end(client, statements, options, Some(&only))?
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
        let changes = if may_undo { CHANGES_OR_UNDONE } else { CHANGES };
        let sql = format!("{}; {changes}", begin(true));
        let row = match client.simple_query(&sql) {
            Ok(messages) => messages.into_iter().find_map(|message| match message {
                SimpleQueryMessage::Row(row) => Some(row),
                _ => None,
            }),
            Err(_) => None,
        };
        let Some(row) = row else {
            // The log is gone (`DISCARD ALL` drops temporary objects): start again.
            end(client, "ROLLBACK")?;
            self.reinstall(client)?;
            return Ok(Changes::Everything);
        };
        let text = |at: usize| row.get(at).unwrap_or_default();
        let standing = text(0) == "t";
        if !standing || text(1) != "t" {
            end(client, "COMMIT")?;
            if !standing {
                // Someone dropped or disabled the triggers.
                self.reinstall(client)?;
            }
            return Ok(Changes::Everything);
        }
        if text(11) == "t" {
            return Ok(Changes::Undone);
        }
        Ok(Changes::Some(Again {
            only_new: text(12) == "t",
            logged: oids(text(2))?,
            only: Only {
                relations: oids(text(3))?,
                sequences: oids(text(4))?,
                functions: oids(text(5))?,
                enums: oids(text(6))?,
                domains: oids(text(7))?,
            },
            gone: Box::new(Gone {
                relations: sorted_oids(text(8))?,
                functions: sorted_oids(text(9))?,
                types: sorted_oids(text(10))?,
            }),
        }))
    }
}

/// What the log says to read again: the logged objects' oids, the units the server
/// found to read, and the logged objects that no longer exist.
struct Again {
    /// The step only made or changed objects newer than the last snapshot's.
    only_new: bool,
    logged: Vec<u32>,
    only: Only,
    gone: Box<Gone>,
}

impl Again {
    /// Every unit to read again: those the server named and those the previous
    /// snapshot knows logged objects belonged to, with their partitions; sorted. A
    /// dropped object is gone from the catalogs, but `last` knows whose it was (a
    /// dropped constraint's table, say). A unit that is itself gone (a dropped table,
    /// with its indexes and partitions) is forgotten from `last` without reading it
    /// again, and so is a dropped index, which changes nothing else of its table.
    fn units(self, last: &mut Last) -> Only {
        let Self {
            logged,
            mut only,
            gone,
            ..
        } = self;
        for oid in logged {
            if let Some((unit, family)) = last.origins.unit_of(oid) {
                if gone.holds(unit, family) {
                    last.origins.forget(unit, &mut last.schema);
                } else if !(gone.holds(oid, Family::Relation)
                    && last.origins.drop_index(oid, &mut last.schema))
                {
                    only.add(unit, family);
                }
            }
        }
        let children: Vec<u32> = only
            .relations
            .iter()
            .flat_map(|unit| last.origins.children(*unit))
            .copied()
            .collect();
        only.relations.extend(children);
        for oids in only.lists() {
            oids.sort_unstable();
            oids.dedup();
        }
        only
    }
}

/// Ends the transaction [`SchemaWatch::changes`] opened.
fn end(client: &mut Client, how: &str) -> Result<(), IntrospectError> {
    client
        .batch_execute(how)
        .map_err(|error| watch_failed(&error))
}

/// Logged objects no longer in their catalog, by catalog; sorted.
struct Gone {
    /// From `pg_class`: tables, views, sequences, indexes.
    relations: Vec<u32>,
    functions: Vec<u32>,
    /// From `pg_type`: enums, domains, composite types.
    types: Vec<u32>,
}

impl Gone {
    /// Whether the unit `oid` of `family` no longer exists.
    fn holds(&self, oid: u32, family: Family) -> bool {
        let catalog = match family {
            Family::Relation | Family::Sequence => &self.relations,
            Family::Function => &self.functions,
            Family::Enum | Family::Domain => &self.types,
        };
        catalog.binary_search(&oid).is_ok()
    }
}

fn sorted_oids(text: &str) -> Result<Vec<u32>, IntrospectError> {
    let mut oids = oids(text)?;
    oids.sort_unstable();
    Ok(oids)
}

/// An `oid[]` as the server writes it in text: `{}`, `{16384,16390}`.
fn oids(text: &str) -> Result<Vec<u32>, IntrospectError> {
    let inner = text.trim_start_matches('{').trim_end_matches('}');
    inner
        .split(',')
        .filter(|oid| !oid.is_empty())
        .map(|oid| {
            oid.parse().map_err(|_| IntrospectError::Unexpected {
                dialect: crate::backend::dialect::Dialect::Postgres,
                what: "oid in the schema change log",
                value: text.to_owned(),
            })
        })
        .collect()
}

fn watch_failed(error: &postgres::Error) -> IntrospectError {
    IntrospectError::Query {
        dialect: crate::backend::dialect::Dialect::Postgres,
        what: "schema changes",
        message: error.to_string(),
    }
}

impl Only {
    fn add(&mut self, unit: u32, family: Family) {
        match family {
            Family::Relation => self.relations.push(unit),
            Family::Sequence => self.sequences.push(unit),
            Family::Function => self.functions.push(unit),
            Family::Enum => self.enums.push(unit),
            Family::Domain => self.domains.push(unit),
        }
    }

    fn lists(&mut self) -> [&mut Vec<u32>; 5] {
        [
            &mut self.relations,
            &mut self.sequences,
            &mut self.functions,
            &mut self.enums,
            &mut self.domains,
        ]
    }

    fn is_empty(&self) -> bool {
        self.oids().next().is_none()
    }

    /// The units of `self` that `other` does not list, by kind.
    fn without(&self, other: &Self) -> Self {
        let keep = |mine: &[u32], theirs: &[u32]| -> Vec<u32> {
            mine.iter()
                .filter(|oid| !theirs.contains(oid))
                .copied()
                .collect()
        };
        Self {
            relations: keep(&self.relations, &other.relations),
            sequences: keep(&self.sequences, &other.sequences),
            functions: keep(&self.functions, &other.functions),
            enums: keep(&self.enums, &other.enums),
            domains: keep(&self.domains, &other.domains),
        }
    }

    fn oids(&self) -> impl Iterator<Item = u32> + '_ {
        self.relations
            .iter()
            .chain(&self.sequences)
            .chain(&self.functions)
            .chain(&self.enums)
            .chain(&self.domains)
            .copied()
    }
}
