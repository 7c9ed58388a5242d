//! A migration that fails: the error points into the file, and nothing is half-applied.

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::Test;
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

backend_test!(
    a_dotenv_file_names_the_database_unless_the_environment_does,
    |test| {
        test.write(
            ".env",
            "# local settings\nDATABASE_URL=sqlite://from_dotenv.db\n",
        );
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_migrate"))
            .current_dir(test.path())
            .env_remove("DATABASE_URL")
            .args(["upgrade", "+1"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(test.path().join("from_dotenv.db").exists());
        test.ok(&["upgrade", "+1"]);
        assert_eq!(
            test.db.tracked_revisions().unwrap().len(),
            1,
            "DATABASE_URL wins over .env"
        );
    }
);

backend_test!(
    a_killed_run_leaves_the_previous_revision_and_the_next_run_applies_it,
    |test| {
        test.ok(&["upgrade"]);
        // A migration slow enough to be killed in the middle of.
        let slow = match test.db.kind {
            Kind::Sqlite => {
                "CREATE TABLE slow (n INTEGER);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000000) INSERT INTO slow SELECT count(*) FROM c;\n"
            }
            Kind::Postgres => "CREATE TABLE slow (n integer);\nSELECT pg_sleep(3);\n",
        };
        test.write("migrations/20240109090000_slow/up.sql", slow);
        test.write(
            "migrations/20240109090000_slow/down.sql",
            "DROP TABLE slow;\n",
        );
        test.ok(&["hash"]);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_migrate"))
            .current_dir(test.path())
            .env("DATABASE_URL", &test.db.url)
            .arg("upgrade")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert_eq!(
            test.db.tracked_revisions().unwrap().len(),
            8,
            "the killed revision was not recorded"
        );
        assert!(
            !test.db.tables().contains(&"slow".to_string()),
            "and left nothing behind"
        );
        test.ok(&["upgrade"]);
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 9);
    }
);

#[test]
fn a_password_in_the_url_never_shows() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_migrate"))
        .current_dir(crate::harness::repo())
        .args([
            "--database-url",
            "postgres://app:s3cr3t-pw@127.0.0.1:1/prod",
            "status",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("127.0.0.1") && stderr.contains("prod"),
        "names what it tried: {stderr}"
    );
    assert!(!stderr.contains("s3cr3t-pw"), "{stderr}");
}

/// A CI job that is cancelled gets SIGTERM: verify must drop the scratch databases it made
/// on the server, which would otherwise outlive it there. (PostgreSQL only: a SQLite
/// scratch database is a temp file of the machine that goes with it.)
#[test]
fn a_terminated_verify_drops_its_scratch_databases_from_the_server() {
    let Some(test) = Test::empty(Kind::Postgres, "terminated_verify") else {
        return;
    };
    test.write(
        "migrations/20240101000000_slow/up.sql",
        "CREATE TABLE slow (n integer);\nSELECT pg_sleep(60);\n",
    );
    test.write(
        "migrations/20240101000000_slow/down.sql",
        "DROP TABLE slow;\n",
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_migrate"))
        .current_dir(test.path())
        .args([
            "verify",
            "--backend",
            "postgres",
            "--postgres-url",
            &test.db.url,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pattern = format!("migrate\\_verify\\_{}\\_%", child.id());
    let mut server = migrate::backend::PostgresBackend::connect(
        &test.db.url,
        migrate::backend::VersionTable::default(),
    )
    .unwrap()
    .into_client();
    let scratch = |server: &mut postgres::Client| -> i64 {
        server
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname LIKE $1",
                &[&pattern],
            )
            .unwrap()
            .get(0)
    };
    let started = std::time::Instant::now();
    while scratch(&mut server) == 0 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "verify made no scratch database"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Inside the slow migration.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let terminated = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    child.wait().unwrap();
    assert_eq!(
        scratch(&mut server),
        0,
        "a scratch database is left on the server"
    );
}

/// A verify that runs to its end, findings and all, leaves none of its scratch databases
/// on the server: neither its shards' (`--jobs 2`) nor the copy it goes on with after a
/// down that fails (made from a template database whose session has just closed).
#[test]
fn a_finished_verify_leaves_no_scratch_database_on_the_server() {
    let Some(test) = Test::empty(Kind::Postgres, "finished_verify") else {
        return;
    };
    for n in 1..=4 {
        let down = if n == 2 {
            "DROP TABLE no_such_table;\n"
        } else {
            ""
        };
        test.write(
            &format!("migrations/2024010100000{n}_t{n}/up.sql"),
            format!("CREATE TABLE t{n} (id integer);\n"),
        );
        test.write(
            &format!("migrations/2024010100000{n}_t{n}/down.sql"),
            format!("{down}DROP TABLE t{n};\n"),
        );
    }
    let child = test
        .command(&[
            "verify",
            "--backend",
            "postgres",
            "--postgres-url",
            &test.db.url,
            "--jobs",
            "2",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pattern = format!("migrate\\_verify\\_{}\\_%", child.id());
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("20240101000002") && stdout.contains("✓ 20240101000003"),
        "the down of 2 failed and the walk went on: {stdout}"
    );
    let mut server = migrate::backend::PostgresBackend::connect_session(&test.db.url).unwrap();
    let left: i64 = server
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname LIKE $1",
            &[&pattern],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "a scratch database is left on the server");
}
