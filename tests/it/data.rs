//! `verify --data`: generated rows must survive every down, on every backend.

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::{Output, Test};

fn verify_data(test: &Test, extra: &[&str]) -> Output {
    let backend = match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    };
    let mut args = vec!["verify", "--backend", backend, "--data"];
    args.extend_from_slice(extra);
    test.run(&args)
}

backend_test!(
    data_a_rebuild_that_forgets_the_rows_fails,
    fixture = "data/rebuild_lost/migrations",
    |test| {
        let output = verify_data(&test, &["--seed", "7"]);
        assert_eq!(output.code, 1, "{output:#?}");
        assert!(
            output
                .stdout
                .contains("down of 20240101000002 lost 3 rows of items; e.g. (id="),
            "{}",
            output.stdout
        );
        assert!(
            output
                .stdout
                .contains("seed 7 (reproduce with --data --seed 7)"),
            "{}",
            output.stdout
        );
        // Without --data the schema alone comes back: the loss goes unseen.
        let backend = if test.db.kind == Kind::Sqlite {
            "sqlite"
        } else {
            "postgres"
        };
        assert_eq!(test.run(&["verify", "--backend", backend]).code, 0);
    }
);

backend_test!(
    data_a_rebuild_that_copies_the_rows_passes,
    fixture = "data/rebuild_kept/migrations",
    |test| {
        let output = verify_data(&test, &[]);
        assert_eq!(output.code, 0, "{output:#?}");
        assert!(!output.stdout.contains("lost"), "{}", output.stdout);
    }
);

backend_test!(
    data_a_column_dropped_and_readded_loses_its_values,
    fixture = "data/column_readded/migrations",
    |test| {
        let output = verify_data(&test, &["--format", "json"]);
        assert_eq!(output.code, 1, "{output:#?}");
        let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
        let detail = json["revisions"][1]["detail"].as_str().unwrap();
        assert!(
            detail.starts_with(
                "down of 20240101000002 changed column note of 3 rows of items; e.g. (id="
            ),
            "{detail}"
        );
        assert!(detail.contains("became"), "{detail}");
        assert!(detail.contains("note=NULL"), "{detail}");
    }
);

backend_test!(
    data_true_in_migrate_toml_turns_the_check_on,
    fixture = "data/rebuild_lost/migrations",
    |test| {
        test.write("migrate.toml", "data = true\n");
        let backend = if test.db.kind == Kind::Sqlite {
            "sqlite"
        } else {
            "postgres"
        };
        let output = test.run(&["verify", "--backend", backend]);
        assert_eq!(output.code, 1, "{output:#?}");
        assert!(
            output.stdout.contains("lost 3 rows of items"),
            "{}",
            output.stdout
        );
    }
);

backend_test!(
    data_a_table_of_unknown_types_is_skipped_with_the_type_named,
    fixture = "data/unknown_type/migrations",
    |test| {
        let output = verify_data(&test, &[]);
        assert_eq!(
            output.code, 0,
            "a skipped table is not a failure: {output:#?}"
        );
        assert!(
        // SQLite reports the type as its catalog spells it.
        output.stdout.to_lowercase().contains("data: skipped files: column payload has type bytea, which the generator does not know"),
        "{}",
        output.stdout
    );
    }
);

backend_test!(
    data_an_up_that_fails_only_on_existing_rows_is_its_own_finding,
    fixture = "data/fails_on_data/migrations",
    |test| {
        let output = verify_data(&test, &["--format", "json"]);
        assert_eq!(output.code, 1, "{output:#?}");
        let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
        let revisions = &json["revisions"];
        // NOT NULL with no default: every seeded row breaks it.
        assert_eq!(revisions[1]["status"], "fails_on_existing_data", "{json:#}");
        let detail = revisions[1]["detail"].as_str().unwrap();
        assert!(
            detail.starts_with(
                "up of 20240101000002 fails on existing data (it passes on empty tables): "
            ),
            "{detail}"
        );
        assert!(detail.contains("; e.g. a row of items: (id="), "{detail}");
        // The walk went on from the up applied to empty tables: the next revision was
        // seeded and judged.
        assert_eq!(revisions[2]["status"], "fails_on_existing_data", "{json:#}");
        let detail = revisions[2]["detail"].as_str().unwrap();
        assert!(detail.contains("e.g. a row of items: (id="), "{detail}");
        assert!(detail.contains("qty="), "{detail}");
        // An up that fails on empty tables too stays a plain up failure.
        assert_eq!(revisions[3]["status"], "up_failed", "{json:#}");
        // Without --data the same history passes its first three revisions.
        let plain = test.run(&["verify", "--backend", backend(&test), "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
        assert_eq!(json["revisions"][1]["status"], "ok", "{json:#}");
        assert_eq!(json["revisions"][2]["status"], "ok", "{json:#}");
    }
);

backend_test!(
    data_an_up_that_deletes_or_changes_rows_warns,
    fixture = "data/up_changes_rows/migrations",
    |test| {
        let output = verify_data(&test, &[]);
        assert_eq!(output.code, 0, "a warning, not a failure: {output:#?}");
        let stdout = &output.stdout;
        assert!(
            stdout.contains("    warning: up of 20240101000002 deleted 3 rows of items; e.g. (id="),
            "{stdout}"
        );
        assert!(
            stdout.contains(
                "    warning: up of 20240101000003 changed column name of 3 rows of items; e.g. (id="
            ),
            "{stdout}"
        );
        let json = verify_data(&test, &["--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let warnings = json["revisions"][1]["data_warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 1, "{json:#}");
        assert!(
            json["revisions"][0].get("data_warnings").is_none(),
            "{json:#}"
        );
    }
);

backend_test!(data_tables_are_found_by_their_qualified_name, |test| {
    // PostgreSQL: a table outside the search_path, beside a same-named one in public with
    // other columns. SQLite has no schemas: a name with a dot in it must stay one name.
    let (create, table) = match test.db.kind {
        Kind::Postgres => (
            "CREATE SCHEMA inventory;\n\
             CREATE TABLE inventory.items (sku text PRIMARY KEY, qty integer NOT NULL);\n\
             CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);\n",
            "inventory.items",
        ),
        Kind::Sqlite => (
            "CREATE TABLE \"inventory.items\" (sku text PRIMARY KEY, qty integer NOT NULL);\n\
             CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);\n",
            "\"inventory.items\"",
        ),
    };
    let drop_first = match test.db.kind {
        Kind::Postgres => "DROP TABLE items;\nDROP SCHEMA inventory CASCADE;\n".to_owned(),
        Kind::Sqlite => format!("DROP TABLE items;\nDROP TABLE {table};\n"),
    };
    test.remove("migrations");
    test.write("migrations/20240101000001_create/up.sql", create);
    test.write("migrations/20240101000001_create/down.sql", drop_first);
    test.write(
        "migrations/20240101000002_add_note/up.sql",
        format!("ALTER TABLE {table} ADD COLUMN note text;\n"),
    );
    // Recreates the table: its rows are gone.
    test.write(
        "migrations/20240101000002_add_note/down.sql",
        format!(
            "DROP TABLE {table};\nCREATE TABLE {table} (sku text PRIMARY KEY, qty integer NOT NULL);\n"
        ),
    );
    let output = verify_data(&test, &[]);
    assert_eq!(output.code, 1, "{output:#?}");
    assert!(
        output
            .stdout
            .contains("down of 20240101000002 lost 3 rows of inventory.items; e.g. (sku="),
        "{}",
        output.stdout
    );
    assert!(
        !output.stdout.contains("data: skipped"),
        "{}",
        output.stdout
    );
});

fn backend(test: &Test) -> &'static str {
    match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    }
}
