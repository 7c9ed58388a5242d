//! Resetting a PostgreSQL session to what a new connection would have, keeping the
//! backend's own temporary objects (all named `migrate_…`): the staged records and the
//! schema watch's log and functions.

use postgres::{Client, SimpleQueryMessage};

use super::options::PostgresOptions;
use crate::backend::dialect::Dialect;

/// Resets role and settings (to the connection's defaults, which keep what the URL set
/// at start-up), then lists the temporary relations that are not ours, in one round trip.
const RESET_AND_LIST: &str = "RESET ROLE; RESET SESSION AUTHORIZATION; RESET ALL; \
    SELECT c.relname, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' \
    WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END \
    FROM pg_catalog.pg_class c \
    WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() \
    AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relname NOT LIKE 'migrate\\_%'";

/// Drops every temporary relation a script made and resets what it changed of the
/// session, then applies the backend's own `options` again.
pub(crate) fn reset(client: &mut Client, options: &PostgresOptions) -> Result<(), postgres::Error> {
    let mut drops = String::new();
    for message in client.simple_query(RESET_AND_LIST)? {
        if let SimpleQueryMessage::Row(row) = message {
            let (Some(name), Some(kind)) = (row.get(0), row.get(1)) else {
                continue;
            };
            // CASCADE, and IF EXISTS: a view over a temporary table, or a serial's
            // sequence, goes with the table dropped before it.
            let name = Dialect::Postgres.quote_identifier(name);
            drops.push_str(&format!("DROP {kind} IF EXISTS pg_temp.{name} CASCADE;\n"));
        }
    }
    if !drops.is_empty() {
        client.batch_execute(&drops)?;
    }
    options.apply(client)
}
