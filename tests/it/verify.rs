//! `migrate verify` on fixtures with known verdicts, on every backend.

use std::process::Command;

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::{Test, repo};
use crate::snapshot;

fn backend(test: &Test) -> &'static str {
    match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    }
}

/// `migrate verify --backend <this test's backend> ARGS`.
fn verify(test: &Test, args: &[&str]) -> crate::harness::Output {
    let mut all = vec!["verify", "--backend", backend(test)];
    all.extend_from_slice(args);
    test.run(&all)
}

/// The statuses a fixture's `verdicts` file expects on this backend; `None` when the
/// fixture is not for this backend.
fn expected_verdicts(test: &Test, fixture: &str) -> Option<Vec<(String, String)>> {
    let text = std::fs::read_to_string(
        repo()
            .join("fixtures/verify")
            .join(fixture)
            .join("verdicts"),
    )
    .unwrap();
    let column = if test.db.kind == Kind::Sqlite { 1 } else { 2 };
    let rows: Vec<(String, String)> = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields[0].to_owned(), fields[column].to_owned())
        })
        .collect();
    (rows.iter().all(|(_, status)| status != "-")).then_some(rows)
}

/// Runs verify in JSON and checks every revision's status against the fixture's verdicts.
fn assert_verdicts(test: &Test, fixture: &str) {
    let Some(expected) = expected_verdicts(test, fixture) else {
        return;
    };
    let output = verify(test, &["--format", "json"]);
    assert_eq!(output.code, 1, "a defect exits 1: {output:#?}");
    let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let actual: Vec<(String, String)> = json["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_owned(),
                v["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(actual, expected, "one run reports every revision's verdict");
    let human = verify(test, &[]);
    // Where the server is and how long it took change from run to run.
    let text: String = human
        .stdout
        .lines()
        .map(|line| {
            if line.starts_with("verify on ") {
                let (_, count) = line.rsplit_once("): ").unwrap_or(("", line));
                format!("verify on {}: {count}", backend(test))
            } else if line.contains(" revisions, ") {
                line.rsplit_once(", in ")
                    .map_or(line, |(head, _)| head)
                    .to_owned()
            } else {
                line.to_owned()
            }
        })
        .map(|line| format!("{line}\n"))
        .collect();
    snapshot::assert("verify", &format!("{fixture}_{}", backend(test)), &text);
}

backend_test!(
    the_example_passes_and_its_snapshot_guards_the_schema,
    |test| {
        let first = verify(&test, &[]);
        assert_eq!(first.code, 0, "{first:#?}");
        assert!(
            first
                .stdout
                .contains("8 revisions, 8 ok, 0 irreversible, 0 failed"),
            "{}",
            first.stdout
        );
        assert!(
            first
                .stdout
                .contains("does not exist: write it with `migrate snapshot`"),
            "{}",
            first.stdout
        );
        assert_eq!(
            verify(&test, &["--strict"]).code,
            1,
            "a missing snapshot fails under --strict"
        );
        test.ok(&["snapshot", "--backend", backend(&test)]);
        let snapshot_file = format!("schema/{}.sql", backend(&test));
        assert!(
            test.read(&snapshot_file)
                .contains("packing_items_list_packed")
        );
        assert_eq!(verify(&test, &["--strict"]).code, 0);
        test.write(
            "migrations/20240109090000_add_trip_notes/up.sql",
            "ALTER TABLE trips ADD COLUMN notes TEXT;\n",
        );
        test.write(
            "migrations/20240109090000_add_trip_notes/down.sql",
            "ALTER TABLE trips DROP COLUMN notes;\n",
        );
        test.ok(&["hash"]);
        let drifted = verify(&test, &[]);
        assert_eq!(drifted.code, 1, "{drifted:#?}");
        assert!(
            drifted.stdout.contains("differs from the schema at head"),
            "{}",
            drifted.stdout
        );
        assert!(
            drifted.stdout.contains("+    notes"),
            "the diff shows the new column: {}",
            drifted.stdout
        );
        test.ok(&["verify", "--backend", backend(&test), "--update-snapshots"]);
        assert_eq!(verify(&test, &[]).code, 0);
    }
);

backend_test!(
    defects_are_all_reported_in_one_run,
    fixture = "verify/defects/migrations",
    |test| {
        assert_verdicts(&test, "defects");
    }
);

backend_test!(
    postgres_objects_that_a_down_forgets,
    fixture = "verify/postgres_objects/migrations",
    |test| {
        assert_verdicts(&test, "postgres_objects");
    }
);

backend_test!(
    sqlite_table_rebuilds_and_triggers,
    fixture = "verify/sqlite_objects/migrations",
    |test| {
        assert_verdicts(&test, "sqlite_objects");
    }
);

backend_test!(
    each_step_runs_in_the_session_a_new_run_would_have,
    fixture = "verify/session_state/migrations",
    |test| {
        assert_verdicts(&test, "session_state");
    }
);

backend_test!(
    a_down_that_needs_its_ups_session_settings_fails,
    fixture = "verify/postgres_session/migrations",
    |test| {
        assert_verdicts(&test, "postgres_session");
    }
);

backend_test!(
    verify_never_writes_into_the_migrations_directory,
    fixture = "verify/defects/migrations",
    |test| {
        let before = tree_listing(&test);
        verify(&test, &[]);
        assert_eq!(tree_listing(&test), before);
    }
);

fn tree_listing(test: &Test) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(test.path().join("migrations")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let content = if path.is_dir() {
            std::fs::read_dir(&path).unwrap().count().to_string()
        } else {
            std::fs::read_to_string(&path).unwrap()
        };
        out.push((name, content));
    }
    out.sort();
    out
}

backend_test!(
    an_edited_migration_is_reported_and_the_walk_still_runs,
    |test| {
        test.write(
            "migrations/20240101090000_create_users/down.sql",
            "DROP TABLE IF EXISTS users;\n",
        );
        let output = verify(&test, &["--format", "json"]);
        assert_eq!(output.code, 1, "{output:#?}");
        let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
        assert_eq!(json["checksums"]["status"], "mismatch");
        assert!(
            json["checksums"]["detail"]
                .as_str()
                .unwrap()
                .contains("revision 20240101090000 differs from the sum file")
        );
        assert_eq!(json["revisions"].as_array().unwrap().len(), 8);
    }
);

backend_test!(strict_turns_irreversible_into_a_failure, |test| {
    test.remove("migrations/20240108090000_index_packing_items_by_list/down.sql");
    test.ok(&["hash"]);
    test.ok(&["snapshot", "--backend", backend(&test)]);
    let relaxed = verify(&test, &[]);
    assert_eq!(relaxed.code, 0, "{relaxed:#?}");
    assert!(
        relaxed
            .stdout
            .contains("- 20240108090000 index packing items by list: irreversible"),
        "{}",
        relaxed.stdout
    );
    assert_eq!(verify(&test, &["--strict"]).code, 1);
});

backend_test!(
    from_checks_only_the_newer_revisions,
    fixture = "verify/defects/migrations",
    |test| {
        let output = verify(&test, &["--from", "20240101000008", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
        let statuses: Vec<&str> = json["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses[..7], ["unchecked"; 7]);
        assert_eq!(statuses[7..], ["irreversible", "ok", "down_mismatch"]);
    }
);

backend_test!(
    ci_annotations_and_junit_name_the_file,
    fixture = "verify/defects/migrations",
    |test| {
        let output = test.run_with(
            &[
                "verify",
                "--backend",
                backend(&test),
                "--junit",
                "report.xml",
            ],
            &[("GITHUB_ACTIONS", "true")],
        );
        assert_eq!(output.code, 1);
        assert!(
        output.stdout.contains("::error file=migrations/20240101000002_index_users_email/down.sql::20240101000002 down_mismatch"),
        "{}",
        output.stdout
    );
        let junit = test.read("report.xml");
        assert!(junit.contains("<testsuite name=\"verify"), "{junit}");
        assert!(junit.contains("failures=\"6\""), "{junit}");
    }
);

backend_test!(base_catches_edits_and_forks_of_merged_migrations, |test| {
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(test.path())
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "migrations"]);
    git(&["commit", "-q", "-m", "base"]);
    git(&["checkout", "-q", "-b", "feature"]);
    test.write(
        "migrations/20240102090000_create_trips/down.sql",
        "DROP TABLE IF EXISTS trips;\n",
    );
    test.write(
        "migrations/20240105000000_add_trip_budget/up.sql",
        "ALTER TABLE trips ADD COLUMN budget INTEGER;\n",
    );
    test.write(
        "migrations/20240105000000_add_trip_budget/down.sql",
        "ALTER TABLE trips DROP COLUMN budget;\n",
    );
    test.ok(&["hash"]);
    let output = verify(&test, &["--base", "main"]);
    assert_eq!(output.code, 1, "{output:#?}");
    assert!(output.stdout.contains("revision 20240102090000 exists on the base and was edited (migrations/20240102090000_create_trips/down.sql)"), "{}", output.stdout);
    assert!(
        output.stdout.contains(
            "new revision 20240105000000 sorts below the base's newest revision 20240108090000"
        ),
        "{}",
        output.stdout
    );
});

backend_test!(an_up_that_fails_skips_the_revisions_after_it, |test| {
    test.write(
        "migrations/20240103120000_broken/up.sql",
        "ALTER TABLE nope ADD COLUMN x INTEGER;\n",
    );
    test.write("migrations/20240103120000_broken/down.sql", "SELECT 1;\n");
    test.ok(&["hash"]);
    let output = verify(&test, &["--format", "json"]);
    assert_eq!(output.code, 1);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let statuses: Vec<&str> = json["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "ok",
            "ok",
            "ok",
            "up_failed",
            "skipped",
            "skipped",
            "skipped",
            "skipped",
            "skipped"
        ]
    );
    assert_eq!(
        json["revisions"][3]["file"],
        "migrations/20240103120000_broken/up.sql"
    );
    assert_eq!(json["snapshot"]["status"], "not_checked");
    let human = verify(&test, &[]);
    assert!(
        human
            .stdout
            .contains("9 revisions, 3 ok, 0 irreversible, 1 failed, 5 skipped"),
        "{}",
        human.stdout
    );
});
