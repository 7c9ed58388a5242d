//! Reads an SQLite database's schema into the model with six catalog queries in all,
//! whatever the number of tables: each pragma query joins `sqlite_schema` with one
//! table-valued pragma, so no query is run per table and no name is spliced into SQL.

use std::collections::BTreeMap;

use rusqlite::{Connection, Row};

use super::dialect::Dialect;
use super::introspect_error::IntrospectError;
use super::sqlite_catalog;
use super::sqlite_rows::{ColumnRow, ForeignKeyRow, IndexColumnRow, IndexRow, TableRow};
use super::sqlite_table_cache::{
    Fingerprint, TableCache, fingerprint, indexes_by_table, table_key,
};
use crate::schema::{
    IntrospectOptions, QualifiedName, Schema, Trigger, TriggerName, View, format_trigger,
    parse_view,
};

/// The user tables whose pragmas are read. SQLite's own tables (`sqlite_%`) are internal;
/// virtual tables are skipped because reading their columns needs their module loaded.
/// Only the tables named in `?1` (a JSON array) are read: the ones not cached.
macro_rules! user_tables {
    () => {
        "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND m.sql NOT LIKE 'CREATE VIRTUAL %' \
         AND m.name IN (SELECT value FROM json_each(?1))"
    };
}

const OBJECTS: &str = "SELECT type, name, tbl_name, sql FROM sqlite_schema \
     WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
const TABLE_LIST: &str = "SELECT name, type, wr, strict FROM pragma_table_list \
     WHERE schema = 'main' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
     AND name IN (SELECT value FROM json_each(?1))";
const COLUMNS: &str = concat!(
    "SELECT m.name, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk, c.hidden \
     FROM sqlite_schema AS m, pragma_table_xinfo(m.name) AS c WHERE ",
    user_tables!(),
    " ORDER BY m.name, c.cid"
);
const INDEXES: &str = concat!(
    "SELECT m.name, l.name, l.\"unique\", l.origin, l.partial \
     FROM sqlite_schema AS m, pragma_index_list(m.name) AS l WHERE ",
    user_tables!(),
    " ORDER BY l.name"
);
const INDEX_COLUMNS: &str = concat!(
    "SELECT l.name, x.cid, x.name, x.\"desc\", x.coll FROM sqlite_schema AS m, \
     pragma_index_list(m.name) AS l, pragma_index_xinfo(l.name) AS x WHERE x.\"key\" = 1 AND ",
    user_tables!(),
    " ORDER BY l.name, x.seqno"
);
const FOREIGN_KEYS: &str = concat!(
    "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete, \
     f.\"match\" FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f WHERE ",
    user_tables!(),
    " ORDER BY m.name, f.id, f.seq"
);

/// Takes a snapshot of the `main` schema of `conn`, leaving out what `options` excludes.
///
/// ```
/// use migrate::backend::sqlite_introspect;
/// use migrate::schema::{IntrospectOptions, render};
///
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// conn.execute_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)")
///     .unwrap();
/// let options = IntrospectOptions::new("migrate_history");
/// let schema = sqlite_introspect::introspect(&conn, &options).unwrap();
/// assert!(render(&schema).starts_with("CREATE TABLE users (\n    id INTEGER,\n"));
/// ```
pub fn introspect(
    conn: &Connection,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    introspect_with(conn, &mut TableCache::default(), options)
}

/// [`introspect`], reading again only the tables whose texts changed since a snapshot that
/// `cache` remembers.
pub fn introspect_with(
    conn: &Connection,
    cache: &mut TableCache,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    type Object = (String, String, String, Option<String>);
    let objects: Vec<Object> = query(conn, "objects", OBJECTS, &[], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    })?;
    let options_text = format!("{options:?}");
    let whole = fingerprint(std::iter::once(options_text.as_bytes()).chain(
        objects.iter().flat_map(|(k, n, t, s)| {
            [
                k.as_bytes(),
                n.as_bytes(),
                t.as_bytes(),
                s.as_deref().unwrap_or_default().as_bytes(),
            ]
        }),
    ));
    if let Some(schema) = cache.snapshot(whole) {
        return Ok(schema);
    }
    let excluded = |table: &str| options.excludes("main", table);
    let mut schema = Schema::default();
    let mut sql_of = BTreeMap::new();
    for (kind, name, table, sql) in &objects {
        let sql = sql.as_deref().unwrap_or_default();
        sql_of.insert(name.clone(), sql.to_owned());
        match kind.as_str() {
            "view" if !excluded(name) => {
                let text = parse_view(sql);
                let name = QualifiedName::bare(name);
                let view = View {
                    name: name.clone(),
                    materialized: false,
                    columns: text.columns,
                    definition: text.query,
                    comment: None,
                };
                schema.views.insert(name, view.into());
            }
            "trigger" if !excluded(table) => {
                let name = TriggerName {
                    table: QualifiedName::bare(table),
                    name: name.clone(),
                };
                let definition = format_trigger(sql);
                let trigger = Trigger {
                    name: name.clone(),
                    definition,
                    comment: None,
                };
                schema.triggers.insert(name, trigger.into());
            }
            _ => {}
        }
    }
    cache.begin();
    let index_texts = indexes_by_table(objects.iter().map(|(k, n, t, s)| {
        (
            k.as_str(),
            n.as_str(),
            t.as_str(),
            s.as_deref().unwrap_or_default(),
        )
    }));
    let tables: Vec<(&str, Fingerprint)> = objects
        .iter()
        .filter(|(kind, name, _, _)| {
            kind == "table" && !name.starts_with("sqlite_") && !excluded(name)
        })
        .map(|(_, name, _, sql)| {
            let indexes = index_texts
                .get(name.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let key = table_key(name, sql.as_deref().unwrap_or_default(), indexes);
            (name.as_str(), key)
        })
        .collect();
    let missing: Vec<&(&str, Fingerprint)> = tables
        .iter()
        .filter(|(_, key)| !cache.contains(key))
        .collect();
    if !missing.is_empty() {
        read_tables(conn, cache, &missing, &sql_of, &excluded)?;
    }
    for (_, key) in &tables {
        if let Some(cached) = cache.take(key) {
            schema
                .tables
                .insert(cached.table.name.clone(), cached.table.clone());
            for index in &cached.indexes {
                schema.indexes.insert(index.name.clone(), index.clone());
            }
        }
    }
    cache.prune();
    cache.keep_snapshot(whole, &schema);
    Ok(schema)
}

/// Reads the pragmas of the tables not cached, builds them, and caches them.
fn read_tables(
    conn: &Connection,
    cache: &mut TableCache,
    missing: &[&(&str, Fingerprint)],
    sql_of: &BTreeMap<String, String>,
    excluded: &dyn Fn(&str) -> bool,
) -> Result<(), IntrospectError> {
    let names: Vec<&str> = missing.iter().map(|(name, _)| *name).collect();
    let names = serde_json::to_string(&names).map_err(|error| IntrospectError::Unexpected {
        dialect: Dialect::Sqlite,
        what: "table names",
        value: error.to_string(),
    })?;
    let bound: &[&dyn rusqlite::ToSql] = &[&names];
    let catalog = sqlite_catalog::Catalog {
        tables: query(conn, "table list", TABLE_LIST, bound, TableRow::read)?,
        columns: query(conn, "columns", COLUMNS, bound, ColumnRow::read)?,
        indexes: query(conn, "indexes", INDEXES, bound, IndexRow::read)?,
        index_columns: query(
            conn,
            "index columns",
            INDEX_COLUMNS,
            bound,
            IndexColumnRow::read,
        )?,
        foreign_keys: query(
            conn,
            "foreign keys",
            FOREIGN_KEYS,
            bound,
            ForeignKeyRow::read,
        )?,
    };
    let mut fresh = Schema::default();
    catalog.build(&mut fresh, sql_of, excluded)?;
    for (name, key) in missing {
        let name = QualifiedName::bare(name);
        let Some(table) = fresh.tables.remove(&name) else {
            continue;
        };
        let indexes = fresh
            .indexes
            .values()
            .filter(|index| index.table == name)
            .cloned()
            .collect();
        cache.insert(*key, table, indexes);
    }
    Ok(())
}

fn query<T>(
    conn: &Connection,
    what: &'static str,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, IntrospectError> {
    let failed = |error: rusqlite::Error| IntrospectError::Query {
        dialect: Dialect::Sqlite,
        what,
        message: error.to_string(),
    };
    let mut statement = conn.prepare_cached(sql).map_err(failed)?;
    let rows = statement.query_map(params, read).map_err(failed)?;
    rows.collect::<rusqlite::Result<Vec<T>>>().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::introspect_test_support::{fixture, snapshot_settings};
    use crate::schema::{diff, render};

    fn snapshot_of(sql: &str) -> Schema {
        let conn = Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch(sql).expect("fixture runs");
        introspect(&conn, &IntrospectOptions::new("migrate_history")).expect("introspects")
    }

    #[test]
    fn every_object_kind_renders_as_snapshotted() {
        let schema = snapshot_of(&fixture("sqlite", "all_objects"));
        snapshot_settings("sqlite").bind(|| {
            insta::assert_snapshot!("all_objects", render(&schema));
        });
        let json = serde_json::to_string(&schema).expect("serializes");
        assert!(json.contains("\"without_rowid\":true"));
    }

    #[test]
    fn the_tracking_table_and_internal_tables_are_left_out() {
        let schema = snapshot_of(&fixture("sqlite", "all_objects"));
        let names: Vec<&str> = schema.tables.keys().map(|n| &*n.name).collect();
        assert_eq!(
            names,
            vec!["docs", "settings", "trip_stops", "trips", "users"]
        );
    }

    #[test]
    fn the_rendering_is_sqlite_that_recreates_the_same_schema() {
        // render(parse(render(x))) with SQLite itself as the parser.
        let rendered = render(&snapshot_of(&fixture("sqlite", "all_objects")));
        let again = render(&snapshot_of(&rendered));
        assert_eq!(again, rendered);
    }

    #[test]
    fn cosmetic_rewrites_of_the_fixture_compare_equal() {
        let original = fixture("sqlite", "all_objects");
        let rewritten = original.replace("    ", "\t  ").replace("SELECT", "select");
        let findings = diff(&snapshot_of(&original), &snapshot_of(&rewritten));
        assert!(findings.is_empty(), "{findings:#?}");
    }
}
