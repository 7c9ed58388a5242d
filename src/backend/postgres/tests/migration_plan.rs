//! `create --autogenerate`'s planner against real PostgreSQL: for random pairs of small
//! schemas (typed, NOT NULL and defaulted columns, indexes, foreign keys), the planned up
//! turns the head into the desired schema and the down turns it back, or the planner
//! refuses. Two databases serve every case: schema `app` is rebuilt each time.

use postgres::Client;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use crate::backend::postgres::tests::support::TestDb;
use crate::backend::postgres_introspect::introspect;
use crate::schema::{Flavor, IntrospectOptions, Renames, Schema, plan_migration, render};

/// One table `app.<name>`: `id integer PRIMARY KEY`, up to three more columns, perhaps an
/// index on the first, perhaps a reference to `app.t1`.
fn table(name: &'static str) -> impl Strategy<Value = Option<String>> {
    let column = (
        prop::sample::select(vec!["integer", "bigint", "text"]),
        any::<bool>(),
    );
    let body = (
        prop::collection::btree_map(prop::sample::select(vec!["a", "b", "c"]), column, 0..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(columns, indexed, references)| {
            let mut lines = vec!["id integer PRIMARY KEY".to_owned()];
            for (column, (data_type, not_null)) in &columns {
                let default = if *data_type == "text" { "''" } else { "0" };
                let rule = if *not_null {
                    format!(" NOT NULL DEFAULT {default}")
                } else {
                    String::new()
                };
                lines.push(format!("{column} {data_type}{rule}"));
            }
            if references && name != "t1" {
                lines.push("t1_id integer REFERENCES app.t1 (id)".to_owned());
            }
            let mut ddl = format!("CREATE TABLE app.{name} ({});\n", lines.join(", "));
            if let (true, Some(column)) = (indexed, columns.keys().next()) {
                ddl.push_str(&format!(
                    "CREATE INDEX {name}_{column} ON app.{name} ({column});\n"
                ));
            }
            ddl
        });
    prop::option::of(body)
}

/// Tables t1 to t3; a reference to t1 only when t1 is there.
fn schema_ddl() -> impl Strategy<Value = String> {
    (table("t1"), table("t2"), table("t3")).prop_map(|(a, b, c)| {
        let has_t1 = a.is_some();
        let keep = |ddl: String| {
            if has_t1 {
                ddl
            } else {
                ddl.replace(", t1_id integer REFERENCES app.t1 (id)", "")
            }
        };
        [a, b.map(keep), c.map(keep)]
            .into_iter()
            .flatten()
            .collect()
    })
}

fn model(client: &mut Client) -> Schema {
    let options = IntrospectOptions::new("migrate_history").only_schemas(&["app"]);
    introspect(client, &options).expect("introspects")
}

fn rebuild(client: &mut Client, ddl: &str) -> Schema {
    client
        .batch_execute("DROP SCHEMA IF EXISTS app CASCADE; CREATE SCHEMA app")
        .expect("schema app is rebuilt");
    client.batch_execute(ddl).expect("DDL runs");
    model(client)
}

fn run(client: &mut Client, sql: &str) -> Result<(), TestCaseError> {
    client
        .batch_execute(&format!("BEGIN;\n{sql}\nCOMMIT;"))
        .map_err(|e| {
            let _ = client.batch_execute("ROLLBACK");
            TestCaseError::fail(format!("{e}\n{sql}"))
        })
}

#[test]
fn a_planned_pair_round_trips_or_is_refused() {
    let test = "a_planned_pair_round_trips_or_is_refused";
    let (Some(head_db), Some(desired_db)) = (TestDb::create(test), TestDb::create(test)) else {
        return;
    };
    // The runner takes an `Fn`; the databases are reused across cases, hence the cell.
    let databases = std::cell::RefCell::new((head_db.client(), desired_db.client()));
    let config = ProptestConfig {
        cases: 24,
        // Failures are reported by the test; there is no source file to persist them by.
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    runner
        .run(&(schema_ddl(), schema_ddl()), |(head, desired)| {
            let (head_client, desired_client) = &mut *databases.borrow_mut();
            let head_model = rebuild(head_client, &head);
            let desired_model = rebuild(desired_client, &desired);
            let renames = Renames {
                chosen: Vec::new(),
                none: true,
            };
            let Ok(plan) = plan_migration(&head_model, &desired_model, Flavor::Postgres, &renames)
            else {
                return Ok(());
            };
            let up = plan.up.text();
            run(head_client, &up)?;
            prop_assert_eq!(
                render(&model(head_client)),
                render(&desired_model),
                "up:\n{}",
                up
            );
            let down = plan.down.text();
            run(head_client, &down)?;
            prop_assert_eq!(
                render(&model(head_client)),
                render(&head_model),
                "down:\n{}",
                down
            );
            Ok(())
        })
        .expect("every planned pair round-trips");
}
