//! A connection's snapshots are built from the previous one plus what changed; after any
//! sequence of DDL they must equal a snapshot read from nothing.

use proptest::prelude::*;
use proptest::sample::select;
use rusqlite::Connection;

use crate::backend::sqlite::introspect::SnapshotCache;
use crate::backend::sqlite_introspect::{introspect, introspect_with};
use crate::schema::{IntrospectOptions, render};

/// Statements over a few names, so that objects collide, come back and depend on each
/// other. Many fail in a given state (a table that is not there); that is a step too.
fn statement() -> impl Strategy<Value = String> {
    let table = || select(vec!["t0", "t1", "t2"]);
    let column = || select(vec!["a", "b", "c"]);
    let index = || select(vec!["i0", "i1"]);
    let view = || select(vec!["v0", "v1"]);
    prop_oneof![
        (table(), table()).prop_map(|(t, parent)| format!(
            "CREATE TABLE {t} (id INTEGER PRIMARY KEY, a TEXT UNIQUE, \
             b INT REFERENCES {parent} (id) ON DELETE CASCADE, CHECK (b > 0))"
        )),
        table().prop_map(|t| format!("CREATE TABLE {t} (k TEXT PRIMARY KEY, a INT) WITHOUT ROWID")),
        table().prop_map(|t| format!("DROP TABLE {t}")),
        (table(), column())
            .prop_map(|(t, c)| format!("ALTER TABLE {t} ADD COLUMN {c} TEXT DEFAULT 'x'")),
        (table(), column()).prop_map(|(t, c)| format!("ALTER TABLE {t} DROP COLUMN {c}")),
        (table(), table()).prop_map(|(t, to)| format!("ALTER TABLE {t} RENAME TO {to}")),
        (table(), column(), column())
            .prop_map(|(t, c, to)| format!("ALTER TABLE {t} RENAME COLUMN {c} TO {to}")),
        (index(), table(), column())
            .prop_map(|(i, t, c)| format!("CREATE INDEX {i} ON {t} ({c} DESC)")),
        (index(), table(), column()).prop_map(|(i, t, c)| format!(
            "CREATE UNIQUE INDEX {i} ON {t} ({c}) WHERE {c} IS NOT NULL"
        )),
        index().prop_map(|i| format!("DROP INDEX {i}")),
        (view(), table()).prop_map(|(v, t)| format!("CREATE VIEW {v} AS SELECT * FROM {t}")),
        view().prop_map(|v| format!("DROP VIEW {v}")),
        table().prop_map(|t| format!(
            "CREATE TRIGGER {t}_seen AFTER INSERT ON {t} BEGIN SELECT 1; END"
        )),
        table().prop_map(|t| format!("DROP TRIGGER {t}_seen")),
        table().prop_map(|t| format!("CREATE VIRTUAL TABLE {t} USING fts5(body)")),
        Just("INSERT INTO migrate_history VALUES ('r')".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_snapshot_equals_one_read_from_nothing(
        steps in proptest::collection::vec(statement(), 1..40),
    ) {
        let conn = Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch("CREATE TABLE migrate_history (revision TEXT)").expect("runs");
        let options = IntrospectOptions::new("migrate_history");
        let mut cache = SnapshotCache::default();
        for step in &steps {
            let _ = conn.execute_batch(step);
            let built = introspect_with(&conn, &mut cache, &options).expect("introspects");
            let read = introspect(&conn, &options).expect("introspects");
            prop_assert_eq!(render(&built), render(&read), "after {}", step);
            prop_assert_eq!(built, read, "after {}", step);
        }
    }
}
