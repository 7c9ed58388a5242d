//! A migration file of tens of thousands of statements: applied whole, stored whole, and a
//! failure deep inside it still points at its line and column. (How fast is the bench's
//! business, not a test's.)

use crate::backend_test;
use crate::harness::Test;

const FOLDER: &str = "migrations/20240109090000_load_events";
const STATEMENTS: usize = 30_000;

/// A table, then `STATEMENTS` single-row INSERTs, one per line; `bad` replaces the last.
fn script(bad: Option<&str>) -> String {
    let mut text = String::from("CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT);\n");
    for n in 1..STATEMENTS {
        text.push_str(&format!(
            "INSERT INTO events VALUES ({n}, 'event; number {n}');\n"
        ));
    }
    text.push_str(bad.unwrap_or("INSERT INTO events VALUES (0, 'last');\n"));
    text
}

fn write(test: &Test, up: &str) {
    test.write(&format!("{FOLDER}/up.sql"), up);
    test.write(&format!("{FOLDER}/down.sql"), "DROP TABLE events;\n");
    test.ok(&["hash"]);
}

backend_test!(
    a_failure_deep_in_a_large_file_names_its_line_and_column,
    |test| {
        write(
            &test,
            &script(Some("INSERT INTO events SELECT nope, 'x';\n")),
        );
        let output = test.fails(&["upgrade"], 1);
        let line = STATEMENTS + 1;
        assert!(
            output
                .stderr
                .contains(&format!("{FOLDER}/up.sql:{line}:27\n")),
            "{}",
            output.stderr
        );
        assert!(
            output
                .stderr
                .contains(&format!("{line} | INSERT INTO events SELECT nope, 'x';")),
            "{}",
            output.stderr
        );
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
        assert!(!test.db.tables().contains(&"events".to_owned()));
    }
);

backend_test!(a_large_file_is_applied_and_stored_whole, |test| {
    let up = script(None);
    write(&test, &up);
    test.ok(&["upgrade"]);
    let count = test
        .db
        .query_strings("", "SELECT CAST(count(*) AS TEXT) FROM events");
    assert_eq!(count, Some(vec![STATEMENTS.to_string()]));
    let stored = test.db.query_strings(
        "",
        "SELECT up_sql FROM migrate_history WHERE revision = '20240109090000'",
    );
    assert_eq!(
        stored,
        Some(vec![up]),
        "the tracking row holds the text as applied"
    );
});
