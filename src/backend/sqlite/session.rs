//! Resetting a SQLite connection's session state between verify's steps: the temporary
//! tables, views and triggers scripts made (SQLite keeps them in the connection's `temp`
//! schema until it closes).

use rusqlite::Connection;

use crate::backend::dialect::Dialect;

/// Drops every object of the `temp` schema. Triggers first: a temporary trigger may sit on
/// a table of the main schema, which dropping temporary tables would leave standing.
pub(super) fn reset(conn: &Connection) -> rusqlite::Result<()> {
    let objects: Vec<(String, String)> = conn
        .prepare(
            "SELECT type, name FROM temp.sqlite_schema \
             WHERE type IN ('trigger', 'view', 'table') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 ELSE 2 END",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (kind, name) in objects {
        let keyword = match kind.as_str() {
            "trigger" => "TRIGGER",
            "view" => "VIEW",
            _ => "TABLE",
        };
        let name = Dialect::Sqlite.quote_identifier(&name);
        conn.execute_batch(&format!("DROP {keyword} IF EXISTS temp.{name}"))?;
    }
    Ok(())
}
