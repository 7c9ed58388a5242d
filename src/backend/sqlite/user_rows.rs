//! `verify --data` on SQLite: the rows of many user tables, each value as text, in one
//! query (a `UNION ALL` of them, each padded with NULLs to the widest): verify reads every
//! table three times per revision, and each statement prepared after a schema change costs
//! SQLite a parse of the whole schema.

use std::collections::BTreeSet;

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use std::hash::{DefaultHasher, Hash, Hasher};

use crate::backend::RowsDigest;

use crate::backend::dialect::Dialect;
use crate::schema::QualifiedName;

/// Why the tables could not be read at once (the caller then reads them one by one).
fn failed(error: impl std::fmt::Display) -> String {
    format!("cannot read the tables at once: {error}")
}

/// Calls `row` with the index in `tables` and the values of each row of each table (by
/// its columns, in order); returns which tables exist.
pub(super) fn visit_rows(
    conn: &Connection,
    tables: &[(&QualifiedName, &[String])],
    mut row: impl FnMut(usize, &[Option<&str>]),
) -> Result<Vec<bool>, String> {
    let present = every_table(conn)?;
    let dialect = Dialect::Sqlite;
    let width = tables.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let mut exists = Vec::with_capacity(tables.len());
    let mut selects = Vec::new();
    for (index, (name, columns)) in tables.iter().enumerate() {
        if !present.contains(name.name.as_ref()) {
            exists.push(false);
            continue;
        }
        exists.push(true);
        let table = dialect.quote_identifier(&name.name);
        if columns.is_empty() {
            continue;
        }
        let mut values: Vec<String> = columns
            .iter()
            // Qualified: SQLite reads an unqualified quoted name that is no column as a
            // string, but refuses a qualified one (a column a step dropped).
            .map(|c| format!("CAST({table}.{} AS TEXT)", dialect.quote_identifier(c)))
            .collect();
        values.resize(width, "NULL".into());
        selects.push(format!(
            "SELECT {index}, {} FROM {table}",
            values.join(", ")
        ));
    }
    if selects.is_empty() {
        return Ok(exists);
    }
    // The same tables are read three times per revision: prepared once while the schema
    // holds still.
    let mut statement = conn
        .prepare_cached(&selects.join(" UNION ALL "))
        .map_err(failed)?;
    let mut rows = statement.query([]).map_err(failed)?;
    while let Some(found) = rows.next().map_err(failed)? {
        let index: i64 = found.get(0).map_err(failed)?;
        let Some(count) = usize::try_from(index).ok().and_then(|i| tables.get(i)) else {
            continue;
        };
        let mut values: Vec<Option<&str>> = Vec::with_capacity(count.1.len());
        for column in 0..count.1.len() {
            values.push(match found.get_ref(column + 1).map_err(failed)? {
                ValueRef::Null => None,
                ValueRef::Text(text) => Some(std::str::from_utf8(text).map_err(failed)?),
                _ => return Err(failed("a value cast to text is not text")),
            });
        }
        row(index as usize, &values);
    }
    Ok(exists)
}

/// The names of every table, in one query.
fn every_table(conn: &Connection) -> Result<BTreeSet<String>, String> {
    let mut statement = conn
        .prepare_cached("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .map_err(failed)?;
    let names = statement
        .query_map([], |row| row.get(0))
        .map_err(failed)?
        .collect::<rusqlite::Result<_>>()
        .map_err(failed)?;
    Ok(names)
}

/// A digest of each table's whole rows, raw (`SELECT *`, each value tagged with its
/// kind): a short statement per table parses in a fraction of a `UNION ALL` of casts, and
/// nothing is copied. `None` for a table that does not exist.
pub(super) fn digests(
    conn: &Connection,
    tables: &[(&QualifiedName, &[String])],
) -> Result<Vec<Option<RowsDigest>>, String> {
    let present = every_table(conn)?;
    let dialect = Dialect::Sqlite;
    let mut out = Vec::with_capacity(tables.len());
    for (name, _) in tables {
        if !present.contains(name.name.as_ref()) {
            out.push(None);
            continue;
        }
        let sql = format!("SELECT * FROM {}", dialect.quote_identifier(&name.name));
        let mut statement = conn.prepare(&sql).map_err(failed)?;
        let width = statement.column_count();
        let mut rows = statement.query([]).map_err(failed)?;
        let mut digest = RowsDigest::default();
        while let Some(row) = rows.next().map_err(failed)? {
            let mut hasher = DefaultHasher::new();
            for column in 0..width {
                match row.get_ref(column).map_err(failed)? {
                    ValueRef::Null => 0u8.hash(&mut hasher),
                    ValueRef::Integer(number) => (1u8, number).hash(&mut hasher),
                    ValueRef::Real(number) => (2u8, number.to_bits()).hash(&mut hasher),
                    ValueRef::Text(text) => (3u8, text).hash(&mut hasher),
                    ValueRef::Blob(blob) => (4u8, blob).hash(&mut hasher),
                }
            }
            digest.add_hash(hasher.finish());
        }
        out.push(Some(digest));
    }
    Ok(out)
}
