//! Other tools' folders, read in place: every command works on each layout unchanged.

use crate::backend_test;
use crate::harness::Test;

/// Status, upgrade, downgrade and status again on a layout fixture holding the example;
/// and verify, on scratch databases, reading the folder unchanged.
fn round_trip(test: &Test, head: &str, reversible: bool) {
    let backend = match test.db.kind {
        crate::backends::Kind::Sqlite => "sqlite",
        crate::backends::Kind::Postgres => "postgres",
    };
    let verify = test.run(&["verify", "--backend", backend]);
    assert_eq!(verify.code, 0, "{verify:#?}");
    let expected = if reversible {
        "8 ok, 0 irreversible"
    } else {
        "0 ok, 8 irreversible"
    };
    assert!(verify.stdout.contains(expected), "{}", verify.stdout);
    let status = test.ok(&["status"]);
    assert!(status.contains("\n8 pending\n"), "{status}");
    let upgrade = test.ok(&["upgrade"]);
    assert!(
        upgrade.ends_with(&format!("database at {head} (head)\n")),
        "{upgrade}"
    );
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
    assert_eq!(test.ok(&["check"]), "8 applied\n");
    if reversible {
        test.ok(&["downgrade", "base"]);
        assert_eq!(test.db.tracked_revisions(), Some(vec![]));
        assert_eq!(test.db.tables(), vec!["migrate_history".to_string()]);
    } else {
        let refused = test.fails(&["downgrade"], 1);
        assert!(
            refused.stderr.contains("irreversible"),
            "{}",
            refused.stderr
        );
    }
}

backend_test!(sqlx_folder, fixture = "layouts/sqlx/migrations", |test| {
    round_trip(&test, "20240108090000", true);
});

backend_test!(
    golang_migrate_folder,
    fixture = "layouts/golang-migrate/migrations",
    |test| {
        round_trip(&test, "000008", true);
    }
);

backend_test!(
    dbmate_folder,
    fixture = "layouts/dbmate/migrations",
    |test| {
        round_trip(&test, "20240108090000", true);
    }
);

backend_test!(
    flyway_folder,
    fixture = "layouts/flyway/migrations",
    |test| {
        round_trip(&test, "8", true);
    }
);

backend_test!(
    refinery_folder,
    fixture = "layouts/refinery/migrations",
    |test| {
        let output = test.ok(&["--layout", "refinery", "status"]);
        assert!(output.contains("\n8 pending\n"), "{output}");
        round_trip(&test, "8", false);
    }
);

backend_test!(
    diesel_folder,
    fixture = "layouts/diesel/migrations",
    |test| {
        round_trip(&test, "2024-01-08-090000", true);
    }
);

backend_test!(each_tools_no_transaction_marker_is_honoured, |test| {
    test.remove("migrations");
    let statement = match test.db.kind {
        crate::backends::Kind::Sqlite => "VACUUM;",
        crate::backends::Kind::Postgres => "CREATE INDEX CONCURRENTLY t_a ON t (a);",
    };
    let cases: [(&str, &[(&str, String)]); 3] = [
        (
            "sqlx",
            &[
                ("1_t.up.sql", "CREATE TABLE t (a INTEGER);\n".into()),
                (
                    "2_index.up.sql",
                    format!("-- no-transaction\n{statement}\n"),
                ),
            ],
        ),
        (
            "dbmate",
            &[
                (
                    "1_t.sql",
                    "-- migrate:up\nCREATE TABLE t (a INTEGER);\n-- migrate:down\nDROP TABLE t;\n"
                        .into(),
                ),
                (
                    "2_index.sql",
                    format!("-- migrate:up transaction:false\n{statement}\n"),
                ),
            ],
        ),
        (
            "flyway",
            &[
                ("V1__t.sql", "CREATE TABLE t (a INTEGER);\n".into()),
                ("V2__index.sql", format!("{statement}\n")),
                ("V2__index.sql.conf", "executeInTransaction=false\n".into()),
            ],
        ),
    ];
    for (layout, files) in cases {
        let dir = format!("{layout}_migrations");
        for (name, text) in files {
            test.write(&format!("{dir}/{name}"), text);
        }
        let table = format!("history_{layout}");
        let output = test.run(&["--dir", &dir, "--table", &table, "upgrade"]);
        assert_eq!(output.code, 0, "{layout}: {output:#?}");
        assert_eq!(
            test.db
                .query_strings(&table, &format!("SELECT revision FROM {table}"))
                .unwrap()
                .len(),
            2
        );
        test.db.execute("DROP TABLE t");
    }
});

backend_test!(bad_files_of_each_layout_name_their_path, |test| {
    test.remove("migrations");
    let cases: [(&str, &str, &str); 6] = [
        (
            "sqlx",
            "1_users.up.sql\n2_trips.down.sql",
            "2_trips.down.sql: a down migration without its up migration",
        ),
        (
            "sqlx",
            "1_users.up.sql\n1_people.up.sql",
            "revision 1 is defined twice: migrations_1/1_people.up.sql and migrations_1/1_users.up.sql",
        ),
        (
            "sqlx",
            "1_users.up.sql\nusers_v2.up.sql",
            "users_v2.up.sql: expected <version>_<description>.up.sql",
        ),
        (
            "flyway",
            "V1__users.sql\nR__views.sql",
            "R__views.sql: not supported: repeatable migrations (R__)",
        ),
        (
            "flyway",
            "V1__users.sql\nU2__trips.sql",
            "U2__trips.sql: a down migration without its up migration",
        ),
        (
            "dbmate",
            "1_users.sql\n2_trips.sql",
            "2_trips.sql: a dbmate migration needs a `-- migrate:up` line",
        ),
    ];
    for (index, (layout, names, expected)) in cases.iter().enumerate() {
        let dir = format!("migrations_{index}");
        for name in names.lines() {
            let text = match (*layout, name) {
                ("dbmate", "1_users.sql") => "-- migrate:up\nCREATE TABLE users (id INTEGER);\n",
                _ => "CREATE TABLE users (id INTEGER);\n",
            };
            test.write(&format!("{dir}/{name}"), text);
        }
        let output = test.run(&["--dir", &dir, "--layout", layout, "upgrade"]);
        assert_eq!(output.code, 1, "{output:#?}");
        assert!(
            output.stderr.contains(expected),
            "{layout} {names:?}: {}",
            output.stderr
        );
    }
});
