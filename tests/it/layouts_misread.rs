//! Never misread: a goose file's Down never runs on upgrade, a file with another tool's
//! markers is read by that tool's rules or refused naming the tool, two layouts in one
//! folder are refused naming both; nothing is applied before such an error.

use crate::backend_test;
use crate::harness::{Output, Test};
use crate::layouts_in_place::backend;

const STORES: &str = "-- +goose Up\nCREATE TABLE stores (id INTEGER PRIMARY KEY);\n\n-- +goose Down\nDROP TABLE stores;\n";

/// Runs `migrate --dir DIR ARGS`.
fn run_in(test: &Test, dir: &str, args: &[&str]) -> Output {
    let mut full = vec!["--dir", dir];
    full.extend_from_slice(args);
    test.run(&full)
}

/// Refused with exit 1, the error containing each of `expected`, nothing applied.
fn refused(test: &Test, dir: &str, expected: &[&str]) {
    let output = run_in(test, dir, &["upgrade"]);
    assert_eq!(output.code, 1, "{output:#?}");
    for text in expected {
        assert!(
            output.stderr.contains(text),
            "{text:?} in {}",
            output.stderr
        );
    }
    assert!(output.stderr.contains("\nhelp: "), "{}", output.stderr);
    assert_eq!(test.db.tracked_revisions(), None, "nothing was applied");
}

backend_test!(a_goose_down_section_never_runs_on_upgrade, |test| {
    test.remove("migrations");
    test.write("goose/00001_create_stores.sql", STORES);
    // Fails if the table was dropped again by the first file's Down section.
    test.write(
        "goose/00002_seed_store.sql",
        "-- +goose Up\nINSERT INTO stores (id) VALUES (1);\n\n-- +goose Down\nDELETE FROM stores;\n",
    );
    let upgrade = run_in(&test, "goose", &["upgrade"]);
    assert_eq!(upgrade.code, 0, "{upgrade:#?}");
    assert_eq!(
        test.db
            .query_strings("stores", "SELECT CAST(id AS TEXT) FROM stores"),
        Some(vec!["1".to_string()])
    );
    // Read as plain SQL, the same file would drop what it creates: refused, naming goose.
    let forced = run_in(&test, "goose", &["--layout", "sqlx", "status"]);
    assert_eq!(forced.code, 1, "{forced:#?}");
    assert!(
        forced.stderr.contains(
            "goose/00001_create_stores.sql:1: a goose marker, which the sqlx layout does not apply"
        ),
        "{}",
        forced.stderr
    );
});

backend_test!(
    a_goose_file_without_down_upgrades_and_names_itself_on_downgrade,
    |test| {
        test.remove("migrations");
        test.write("goose/00001_create_stores.sql", STORES);
        test.write(
            "goose/00002_add_name.sql",
            "-- +goose Up\nALTER TABLE stores ADD COLUMN name TEXT;\n",
        );
        assert_eq!(run_in(&test, "goose", &["upgrade"]).code, 0);
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 2);
        let downgrade = run_in(&test, "goose", &["downgrade", "base"]);
        assert_eq!(downgrade.code, 1, "{downgrade:#?}");
        assert!(
            downgrade
                .stderr
                .contains("  --> goose/00002_add_name.sql has no down\n"),
            "{}",
            downgrade.stderr
        );
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 2, "nothing ran");
        let verify = run_in(&test, "goose", &["verify", "--backend", backend(&test)]);
        assert_eq!(verify.code, 0, "{verify:#?}");
        assert!(
            verify.stdout.contains(
                "00002 add name: irreversible\n    goose/00002_add_name.sql has no down\n"
            ),
            "{}",
            verify.stdout
        );
    }
);

backend_test!(two_layouts_in_one_folder_are_refused_naming_both, |test| {
    test.remove("migrations");
    test.write("mixed/00001_create_stores.sql", STORES);
    test.write("mixed/2_trips.up.sql", "CREATE TABLE trips (id INTEGER);\n");
    test.write("mixed/2_trips.down.sql", "DROP TABLE trips;\n");
    refused(
        &test,
        "mixed",
        &[
            "mixed mixes the layouts of several tools: ",
            "goose (mixed/00001_create_stores.sql)",
            "sqlx (mixed/2_trips.down.sql)",
        ],
    );
    test.remove("mixed");
    test.write(
        "mixed/20240101090000_users/up.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    test.write(
        "mixed/20240102090000_trips.postgres.up.sql",
        "CREATE TABLE trips (id INTEGER);\n",
    );
    refused(
        &test,
        "mixed",
        &[
            "migrate (mixed/20240101090000_users/up.sql)",
            "popx (mixed/20240102090000_trips.postgres.up.sql)",
        ],
    );
});

backend_test!(other_tools_markers_are_refused_naming_the_tool, |test| {
    test.remove("migrations");
    let cases: [(&str, &str, &[&str]); 6] = [
        (
            "1_users.up.sql",
            "-- +goose Up\nCREATE TABLE users (id INTEGER);\n-- +goose Down\nDROP TABLE users;\n",
            &["1_users.up.sql:1: a goose marker, which the sqlx layout does not apply"],
        ),
        (
            "20240101090000_users/up.sql",
            "CREATE TABLE users (id INTEGER);\n-- migrate:down\nDROP TABLE users;\n",
            &["up.sql:2: a dbmate marker, which the migrate layout does not apply"],
        ),
        (
            "changelog.sql",
            "--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE users (id INTEGER);\n",
            &["changelog.sql: a Liquibase file; migrate cannot read Liquibase's migrations"],
        ),
        (
            "deploy/users.sql",
            "-- Deploy flipr:users to pg\n\nBEGIN;\nCREATE TABLE users (id INTEGER);\nCOMMIT;\n",
            &["deploy/users.sql: a sqitch file; migrate cannot read sqitch's migrations"],
        ),
        (
            "00001_users.sql",
            "-- +goose ENVSUB ON\n-- +goose Up\nCREATE TABLE ${TABLE} (id INTEGER);\n",
            &["00001_users.sql: goose would refuse this folder: line 1: goose's ENVSUB"],
        ),
        (
            "1_users.autocommit.up.sql",
            "CREATE TABLE users (id INTEGER{{ if .IsSQLite }} PRIMARY KEY{{ end }});\n",
            &[
                "1_users.autocommit.up.sql: not supported: line 1: popx expands its files as Go templates",
            ],
        ),
    ];
    for (index, (name, text, expected)) in cases.into_iter().enumerate() {
        let dir = format!("case_{index}");
        test.write(&format!("{dir}/{name}"), text);
        refused(&test, &dir, expected);
    }
});

backend_test!(a_broken_diesel_metadata_or_atlas_sum_is_refused, |test| {
    test.remove("migrations");
    test.write(
        "diesel/20240101090000_users/up.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    test.write(
        "diesel/20240101090000_users/metadata.toml",
        "run_in_transaction = flase\n",
    );
    refused(
        &test,
        "diesel",
        &["diesel/20240101090000_users/metadata.toml: not diesel's metadata"],
    );
    test.write(
        "atlas/20240101090000_users.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    test.write(
        "atlas/atlas.sum",
        "h1:AAAA\n20240101090000_users.sql h1:AAAA\n",
    );
    refused(
        &test,
        "atlas",
        &[
            "atlas/atlas.sum: Atlas would refuse this folder: atlas.sum does not match 20240101090000_users.sql",
        ],
    );
});
