//! `-- migrate:no-transaction` files that stop partway: the revision is marked dirty with
//! how far it got, every later run refuses, and `repair` gets past it, on every backend.

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::Test;
use crate::snapshot;

const FOLDER: &str = "migrations/20240109090000_index_users";

/// `CREATE INDEX` as each backend builds an index outside a transaction.
fn create_index(test: &Test) -> &'static str {
    match test.db.kind {
        Kind::Sqlite => "CREATE INDEX",
        Kind::Postgres => "CREATE INDEX CONCURRENTLY",
    }
}

/// Writes the revision's up.sql as a no-transaction script of `statements`, and a down.
fn write_revision(test: &Test, statements: &[String]) {
    let up = format!("-- migrate:no-transaction\n{}\n", statements.join("\n"));
    test.write(&format!("{FOLDER}/up.sql"), up);
    test.write(&format!("{FOLDER}/down.sql"), "DROP INDEX users_name;\n");
    test.ok(&["hash"]);
}

backend_test!(
    a_no_transaction_script_that_stops_partway_is_dirty_until_repaired,
    |test| {
        let index = create_index(&test);
        write_revision(
            &test,
            &[
                format!("{index} users_name ON users (name);"),
                format!("{index} users_x ON users (no_such_column);"),
            ],
        );
        let failed = test.fails(&["upgrade"], 1);
        assert!(
            failed.stderr.contains(
                "ran outside a transaction: the statements before the failing one were applied, and it is marked dirty"
            ) && failed.stderr.contains("`migrate repair 20240109090000 --resume` runs the rest"),
            "{}",
            failed.stderr
        );
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
        let status = test.ok(&["status"]);
        assert!(
            status.contains("dirty: revision 20240109090000 (up) stopped after 1 of 2 statements"),
            "{status}"
        );
        test.fails(&["check"], 1);
        let refused = test.fails(&["upgrade"], 1);
        let name = match test.db.kind {
            Kind::Sqlite => "dirty_refusal_sqlite",
            Kind::Postgres => "dirty_refusal",
        };
        snapshot::assert("cli", name, &refused.stderr);
        write_revision(
            &test,
            &[
                format!("{index} users_name ON users (name);"),
                format!("{index} users_x ON users (email);"),
            ],
        );
        let resumed = test.ok(&["repair", "20240109090000", "--resume"]);
        assert_eq!(
            resumed,
            "resumed 20240109090000 after statement 1 of 2: recorded as applied\n"
        );
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 9);
        assert_eq!(test.ok(&["check"]), "9 applied\n");
        let not_dirty = test.fails(&["repair", "20240109090000"], 1);
        assert!(
            not_dirty.stderr.contains("is not dirty"),
            "{}",
            not_dirty.stderr
        );
    }
);

backend_test!(
    a_script_failing_at_statement_3_of_5_resumes_after_statement_2,
    |test| {
        // Not one statement can run twice: rerun from the start, the first would fail.
        let mut statements = vec![
            "CREATE TABLE audit_a (id INTEGER);".to_owned(),
            "CREATE TABLE audit_b (id INTEGER);".to_owned(),
            "CREATE INDEX audit_c ON audit_a (nope);".to_owned(),
            "CREATE TABLE audit_d (id INTEGER);".to_owned(),
            "CREATE TABLE audit_e (id INTEGER);".to_owned(),
        ];
        write_revision(&test, &statements);
        test.fails(&["upgrade"], 1);
        let tables = |test: &Test| -> Vec<String> {
            let tables = test.db.tables();
            tables
                .into_iter()
                .filter(|t| t.starts_with("audit_"))
                .collect()
        };
        assert_eq!(
            tables(&test),
            ["audit_a", "audit_b"],
            "statements 1 and 2 stay"
        );
        let status = test.ok(&["status"]);
        assert!(
            status.contains(
                "dirty: revision 20240109090000 (up) stopped after 2 of 5 statements \
                 (the last: CREATE TABLE audit_b (id INTEGER);): statement 3 failed: "
            ) && status.contains("CREATE INDEX audit_c ON audit_a (nope);"),
            "{status}"
        );
        statements[2] = "CREATE INDEX audit_c ON audit_a (id);".to_owned();
        write_revision(&test, &statements);
        let resumed = test.ok(&["repair", "20240109090000", "--resume"]);
        assert_eq!(
            resumed,
            "resumed 20240109090000 after statement 2 of 5: recorded as applied\n"
        );
        assert_eq!(
            tables(&test),
            ["audit_a", "audit_b", "audit_d", "audit_e"],
            "only statements 3 to 5 ran"
        );
        let index = match test.db.kind {
            Kind::Sqlite => "SELECT name FROM sqlite_schema WHERE name = 'audit_c'",
            Kind::Postgres => "SELECT indexname::text FROM pg_indexes WHERE indexname = 'audit_c'",
        };
        assert_eq!(
            test.db.query_strings("", index),
            Some(vec!["audit_c".to_owned()])
        );
        assert_eq!(test.ok(&["check"]), "9 applied\n");
    }
);

backend_test!(
    repair_clears_the_mark_so_the_whole_script_runs_again,
    |test| {
        let index = create_index(&test);
        write_revision(
            &test,
            &[
                format!("{index} users_name ON users (name);"),
                format!("{index} users_x ON users (nope);"),
            ],
        );
        test.fails(&["upgrade"], 1);
        test.db.execute("DROP INDEX users_name");
        write_revision(
            &test,
            &[
                format!("{index} users_name ON users (name);"),
                format!("{index} users_x ON users (email);"),
            ],
        );
        let cleared = test.ok(&["repair", "20240109090000"]);
        assert!(
            cleared.starts_with("cleared the dirty mark of 20240109090000"),
            "{cleared}"
        );
        test.ok(&["upgrade"]);
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 9);
    }
);
