//! The catalog reads of a partial snapshot on a scratch database in one round trip: once
//! the change log's function has written the units to read into the session's scope table
//! (in the read's transaction), one simple-protocol message runs the catalog query of
//! each kind of object to read and commits. Each query was prepared once per connection
//! with `PREPARE` and takes its scope from that table rather than from parameters, so the
//! message holds no value. Its rows come back as text (see `rows`).
//!
//! Only the kinds that have units to read are run: a query that reads nothing still costs
//! the server about as much as one that reads a table.

use std::collections::HashMap;

use postgres::types::Type;
use postgres::{Client, SimpleQueryMessage, SimpleQueryRow};

use super::catalog::{self as sql, SCOPE_TABLE, Scope};
use super::read::{CatalogStatements, Only, RowSource, begin, server_version};
use super::rows::{Rows, failed};
use crate::backend::introspect_error::IntrospectError;
use crate::schema::IntrospectOptions;

/// The catalog queries of a partial read: what each reads, its query, and the scope
/// table's column that lists its units. In the order `read::decode` asks for them.
const KINDS: [(&str, &str, &str); 9] = [
    ("enums", sql::ENUMS, "enums"),
    ("domains", sql::DOMAINS, "domains"),
    ("functions", sql::FUNCTIONS, "functions"),
    ("sequences", sql::SEQUENCES, "sequences"),
    ("relations", sql::RELATIONS, "relations"),
    ("columns", sql::COLUMNS, "relations"),
    ("constraints", sql::CONSTRAINTS, "relations"),
    ("indexes", sql::INDEXES, "relations"),
    ("triggers", sql::TRIGGERS, "relations"),
];

/// What this connection has made ready for one-message snapshots.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The catalog queries are prepared (`PREPARE migrate_read_…`).
    prepared: bool,
    /// The schemas the scope table holds, once written there.
    schemas: Option<Option<Vec<String>>>,
}

/// The catalog rows of one message, by kind, handed out as `read::decode` asks.
pub(crate) struct ReadAhead(HashMap<&'static str, Vec<SimpleQueryRow>>);

impl RowSource for ReadAhead {
    fn rows(
        &mut self,
        what: &'static str,
        _sql: &'static str,
        _only: Option<&[u32]>,
    ) -> Result<Rows, IntrospectError> {
        Ok(Rows::text(what, self.0.remove(what).unwrap_or_default()))
    }
}

impl Batch {
    /// Forgets what was made ready: the scope table was made again (its schemas are
    /// unset) or the prepared statements may be gone.
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }

    /// Reads, in the transaction the change log was read in (`open`; otherwise in one of
    /// its own, begun in the same message), the units of each kind `only` lists (which
    /// are those the log's function wrote into the scope table), then commits. `None`
    /// when the server refused (a migration deallocated the statements): the transaction
    /// is rolled back and the next call makes everything ready again.
    pub(crate) fn read(
        &mut self,
        client: &mut Client,
        only: &Only,
        open: bool,
    ) -> Result<Option<ReadAhead>, IntrospectError> {
        let kinds: Vec<&'static str> = KINDS
            .iter()
            .filter(|(_, _, units)| !only.of(units).is_empty())
            .map(|(what, _, _)| *what)
            .collect();
        let mut message = match open {
            true => String::new(),
            false => format!("{}; ", begin(true)),
        };
        for what in &kinds {
            message.push_str(&format!("EXECUTE {}; ", name(what)));
        }
        message.push_str("COMMIT");
        let messages = match client.simple_query(&message) {
            Ok(messages) => messages,
            Err(_) => {
                self.reset();
                client
                    .batch_execute("ROLLBACK")
                    .map_err(|error| failed("transaction", &error))?;
                return Ok(None);
            }
        };
        // One result per query: what returns rows describes them first, even none; the
        // statements that open the transaction return none.
        let mut results: Vec<Vec<SimpleQueryRow>> = Vec::new();
        let mut current = None;
        for message in messages {
            match message {
                SimpleQueryMessage::RowDescription(_) => current = Some(Vec::new()),
                SimpleQueryMessage::Row(row) => current.get_or_insert_with(Vec::new).push(row),
                SimpleQueryMessage::CommandComplete(_) => results.extend(current.take()),
                _ => {}
            }
        }
        Ok(Some(ReadAhead(kinds.into_iter().zip(results).collect())))
    }

    /// Prepares the queries and writes the schemas to read into the scope table, where
    /// not done yet on this connection.
    pub(crate) fn ready(
        &mut self,
        client: &mut Client,
        statements: &mut CatalogStatements,
        options: &IntrospectOptions,
    ) -> Result<(), IntrospectError> {
        if !self.prepared {
            let version = server_version(client, statements)?;
            let mut prepare = String::new();
            for (what, query, units) in KINDS {
                let text = sql::version_specific(query, version, Scope::Logged { units });
                prepare.push_str(&format!("PREPARE {} AS {text};\n", name(what)));
            }
            client
                .batch_execute(&prepare)
                .map_err(|error| failed("prepare", &error))?;
            self.prepared = true;
        }
        if self.schemas.as_ref() != Some(&options.schemas) {
            client
                .execute_typed(
                    &format!("UPDATE {SCOPE_TABLE} SET schemas = $1"),
                    &[(&options.schemas, Type::TEXT_ARRAY)],
                )
                .map_err(|error| failed("scope", &error))?;
            self.schemas = Some(options.schemas.clone());
        }
        Ok(())
    }
}

/// The statement that reads `what`.
fn name(what: &str) -> String {
    format!("migrate_read_{what}")
}
