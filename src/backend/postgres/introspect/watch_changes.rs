//! The change log's answer, as the row its function returns (see `watch_sql`): whether
//! it can vouch for what changed, whether the last step undid the one before it, and
//! otherwise what to read again. The row comes either from a message of its own or from
//! the message of the step that made the changes (see `SchemaWatch::call_in_step`).

use postgres::{SimpleQueryMessage, SimpleQueryRow};

use super::origins::{Family, Origins};
use super::read::Only;
use crate::backend::introspect_error::IntrospectError;
use crate::schema::Schema;

/// Empties the log; see `migrate_read_schema_changes` in `watch_sql::INSTALL`.
const CALL: &str = "SELECT * FROM pg_temp.migrate_read_schema_changes(false)";

/// [`CALL`], first asking whether the last step undid the one before it.
const CALL_OR_UNDONE: &str = "SELECT * FROM pg_temp.migrate_read_schema_changes(true)";

/// The statement that asks the log, with or without asking whether the last step undid
/// the one before it.
pub(super) fn call(may_undo: bool) -> &'static str {
    if may_undo { CALL_OR_UNDONE } else { CALL }
}

/// The log's row among the results of a message: the only one whose first column is
/// the function's first (a step's message holds other rows).
pub(super) fn answer_row(messages: Vec<SimpleQueryMessage>) -> Option<SimpleQueryRow> {
    messages.into_iter().find_map(|message| match message {
        SimpleQueryMessage::Row(row)
            if row.columns().first().map(|column| column.name()) == Some("triggers_stand") =>
        {
            Some(row)
        }
        _ => None,
    })
}

/// What the log's row says.
pub(super) enum Answer {
    /// The triggers were dropped or disabled: reinstall, read everything.
    TriggersGone,
    /// A schema or extension changed: read everything.
    Everything,
    /// The last step undid the one before it.
    Undone,
    /// Read again what it names.
    Some(Again),
}

impl Answer {
    pub(super) fn of(row: &SimpleQueryRow) -> Result<Self, IntrospectError> {
        let text = |at: usize| row.get(at).unwrap_or_default();
        if text(0) != "t" {
            return Ok(Self::TriggersGone);
        }
        if text(1) != "t" {
            return Ok(Self::Everything);
        }
        if text(11) == "t" {
            return Ok(Self::Undone);
        }
        Ok(Self::Some(Again {
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
pub(super) struct Again {
    /// The step only made or changed objects newer than the last snapshot's.
    pub(super) only_new: bool,
    logged: Vec<u32>,
    pub(super) only: Only,
    gone: Box<Gone>,
}

impl Again {
    /// Every unit to read again: those the server named and those the previous
    /// snapshot knows logged objects belonged to, with their partitions; sorted. A
    /// dropped object is gone from the catalogs, but `last` knows whose it was (a
    /// dropped constraint's table, say). A unit that is itself gone (a dropped table,
    /// with its indexes and partitions) is forgotten from `last` without reading it
    /// again, and so is a dropped index, which changes nothing else of its table.
    pub(super) fn units(self, origins: &mut Origins, schema: &mut Schema) -> Only {
        let Self {
            logged,
            mut only,
            gone,
            ..
        } = self;
        for oid in logged {
            if let Some((unit, family)) = origins.unit_of(oid) {
                if gone.holds(unit, family) {
                    origins.forget(unit, schema);
                } else if !(gone.holds(oid, Family::Relation) && origins.drop_index(oid, schema)) {
                    only.add(unit, family);
                }
            }
        }
        let children: Vec<u32> = only
            .relations
            .iter()
            .flat_map(|unit| origins.children(*unit))
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

    pub(super) fn is_empty(&self) -> bool {
        self.oids().next().is_none()
    }

    /// The units of `self` that `other` does not list, by kind.
    pub(super) fn without(&self, other: &Self) -> Self {
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

    pub(super) fn oids(&self) -> impl Iterator<Item = u32> + '_ {
        self.relations
            .iter()
            .chain(&self.sequences)
            .chain(&self.functions)
            .chain(&self.enums)
            .chain(&self.domains)
            .copied()
    }
}
