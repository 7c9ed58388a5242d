//! `migrate adopt --from TOOL`: each tool's tracking table, filled as that tool fills it
//! (`fixtures/layouts/<tool>/tracking.<backend>.sql`), taken over without re-running
//! anything and without touching the tool's table.

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::{Test, repo};

/// The example's first five revisions as the other tool left the database: their SQL run,
/// and its tracking table filled.
fn migrated_by(test: &Test, tool: &str) {
    migrated_with(test, tool, "tracking");
}

/// As [`migrated_by`], the tool's table from `fixtures/layouts/<tool>/<tracking>.<backend>.sql`
/// (`tracking-<setting>` for a setting that changes what the tool stores).
fn migrated_with(test: &Test, tool: &str, tracking: &str) {
    let mut folders: Vec<_> = std::fs::read_dir(repo().join("migrations"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    for folder in &folders[..5] {
        test.db
            .execute(&std::fs::read_to_string(folder.join("up.sql")).unwrap());
    }
    let backend = match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    };
    let fixture = repo()
        .join("fixtures/layouts")
        .join(tool)
        .join(format!("{tracking}.{backend}.sql"));
    test.db.execute(&std::fs::read_to_string(fixture).unwrap());
}

/// The other tool's rows as text, `columns` joined by `|`, to show they did not change.
fn rows(test: &Test, table: &str, columns: &[&str]) -> Vec<String> {
    let joined: Vec<String> = columns
        .iter()
        .map(|column| format!("coalesce(CAST({column} AS TEXT), 'NULL')"))
        .collect();
    let sql = format!(
        "SELECT {} FROM {table} ORDER BY 1",
        joined.join(" || '|' || ")
    );
    test.db.query_strings(table, &sql).unwrap()
}

/// Adopts, checks our table and theirs, then upgrades: only the last three run.
fn adopts(test: &Test, tool: &str, table: &str, columns: &[&str]) {
    migrated_by(test, tool);
    let rows = if tool == "golang-migrate" { 1 } else { 5 };
    adopts_rows(test, &["adopt", "--from", tool], (table, columns), rows);
}

/// Runs `adopt` (the tool's table already filled, with `rows` rows) and returns its
/// output, after checking our table and theirs, and that an upgrade then runs the last three.
fn adopts_rows(
    test: &Test,
    adopt: &[&str],
    (table, columns): (&str, &[&str]),
    rows_before: usize,
) -> String {
    let before = rows(test, table, columns);
    assert_eq!(before.len(), rows_before);
    let out = test.ok(adopt);
    assert_eq!(out.matches("adopted ").count(), 5, "{out}");
    let tracked = test.db.tracked_revisions().unwrap();
    let ids: Vec<String> = test
        .ok(&["history"])
        .lines()
        .rev()
        .map(|line| line.split([' ', ',']).nth(2).unwrap_or_default().to_owned())
        .collect();
    assert_eq!(tracked, ids[..5], "{out}");
    assert_eq!(rows(test, table, columns), before);
    let upgrade = test.ok(&["upgrade"]);
    assert_eq!(upgrade.matches("upgrade ").count(), 3, "{upgrade}");
    assert_eq!(test.ok(&["check"]), "8 applied\n");
    assert_eq!(rows(test, table, columns), before);
    out
}

backend_test!(sqlx, fixture = "layouts/sqlx/migrations", |test| {
    let columns = ["version", "description", "success", "length(checksum)"];
    adopts(&test, "sqlx", "_sqlx_migrations", &columns);
});

backend_test!(diesel, fixture = "layouts/diesel/migrations", |test| {
    adopts(&test, "diesel", "__diesel_schema_migrations", &["version"]);
});

backend_test!(
    golang_migrate,
    fixture = "layouts/golang-migrate/migrations",
    |test| {
        adopts(
            &test,
            "golang-migrate",
            "schema_migrations",
            &["version", "dirty"],
        );
    }
);

backend_test!(dbmate, fixture = "layouts/dbmate/migrations", |test| {
    adopts(&test, "dbmate", "schema_migrations", &["version"]);
});

backend_test!(flyway, fixture = "layouts/flyway/migrations", |test| {
    adopts(&test, "flyway", "flyway_schema_history", &FLYWAY_COLUMNS);
});

backend_test!(refinery, fixture = "layouts/refinery/migrations", |test| {
    let columns = ["version", "name", "checksum"];
    adopts(&test, "refinery", "refinery_schema_history", &columns);
});

const FLYWAY_COLUMNS: [&str; 5] = ["installed_rank", "version", "type", "checksum", "success"];

backend_test!(
    flyway_baseline,
    fixture = "layouts/flyway/migrations",
    |test| {
        // Baselined at 3, then V4 and V5 applied: three rows for five revisions.
        migrated_with(&test, "flyway", "tracking-baseline");
        let table = ("flyway_schema_history", &FLYWAY_COLUMNS[..]);
        let out = adopts_rows(&test, &["adopt", "--from", "flyway"], table, 3);
        assert!(
            out.contains("flyway baseline at 3: the revisions at or below it count as applied"),
            "{out}"
        );
        // The baselined revisions have no checksum of their own; V4's and V5's are compared.
        assert!(out.contains("2 of 2 stored checksum(s) match"), "{out}");
    }
);

backend_test!(
    flyway_baseline_then_a_gap,
    fixture = "layouts/flyway/migrations",
    |test| {
        migrated_with(&test, "flyway", "tracking-baseline");
        test.db
            .execute("UPDATE flyway_schema_history SET version = '2' WHERE type = 'BASELINE'");
        let refused = test.fails(&["adopt", "--from", "flyway"], 1);
        assert!(
            refused
                .stderr
                .contains("skipped revision(s) 3 below its newest applied one, 5"),
            "{}",
            refused.stderr
        );
        assert_eq!(test.db.tracked_revisions(), Some(vec![]));
    }
);

/// sqlx.toml's `ignored-chars` in the fixture, as `--ignored-chars` spells it.
const SQLX_IGNORED: &str = " \\t\\r\\n\\u{FEFF}";

backend_test!(
    sqlx_ignored_chars,
    fixture = "layouts/sqlx/migrations",
    |test| {
        migrated_with(&test, "sqlx", "tracking-ignored-chars");
        // Without the setting, every checksum differs: refused, pointing at the option.
        let refused = test.fails(&["adopt", "--from", "sqlx"], 1);
        assert!(
            refused.stderr.contains("5 file(s) differ"),
            "{}",
            refused.stderr
        );
        assert!(
            refused.stderr.contains("--ignored-chars"),
            "{}",
            refused.stderr
        );
        // With it, reformatting a file (CRLF line ends, indentation) changes nothing.
        let file = "migrations/20240102090000_create_trips.up.sql";
        let reformatted = test.read(file).replace('\n', "\r\n").replace("  ", "\t");
        test.write(file, reformatted);
        let dry = test.ok(&[
            "adopt",
            "--from",
            "sqlx",
            "--ignored-chars",
            SQLX_IGNORED,
            "--dry-run",
        ]);
        assert!(dry.contains("5 of 5 stored checksum(s) match"), "{dry}");
        let refused = test.fails(&["adopt", "--from", "diesel", "--ignored-chars", "\\r"], 2);
        assert!(
            refused
                .stderr
                .contains("--ignored-chars is only for --from sqlx"),
            "{}",
            refused.stderr
        );
        // The same setting from migrate.toml, written as sqlx.toml writes it.
        test.write(
            "migrate.toml",
            "[adopt]\nsqlx_ignored_chars = [\" \", \"\\t\", \"\\r\", \"\\n\", \"\\uFEFF\"]\n",
        );
        let columns = ["version", "description", "success", "length(checksum)"];
        let out = adopts_rows(
            &test,
            &["adopt", "--from", "sqlx"],
            ("_sqlx_migrations", &columns),
            5,
        );
        assert!(out.contains("5 of 5 stored checksum(s) match"), "{out}");
    }
);

backend_test!(
    refinery_int8_versions,
    fixture = "layouts/refinery/migrations",
    |test| {
        migrated_with(&test, "refinery", "tracking-int8");
        let columns = ["version", "name", "checksum"];
        let table = ("refinery_schema_history", &columns[..]);
        let out = adopts_rows(&test, &["adopt", "--from", "refinery"], table, 5);
        assert!(out.contains("5 of 5 stored checksum(s) match"), "{out}");
    }
);

backend_test!(alembic_needs_to, |test| {
    migrated_by(&test, "alembic");
    let refused = test.fails(&["adopt", "--from", "alembic"], 2);
    assert!(
        refused.stderr.contains("needs --to ID"),
        "{}",
        refused.stderr
    );
    let out = test.ok(&["adopt", "--from", "alembic", "--to", "20240105"]);
    assert!(out.contains("alembic is at ae1027a6acf"), "{out}");
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 5);
    let alembic = rows(&test, "alembic_version", &["version_num"]);
    assert_eq!(alembic, ["ae1027a6acf"]);
    let refused = test.fails(&["adopt", "--from", "diesel", "--to", "20240105"], 2);
    assert!(
        refused.stderr.contains("--to is only for --from alembic"),
        "{}",
        refused.stderr
    );
});

/// An adopted file edited since the tool applied it: refused, naming the file.
fn edited_file_is_refused(test: &Test, tool: &str, file: &str) {
    migrated_by(test, tool);
    let path = format!("migrations/{file}");
    test.write(&path, test.read(&path) + "-- edited\n");
    let refused = test.fails(&["adopt", "--from", tool], 1);
    assert!(refused.stderr.contains(file), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--allow-changed"),
        "{}",
        refused.stderr
    );
    assert_eq!(test.db.tracked_revisions(), Some(vec![]));
    test.ok(&["adopt", "--from", tool, "--allow-changed"]);
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 5);
}

backend_test!(
    sqlx_checksum_mismatch,
    fixture = "layouts/sqlx/migrations",
    |test| {
        edited_file_is_refused(&test, "sqlx", "20240103090000_create_travelers.up.sql");
    }
);

backend_test!(
    flyway_checksum_mismatch,
    fixture = "layouts/flyway/migrations",
    |test| {
        edited_file_is_refused(&test, "flyway", "V2__create_trips.sql");
    }
);

backend_test!(
    refinery_checksum_mismatch,
    fixture = "layouts/refinery/migrations",
    |test| {
        edited_file_is_refused(&test, "refinery", "V5__create_packing_lists.sql");
    }
);

backend_test!(
    version_missing_from_the_directory,
    fixture = "layouts/dbmate/migrations",
    |test| {
        migrated_by(&test, "dbmate");
        test.remove("migrations/20240104090000_create_categories.sql");
        let refused = test.fails(&["adopt", "--from", "dbmate"], 1);
        assert!(
            refused.stderr.contains("does not hold: 20240104090000\n"),
            "{}",
            refused.stderr
        );
    }
);

backend_test!(
    a_gap_is_refused,
    fixture = "layouts/dbmate/migrations",
    |test| {
        migrated_by(&test, "dbmate");
        test.db
            .execute("DELETE FROM schema_migrations WHERE version = '20240102090000'");
        let refused = test.fails(&["adopt", "--from", "dbmate"], 1);
        assert!(
            refused
                .stderr
                .contains("skipped revision(s) 20240102090000 below"),
            "{}",
            refused.stderr
        );
    }
);

backend_test!(
    dirty_golang_migrate,
    fixture = "layouts/golang-migrate/migrations",
    |test| {
        migrated_by(&test, "golang-migrate");
        test.db
            .execute("UPDATE schema_migrations SET dirty = (1 = 1)");
        let refused = test.fails(&["adopt", "--from", "golang-migrate"], 1);
        assert!(refused.stderr.contains("dirty"), "{}", refused.stderr);
        assert!(
            refused.stderr.contains("migrate force 5"),
            "{}",
            refused.stderr
        );
    }
);

backend_test!(already_tracked, |test| {
    migrated_by(&test, "diesel");
    test.ok(&["stamp", "20240102090000"]);
    let refused = test.fails(&["adopt", "--from", "diesel"], 1);
    assert!(
        refused.stderr.contains("already records 2 revision(s)"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("migrate stamp base"),
        "{}",
        refused.stderr
    );
    test.ok(&["stamp", "base"]);
    test.ok(&["adopt", "--from", "diesel"]);
    let again = test.ok(&["adopt", "--from", "diesel"]);
    assert!(again.starts_with("nothing to do"), "{again}");
});

backend_test!(dry_run_records_nothing, |test| {
    migrated_by(&test, "diesel");
    let out = test.ok(&["adopt", "--from", "diesel", "--dry-run"]);
    assert_eq!(out.matches("would adopt ").count(), 5, "{out}");
    assert_eq!(test.db.tracked_revisions(), None);
});

backend_test!(json_report, fixture = "layouts/sqlx/migrations", |test| {
    migrated_by(&test, "sqlx");
    let out = test.ok(&["adopt", "--from", "sqlx", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["from"], "sqlx");
    assert_eq!(report["adopted"].as_array().unwrap().len(), 5);
    assert_eq!(report["checksums"][4]["verdict"], "same");
});

backend_test!(no_table_to_adopt, |test| {
    let refused = test.fails(&["adopt", "--from", "sqlx"], 1);
    assert!(
        refused.stderr.contains("no table _sqlx_migrations"),
        "{}",
        refused.stderr
    );
});

backend_test!(
    another_tools_table_of_that_name,
    fixture = "layouts/dbmate/migrations",
    |test| {
        migrated_by(&test, "dbmate");
        let refused = test.fails(&["adopt", "--from", "golang-migrate"], 1);
        assert!(
            refused
                .stderr
                .contains("cannot read schema_migrations as golang-migrate's table"),
            "{}",
            refused.stderr
        );
        assert!(
            refused.stderr.contains("check --from"),
            "{}",
            refused.stderr
        );
    }
);
