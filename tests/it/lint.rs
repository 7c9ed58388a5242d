//! `migrate lint`, and its findings in `verify`, on every backend.

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::Test;

fn json(test: &Test, args: &[&str]) -> serde_json::Value {
    let output = test.run(args);
    assert_eq!(output.code, 0, "{output:#?}");
    serde_json::from_str(&output.stdout).unwrap()
}

fn rules(value: &serde_json::Value) -> Vec<(String, String, u64)> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let file = w["file"].as_str().unwrap();
            let revision = file.split('/').nth(1).unwrap_or(file);
            (
                w["rule"].as_str().unwrap().to_owned(),
                revision.to_owned(),
                w["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

backend_test!(
    lint_warns_silences_and_reports_stale_silences,
    fixture = "data/lint/migrations",
    |test| {
        let report = json(&test, &["lint", "--format", "json"]);
        let index = ("20240101000002_index_orders_total", 2);
        let expected: Vec<(String, String, u64)> = match test.db.kind {
            // SQLite builds indexes without a concurrent form: only rename and drop apply.
            Kind::Sqlite => vec![],
            Kind::Postgres => vec![
                ("concurrent-index".into(), index.0.into(), index.1),
                ("lock-timeout".into(), index.0.into(), index.1),
                // Silencing `drop` leaves its lock unguarded: each file needs its own timeout.
                (
                    "lock-timeout".into(),
                    "20240101000003_drop_orders_note".into(),
                    2,
                ),
            ],
        };
        assert_eq!(rules(&report["warnings"]), expected);
        assert_eq!(
            rules(&report["silenced"]),
            vec![("drop".into(), "20240101000003_drop_orders_note".into(), 2)]
        );
        assert_eq!(
            report["silenced"][0]["reason"],
            "no release reads orders.note any more"
        );
        assert_eq!(report["stale"][0]["rule"], "concurrent-index");
        assert_eq!(report["stale"][0]["line"], 1);
        assert_eq!(report["stale"].as_array().unwrap().len(), 1);

        let human = test.run(&["lint"]);
        assert_eq!(human.code, 0, "warnings alone exit 0: {human:#?}");
        assert!(
            human.stdout.contains(
                "warning[stale-allow]: `-- migrate:allow concurrent-index` matches no warning"
            ),
            "{}",
            human.stdout
        );
        assert_eq!(
            test.run(&["lint", "--strict"]).code,
            1,
            "--strict fails on warnings and stale silences"
        );
    }
);

backend_test!(
    verify_shows_lint_findings,
    fixture = "data/lint/migrations",
    |test| {
        let backend = match test.db.kind {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        };
        let output = test.run(&["verify", "--backend", backend]);
        assert_eq!(
            output.code, 0,
            "lint findings do not fail verify: {output:#?}"
        );
        assert!(
            output.stdout.contains(&format!("lint ({backend}):")),
            "{}",
            output.stdout
        );
        if test.db.kind == Kind::Postgres {
            assert!(
                output
                    .stdout
                    .contains("warning[concurrent-index]: CREATE INDEX on existing table orders"),
                "{}",
                output.stdout
            );
            assert!(
                output
                    .stdout
                    .contains("20240101000002_index_orders_total/up.sql:2"),
                "{}",
                output.stdout
            );
        }
        let json = test.run(&["verify", "--backend", backend, "--format", "json"]);
        let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(value["lint"]["stale"][0]["rule"], "concurrent-index");
    }
);

#[test]
fn lint_with_dialect_postgres_needs_no_database() {
    let Some(test) = Test::fixture(Kind::Sqlite, "lint_dialect", "data/lint/migrations") else {
        return;
    };
    let report = json(
        &test,
        &["lint", "--dialect", "postgres", "--format", "json"],
    );
    assert_eq!(report["warnings"][0]["rule"], "concurrent-index");
    assert_eq!(report["warnings"][0]["table"], "orders");
}

backend_test!(
    verify_locks_shows_what_each_step_held,
    fixture = "data/lint/migrations",
    |test| {
        let backend = match test.db.kind {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        };
        let output = test.run(&[
            "verify",
            "--backend",
            backend,
            "--locks",
            "--format",
            "json",
        ]);
        assert_eq!(output.code, 0, "{output:#?}");
        let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
        let index = &value["revisions"][1];
        assert_eq!(index["id"], "20240101000002");
        let locks: Vec<(String, String, String)> = index["locks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let text = |k: &str| l[k].as_str().unwrap().to_owned();
                (text("step"), text("relation"), text("mode"))
            })
            .collect();
        let expected: Vec<(String, String, String)> = match test.db.kind {
            Kind::Sqlite => vec![
                ("up".into(), "database".into(), "write lock".into()),
                ("down".into(), "database".into(), "write lock".into()),
            ],
            Kind::Postgres => vec![
                ("up".into(), "orders".into(), "ShareLock".into()),
                ("down".into(), "orders".into(), "AccessExclusiveLock".into()),
            ],
        };
        assert_eq!(locks, expected);
        let human = test.run(&["verify", "--backend", backend, "--locks"]);
        let line = match test.db.kind {
            Kind::Sqlite => {
                "lock (up): write lock on database: blocks other writers for the step's duration"
            }
            // The statement that took it, and for how long (to the commit).
            Kind::Postgres => "lock (up, line 2): ShareLock on orders: blocks writes, held ",
        };
        assert!(human.stdout.contains(line), "{}", human.stdout);
        // Without --locks nothing is recorded.
        let plain = test.run(&["verify", "--backend", backend, "--format", "json"]);
        assert!(!plain.stdout.contains("\"locks\""), "{}", plain.stdout);
    }
);

backend_test!(
    verify_locks_names_the_statement_and_how_long_it_held,
    fixture = "data/no_transaction_locks/migrations",
    |test| {
        let backend = match test.db.kind {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        };
        let args = [
            "verify",
            "--backend",
            backend,
            "--locks",
            "--format",
            "json",
        ];
        let output = test.run(&args);
        assert_eq!(output.code, 0, "{output:#?}");
        let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
        // A `-- migrate:no-transaction` file: each statement's own locks.
        let locks: Vec<(String, u64, String, String)> = value["revisions"][1]["locks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                assert!(l["held_ms"].is_u64(), "{l}");
                assert_eq!(
                    l["file"],
                    format!(
                        "migrations/20240101000002_index_and_vacuum/{}.sql",
                        l["step"].as_str().unwrap()
                    )
                );
                let text = |k: &str| l[k].as_str().unwrap().to_owned();
                (
                    text("step"),
                    l["line"].as_u64().unwrap(),
                    text("relation"),
                    text("mode"),
                )
            })
            .collect();
        let expected: Vec<(String, u64, String, String)> = match test.db.kind {
            Kind::Sqlite => vec![
                ("up".into(), 2, "database".into(), "write lock".into()),
                ("up".into(), 3, "database".into(), "write lock".into()),
                ("down".into(), 2, "database".into(), "write lock".into()),
            ],
            // Read in a transaction of the statement's own; VACUUM refuses one.
            Kind::Postgres => vec![
                ("up".into(), 2, "orders".into(), "ShareLock".into()),
                ("up".into(), 3, String::new(), "not observed".into()),
                (
                    "down".into(),
                    2,
                    "orders".into(),
                    "AccessExclusiveLock".into(),
                ),
            ],
        };
        assert_eq!(locks, expected);
        let human = test.run(&["verify", "--backend", backend, "--locks"]);
        let line = match test.db.kind {
            Kind::Sqlite => "    lock (up, line 3): write lock on database: blocks other writers",
            Kind::Postgres => {
                "    lock (up, line 3): not observed: the statement runs outside any transaction, where its locks cannot be read"
            }
        };
        assert!(human.stdout.contains(line), "{}", human.stdout);
        // The statements ran: the index is there at head.
        assert!(test.run(&["verify", "--backend", backend]).code == 0);
    }
);

backend_test!(
    lint_in_verify_quotes_the_lock_it_observed,
    fixture = "data/lint/migrations",
    |test| {
        let backend = match test.db.kind {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        };
        let observed = "CREATE INDEX on existing table orders takes a ShareLock (observed): it blocks writes to orders until the index is built";
        let read = "CREATE INDEX on existing table orders takes a ShareLock: it blocks writes to orders until the index is built";
        let with_locks = test.run(&["verify", "--backend", backend, "--locks"]);
        let without = test.run(&["verify", "--backend", backend]);
        match test.db.kind {
            Kind::Postgres => {
                assert!(
                    with_locks.stdout.contains(observed),
                    "{}",
                    with_locks.stdout
                );
                assert!(without.stdout.contains(read), "{}", without.stdout);
                let json = test.run(&[
                    "verify",
                    "--backend",
                    backend,
                    "--locks",
                    "--format",
                    "json",
                ]);
                let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
                let warning = &value["lint"]["warnings"][0];
                assert_eq!(warning["observed_lock"], "ShareLock", "{value:#}");
            }
            // SQLite has no such rule, and a whole-database lock says nothing per table.
            Kind::Sqlite => {
                assert!(
                    !with_locks.stdout.contains("(observed)"),
                    "{}",
                    with_locks.stdout
                );
                assert!(!with_locks.stdout.contains("CREATE INDEX on existing"));
            }
        }
    }
);
