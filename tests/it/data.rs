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
