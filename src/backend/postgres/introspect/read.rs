//! Reads a PostgreSQL database's schema into the model from `pg_catalog`, with the
//! server's own `pg_get_*def` / `pg_get_expr` / `format_type` for every expression and
//! never pg_dump. One query per kind of object (see `catalog`; the server's
//! version is asked once per connection), in one repeatable-read transaction so they all
//! see the same schema. A partial read (`Only`) runs the same queries for some oids, and
//! only those of the kinds it names: `watch` uses it.

use postgres::types::{ToSql, Type};
use std::collections::HashMap;

use postgres::error::SqlState;
use postgres::{Client, Statement};

use super::catalog::{self as sql, Scope};
use super::objects;
use super::origins::Origins;
use super::rows::{Rows, failed};
use super::tables;
use crate::backend::introspect_error::IntrospectError;
use crate::schema::{IntrospectOptions, Schema};

/// Takes a snapshot of every schema of the connected database but the system ones (or of
/// the schemas `options` names), leaving out what `options` excludes.
pub fn introspect(
    client: &mut Client,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    introspect_with(client, &mut CatalogStatements::default(), options)
}

/// The catalog queries, prepared once per connection: a connection that takes many
/// snapshots (verify takes up to three per revision) then neither parses nor plans them
/// again, which is most of a small schema's snapshot time.
#[derive(Default)]
pub struct CatalogStatements {
    /// By query and whether it reads only some oids.
    prepared: HashMap<(&'static str, bool), Statement>,
    server_version: Option<i32>,
    /// The server no longer knows a statement prepared here: a migration ran
    /// `DISCARD ALL` or `DEALLOCATE ALL` on this connection.
    pub(crate) lost: bool,
}

/// [`introspect`], reusing the statements prepared on this connection before.
pub fn introspect_with(
    client: &mut Client,
    statements: &mut CatalogStatements,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    Ok(read(client, statements, options, None)?.0)
}

/// The units a partial read covers, by oid.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Only {
    /// Tables, views and composite types, with what hangs off them.
    pub(crate) relations: Vec<u32>,
    pub(crate) sequences: Vec<u32>,
    pub(crate) functions: Vec<u32>,
    pub(crate) enums: Vec<u32>,
    pub(crate) domains: Vec<u32>,
}

impl Only {
    /// The units of the kind the scope table's column `units` lists.
    pub(crate) fn of(&self, units: &str) -> &[u32] {
        match units {
            "relations" => &self.relations,
            "sequences" => &self.sequences,
            "functions" => &self.functions,
            "enums" => &self.enums,
            "domains" => &self.domains,
            _ => &[],
        }
    }
}

/// Reads the schema (or, with `only`, just those units: no schemas nor extensions) with
/// where each object came from.
pub(crate) fn read(
    client: &mut Client,
    statements: &mut CatalogStatements,
    options: &IntrospectOptions,
    only: Option<&Only>,
) -> Result<(Schema, Origins), IntrospectError> {
    match read_once(client, statements, options, only) {
        Err(_) if std::mem::take(&mut statements.lost) => {
            read_once(client, statements, options, only)
        }
        read => read,
    }
}

/// What opens a snapshot's transaction and fixes its settings, for a full read or (with
/// `partial`) a read of some oids.
pub(crate) fn begin(partial: bool) -> String {
    // One round trip opens the transaction and fixes its settings. The server qualifies
    // names that are not on the search path; a fixed path makes the text the same whatever
    // the connection's settings, and keeps `public` unqualified. So do fixed date, interval
    // and float styles for the constants in definitions (a migration may change them for
    // its session), which also lets a partial read sit beside objects read earlier.
    // Generic plans stay valid across snapshots, so the prepared statements are not
    // planned again.
    //
    // A partial read names a few oids, but a generic plan cannot know how many: it would
    // hash whole catalogs, and a plan made while the catalogs were small scans them
    // whole once they are not (a generic plan is kept for the connection's life). Nested
    // loops over the catalogs' indexes cost what is read, whatever their size.
    // (Each statement is only ever run one way, so its plan is made with its settings.)
    // The one-row scope table a one-message read takes its oids from has no index: its
    // scan then costs what a disabled plan does, which would have the server compile
    // each query to machine code (JIT) for a second, every time.
    let begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; \
                 SET LOCAL search_path = pg_catalog, public; \
                 SET LOCAL datestyle = 'ISO, MDY'; \
                 SET LOCAL intervalstyle = 'postgres'; \
                 SET LOCAL extra_float_digits = 1; \
                 SET LOCAL plan_cache_mode = force_generic_plan";
    if partial {
        format!(
            "{begin}; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; \
             SET LOCAL enable_seqscan = off; SET LOCAL jit = off"
        )
    } else {
        begin.to_owned()
    }
}

fn read_once(
    client: &mut Client,
    statements: &mut CatalogStatements,
    options: &IntrospectOptions,
    only: Option<&Only>,
) -> Result<(Schema, Origins), IntrospectError> {
    client
        .batch_execute(&begin(only.is_some()))
        .map_err(|error| failed("transaction", &error))?;
    read_and_end(client, statements, options, only)
}

/// Reads in the transaction [`begin`] opened, then ends it. When the reading failed
/// because a migration deallocated the prepared statements, they are forgotten (and
/// `lost` tells the caller it may try again).
pub(crate) fn read_and_end(
    client: &mut Client,
    statements: &mut CatalogStatements,
    options: &IntrospectOptions,
    only: Option<&Only>,
) -> Result<(Schema, Origins), IntrospectError> {
    let result = read_in_transaction(client, statements, options, only);
    if result.is_err() && statements.lost {
        statements.prepared.clear();
    }
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = client
        .batch_execute(end)
        .map_err(|error| failed("transaction", &error));
    let read = result?;
    ended?;
    Ok(read)
}

fn read_in_transaction(
    client: &mut Client,
    statements: &mut CatalogStatements,
    options: &IntrospectOptions,
    only: Option<&Only>,
) -> Result<(Schema, Origins), IntrospectError> {
    let server_version = server_version(client, statements)?;
    let mut reader = Reader {
        client,
        statements,
        schemas: options.schemas.clone(),
        server_version,
    };
    decode(&mut reader, options, only)
}

/// The server's version, asked once per connection.
pub(crate) fn server_version(
    client: &mut Client,
    statements: &mut CatalogStatements,
) -> Result<i32, IntrospectError> {
    if let Some(version) = statements.server_version {
        return Ok(version);
    }
    let version: i32 = client
        .query_typed_one(sql::SERVER_VERSION, &[])
        .and_then(|row| row.try_get(0))
        .map_err(|error| failed("server version", &error))?;
    statements.server_version = Some(version);
    Ok(version)
}

/// Where a snapshot's catalog rows come from: queries run one by one, or rows read ahead
/// in one message (see `batch`).
pub(crate) trait RowSource {
    /// The rows of the catalog query `sql`, which reads `what`: every object, or (`only`)
    /// those of the oids listed.
    fn rows(
        &mut self,
        what: &'static str,
        sql: &'static str,
        only: Option<&[u32]>,
    ) -> Result<Rows, IntrospectError>;
}

/// Builds the model from the rows of each kind of object `only` names (every kind, and
/// schemas and extensions too, without it).
pub(crate) fn decode(
    reader: &mut dyn RowSource,
    options: &IntrospectOptions,
    only: Option<&Only>,
) -> Result<(Schema, Origins), IntrospectError> {
    // Each kind is read in full, or for the oids listed, or (none listed) not at all.
    let relations = only.map(|only| only.relations.as_slice());
    let sequences = only.map(|only| only.sequences.as_slice());
    let functions = only.map(|only| only.functions.as_slice());
    let enums = only.map(|only| only.enums.as_slice());
    let domains = only.map(|only| only.domains.as_slice());
    let wanted = |oids: Option<&[u32]>| oids.is_none_or(|oids| !oids.is_empty());
    let mut schema = Schema::default();
    let mut origins = Origins::default();
    let o = &mut origins;
    if only.is_none() {
        objects::namespaces(&mut schema, reader.rows("schemas", sql::NAMESPACES, None)?)?;
        objects::extensions(
            &mut schema,
            reader.rows("extensions", sql::EXTENSIONS, None)?,
        )?;
    }
    if wanted(enums) {
        objects::enums(&mut schema, o, reader.rows("enums", sql::ENUMS, enums)?)?;
    }
    if wanted(domains) {
        objects::domains(
            &mut schema,
            o,
            reader.rows("domains", sql::DOMAINS, domains)?,
        )?;
    }
    if wanted(functions) {
        let rows = reader.rows("functions", sql::FUNCTIONS, functions)?;
        objects::functions(&mut schema, o, rows)?;
    }
    if wanted(sequences) {
        let rows = reader.rows("sequences", sql::SEQUENCES, sequences)?;
        objects::sequences(&mut schema, o, rows)?;
    }
    if wanted(relations) {
        let rows = reader.rows("relations", sql::RELATIONS, relations)?;
        let found = tables::relations(&mut schema, o, rows)?;
        let columns = reader.rows("columns", sql::COLUMNS, relations)?;
        let constraints = reader.rows("constraints", sql::CONSTRAINTS, relations)?;
        tables::columns(&mut schema, o, &found, columns)?;
        tables::constraints(&mut schema, o, &found, constraints)?;
        let rows = reader.rows("indexes", sql::INDEXES, relations)?;
        tables::indexes(&mut schema, o, rows)?;
        let rows = reader.rows("triggers", sql::TRIGGERS, relations)?;
        objects::triggers(&mut schema, o, rows)?;
    }
    objects::exclude(&mut schema, options);
    Ok((schema, origins))
}

struct Reader<'a> {
    client: &'a mut Client,
    statements: &'a mut CatalogStatements,
    schemas: Option<Vec<String>>,
    server_version: i32,
}

impl RowSource for Reader<'_> {
    /// Runs one catalog query, binding the schemas to read as `$1` and, for a partial
    /// read, the oids to read as `$2`; prepares it the first time this connection runs it.
    fn rows(
        &mut self,
        what: &'static str,
        sql: &'static str,
        only: Option<&[u32]>,
    ) -> Result<Rows, IntrospectError> {
        let key = (what, only.is_some());
        let statement = match self.statements.prepared.get(&key) {
            Some(statement) => statement.clone(),
            None => {
                let scope = if only.is_some() {
                    Scope::Listed
                } else {
                    Scope::Every
                };
                let text = sql::version_specific(sql, self.server_version, scope);
                let types: &[Type] = match only {
                    None => &[Type::TEXT_ARRAY],
                    Some(_) => &[Type::TEXT_ARRAY, Type::OID_ARRAY],
                };
                let statement = self
                    .client
                    .prepare_typed(&text, types)
                    .map_err(|error| failed(what, &error))?;
                self.statements.prepared.insert(key, statement.clone());
                statement
            }
        };
        let schemas: &(dyn ToSql + Sync) = &self.schemas;
        let rows = match only {
            None => self.client.query(&statement, &[schemas]),
            Some(oids) => self.client.query(&statement, &[schemas, &oids]),
        }
        .map_err(|error| {
            if error.code() == Some(&SqlState::INVALID_SQL_STATEMENT_NAME) {
                self.statements.lost = true;
            }
            failed(what, &error)
        })?;
        Ok(Rows::new(what, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::introspect_test_support::{fixture, snapshot_settings};
    use crate::backend::postgres::tests::support::TestDb;
    use crate::schema::render;

    #[test]
    fn every_object_kind_renders_as_snapshotted() {
        let Some(db) = TestDb::create("every_object_kind_renders_as_snapshotted") else {
            return;
        };
        let mut client = db.client();
        client
            .batch_execute(&fixture("postgres", "all_objects"))
            .expect("fixture runs");
        let options = IntrospectOptions::new("migrate_history");
        let schema = introspect(&mut client, &options).expect("introspects");
        snapshot_settings("postgres").bind(|| {
            insta::assert_snapshot!("all_objects", render(&schema));
        });
        assert!(
            schema
                .functions
                .keys()
                .all(|name| !name.name.starts_with("citext")),
            "an extension's functions are the extension's"
        );
        let again = introspect(&mut client, &options).expect("introspects again");
        assert_eq!(again, schema, "two snapshots of one database are equal");
        let json = serde_json::to_value(&schema).expect("serializes");
        assert_eq!(json["tables"][0]["name"]["name"], "measurements");
    }

    #[test]
    fn only_the_named_schemas_are_read() {
        let Some(db) = TestDb::create("only_the_named_schemas_are_read") else {
            return;
        };
        let mut client = db.client();
        client
            .batch_execute(&fixture("postgres", "all_objects"))
            .expect("fixture runs");
        let options = IntrospectOptions::new("migrate_history").only_schemas(&["public"]);
        let schema = introspect(&mut client, &options).expect("introspects");
        let namespaces: Vec<&String> = schema.namespaces.keys().collect();
        assert_eq!(namespaces, vec!["public"]);
        assert!(
            schema.tables.is_empty(),
            "{:?}",
            schema.tables.keys().collect::<Vec<_>>()
        );
    }
}
