//! `verify --data` reads again only the tables a step can have written: a step that
//! changes rows of a table it never names (through a foreign key's cascade, a trigger)
//! must still have its loss reported.

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::{Output, Test};

fn verify_data(test: &Test) -> Output {
    let backend = match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    };
    test.run(&["verify", "--backend", backend, "--data"])
}

/// `verify --data` of a history whose second revision (`purge_up`, `purge_down`) makes a
/// write to `items` empty `log`, and whose third revision's down writes only `items`.
fn a_write_to_items_empties_log(test: &Test, purge_up: &str, purge_down: &str) -> Output {
    test.remove("migrations");
    test.write(
        "migrations/20240101000001_create/up.sql",
        "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);\n\
         CREATE TABLE log (id integer PRIMARY KEY, note text NOT NULL);\n",
    );
    test.write(
        "migrations/20240101000001_create/down.sql",
        "DROP TABLE log;\nDROP TABLE items;\n",
    );
    test.write("migrations/20240101000002_purge/up.sql", purge_up);
    test.write("migrations/20240101000002_purge/down.sql", purge_down);
    test.write(
        "migrations/20240101000003_add_x/up.sql",
        "ALTER TABLE items ADD COLUMN x text;\n",
    );
    // Touches `items` only; what the second revision made empties `log`.
    test.write(
        "migrations/20240101000003_add_x/down.sql",
        "UPDATE items SET name = name;\nALTER TABLE items DROP COLUMN x;\n",
    );
    verify_data(test)
}

backend_test!(data_a_loss_through_on_delete_cascade_is_reported, |test| {
    test.remove("migrations");
    test.write(
        "migrations/20240101000001_create/up.sql",
        "CREATE TABLE parent (id integer PRIMARY KEY, name text NOT NULL);\n\
         CREATE TABLE child (\n    id integer PRIMARY KEY,\n    \
         parent_id integer NOT NULL REFERENCES parent (id) ON DELETE CASCADE\n);\n",
    );
    test.write(
        "migrations/20240101000001_create/down.sql",
        "DROP TABLE child;\nDROP TABLE parent;\n",
    );
    test.write(
        "migrations/20240101000002_add_note/up.sql",
        "ALTER TABLE parent ADD COLUMN note text;\n",
    );
    // Puts every parent row back, but deleting them took their children along: the down
    // never names `child`.
    test.write(
        "migrations/20240101000002_add_note/down.sql",
        "CREATE TABLE parent_copy AS SELECT id, name FROM parent;\n\
         DELETE FROM parent;\n\
         INSERT INTO parent (id, name) SELECT id, name FROM parent_copy;\n\
         DROP TABLE parent_copy;\n\
         ALTER TABLE parent DROP COLUMN note;\n",
    );
    let output = verify_data(&test);
    assert_eq!(output.code, 1, "{output:#?}");
    assert!(
        output
            .stdout
            .contains("down of 20240101000002 lost 3 rows of child; e.g. (id="),
        "{}",
        output.stdout
    );
    assert!(
        !output.stdout.contains("rows of parent"),
        "{}",
        output.stdout
    );
});

backend_test!(data_a_loss_through_a_trigger_is_reported, |test| {
    let (trigger, drop_trigger) = match test.db.kind {
        Kind::Sqlite => (
            "CREATE TRIGGER purge AFTER UPDATE ON items BEGIN DELETE FROM log; END;\n",
            "DROP TRIGGER purge;\n",
        ),
        Kind::Postgres => (
            "CREATE FUNCTION purge_log() RETURNS trigger LANGUAGE plpgsql AS $$\n\
             BEGIN DELETE FROM log; RETURN NULL; END $$;\n\
             CREATE TRIGGER purge AFTER UPDATE ON items\n    \
             FOR EACH STATEMENT EXECUTE FUNCTION purge_log();\n",
            "DROP TRIGGER purge ON items;\nDROP FUNCTION purge_log();\n",
        ),
    };
    let output = a_write_to_items_empties_log(&test, trigger, drop_trigger);
    assert_the_down_lost_log(&output);
});

/// A rule (PostgreSQL only: SQLite has none) made by an earlier revision fires on a later
/// down's writes to the table it is on; the down never names the table the rule empties.
#[test]
fn data_a_loss_through_a_rule_made_earlier_is_reported_on_postgres() {
    let Some(test) = Test::new(Kind::Postgres, "data_a_loss_through_a_rule") else {
        return;
    };
    let output = a_write_to_items_empties_log(
        &test,
        "CREATE RULE purge AS ON UPDATE TO items DO ALSO DELETE FROM log;\n",
        "DROP RULE purge ON items;\n",
    );
    assert_the_down_lost_log(&output);
}

/// The report of [`a_write_to_items_empties_log`]'s history: the third revision's down
/// emptied `log`, which it never names.
fn assert_the_down_lost_log(output: &Output) {
    assert_eq!(output.code, 1, "{output:#?}");
    assert!(
        output
            .stdout
            .contains("down of 20240101000003 lost 3 rows of log; e.g. (id="),
        "{}",
        output.stdout
    );
}
