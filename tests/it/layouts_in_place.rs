//! Real-world folders of goose, popx, authelia (dotted Flyway names), harness (shared
//! prefixes), diesel (mixed ids, metadata.toml, comment-only files), Atlas and Prisma,
//! read in place and recognised without `--layout`: status, upgrade, check, downgrade to
//! base and verify on every backend.

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::Test;

/// What a fixture should read as.
pub struct Expect<'a> {
    /// The folder, relative to the test dir.
    pub dir: &'a str,
    /// The ids in the order the tool runs them.
    pub ids: &'a [&'a str],
    /// The line `status` prints for the files that are not migrations.
    pub ignored: &'a str,
    /// Whether every revision has a down (up-only tools: none has).
    pub reversible: bool,
}

pub fn backend(test: &Test) -> &'static str {
    match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    }
}

/// Status, upgrade, check, downgrade to base, then verify on a scratch database.
pub fn read_in_place(test: &Test, expect: &Expect<'_>) {
    let run = |args: &[&str]| {
        let mut full = vec!["--dir", expect.dir];
        full.extend_from_slice(args);
        test.run(&full)
    };
    let count = expect.ids.len();
    let status = run(&["status"]);
    assert_eq!(status.code, 0, "{status:#?}");
    let listed: Vec<&str> = status
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("pending"))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert_eq!(listed, expect.ids, "{}", status.stdout);
    assert!(
        status.stdout.contains(&format!("\n{count} pending\n")),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains(&format!("\n{}\n", expect.ignored)),
        "{}",
        status.stdout
    );
    let head = expect.ids[count - 1];
    let upgrade = run(&["upgrade"]);
    assert_eq!(upgrade.code, 0, "{upgrade:#?}");
    assert!(
        upgrade
            .stdout
            .ends_with(&format!("database at {head} (head)\n")),
        "{}",
        upgrade.stdout
    );
    assert_eq!(tracked(test), sorted(expect.ids));
    let check = run(&["check"]);
    assert_eq!(check.stdout, format!("{count} applied\n"), "{check:#?}");
    let downgrade = run(&["downgrade", "base"]);
    if expect.reversible {
        assert_eq!(downgrade.code, 0, "{downgrade:#?}");
        assert_eq!(test.db.tracked_revisions(), Some(vec![]));
        // Only the tracking table (and the progress table of no-transaction scripts) stays.
        let left: Vec<String> = test
            .db
            .tables()
            .into_iter()
            .filter(|table| !table.starts_with("migrate_history"))
            .collect();
        assert_eq!(left, Vec::<String>::new());
    } else {
        assert_eq!(downgrade.code, 1, "{downgrade:#?}");
        assert!(
            downgrade.stderr.contains("has no down"),
            "{}",
            downgrade.stderr
        );
        assert_eq!(test.db.tracked_revisions().unwrap().len(), count);
    }
    let verify = run(&["verify", "--backend", backend(test)]);
    assert_eq!(verify.code, 0, "{verify:#?}");
    let verdicts = if expect.reversible {
        format!("{count} revisions, {count} ok, 0 irreversible, 0 failed")
    } else {
        format!("{count} revisions, 0 ok, {count} irreversible, 0 failed")
    };
    assert!(verify.stdout.contains(&verdicts), "{}", verify.stdout);
    assert!(
        verify.stdout.contains(&format!("\n{}\n", expect.ignored)),
        "{}",
        verify.stdout
    );
}

/// The tracked revisions, sorted here (the database's collation need not sort as bytes).
fn tracked(test: &Test) -> Vec<String> {
    let mut ids = test.db.tracked_revisions().unwrap_or_default();
    ids.sort();
    ids
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    ids.sort();
    ids
}

backend_test!(goose_folder, fixture = "layouts/goose", |test| {
    let dir = format!("migrations/{}", backend(&test));
    read_in_place(
        &test,
        &Expect {
            dir: &dir,
            ids: &[
                "00001",
                "00002",
                "00003",
                "00004",
                "00005",
                "20240315103000",
            ],
            ignored: "ignored: README.md, seed_data.sql",
            reversible: true,
        },
    );
});

backend_test!(popx_folder, fixture = "layouts/popx/migrations", |test| {
    // Version …03 has MySQL files only: on this database it is a step that runs nothing.
    let status = test.ok(&["status"]);
    assert!(
        status.contains(
            "\nno-op on this database (popx has no file for its dialect): 20210410175418000003\n"
        ),
        "{status}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&test.ok(&["status", "--format", "json"])).unwrap();
    assert_eq!(json["no_ops"], serde_json::json!(["20210410175418000003"]));
    assert_eq!(
        json["ignored"],
        serde_json::json!(["README.md", "seed_data.sql"])
    );
    read_in_place(
        &test,
        &Expect {
            dir: "migrations",
            ids: &[
                "20210410175418000000",
                "20210410175418000001",
                "20210410175418000002",
                "20210410175418000003",
                "20210410175418000004",
                "20210410175418000005",
            ],
            ignored: "ignored: README.md, seed_data.sql",
            reversible: true,
        },
    );
});

backend_test!(
    flyway_dotted_folder,
    fixture = "layouts/flyway-dotted",
    |test| {
        let dir = format!("migrations/{}", backend(&test));
        read_in_place(
            &test,
            &Expect {
                dir: &dir,
                ids: &["0001", "0002", "0003", "0004"],
                ignored: "ignored: README.md",
                reversible: true,
            },
        );
    }
);

backend_test!(
    shared_prefix_folder,
    fixture = "layouts/shared-prefix/migrations",
    |test| {
        read_in_place(
            &test,
            &Expect {
                dir: "migrations",
                ids: &["0001.1", "0001.2", "0001.3", "0002", "0003"],
                ignored: "ignored: README.md, seed_data.sql",
                reversible: true,
            },
        );
    }
);

backend_test!(
    diesel_mixed_folder,
    fixture = "layouts/diesel-mixed",
    |test| {
        let dir = format!("migrations/{}", backend(&test));
        read_in_place(
            &test,
            &Expect {
                dir: &dir,
                // diesel's order: the versions' text without dashes, so the 2014 timestamp
                // runs before the dashed 2017 one (posts refer to users).
                ids: &[
                    "00000000000000",
                    "20140924113530",
                    "2017-08-31-230457",
                    "2024-03-01-120000",
                    "2025-11-19-091444-0000",
                    "20260102090000",
                ],
                ignored: "ignored: 2017-08-31-230457_create_posts/README.md, README.md, seed_data.sql",
                reversible: true,
            },
        );
    }
);

backend_test!(atlas_folder, fixture = "layouts/atlas/migrations", |test| {
    read_in_place(
        &test,
        &Expect {
            dir: "migrations",
            ids: &["20240101120000", "20240102120000", "20240103120000"],
            ignored: "ignored: README.md",
            reversible: false,
        },
    );
});

backend_test!(
    prisma_folder,
    fixture = "layouts/prisma/migrations",
    |test| {
        read_in_place(
            &test,
            &Expect {
                dir: "migrations",
                ids: &["20240101120000", "20240105093000", "20240110150000"],
                ignored: "ignored: README.md",
                reversible: false,
            },
        );
    }
);
