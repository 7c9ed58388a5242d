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
            Kind::Postgres => "lock (up): ShareLock on orders: blocks writes",
        };
        assert!(human.stdout.contains(line), "{}", human.stdout);
        // Without --locks nothing is recorded.
        let plain = test.run(&["verify", "--backend", backend, "--format", "json"]);
        assert!(!plain.stdout.contains("\"locks\""), "{}", plain.stdout);
    }
);
