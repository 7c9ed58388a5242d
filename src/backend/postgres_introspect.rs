//! Reads a PostgreSQL database's schema into the model from `pg_catalog`, with the
//! server's own `pg_get_*def` / `pg_get_expr` / `format_type` for every expression and
//! never pg_dump. Twelve queries per snapshot (the server version, then one per kind of
//! object: see `postgres_catalog`), in one read-only repeatable-read transaction so they
//! all see the same schema.

use postgres::types::{FromSql, ToSql, Type};
use std::collections::HashMap;

use postgres::{Client, Row, Statement};

use super::dialect::Dialect;
use super::introspect_error::IntrospectError;
use super::postgres_catalog as sql;
use super::postgres_objects as objects;
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
    prepared: HashMap<&'static str, Statement>,
}

/// [`introspect`], reusing the statements prepared on this connection before.
pub fn introspect_with(
    client: &mut Client,
    statements: &mut CatalogStatements,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    // One round trip opens the transaction and fixes its settings. The server qualifies
    // names that are not on the search path; a fixed path makes the text the same whatever
    // the connection's settings, and keeps `public` unqualified. Generic plans stay valid
    // across snapshots, so the prepared statements are not planned again.
    client
        .batch_execute(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; \
             SET LOCAL search_path = pg_catalog, public; \
             SET LOCAL plan_cache_mode = force_generic_plan",
        )
        .map_err(|error| failed("transaction", &error))?;
    let result = read(client, statements, options);
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = client
        .batch_execute(end)
        .map_err(|error| failed("transaction", &error));
    let schema = result?;
    ended?;
    Ok(schema)
}

fn read(
    client: &mut Client,
    statements: &mut CatalogStatements,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    let server_version: i32 = client
        .query_one(sql::SERVER_VERSION, &[])
        .and_then(|row| row.try_get(0))
        .map_err(|error| failed("server version", &error))?;
    let mut reader = Reader {
        client,
        statements,
        schemas: options.schemas.clone(),
        server_version,
    };
    let mut schema = Schema::default();
    objects::namespaces(&mut schema, reader.rows("schemas", sql::NAMESPACES)?)?;
    objects::extensions(&mut schema, reader.rows("extensions", sql::EXTENSIONS)?)?;
    objects::enums(&mut schema, reader.rows("enums", sql::ENUMS)?)?;
    objects::domains(&mut schema, reader.rows("domains", sql::DOMAINS)?)?;
    objects::sequences(&mut schema, reader.rows("sequences", sql::SEQUENCES)?)?;
    objects::functions(&mut schema, reader.rows("functions", sql::FUNCTIONS)?)?;
    let relations = objects::relations(&mut schema, reader.rows("relations", sql::RELATIONS)?)?;
    let columns = reader.rows("columns", sql::COLUMNS)?;
    let constraints = reader.rows("constraints", sql::CONSTRAINTS)?;
    objects::columns(&mut schema, &relations, columns)?;
    objects::constraints(&mut schema, &relations, constraints)?;
    objects::indexes(&mut schema, reader.rows("indexes", sql::INDEXES)?)?;
    objects::triggers(&mut schema, reader.rows("triggers", sql::TRIGGERS)?)?;
    objects::exclude(&mut schema, options);
    Ok(schema)
}

fn failed(what: &'static str, error: &postgres::Error) -> IntrospectError {
    let message = match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            // "error deserializing column 5" says which column; its source says why.
            let mut message = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                message = format!("{message}: {cause}");
                source = cause.source();
            }
            message
        }
    };
    IntrospectError::Query {
        dialect: Dialect::Postgres,
        what,
        message,
    }
}

struct Reader<'a> {
    client: &'a mut Client,
    statements: &'a mut CatalogStatements,
    schemas: Option<Vec<String>>,
    server_version: i32,
}

impl Reader<'_> {
    /// Runs one catalog query, binding the schemas to read as `$1`; prepares it the first
    /// time this connection runs it.
    fn rows(&mut self, what: &'static str, sql: &str) -> Result<Rows, IntrospectError> {
        let statement = match self.statements.prepared.get(what) {
            Some(statement) => statement.clone(),
            None => {
                let text = sql::version_specific(sql, self.server_version);
                let statement = self
                    .client
                    .prepare_typed(&text, &[Type::TEXT_ARRAY])
                    .map_err(|error| failed(what, &error))?;
                self.statements.prepared.insert(what, statement.clone());
                statement
            }
        };
        let schemas: &(dyn ToSql + Sync) = &self.schemas;
        let rows = self
            .client
            .query(&statement, &[schemas])
            .map_err(|error| failed(what, &error))?;
        Ok(Rows { what, rows })
    }
}

/// The rows of one query, with the name its errors carry.
pub(crate) struct Rows {
    what: &'static str,
    rows: Vec<Row>,
}

impl Rows {
    pub(crate) fn iter(&self) -> impl Iterator<Item = RowRef<'_>> {
        self.rows.iter().map(|row| RowRef {
            what: self.what,
            row,
        })
    }
}

/// One row; `get` turns a decoding failure into an error that names the query.
pub(crate) struct RowRef<'a> {
    what: &'static str,
    row: &'a Row,
}

impl<'a> RowRef<'a> {
    pub(crate) fn get<T: FromSql<'a>>(&self, at: usize) -> Result<T, IntrospectError> {
        self.row
            .try_get(at)
            .map_err(|error| failed(self.what, &error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::introspect_test_support::{fixture, snapshot_settings};
    use crate::backend::postgres_test_support::TestDb;
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
        assert!(schema.tables.is_empty(), "{:?}", schema.tables.keys());
    }
}
