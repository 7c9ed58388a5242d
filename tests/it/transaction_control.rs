//! A migration file that runs in a transaction but holds its own `COMMIT`, `BEGIN` or
//! `ROLLBACK` is refused before anything runs, naming the file and line, and pointing at
//! `-- migrate:no-transaction`; bodies of functions and triggers are not mistaken for it.

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::Test;

/// Three revisions in place of the example's; the second's up commits halfway.
fn commit_halfway(test: &Test) {
    test.remove("migrations");
    test.write(
        "migrations/1_users/up.sql",
        "CREATE TABLE users (id int);\n",
    );
    test.write("migrations/1_users/down.sql", "DROP TABLE users;\n");
    test.write(
        "migrations/2_trips/up.sql",
        "-- trips, then their index\nCREATE TABLE trips (id int);\nCOMMIT;\nCREATE INDEX trips_id ON trips (id);\n",
    );
    test.write("migrations/2_trips/down.sql", "DROP TABLE trips;\n");
    test.write(
        "migrations/3_notes/up.sql",
        "CREATE TABLE notes (id int);\n",
    );
    test.write("migrations/3_notes/down.sql", "DROP TABLE notes;\n");
}

backend_test!(
    a_commit_in_a_transactional_file_is_refused_before_anything_runs,
    |test| {
        commit_halfway(&test);
        let refused = test.fails(&["upgrade"], 1);
        assert!(
            refused
                .stderr
                .contains("migrations/2_trips/up.sql:3: `COMMIT`"),
            "{}",
            refused.stderr
        );
        assert!(
            refused.stderr.contains("-- migrate:no-transaction"),
            "{}",
            refused.stderr
        );
        // Nothing ran, not even the revision before it.
        assert_nothing_committed(&test, "users");
        // `--sql` and `--dry-run` plan the same steps, so they refuse too.
        test.fails(&["upgrade", "--dry-run"], 1);
        // Up to the revision before it: nothing of the second runs, so nothing is refused.
        test.ok(&["upgrade", "1"]);
        // Run outside a transaction, the file's own BEGIN and COMMIT are the user's to make.
        test.write(
            "migrations/2_trips/up.sql",
            "-- migrate:no-transaction\nBEGIN;\nCREATE TABLE trips (id int);\nCOMMIT;\nCREATE INDEX trips_id ON trips (id);\n",
        );
        test.ok(&["upgrade"]);
        assert_eq!(test.db.tracked_revisions().unwrap(), ["1", "2", "3"]);
    }
);

backend_test!(
    a_rollback_in_a_down_is_refused_before_the_downgrade,
    |test| {
        commit_halfway(&test);
        test.write(
            "migrations/2_trips/up.sql",
            "CREATE TABLE trips (id int);\n",
        );
        test.write(
            "migrations/3_notes/down.sql",
            "BEGIN;\nDROP TABLE notes;\nROLLBACK;\n",
        );
        test.ok(&["upgrade"]);
        let refused = test.fails(&["downgrade", "base"], 1);
        assert!(
            refused
                .stderr
                .contains("migrations/3_notes/down.sql:1: `BEGIN`"),
            "{}",
            refused.stderr
        );
        assert_eq!(test.db.tracked_revisions().unwrap(), ["1", "2", "3"]);
    }
);

backend_test!(
    function_and_trigger_bodies_are_not_transaction_control,
    |test| {
        test.remove("migrations");
        test.write(
            "migrations/1_users/up.sql",
            "CREATE TABLE users (id int, seen int);\n",
        );
        test.write("migrations/1_users/down.sql", "DROP TABLE users;\n");
        // Each backend's way to run statements on insert: a BEGIN … END body either way.
        let (up, down) = match test.db.kind {
            Kind::Sqlite => (
                "CREATE TRIGGER users_seen AFTER INSERT ON users\nBEGIN\n  UPDATE users SET seen = 1 WHERE id = NEW.id;\nEND;\n",
                "DROP TRIGGER users_seen;\n",
            ),
            Kind::Postgres => (
                "CREATE FUNCTION users_seen() RETURNS trigger AS $$\nBEGIN\n  NEW.seen := 1;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n\
             CREATE TRIGGER users_seen BEFORE INSERT ON users\n  FOR EACH ROW EXECUTE FUNCTION users_seen();\n",
                "DROP TRIGGER users_seen ON users;\nDROP FUNCTION users_seen();\n",
            ),
        };
        test.write("migrations/2_seen/up.sql", up);
        test.write("migrations/2_seen/down.sql", down);
        test.ok(&["upgrade"]);
        test.db.execute("INSERT INTO users (id) VALUES (7)");
        let seen = test
            .db
            .query_strings("", "SELECT CAST(seen AS TEXT) FROM users");
        assert_eq!(seen, Some(vec!["1".to_owned()]));
        test.ok(&["downgrade", "base"]);
    }
);

backend_test!(verify_reports_the_commit_as_a_failed_up, |test| {
    commit_halfway(&test);
    let backend = match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    };
    let output = test.fails(&["verify", "--backend", backend, "--format", "json"], 1);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let statuses: Vec<&str> = report["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|revision| revision["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["ok", "up_failed", "skipped"],
        "{}",
        output.stdout
    );
    let failed = &report["revisions"][1];
    assert_eq!(failed["file"], "migrations/2_trips/up.sql");
    assert_eq!(failed["line"], 3);
    let detail = failed["detail"].as_str().unwrap();
    assert!(detail.contains("-- migrate:no-transaction"), "{detail}");
});

/// Neither `table` nor any tracking row exists: the run committed nothing.
fn assert_nothing_committed(test: &Test, table: &str) {
    assert!(
        !test.db.tables().contains(&table.to_owned()),
        "{:?}",
        test.db.tables()
    );
    assert_eq!(
        test.db.tracked_revisions().unwrap_or_default(),
        Vec::<String>::new()
    );
}

/// A data migration long enough that the run starts it while its text is still being
/// hashed and lexed (over a MiB): `early` after its first statement, `middle` halfway
/// through its inserts; the line `middle` starts on.
fn long_data_migration(test: &Test, early: &str, middle: &str) -> usize {
    let rows = 24_000;
    let mut up = String::from("CREATE TABLE events (id int PRIMARY KEY, payload text);\n");
    up.push_str(early);
    for id in 0..rows {
        if id == rows / 2 {
            up.push_str(middle);
        }
        up.push_str(&format!(
            "INSERT INTO events (id, payload) VALUES ({id}, 'one row of a long data migration');\n"
        ));
    }
    assert!(up.len() > 1 << 20, "{} bytes", up.len());
    test.remove("migrations");
    test.write("migrations/1_events/up.sql", &up);
    test.write("migrations/1_events/down.sql", "DROP TABLE events;\n");
    up[..up.find(middle).unwrap_or(0)].lines().count() + 1
}

backend_test!(
    a_commit_in_a_long_file_is_refused_with_nothing_committed,
    |test| {
        let line = long_data_migration(&test, "", "COMMIT;\n");
        let refused = test.fails(&["upgrade"], 1);
        let at = format!("migrations/1_events/up.sql:{line}: `COMMIT`");
        assert!(refused.stderr.contains(&at), "{at}\n{}", refused.stderr);
        assert!(
            refused.stderr.contains("-- migrate:no-transaction"),
            "{}",
            refused.stderr
        );
        assert_nothing_committed(&test, "events");
        // A statement failing long before the COMMIT is reached: refused for the COMMIT
        // all the same, as the plan refuses a short file before anything runs.
        let line = long_data_migration(&test, "INSERT INTO missing VALUES (1);\n", "END;\n");
        let refused = test.fails(&["upgrade"], 1);
        let at = format!("migrations/1_events/up.sql:{line}: `END`");
        assert!(refused.stderr.contains(&at), "{at}\n{}", refused.stderr);
        assert!(!test.db.tables().contains(&"events".to_owned()));
    }
);

backend_test!(
    a_long_file_runs_whole_with_its_savepoints_and_records_its_checksum,
    |test| {
        long_data_migration(
            &test,
            "",
            "SAVEPOINT half;\nDELETE FROM events;\nROLLBACK TO SAVEPOINT half;\nRELEASE SAVEPOINT half;\n",
        );
        test.ok(&["upgrade"]);
        assert_eq!(test.db.tracked_revisions().unwrap(), ["1"]);
        let count = test
            .db
            .query_strings("events", "SELECT CAST(count(*) AS TEXT) FROM events");
        assert_eq!(count, Some(vec!["24000".to_owned()]));
        // The checksum recorded is the file's: nothing reads as changed.
        test.ok(&["check"]);
        assert!(test.ok(&["status"]).contains("applied"));
    }
);
