//! Reads an SQLite database's schema into the model. One scan of `sqlite_schema` finds
//! the objects whose text changed since the connection's last snapshot; views and
//! triggers are built from their text, and the changed tables are read with five catalog
//! queries in all, whatever their number: each joins the JSON array of their names with
//! one table-valued pragma, so no query is run per table and no name is spliced into SQL.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rusqlite::{Connection, Row};

use super::catalog as sqlite_catalog;
use super::objects::{Changes, ObjectRow, read_changes};
use super::rows::{ColumnRow, ForeignKeyRow, IndexColumnRow, IndexRow, TableRow};
use super::snapshot_cache::SnapshotCache;
use crate::backend::dialect::Dialect;
use crate::backend::introspect_error::IntrospectError;
use crate::schema::{
    IntrospectOptions, QualifiedName, Schema, Trigger, TriggerName, View, format_trigger,
    parse_view, retain,
};

/// `?1` is a JSON array of table names. `pragma_table_list` says which tables are a
/// virtual table's storage (shadow tables), which nothing else tells; it walks every table
/// and works out every view's columns at each call, so it is asked only about tables
/// named like a virtual table's storage. The other queries leave virtual tables out,
/// since reading their columns needs their module loaded.
const TABLE_LIST: &str = "SELECT t.name, t.type \
     FROM json_each(?1) AS j, pragma_table_list(j.value) AS t WHERE t.schema = 'main'";
const COLUMNS: &str = "SELECT j.value, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk, \
     c.hidden FROM json_each(?1) AS j, pragma_table_xinfo(j.value, 'main') AS c \
     ORDER BY j.value, c.cid";
const INDEXES: &str = "SELECT j.value, l.name, l.\"unique\", l.origin, l.partial \
     FROM json_each(?1) AS j, pragma_index_list(j.value, 'main') AS l ORDER BY l.name";
const INDEX_COLUMNS: &str = "SELECT l.name, x.cid, x.name, x.\"desc\", x.coll \
     FROM json_each(?1) AS j, pragma_index_list(j.value, 'main') AS l, \
     pragma_index_xinfo(l.name, 'main') AS x WHERE x.\"key\" = 1 ORDER BY l.name, x.seqno";
const FOREIGN_KEYS: &str = "SELECT j.value, f.id, f.\"table\", f.\"from\", f.\"to\", \
     f.on_update, f.on_delete, f.\"match\" \
     FROM json_each(?1) AS j, pragma_foreign_key_list(j.value, 'main') AS f \
     ORDER BY j.value, f.id, f.seq";

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
    introspect_with(conn, &mut SnapshotCache::default(), options)
}

/// [`introspect`], building again only the objects whose text changed since the snapshot
/// `cache` remembers.
pub fn introspect_with(
    conn: &Connection,
    cache: &mut SnapshotCache,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    cache.read_with(format!("{options:?}"));
    let changes = read_changes(conn, cache.rows())?;
    let schema = if changes.gone.is_empty() && changes.came.is_empty() {
        cache.schema().clone()
    } else if let Some(schema) = cache.snapshot_of(&changes.rows) {
        schema
    } else {
        // Built on a copy (the maps share their nodes), so a failed read leaves the cache
        // as it was.
        let mut schema = cache.schema().clone();
        apply(conn, &mut schema, &changes, options)?;
        schema
    };
    cache.remember(changes.rows, &schema);
    Ok(schema)
}

/// Brings `schema`, built from the earlier rows, up to the rows read now.
fn apply(
    conn: &Connection,
    schema: &mut Schema,
    changes: &Changes,
    options: &IntrospectOptions,
) -> Result<(), IntrospectError> {
    let excluded = |name: &str| options.excludes("main", name);
    // A table's model follows from its own text and its indexes' texts (the pragmas read
    // nothing else), so a table is read again when any of them changed.
    let mut changed_tables: BTreeSet<&str> = BTreeSet::new();
    for row in &changes.gone {
        match &*row.kind {
            "view" => {
                schema.views.remove(&QualifiedName::bare(&row.name));
            }
            "trigger" => {
                schema.triggers.remove(&trigger_name(row));
            }
            "table" | "index" => {
                changed_tables.insert(&row.table);
            }
            _ => {}
        }
    }
    for row in &changes.came {
        match &*row.kind {
            "view" if !excluded(&row.name) => {
                let view = view(row);
                schema.views.insert(view.name.clone(), view.into());
            }
            "trigger" if !excluded(&row.table) => {
                let trigger = trigger(row);
                schema.triggers.insert(trigger.name.clone(), trigger.into());
            }
            "table" | "index" => {
                changed_tables.insert(&row.table);
            }
            _ => {}
        }
    }
    if changed_tables.is_empty() {
        return Ok(());
    }
    for name in &changed_tables {
        schema.tables.remove(&QualifiedName::bare(name));
    }
    retain(&mut schema.indexes, |_, index| {
        !changed_tables.contains(&*index.table.name)
    });
    let tables: Vec<&ObjectRow> = changes
        .rows
        .iter()
        .map(Arc::as_ref)
        .filter(|row| {
            &*row.kind == "table" && changed_tables.contains(&*row.name) && !excluded(&row.name)
        })
        .collect();
    if !tables.is_empty() {
        let texts = texts_of(&changes.rows, &changed_tables);
        let virtual_tables: Vec<&str> = changes
            .rows
            .iter()
            .filter(|row| row.is_virtual_table())
            .map(|row| &*row.name)
            .collect();
        read_tables(conn, schema, &tables, &virtual_tables, &texts, &excluded)?;
    }
    Ok(())
}

fn view(row: &ObjectRow) -> View {
    let text = parse_view(&row.sql);
    View {
        name: QualifiedName::bare(&row.name),
        materialized: false,
        columns: text.columns,
        definition: text.query,
        comment: None,
    }
}

fn trigger_name(row: &ObjectRow) -> TriggerName {
    TriggerName {
        table: QualifiedName::bare(&row.table),
        name: row.name.to_string(),
    }
}

fn trigger(row: &ObjectRow) -> Trigger {
    Trigger {
        name: trigger_name(row),
        definition: format_trigger(&row.sql),
        comment: None,
    }
}

/// The texts of these tables and of their indexes, by object name.
fn texts_of<'a>(rows: &'a [Arc<ObjectRow>], tables: &BTreeSet<&str>) -> BTreeMap<&'a str, &'a str> {
    rows.iter()
        .filter(|row| matches!(&*row.kind, "table" | "index") && tables.contains(&*row.table))
        .map(|row| (&*row.name, &*row.sql))
        .collect()
}

/// The tables named like the storage of one of `virtual_tables` (`docs_content` for
/// `docs`): only SQLite can tell whether they are.
fn shadow_candidates<'a>(tables: &[&'a ObjectRow], virtual_tables: &[&str]) -> Vec<&'a str> {
    tables
        .iter()
        .map(|row| &*row.name)
        .filter(|name| {
            virtual_tables.iter().any(|owner| {
                name.len() > owner.len() + 1
                    && name.is_char_boundary(owner.len())
                    && name[..owner.len()].eq_ignore_ascii_case(owner)
                    && name[owner.len()..].starts_with('_')
            })
        })
        .collect()
}

/// Reads the pragmas of `tables` and adds them, with their indexes, to `schema`.
fn read_tables(
    conn: &Connection,
    schema: &mut Schema,
    tables: &[&ObjectRow],
    virtual_tables: &[&str],
    texts: &BTreeMap<&str, &str>,
    excluded: &dyn Fn(&str) -> bool,
) -> Result<(), IntrospectError> {
    let json = |names: Vec<&str>| {
        serde_json::to_string(&names).map_err(|error| IntrospectError::Unexpected {
            dialect: Dialect::Sqlite,
            what: "table names",
            value: error.to_string(),
        })
    };
    let concrete = json(
        tables
            .iter()
            .filter(|row| !row.is_virtual_table())
            .map(|row| &*row.name)
            .collect(),
    )?;
    let candidates = shadow_candidates(tables, virtual_tables);
    let shadows: Vec<TableRow> = if candidates.is_empty() {
        Vec::new()
    } else {
        let candidates = json(candidates)?;
        query(conn, "table list", TABLE_LIST, &candidates, TableRow::read)?
    };
    let kind_of = |row: &ObjectRow| {
        let shadow = shadows
            .iter()
            .any(|listed| *listed.name == *row.name && listed.kind == "shadow");
        if shadow {
            "shadow"
        } else if row.is_virtual_table() {
            "virtual"
        } else {
            "table"
        }
    };
    let catalog = sqlite_catalog::Catalog {
        tables: tables
            .iter()
            .map(|row| TableRow {
                name: row.name.to_string(),
                kind: kind_of(row).to_owned(),
            })
            .collect(),
        columns: query(conn, "columns", COLUMNS, &concrete, ColumnRow::read)?,
        indexes: query(conn, "indexes", INDEXES, &concrete, IndexRow::read)?,
        index_columns: query(
            conn,
            "index columns",
            INDEX_COLUMNS,
            &concrete,
            IndexColumnRow::read,
        )?,
        foreign_keys: query(
            conn,
            "foreign keys",
            FOREIGN_KEYS,
            &concrete,
            ForeignKeyRow::read,
        )?,
    };
    let mut fresh = Schema::default();
    catalog.build(&mut fresh, texts, excluded)?;
    schema.absorb(fresh);
    Ok(())
}

fn query<T>(
    conn: &Connection,
    what: &'static str,
    sql: &str,
    names: &str,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, IntrospectError> {
    let failed = |error: rusqlite::Error| IntrospectError::Query {
        dialect: Dialect::Sqlite,
        what,
        message: error.to_string(),
    };
    let mut statement = conn.prepare_cached(sql).map_err(failed)?;
    let rows = statement.query_map([names], read).map_err(failed)?;
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
