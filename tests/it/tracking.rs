//! What the tracking table and the sum file guard: edits, removals, reorders, irreversibility.

use crate::backend_test;
use crate::backends::Kind;
use crate::snapshot;

const USERS_UP: &str = "migrations/20240101090000_create_users/up.sql";

backend_test!(an_edited_migration_is_refused_until_hashed, |test| {
    test.ok(&["upgrade", "+2"]);
    let original = test.read(USERS_UP);
    test.write(
        USERS_UP,
        original.replace("name TEXT NOT NULL", "full_name TEXT NOT NULL"),
    );
    for command in [&["upgrade"][..], &["status"], &["check"], &["current"]] {
        let output = test.fails(command, 1);
        assert!(
            output
                .stderr
                .contains("revision 20240101090000 differs from the sum file")
                && output
                    .stderr
                    .contains("help: if the change is intended, run `migrate hash`"),
            "{command:?}: {}",
            output.stderr
        );
    }
    test.ok(&["hash"]);
    let changed = test.fails(&["upgrade"], 1);
    snapshot::assert("cli", "changed_applied_revision", &changed.stderr);
    let status = test.ok(&["status"]);
    assert!(
        status.starts_with("changed      20240101090000  create users\n"),
        "{status}"
    );
    test.ok(&["upgrade", "--allow-changed"]);
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
});

backend_test!(an_edit_of_whitespace_alone_shows_the_whitespace, |test| {
    test.ok(&["upgrade", "+1"]);
    let original = test.read(USERS_UP);
    let edited = original
        .replacen(
            "    id INTEGER PRIMARY KEY,",
            "\tid INTEGER PRIMARY KEY,",
            1,
        )
        .replacen("name TEXT NOT NULL,", "name TEXT NOT NULL, ", 1);
    assert_ne!(edited, original);
    test.write(USERS_UP, edited);
    test.ok(&["hash"]);
    let changed = test.fails(&["upgrade"], 1).stderr;
    assert!(
        changed.contains("   | +→id INTEGER PRIMARY KEY,\n"),
        "a tab shows as an arrow: {changed}"
    );
    assert!(
        changed.contains("   | +    name TEXT NOT NULL,·\n"),
        "a trailing space shows as a dot: {changed}"
    );
    assert!(
        changed.contains("   | -    name TEXT NOT NULL,\n"),
        "{changed}"
    );
});

backend_test!(a_crlf_checkout_changes_no_checksum, |test| {
    test.ok(&["upgrade"]);
    let original = test.read(USERS_UP);
    test.write(
        USERS_UP,
        format!("\u{feff}{}", original.replace('\n', "\r\n")),
    );
    assert_eq!(test.ok(&["check"]), "8 applied\n");
});

backend_test!(a_directory_without_sum_file_works_and_says_so, |test| {
    test.remove("migrations/migrate.sum");
    test.ok(&["upgrade"]);
    let status = test.ok(&["status"]);
    assert!(
        status.contains("has no migrate.sum") && status.contains("run `migrate hash`"),
        "{status}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&test.ok(&["status", "--format", "json"])).unwrap();
    assert_eq!(json["sum_file"], "absent");
});

backend_test!(
    a_revision_gone_after_a_branch_switch_rolls_back_from_stored_sql,
    |test| {
        test.ok(&["upgrade"]);
        test.remove("migrations/20240108090000_index_packing_items_by_list");
        test.ok(&["hash"]);
        let upgrade = test.fails(&["upgrade"], 1);
        snapshot::assert("cli", "missing_revision_upgrade", &upgrade.stderr);
        let downgrade = test.fails(&["downgrade"], 1);
        assert!(
            downgrade.stderr.contains("--use-stored-down"),
            "{}",
            downgrade.stderr
        );
        let status = test.ok(&["status"]);
        assert!(status.contains("missing      20240108090000"), "{status}");
        let output = test.ok(&["downgrade", "--use-stored-down"]);
        assert!(
            output.starts_with(
                "20240108090000 is not in the migrations directory; running the down SQL stored when it was applied:\n    DROP INDEX packing_items_list_packed;\ndowngrade 20240108090000 index packing items by list"
            ),
            "says what it will run, then runs it: {output}"
        );
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 7);
        assert_eq!(test.ok(&["check"]), "7 applied\n");
    }
);

backend_test!(
    a_revision_merged_below_the_applied_ones_is_out_of_order,
    |test| {
        test.ok(&["upgrade"]);
        test.write(
            "migrations/20240103120000_add_trip_budget/up.sql",
            "ALTER TABLE trips ADD COLUMN budget INTEGER;\n",
        );
        test.write(
            "migrations/20240103120000_add_trip_budget/down.sql",
            "ALTER TABLE trips DROP COLUMN budget;\n",
        );
        test.ok(&["hash"]);
        let output = test.fails(&["upgrade"], 1);
        snapshot::assert("cli", "out_of_order", &output.stderr);
        let check = test.fails(&["check"], 1);
        assert!(
            check
                .stdout
                .contains("out of order 20240103120000  add trip budget"),
            "{}",
            check.stdout
        );
    }
);

backend_test!(
    downgrade_across_an_irreversible_revision_refuses_before_running,
    |test| {
        test.write(
            "migrations/20240107090000_add_email_verified_to_users/down.sql",
            "-- migrate:irreversible\n-- the column's data cannot come back\n",
        );
        test.remove("migrations/20240105090000_create_packing_lists/down.sql");
        test.ok(&["hash"]);
        test.ok(&["upgrade"]);
        let output = test.fails(&["downgrade", "base"], 1);
        snapshot::assert("cli", "irreversible", &output.stderr);
        assert_eq!(
            test.db.tracked_revisions().unwrap().len(),
            8,
            "nothing was reverted"
        );
        test.ok(&["downgrade"]);
        assert_eq!(
            test.db.tracked_revisions().unwrap().len(),
            7,
            "the revision above still reverts"
        );
    }
);

backend_test!(a_custom_tracking_table_name, |test| {
    test.ok(&["--table", "schema_versions", "upgrade", "+2"]);
    assert!(test.db.tables().contains(&"schema_versions".to_string()));
    assert_eq!(
        test.db.tracked_revisions(),
        None,
        "the default table was not created"
    );
    let current = test.ok(&["--table", "schema_versions", "current"]);
    assert_eq!(current, "20240102090000 create trips\n");
});

backend_test!(tracking_rows_record_checksums_text_and_timing, |test| {
    test.ok(&["upgrade", "+1"]);
    let sql = "SELECT revision || '|' || slug || '|' || up_checksum || '|' || checksum_algorithm || '|' || up_sql || '|' || coalesce(down_sql, '') || '|' || (duration_ms >= 0) FROM migrate_history";
    let rows = test.db.query_strings("migrate_history", sql).unwrap();
    let up = test.read(USERS_UP);
    let down = test.read("migrations/20240101090000_create_users/down.sql");
    let checksum = migrate::core::Checksum::of_text(&up);
    let duration_ok = match test.db.kind {
        Kind::Sqlite => "1",
        Kind::Postgres => "true",
    };
    assert_eq!(
        rows,
        vec![format!(
            "20240101090000|create_users|{checksum}|sha256-lf|{up}|{down}|{duration_ok}"
        )]
    );
});

/// Whether `text` reads as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
fn is_utc_microseconds(text: &str) -> bool {
    let shape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
    text.len() == shape.len()
        && text.chars().zip(shape.chars()).all(|(c, s)| match s {
            'd' => c.is_ascii_digit(),
            _ => c == s,
        })
}

backend_test!(applied_at_is_utc_to_the_microsecond_on_every_path, |test| {
    // A no-transaction file takes the unstaged path on PostgreSQL, where the row's time
    // comes from migrate rather than from the server's clock.
    test.write(
        "migrations/20240109090000_add_notes/up.sql",
        "-- migrate:no-transaction\nCREATE TABLE notes (id INTEGER);\n",
    );
    test.write(
        "migrations/20240109090000_add_notes/down.sql",
        "DROP TABLE notes;\n",
    );
    test.ok(&["hash"]);
    let before = migrate::engine::now_rfc3339();
    test.ok(&["upgrade", "+2"]);
    test.ok(&["stamp", "+1"]);
    test.ok(&["upgrade"]);
    let after = migrate::engine::now_rfc3339();
    let sql = "SELECT applied_at FROM migrate_history ORDER BY revision";
    let stamps = test.db.query_strings("migrate_history", sql).unwrap();
    assert_eq!(stamps.len(), 9);
    for stamp in &stamps {
        assert!(is_utc_microseconds(stamp), "{stamp:?} in {stamps:?}");
        assert!(
            before <= *stamp && *stamp <= after,
            "{stamp} outside {before}..{after}"
        );
    }
});
