//! A migration that fails: the error points into the file, and nothing is half-applied.

use crate::backend_test;
use crate::backends::Kind;
use crate::snapshot;

backend_test!(
    a_failing_statement_names_file_line_and_leaves_nothing_behind,
    |test| {
        test.write(
        "migrations/20240109090000_add_trip_notes/up.sql",
        "ALTER TABLE trips ADD COLUMN notes TEXT;\n\nUPDATE trips\n   SET notes = ''\n WHERE nope = 1;\n",
    );
        test.write(
            "migrations/20240109090000_add_trip_notes/down.sql",
            "ALTER TABLE trips DROP COLUMN notes;\n",
        );
        test.ok(&["hash"]);
        let output = test.fails(&["upgrade"], 1);
        let name = match test.db.kind {
            Kind::Sqlite => "failing_statement_sqlite",
            Kind::Postgres => "failing_statement_postgres",
        };
        snapshot::assert("cli", name, &output.stderr);
        assert!(
            output
                .stderr
                .contains("--> migrations/20240109090000_add_trip_notes/up.sql:"),
            "{}",
            output.stderr
        );
        assert_eq!(
            test.db.tracked_revisions().unwrap().len(),
            8,
            "earlier revisions stay applied"
        );
        let columns = match test.db.kind {
        Kind::Sqlite => test.db.query_strings("", "SELECT name FROM pragma_table_info('trips') WHERE name = 'notes'"),
        Kind::Postgres => test.db.query_strings("", "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'trips' AND column_name = 'notes'"),
    };
        assert_eq!(
            columns,
            Some(vec![]),
            "the failed revision's first statement was rolled back"
        );
        test.write(
            "migrations/20240109090000_add_trip_notes/up.sql",
            "ALTER TABLE trips ADD COLUMN notes TEXT;\n",
        );
        test.ok(&["hash"]);
        test.ok(&["upgrade"]);
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 9);
    }
);

backend_test!(a_no_transaction_file_runs_outside_a_transaction, |test| {
    // Each backend has a statement that refuses to run inside a transaction.
    let statement = match test.db.kind {
        Kind::Sqlite => "VACUUM;",
        Kind::Postgres => "CREATE INDEX CONCURRENTLY users_name ON users (name);",
    };
    let folder = "migrations/20240109090000_outside_a_transaction";
    test.write(&format!("{folder}/up.sql"), format!("{statement}\n"));
    test.write(&format!("{folder}/down.sql"), "SELECT 1;\n");
    test.ok(&["hash"]);
    let refused = test.fails(&["upgrade"], 1);
    assert!(
        refused
            .stderr
            .contains("note: nothing of this revision was applied"),
        "{}",
        refused.stderr
    );
    test.write(
        &format!("{folder}/up.sql"),
        format!("-- migrate:no-transaction\n{statement}\n"),
    );
    test.ok(&["hash"]);
    test.ok(&["upgrade"]);
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 9);
});

backend_test!(a_bad_config_file_is_a_usage_error_naming_it, |test| {
    test.write(
        "migrate.toml",
        "database_url = \"sqlite://x.db\"\ndirectory = \"db\"\n",
    );
    let output = test.fails(&["status"], 2);
    assert!(
        output.stderr.starts_with("error: migrate.toml: "),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("unknown field `directory`"),
        "{}",
        output.stderr
    );
});

backend_test!(the_database_url_comes_from_flag_env_then_config, |test| {
    test.write(
        "migrate.toml",
        "database_url = \"sqlite://from_config.db\"\n",
    );
    test.ok(&["--database-url", "sqlite://from_flag.db", "upgrade", "+1"]);
    assert!(test.path().join("from_flag.db").exists());
    let output = test.run_with(&["upgrade", "+1"], &[]);
    assert_eq!(output.code, 0, "{output:#?}");
    assert!(
        !test.path().join("from_config.db").exists(),
        "DATABASE_URL wins over the file"
    );
});
