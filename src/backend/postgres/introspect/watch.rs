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
//! the triggers gone) makes the next snapshot a full one.

use postgres::{Client, SimpleQueryMessage};

use super::origins::{Family, Origins};
use super::read::{CatalogStatements, Only, begin, read, read_and_end};
use crate::backend::introspect_error::IntrospectError;
use crate::schema::{IntrospectOptions, Schema};

/// The log, its function and its triggers, made afresh (a database copied from one that
/// had them has the triggers without this session's log). `ENABLE ALWAYS`: a migration
/// that sets `session_replication_role = replica` to silence triggers still fires these.
const INSTALL: &str = "\
BEGIN;
DROP EVENT TRIGGER IF EXISTS migrate_watch_ddl;
DROP EVENT TRIGGER IF EXISTS migrate_watch_drop;
CREATE TEMPORARY TABLE IF NOT EXISTS migrate_schema_changes (classid oid NOT NULL, objid oid NOT NULL);
TRUNCATE pg_temp.migrate_schema_changes;
-- As its owner: a migration that runs `SET ROLE` still logs into this session's table.
CREATE OR REPLACE FUNCTION pg_temp.migrate_log_schema_change() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    -- Another session's commands: it has no log, and only this one reads it.
    IF to_regclass('pg_temp.migrate_schema_changes') IS NULL THEN
        RETURN;
    END IF;
    IF TG_EVENT = 'sql_drop' THEN
        INSERT INTO pg_temp.migrate_schema_changes
        SELECT classid, objid FROM pg_event_trigger_dropped_objects();
    ELSE
        INSERT INTO pg_temp.migrate_schema_changes
        SELECT classid, objid FROM pg_event_trigger_ddl_commands() WHERE objid <> 0;
    END IF;
END
$$;
-- Empties the log and says, in one row: whether both triggers still stand, whether no
-- schema or extension changed (that is not followed to its dependents, everything in
-- it: the caller reads everything), the logged objects, and the units to read again:
-- those the logged objects that still exist are or belong to, and every unit depending
-- on them, transitively. Hash and merge joins read all of pg_depend at each step of the
-- walk; looking each object up by index costs what changed. The log is read into arrays
-- first: the walk's plan, made once, must not follow the log table's size (nothing
-- analyzes a temporary table, and a plan made for a long log is a bad one for a short).
-- Sequential scans stay allowed here, whatever the partial read's transaction set: the
-- log has no index, and without one the planner walks whole catalog indexes instead.
CREATE OR REPLACE FUNCTION pg_temp.migrate_read_schema_changes(
    OUT triggers_stand bool, OUT schemas_unchanged bool, OUT logged oid[],
    OUT relations oid[], OUT sequences oid[], OUT functions oid[], OUT enums oid[],
    OUT domains oid[], OUT gone_relations oid[], OUT gone_functions oid[],
    OUT gone_types oid[])
LANGUAGE plpgsql SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = on
AS $$
#variable_conflict use_column
DECLARE
    logged_classes oid[];
    logged_objects oid[];
BEGIN
    WITH emptied AS (
        DELETE FROM pg_temp.migrate_schema_changes RETURNING classid, objid
    )
    SELECT coalesce(array_agg(classid), '{}'), coalesce(array_agg(objid), '{}')
    INTO logged_classes, logged_objects FROM emptied;
    WITH RECURSIVE logged_now (classid, objid) AS (
        SELECT * FROM unnest(logged_classes, logged_objects)
    ), touched (classid, objid) AS (
        SELECT classid, objid FROM logged_now
        WHERE classid NOT IN ('pg_namespace'::regclass, 'pg_extension'::regclass)
      UNION
        SELECT d.classid, d.objid FROM pg_depend AS d
        JOIN touched AS t ON d.refclassid = t.classid AND d.refobjid = t.objid
        WHERE d.deptype IN ('n', 'a', 'i', 'P', 'S')
    ), units (family, oid) AS (
        SELECT CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END, COALESCE(i.indrelid, c.oid)
        FROM touched AS t
        JOIN pg_class AS c ON t.classid = 'pg_class'::regclass AND c.oid = t.objid
        LEFT JOIN pg_index AS i ON i.indexrelid = c.oid
      UNION
        SELECT CASE WHEN co.conrelid <> 0 THEN 'r' ELSE 'd' END,
               CASE WHEN co.conrelid <> 0 THEN co.conrelid ELSE co.contypid END
        FROM touched AS t
        JOIN pg_constraint AS co ON t.classid = 'pg_constraint'::regclass AND co.oid = t.objid
      UNION
        SELECT 'r', tg.tgrelid FROM touched AS t
        JOIN pg_trigger AS tg ON t.classid = 'pg_trigger'::regclass AND tg.oid = t.objid
      UNION
        SELECT 'r', ad.adrelid FROM touched AS t
        JOIN pg_attrdef AS ad ON t.classid = 'pg_attrdef'::regclass AND ad.oid = t.objid
      UNION
        SELECT 'r', rw.ev_class FROM touched AS t
        JOIN pg_rewrite AS rw ON t.classid = 'pg_rewrite'::regclass AND rw.oid = t.objid
      UNION
        SELECT CASE WHEN ty.typrelid <> 0 THEN 'r' ELSE ty.typtype::text END,
               CASE WHEN ty.typrelid <> 0 THEN ty.typrelid ELSE ty.oid END
        FROM touched AS t
        JOIN pg_type AS ty ON t.classid = 'pg_type'::regclass AND ty.oid = t.objid
        -- Row types, enums and domains: an array type's columns depend on it.
        WHERE ty.typrelid <> 0 OR ty.typtype IN ('e', 'd')
      UNION
        SELECT 'f', t.objid FROM touched AS t WHERE t.classid = 'pg_proc'::regclass
    )
    SELECT
        (SELECT count(*) FROM pg_event_trigger
         WHERE evtname IN ('migrate_watch_ddl', 'migrate_watch_drop') AND evtenabled = 'A') = 2,
        ARRAY(SELECT classid FROM logged_now WHERE classid IN
              ('pg_namespace'::regclass, 'pg_extension'::regclass)) = '{}',
        ARRAY(SELECT DISTINCT objid FROM logged_now),
        ARRAY(SELECT oid FROM units WHERE family = 'r'),
        ARRAY(SELECT oid FROM units WHERE family = 's'),
        ARRAY(SELECT oid FROM units WHERE family = 'f'),
        ARRAY(SELECT oid FROM units WHERE family = 'e'),
        ARRAY(SELECT oid FROM units WHERE family = 'd'),
        ARRAY(SELECT DISTINCT objid FROM logged_now AS l WHERE classid = 'pg_class'::regclass
              AND NOT EXISTS (SELECT FROM pg_class AS c WHERE c.oid = l.objid)),
        ARRAY(SELECT DISTINCT objid FROM logged_now AS l WHERE classid = 'pg_proc'::regclass
              AND NOT EXISTS (SELECT FROM pg_proc AS p WHERE p.oid = l.objid)),
        ARRAY(SELECT DISTINCT objid FROM logged_now AS l WHERE classid = 'pg_type'::regclass
              AND NOT EXISTS (SELECT FROM pg_type AS ty WHERE ty.oid = l.objid))
    INTO triggers_stand, schemas_unchanged, logged, relations, sequences, functions, enums,
         domains, gone_relations, gone_functions, gone_types;
END
$$;
CREATE EVENT TRIGGER migrate_watch_ddl ON ddl_command_end
    EXECUTE PROCEDURE pg_temp.migrate_log_schema_change();
CREATE EVENT TRIGGER migrate_watch_drop ON sql_drop
    EXECUTE PROCEDURE pg_temp.migrate_log_schema_change();
ALTER EVENT TRIGGER migrate_watch_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER migrate_watch_drop ENABLE ALWAYS;
COMMIT";

/// Empties the log; see `migrate_read_schema_changes` in [`INSTALL`].
const CHANGES: &str = "SELECT * FROM pg_temp.migrate_read_schema_changes()";

/// What changed since the last snapshot.
enum Changes {
    /// Read everything again.
    Everything,
    /// The logged objects' oids, the units still there to read again, and the logged
    /// objects that no longer exist.
    Some {
        logged: Vec<u32>,
        only: Only,
        gone: Box<Gone>,
    },
}

/// The previous snapshot, with where each object came from.
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
}

impl SchemaWatch {
    /// Installs the log and its triggers; `None` when this role may not (only a superuser
    /// creates event triggers), which leaves nothing behind.
    pub(crate) fn install(client: &mut Client) -> Result<Option<Self>, postgres::Error> {
        match client.batch_execute(INSTALL) {
            Ok(()) => Ok(Some(Self { last: None })),
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

    /// The database's schema, as [`super::read::introspect_with`] reads it.
    pub(crate) fn snapshot(
        &mut self,
        client: &mut Client,
        statements: &mut CatalogStatements,
        options: &IntrospectOptions,
    ) -> Result<Schema, IntrospectError> {
        let last = self.last.take().filter(|last| last.options == *options);
        let result = match (last, self.changes(client)?) {
            (Some(last), Changes::Some { logged, only, gone }) => {
                read_again(client, statements, options, last, logged, only, &gone)
            }
            (_, changes) => {
                if matches!(changes, Changes::Some { .. }) {
                    end(client, "COMMIT")?;
                }
                Last::read(client, statements, options)
            }
        };
        let last = match result {
            Ok(last) => last,
            // A migration deallocated the prepared statements: read everything again.
            Err(_) if std::mem::take(&mut statements.lost) => {
                Last::read(client, statements, options)?
            }
            Err(error) => return Err(error),
        };
        let copy = last.schema.clone();
        self.last = Some(last);
        Ok(copy)
    }

    /// Empties the log, in one round trip with opening the transaction of a partial
    /// read, which stays open when it returns [`Changes::Some`]. Everything changed when
    /// it cannot tell.
    fn changes(&mut self, client: &mut Client) -> Result<Changes, IntrospectError> {
        // The simple protocol carries several statements in one message; its values come
        // as text.
        let sql = format!("{}; {CHANGES}", begin(true));
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
            Self::install(client).map_err(|error| watch_failed(&error))?;
            return Ok(Changes::Everything);
        };
        let text = |at: usize| row.get(at).unwrap_or_default();
        if text(0) != "t" {
            // Someone dropped or disabled the triggers.
            end(client, "COMMIT")?;
            Self::install(client).map_err(|error| watch_failed(&error))?;
            return Ok(Changes::Everything);
        }
        if text(1) != "t" {
            end(client, "COMMIT")?;
            return Ok(Changes::Everything);
        }
        Ok(Changes::Some {
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
        })
    }
}

/// Reads again, in the transaction [`SchemaWatch::changes`] opened, the units `only` names
/// and those the previous snapshot knows `logged` objects belonged to.
fn read_again(
    client: &mut Client,
    statements: &mut CatalogStatements,
    options: &IntrospectOptions,
    mut last: Last,
    logged: Vec<u32>,
    mut only: Only,
    gone: &Gone,
) -> Result<Last, IntrospectError> {
    // A dropped object is gone from the catalogs: the previous snapshot knows whose
    // it was (a dropped index's table, say). A unit that is itself gone (a dropped
    // table, with its indexes and partitions) is forgotten without reading it again.
    for oid in logged {
        if let Some((unit, family)) = last.origins.unit_of(oid) {
            if gone.holds(unit, family) {
                last.origins.forget(unit, &mut last.schema);
            } else {
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
    if only.is_empty() {
        end(client, "COMMIT")?;
        return Ok(last);
    }
    for unit in only.oids() {
        last.origins.forget(unit, &mut last.schema);
    }
    let (fragment, origins) = read_and_end(client, statements, options, Some(&only))?;
    last.schema.absorb(fragment);
    last.origins.absorb(origins);
    Ok(last)
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
