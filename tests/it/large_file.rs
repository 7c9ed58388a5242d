//! A migration file of tens of thousands of statements (over a megabyte, so PostgreSQL
//! gets it in batches): applied whole, its text over the 1 MiB the tracking table keeps
//! stored as NULL (and what then stands in for it), and a failure anywhere in it still
//! points at its line and column. (How fast is the bench's
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
        // Near the start (in the first of PostgreSQL's batches, sent after its BEGIN), in
        // the middle (a batch sent alone) and at the end.
        for line in [101, STATEMENTS / 2, STATEMENTS + 1] {
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

/// The tracking table as versions before the 1 MiB limit made it: `up_sql` NOT NULL.
const OLD_TABLE: &str = "CREATE TABLE migrate_history (
    revision TEXT PRIMARY KEY, slug TEXT NOT NULL, up_checksum TEXT NOT NULL,
    down_checksum TEXT, checksum_algorithm TEXT NOT NULL, up_sql TEXT NOT NULL,
    down_sql TEXT, applied_at TEXT NOT NULL, duration_ms BIGINT NOT NULL)";

/// The large revision's stored texts, NULL spelled out.
fn stored_texts(test: &Test) -> Option<Vec<String>> {
    test.db.query_strings(
        "",
        "SELECT coalesce(up_sql, 'NULL') || ' | ' || coalesce(down_sql, 'NULL') \
         FROM migrate_history WHERE revision = '20240109090000'",
    )
}

backend_test!(
    a_large_file_is_applied_whole_and_its_text_over_the_limit_not_kept,
    |test| {
        // A table made by an older version still takes the NULL.
        test.db.execute(OLD_TABLE);
        let up = script(None);
        assert!(up.len() > 1024 * 1024, "{} bytes", up.len());
        write(&test, &up);
        test.ok(&["upgrade"]);
        let count = test
            .db
            .query_strings("", "SELECT CAST(count(*) AS TEXT) FROM events");
        assert_eq!(count, Some(vec![(STATEMENTS - 1).to_string()]));
        assert_eq!(
            stored_texts(&test),
            Some(vec!["NULL | DROP TABLE events;\n".to_owned()]),
            "the up text over 1 MiB is not kept, the short down is"
        );
        let kept = test.db.query_strings(
            "",
            "SELECT CAST(count(*) AS TEXT) FROM migrate_history WHERE up_sql IS NOT NULL",
        );
        assert_eq!(
            kept,
            Some(vec!["8".to_owned()]),
            "the other rows are intact"
        );
        test.ok(&["downgrade"]);
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
    }
);

backend_test!(
    a_changed_file_whose_text_was_not_kept_shows_the_checksums,
    |test| {
        write(&test, &script(None));
        test.ok(&["upgrade"]);
        write(&test, &format!("{}SELECT 1;\n", script(None)));
        let output = test.fails(&["upgrade"], 1);
        assert!(
            output.stderr.contains(&format!(
                "  --> {FOLDER}/up.sql (changed since it was applied)\n   \
                 | the text as applied was not kept: it was over 1 MiB\n   \
                 | checksum as applied: "
            )) && output.stderr.contains("   | checksum now:        "),
            "{}",
            output.stderr
        );
    }
);

backend_test!(
    a_stored_down_over_the_limit_is_refused_naming_the_fix,
    |test| {
        let down = format!("-- {}\nDROP TABLE events;\n", "x".repeat(1024 * 1024));
        test.write(
            &format!("{FOLDER}/up.sql"),
            "CREATE TABLE events (id INTEGER);\n",
        );
        test.write(&format!("{FOLDER}/down.sql"), &down);
        test.ok(&["hash"]);
        test.ok(&["upgrade"]);
        assert_eq!(
            stored_texts(&test),
            Some(vec![
                "CREATE TABLE events (id INTEGER);\n | NULL".to_owned()
            ])
        );
        test.remove(FOLDER);
        test.ok(&["hash"]);
        let output = test.fails(&["downgrade", "--use-stored-down"], 1);
        assert!(
            output.stderr.contains(
                "error: the down SQL of 20240109090000 was not stored: over the 1 MiB of text the tracking table keeps\n"
            ) && output
                .stderr
                .contains("help: restore the revision's folder from git"),
            "{}",
            output.stderr
        );
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 9, "nothing ran");
    }
);

backend_test!(
    a_script_from_upgrade_sql_stores_a_large_file_in_an_older_table,
    |test| {
        // A DBA runs the reviewed script by hand on a database an older version set up.
        test.db.execute(OLD_TABLE);
        write(&test, &script(None));
        let sql = test.ok(&["upgrade", "--sql"]);
        assert_eq!(test.db.tracked_revisions(), Some(vec![]), "nothing ran");
        test.db.execute(&sql);
        assert_eq!(
            stored_texts(&test),
            Some(vec!["NULL | DROP TABLE events;\n".to_owned()]),
            "the script recorded the revision without its text, as a run would"
        );
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 9);
        test.ok(&["downgrade"]);
        assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
    }
);
