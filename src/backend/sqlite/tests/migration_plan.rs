//! `create --autogenerate`'s planner against real SQLite: for random pairs of small schemas,
//! the planned up turns the head into the desired schema and the down turns it back, or the
//! planner refuses (it never plans a pair that does not round-trip).

use proptest::prelude::*;
use rusqlite::Connection;

use crate::backend::sqlite_introspect::introspect;
use crate::schema::{Flavor, IntrospectOptions, Renames, Schema, plan_migration, render};

/// One table: `id INTEGER PRIMARY KEY` and up to three columns, perhaps an index.
fn table(name: &'static str) -> impl Strategy<Value = Option<String>> {
    let column = (
        prop::sample::select(vec!["INTEGER", "TEXT", "REAL"]),
        any::<bool>(),
    );
    let body = (
        prop::collection::btree_map(prop::sample::select(vec!["a", "b", "c"]), column, 0..3),
        any::<bool>(),
    )
        .prop_map(move |(columns, indexed)| {
            let mut lines = vec!["id INTEGER PRIMARY KEY".to_owned()];
            let mut first = None;
            for (column, (data_type, not_null)) in &columns {
                let default = match *data_type {
                    "TEXT" => "''",
                    _ => "0",
                };
                let rule = if *not_null {
                    format!(" NOT NULL DEFAULT {default}")
                } else {
                    String::new()
                };
                lines.push(format!("{column} {data_type}{rule}"));
                first.get_or_insert(*column);
            }
            let mut ddl = format!("CREATE TABLE {name} ({});\n", lines.join(", "));
            if let (true, Some(column)) = (indexed, first) {
                ddl.push_str(&format!(
                    "CREATE INDEX {name}_{column} ON {name} ({column});\n"
                ));
            }
            ddl
        });
    prop::option::of(body)
}

fn schema_ddl() -> impl Strategy<Value = String> {
    (table("t1"), table("t2"), table("t3"))
        .prop_map(|(a, b, c)| [a, b, c].into_iter().flatten().collect::<String>())
}

fn model(conn: &Connection) -> Schema {
    introspect(conn, &IntrospectOptions::default()).unwrap()
}

fn database(ddl: &str) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(ddl).unwrap();
    conn
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_planned_pair_round_trips_or_is_refused(head in schema_ddl(), desired in schema_ddl()) {
        let db = database(&head);
        let head_model = model(&db);
        let desired_model = model(&database(&desired));
        let renames = Renames { chosen: Vec::new(), none: true };
        let Ok(plan) = plan_migration(&head_model, &desired_model, Flavor::Sqlite, &renames) else {
            return Ok(());
        };
        let up = plan.up.text();
        db.execute_batch(&format!("BEGIN;\n{up}\nCOMMIT;")).map_err(|e| TestCaseError::fail(format!("{e}\n{up}")))?;
        prop_assert_eq!(render(&model(&db)), render(&desired_model), "up:\n{}", up);
        let down = plan.down.text();
        db.execute_batch(&format!("BEGIN;\n{down}\nCOMMIT;")).map_err(|e| TestCaseError::fail(format!("{e}\n{down}")))?;
        prop_assert_eq!(render(&model(&db)), render(&head_model), "down:\n{}", down);
    }
}
