//! `verify --shard K/N`, `--merge-reports` and `--jobs N`: shards merged say exactly what
//! one run says, on a generated history with defects planted in different shards.

use serde_json::Value;

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::{Output, Test};

fn backend(test: &Test) -> &'static str {
    match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    }
}

/// `migrate verify --backend <this test's backend> ARGS`.
fn verify(test: &Test, args: &[&str]) -> Output {
    let mut all = vec!["verify", "--backend", backend(test)];
    all.extend_from_slice(args);
    test.run(&all)
}

/// `migrate verify --merge-reports FILES ARGS`: no backend named, nothing run.
fn merge(test: &Test, files: &[String], args: &[&str]) -> Output {
    let mut all = vec!["verify", "--merge-reports"];
    all.extend(files.iter().map(String::as_str));
    all.extend_from_slice(args);
    test.run(&all)
}

fn id(n: usize) -> String {
    format!("202402010000{n:02}")
}

/// `len` revisions, each creating a table `tNN` that its down drops, except where `plant`
/// gives a revision other files (`None` for no down file). `migrate.sum` is written.
fn generate(test: &Test, len: usize, plant: &dyn Fn(usize) -> Option<(String, Option<String>)>) {
    generate_with_ids(test, len, id, plant);
}

/// [`generate`], revision `n` named `id(n)`.
fn generate_with_ids(
    test: &Test,
    len: usize,
    id: fn(usize) -> String,
    plant: &dyn Fn(usize) -> Option<(String, Option<String>)>,
) {
    test.remove("migrations");
    for n in 1..=len {
        let (up, down) = plant(n).unwrap_or_else(|| {
            (
                format!("CREATE TABLE t{n:02} (id INTEGER PRIMARY KEY, v TEXT);\n"),
                Some(format!("DROP TABLE t{n:02};\n")),
            )
        });
        let folder = format!("migrations/{}_step_{n:02}", id(n));
        test.write(&format!("{folder}/up.sql"), up);
        if let Some(down) = down {
            test.write(&format!("{folder}/down.sql"), down);
        }
    }
    test.ok(&["hash"]);
}

/// Defects for 18 revisions in 4 shards (1-4, 5-9, 10-13, 14-18): at least one in each
/// shard, of every kind that both backends judge alike.
fn planted(n: usize) -> Option<(String, Option<String>)> {
    let table = format!("CREATE TABLE t{n:02} (id INTEGER PRIMARY KEY, v TEXT);\n");
    let files = |up: String, down: Option<&str>| Some((up, down.map(str::to_owned)));
    match n {
        // The down forgets the table its up made beside the index.
        2 => files(
            format!("{table}CREATE INDEX t02_v ON t02 (v);\n"),
            Some("DROP INDEX t02_v;\n"),
        ),
        6 => files(table, Some("DROP TABLE no_such_table;\n")),
        7 => files(table, None),
        // The down leaves the row the up inserted, so the second up collides with it.
        11 => files(
            format!("{table}INSERT INTO t01 (id, v) VALUES (1, 'seed');\n"),
            Some("DROP TABLE t11;\n"),
        ),
        13 => files(
            "ALTER TABLE t01 ADD COLUMN note TEXT;\n".into(),
            Some("SELECT 1;\n"),
        ),
        // The down drops the view its up made, not the table.
        16 => files(
            format!("{table}CREATE VIEW t16_names AS SELECT v FROM t16;\n"),
            Some("DROP VIEW t16_names;\n"),
        ),
        _ => None,
    }
}

const PLANTED: [(usize, &str); 6] = [
    (2, "down_mismatch"),
    (6, "down_failed"),
    (7, "irreversible"),
    (11, "reup_failed"),
    (13, "down_mismatch"),
    (16, "down_mismatch"),
];

fn json(output: &Output) -> Value {
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {output:#?}"))
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().into(),
                v["status"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// The report without what changes from run to run.
fn steady(mut report: Value) -> Value {
    report.as_object_mut().unwrap().remove("duration_ms");
    report
}

/// The human output without durations.
fn steady_text(text: &str) -> String {
    text.lines()
        .map(|line| match line.rsplit_once(", in ") {
            Some((head, _)) if line.contains(" revisions, ") => format!("{head}\n"),
            _ => format!("{line}\n"),
        })
        .collect()
}

/// Runs every shard of `count` with `--report`, asserting each one's exit code from its
/// own verdicts; returns the report files, last first, to show that order does not matter.
fn run_shards(test: &Test, count: usize) -> Vec<String> {
    let mut files = Vec::new();
    for index in 1..=count {
        let (shard, file) = (format!("{index}/{count}"), format!("shard-{index}.json"));
        let output = verify(test, &["--shard", &shard, "--report", &file]);
        let report: Value = serde_json::from_str(&test.read(&file)).unwrap();
        let fails = statuses(&report)
            .iter()
            .any(|(_, status)| !matches!(status.as_str(), "ok" | "irreversible" | "skipped"));
        assert_eq!(output.code, i32::from(fails), "shard {shard}: {output:#?}");
        assert_eq!(report["shard"]["index"], index);
        files.push(file);
    }
    files.reverse();
    files
}

backend_test!(
    four_shards_merged_and_four_jobs_say_what_one_run_says,
    |test| {
        generate(&test, 18, &planted);
        test.ok(&["snapshot", "--backend", backend(&test)]);
        let whole = verify(&test, &["--format", "json"]);
        assert_eq!(whole.code, 1, "{whole:#?}");
        let whole_report = json(&whole);
        let expected: Vec<(String, String)> = (1..=18)
            .map(|n| {
                let planted = PLANTED.iter().find(|(at, _)| *at == n);
                (
                    id(n),
                    planted.map_or("ok", |(_, status)| *status).to_owned(),
                )
            })
            .collect();
        assert_eq!(
            statuses(&whole_report),
            expected,
            "one run finds every planted defect"
        );
        assert_eq!(whole_report["snapshot"]["status"], "matches");

        let files = run_shards(&test, 4);
        let shard_of = |n: usize| test.read(&format!("shard-{n}.json"));
        for (n, defect) in [
            (1, "20240201000002"),
            (2, "20240201000006"),
            (3, "20240201000011"),
        ] {
            assert!(shard_of(n).contains(defect), "shard {n} holds a defect");
        }
        assert!(
            shard_of(4).contains("\"matches\""),
            "the last shard checks the snapshot"
        );
        assert!(shard_of(2).contains("\"not_at_head\""));
        let merged = merge(&test, &files, &["--format", "json"]);
        assert_eq!(merged.code, whole.code, "{merged:#?}");
        assert_eq!(steady(json(&merged)), steady(whole_report.clone()));
        let jobs = verify(&test, &["--jobs", "4", "--format", "json"]);
        assert_eq!(jobs.code, whole.code, "{jobs:#?}");
        assert_eq!(steady(json(&jobs)), steady(whole_report));

        let whole_text = steady_text(&verify(&test, &[]).stdout);
        assert_eq!(steady_text(&merge(&test, &files, &[]).stdout), whole_text);
        assert_eq!(
            steady_text(&verify(&test, &["--jobs", "4"]).stdout),
            whole_text
        );
    }
);

backend_test!(
    an_up_that_fails_in_one_shard_leaves_the_later_shards_skipped,
    |test| {
        generate(&test, 9, &|n| {
            (n == 4).then(|| ("ALTER TABLE nope ADD COLUMN x INTEGER;\n".into(), None))
        });
        let whole = verify(&test, &["--format", "json"]);
        assert_eq!(whole.code, 1, "{whole:#?}");
        let mut expected = vec!["ok", "ok", "ok", "up_failed"];
        expected.extend(["skipped"; 5]);
        let whole_report = json(&whole);
        let actual: Vec<String> = statuses(&whole_report)
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(actual, expected);

        let files = run_shards(&test, 3);
        let last: Value = serde_json::from_str(&test.read("shard-3.json")).unwrap();
        assert_eq!(last["snapshot"]["status"], "not_checked");
        let merged = merge(&test, &files, &["--format", "json"]);
        assert_eq!(merged.code, 1);
        assert_eq!(steady(json(&merged)), steady(whole_report.clone()));
        let jobs = verify(&test, &["--jobs", "3", "--format", "json"]);
        assert_eq!(steady(json(&jobs)), steady(whole_report));
    }
);

backend_test!(reports_that_are_not_one_run_are_refused, |test| {
    run_shards(&test, 3);
    let refused = |files: &[&str]| {
        let files: Vec<String> = files.iter().map(|file| (*file).to_owned()).collect();
        let output = merge(&test, &files, &[]);
        assert_eq!(output.code, 2, "{output:#?}");
        output.stderr
    };
    let missing = refused(&["shard-1.json", "shard-3.json"]);
    assert!(
        missing.contains(&format!(
            "error: no report for {} shard 2/3 (revisions 20240103090000 to 20240105090000)",
            backend(&test)
        )),
        "{missing}"
    );
    assert!(missing.contains("these hold"), "{missing}");
    let twice = refused(&[
        "shard-1.json",
        "shard-2.json",
        "shard-2.json",
        "shard-3.json",
    ]);
    assert!(twice.contains("shard 2/3 is in both"), "{twice}");

    // Another commit: an edited migration makes another history.
    test.write(
        "migrations/20240101090000_create_users/down.sql",
        "DROP TABLE IF EXISTS users;\n",
    );
    test.ok(&["hash"]);
    verify(&test, &["--shard", "3/3", "--report", "edited-3.json"]);
    let mixed = refused(&["shard-1.json", "shard-2.json", "edited-3.json"]);
    assert!(mixed.contains("are of different histories"), "{mixed}");
    assert!(mixed.contains("their files differ"), "{mixed}");

    verify(&test, &["--format", "json", "--report", "whole.json"]);
    let whole = refused(&["whole.json"]);
    assert!(whole.contains("is not a shard report"), "{whole}");
    for shard in ["0/3", "4/3", "1/0", "three"] {
        let output = verify(&test, &["--shard", shard]);
        assert_eq!(output.code, 2, "{output:#?}");
        assert!(output.stderr.contains("--shard <K/N>"), "{}", output.stderr);
    }
});

/// Ids for histories past 99 revisions.
fn long_id(n: usize) -> String {
    format!("2024020100{n:04}")
}

// Unasked, verify splits a long history into a shard per core (`--jobs auto`):
// the same report and output as one walk, defects planted early and late.
backend_test!(
    a_long_history_split_unasked_says_what_one_walk_says,
    |test| {
        // Long enough to be split on a server whose databases take 140 ms to make.
        let len = 210;
        // Late, in the last shard: a down that forgets the index beside its table.
        let late = || {
            let up = "CREATE TABLE t200 (id INTEGER PRIMARY KEY, v TEXT);\n\
                      CREATE INDEX t200_v ON t200 (v);\n";
            Some((up.to_owned(), Some("DROP INDEX t200_v;\n".to_owned())))
        };
        generate_with_ids(&test, len, long_id, &|n| match n {
            1..=18 => planted(n),
            200 => late(),
            _ => None,
        });
        test.ok(&["snapshot", "--backend", backend(&test)]);
        let one = verify(&test, &["--jobs", "1", "--format", "json"]);
        let unasked = verify(&test, &["--format", "json"]);
        assert_eq!(one.code, 1, "{one:#?}");
        assert_eq!(unasked.code, one.code, "{unasked:#?}");
        let report = json(&one);
        let failed: Vec<String> = statuses(&report)
            .into_iter()
            .filter(|(_, status)| status != "ok")
            .map(|(id, _)| id)
            .collect();
        assert!(
            failed.contains(&long_id(2)) && failed.contains(&long_id(200)),
            "early and late defects found: {failed:?}"
        );
        assert_eq!(steady(json(&unasked)), steady(report));
        assert_eq!(
            steady_text(&verify(&test, &[]).stdout),
            steady_text(&verify(&test, &["--jobs", "1"]).stdout)
        );
    }
);
