//! A scratch database's snapshot after a step, in one round trip: one simple-protocol
//! message opens the read's transaction, empties the schema change log (whose function
//! writes the units to read into the session's scope table), runs every catalog query
//! for those units and commits. Each query was prepared once per connection with
//! `PREPARE` and takes its scope from that table rather than from parameters, so the
//! message holds no value. Its rows come back as text (see `rows`).
//!
//! A unit the server cannot name (the table of an index dropped since, a partition
//! detached) is read by the caller afterwards, as any partial read is.

use std::collections::HashMap;

use postgres::types::Type;
use postgres::{Client, SimpleQueryMessage, SimpleQueryRow};

use super::catalog::{self as sql, SCOPE_TABLE, Scope};
use super::read::{CatalogStatements, RowSource, begin, server_version};
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

/// Empties the change log; see `migrate_read_schema_changes` in `watch`.
const CHANGES: &str = "SELECT * FROM pg_temp.migrate_read_schema_changes()";

/// What this connection has made ready for one-message snapshots.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The catalog queries are prepared (`PREPARE migrate_read_…`).
    prepared: bool,
    /// The schemas the scope table holds, once written there.
    schemas: Option<Option<Vec<String>>>,
}

/// What one message brought back: the change log's row and each kind's rows.
pub(crate) struct Sent {
    pub(crate) changes: SimpleQueryRow,
    pub(crate) rows: ReadAhead,
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

    /// Sends the message; `None` when the server refused it (a migration deallocated the
    /// statements or dropped the scope table): its transaction is rolled back, the log
    /// is as it was, and the next call makes everything ready again.
    pub(crate) fn send(
        &mut self,
        client: &mut Client,
        statements: &mut CatalogStatements,
        options: &IntrospectOptions,
    ) -> Result<Option<Sent>, IntrospectError> {
        if self.ready(client, statements, options).is_err() {
            self.reset();
            return Ok(None);
        }
        let mut message = format!("{}; {CHANGES}", begin(true));
        for (what, _, _) in KINDS {
            message.push_str(&format!("; EXECUTE {}", name(what)));
        }
        message.push_str("; COMMIT");
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
        split(messages)
            .ok_or_else(|| {
                self.reset();
                IntrospectError::Unexpected {
                    dialect: crate::backend::dialect::Dialect::Postgres,
                    what: "reply to a snapshot's message",
                    value: "fewer results than statements".into(),
                }
            })
            .map(Some)
    }

    /// Prepares the queries and writes the schemas to read into the scope table, where
    /// not done yet on this connection.
    fn ready(
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

/// Each statement's rows, the last ones being the change log's, each kind's and the
/// `COMMIT`'s (none).
fn split(messages: Vec<SimpleQueryMessage>) -> Option<Sent> {
    let mut results: Vec<Vec<SimpleQueryRow>> = Vec::new();
    let mut current = Vec::new();
    for message in messages {
        match message {
            SimpleQueryMessage::Row(row) => current.push(row),
            SimpleQueryMessage::CommandComplete(_) => results.push(std::mem::take(&mut current)),
            _ => {}
        }
    }
    let first = results.len().checked_sub(KINDS.len() + 2)?;
    let mut results = results.into_iter().skip(first);
    let changes = results.next()?.into_iter().next()?;
    let rows = KINDS
        .iter()
        .map(|(what, _, _)| *what)
        .zip(results)
        .collect();
    Some(Sent {
        changes,
        rows: ReadAhead(rows),
    })
}
