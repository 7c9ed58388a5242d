//! A migration file of tens of thousands of statements (over a megabyte, so PostgreSQL
//! gets it in batches and its record streamed): applied whole, stored whole, and a
//! failure anywhere in it still points at its line and column. (How fast is the bench's
//! business, not a test's.)

use crate::backend_test;
use crate::harness::Test;

const FOLDER: &str = "migrations/20240109090000_load_events";
const STATEMENTS: usize = 30_000;
const BAD: &str = "INSERT INTO events SELECT nope, 'x';";

/// A table, then single-row INSERTs, one per line, `STATEMENTS` statements in all; the one
/// on line `bad_line` fails. A comment holds what COPY's text format escapes.
fn script(bad_line: Option<usize>) -> String {
    let mut text = String::from(
        "-- tab:\t, backslash: \\, carriage return:\r\n\
         CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT);\n",
    );
    for line in 3..=STATEMENTS + 1 {
        if Some(line) == bad_line {
            text.push_str(BAD);
        } else {
            text.push_str(&format!(
                "INSERT INTO events VALUES ({line}, 'event; {line}');"
            ));
        }
        text.push('\n');
    }
    text
}

fn write(test: &Test, up: &str) {
    test.write(&format!("{FOLDER}/up.sql"), up);
    test.write(&format!("{FOLDER}/down.sql"), "DROP TABLE events;\n");
    test.ok(&["hash"]);
}

backend_test!(
    a_failure_in_a_large_file_names_its_line_and_column,
    |test| {
        // Near the start (in the first of PostgreSQL's batches) and at the end.
        for line in [101, STATEMENTS + 1] {
            write(&test, &script(Some(line)));
            let output = test.fails(&["upgrade"], 1);
            assert!(
                output
                    .stderr
                    .contains(&format!("{FOLDER}/up.sql:{line}:27\n")),
                "{}",
                output.stderr
            );
            assert!(
                output.stderr.contains(&format!("{line} | {BAD}")),
                "{}",
                output.stderr
            );
            assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
            assert!(!test.db.tables().contains(&"events".to_owned()));
        }
    }
);

backend_test!(a_large_file_is_applied_and_stored_whole, |test| {
    let up = script(None);
    write(&test, &up);
    test.ok(&["upgrade"]);
    let count = test
        .db
        .query_strings("", "SELECT CAST(count(*) AS TEXT) FROM events");
    assert_eq!(count, Some(vec![(STATEMENTS - 1).to_string()]));
    let stored = test.db.query_strings(
        "",
        "SELECT up_sql FROM migrate_history WHERE revision = '20240109090000'",
    );
    assert_eq!(
        stored,
        Some(vec![up]),
        "the tracking row holds the text as applied"
    );
    test.ok(&["downgrade"]);
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
});
