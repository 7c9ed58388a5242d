//! `verify --data` on SQLite: the rows of many user tables, each value as text, in one
//! query (a `UNION ALL` of them, each row as a JSON array) after one look at every
//! table's columns: verify reads every table three times per revision, and each statement
//! prepared after a schema change costs SQLite a parse of the whole schema.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use crate::backend::dialect::Dialect;
use crate::backend::foreign_table::TextRows;
use crate::schema::QualifiedName;

/// Why the tables could not be read at once (the caller then reads them one by one).
fn failed(error: impl std::fmt::Display) -> String {
    format!("cannot read the tables at once: {error}")
}

/// The rows of each of `tables` (by its columns, in order); `None` for a table that does
/// not exist.
pub(super) fn read_many(
    conn: &Connection,
    tables: &[(&QualifiedName, &[String])],
) -> Result<Vec<Option<TextRows>>, String> {
    let mut present: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut statement = conn
        .prepare(
            "SELECT m.name, p.name FROM sqlite_schema AS m, pragma_table_info(m.name) AS p \
             WHERE m.type = 'table'",
        )
        .map_err(failed)?;
    let mut rows = statement.query([]).map_err(failed)?;
    while let Some(row) = rows.next().map_err(failed)? {
        let (table, column): (String, String) =
            (row.get(0).map_err(failed)?, row.get(1).map_err(failed)?);
        present.entry(table).or_default().insert(column);
    }
    let dialect = Dialect::Sqlite;
    let mut out: Vec<Option<TextRows>> = Vec::with_capacity(tables.len());
    let mut selects = Vec::new();
    for (index, (name, columns)) in tables.iter().enumerate() {
        let Some(has) = present.get(name.name.as_ref()) else {
            out.push(None);
            continue;
        };
        if columns.iter().any(|c| !has.contains(c)) {
            // SQLite would read the quoted name of a missing column as a string.
            return Err(failed(format!("{} lacks a column", name.name)));
        }
        out.push(Some(Vec::new()));
        if columns.is_empty() {
            continue;
        }
        let values: Vec<String> = columns
            .iter()
            .map(|c| format!("CAST({} AS TEXT)", dialect.quote_identifier(c)))
            .collect();
        selects.push(format!(
            "SELECT {index}, json_array({}) FROM {}",
            values.join(", "),
            dialect.quote_identifier(&name.name)
        ));
    }
    if selects.is_empty() {
        return Ok(out);
    }
    let mut statement = conn.prepare(&selects.join(" UNION ALL ")).map_err(failed)?;
    let mut rows = statement.query([]).map_err(failed)?;
    while let Some(row) = rows.next().map_err(failed)? {
        let index: i64 = row.get(0).map_err(failed)?;
        let text: String = row.get(1).map_err(failed)?;
        let values: Vec<Option<String>> = serde_json::from_str(&text).map_err(failed)?;
        if let Some(Some(rows)) = usize::try_from(index).ok().and_then(|i| out.get_mut(i)) {
            rows.push(values);
        }
    }
    Ok(out)
}
