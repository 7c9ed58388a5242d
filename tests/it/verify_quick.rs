//! Quick checks (PostgreSQL: a down proved to undo its up, the tables it alters printing
//! as they did, or read once, with no snapshot after either up) say exactly what the
//! careful check says (`--read-every-step`), on a history where each way of judging meets
//! a defect, and the report tells which way judged each down.

use serde_json::Value;

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::Test;

fn id(n: usize) -> String {
    format!("202403010000{n:02}")
}

/// The revisions: (up, down, status, how a quick check judges the down on PostgreSQL).
const HISTORY: [(&str, &str, &str, Option<&str>); 14] = [
    (
        "CREATE TABLE t01 (id INTEGER PRIMARY KEY, v TEXT);",
        "DROP TABLE t01;",
        "ok",
        Some("proved"),
    ),
    (
        "INSERT INTO t01 (id, v) VALUES (1, 'a');",
        "DELETE FROM t01 WHERE id = 1;",
        "ok",
        Some("proved"),
    ),
    // An older table altered and restored: proved.
    (
        "ALTER TABLE t01 ADD COLUMN note TEXT;",
        "ALTER TABLE t01 DROP COLUMN note;",
        "ok",
        Some("proved"),
    ),
    // Only new objects, but the down leaves the table: not proved, so checked again the
    // careful way on a rebuilt database.
    (
        "CREATE TABLE t04 (id INTEGER PRIMARY KEY, t01_id INTEGER REFERENCES t01 (id));\n\
         CREATE INDEX t04_t01 ON t04 (t01_id);",
        "DROP INDEX t04_t01;",
        "down_mismatch",
        None,
    ),
    // The down drops what the up made and changes an older table besides.
    (
        "CREATE VIEW v05 AS SELECT id, v FROM t01;",
        "DROP VIEW v05;\nALTER TABLE t01 ADD COLUMN oops INTEGER;",
        "down_mismatch",
        None,
    ),
    // The down drops another column than the one its up added: the table does not print
    // as it did, so checked again the careful way.
    (
        "ALTER TABLE t01 ADD COLUMN extra TEXT;",
        "ALTER TABLE t01 DROP COLUMN note;",
        "down_mismatch",
        None,
    ),
    // An up that drops a table is read after its down (nothing to prove it by): once
    // right, once leaving a table.
    (
        "CREATE TABLE r07 (id INTEGER);\nDROP TABLE r07;\nCREATE TABLE s07 (id INTEGER);",
        "DROP TABLE s07;",
        "ok",
        Some("read"),
    ),
    (
        "CREATE TABLE r08 (id INTEGER);\nDROP TABLE r08;\nCREATE TABLE s08 (id INTEGER);",
        "SELECT 1;",
        "down_mismatch",
        Some("read"),
    ),
    // A folded date: checked the careful way.
    (
        "CREATE TABLE t07 (id INTEGER PRIMARY KEY, made DATE DEFAULT 'today');",
        "DROP TABLE t07;",
        "ok",
        None,
    ),
    (
        "CREATE TABLE t08 (id INTEGER PRIMARY KEY);",
        "DROP TABLE t08;",
        "ok",
        Some("proved"),
    ),
    // The schema is proved back, but the row the up inserted stays: the second up fails.
    (
        "CREATE TABLE t09 (id INTEGER PRIMARY KEY);\nINSERT INTO t01 (id, v) VALUES (9, 'x');",
        "DROP TABLE t09;",
        "reup_failed",
        Some("proved"),
    ),
    (
        "CREATE TABLE t10 (id INTEGER PRIMARY KEY, t08_id INTEGER REFERENCES t08 (id));",
        "DROP TABLE t10;",
        "ok",
        Some("proved"),
    ),
    // A first wide column gives the table a TOAST table, which outlives the column: no
    // part of the schema, so still proved. The name is quoted.
    (
        "ALTER TABLE \"t08\" ADD COLUMN body TEXT;",
        "ALTER TABLE t08 DROP COLUMN body;",
        "ok",
        Some("proved"),
    ),
    // The down drops the column its up added, and renames another.
    (
        "ALTER TABLE t08 ADD COLUMN flag BOOLEAN NOT NULL DEFAULT false;",
        "ALTER TABLE t08 DROP COLUMN flag;\nALTER TABLE t08 RENAME COLUMN body TO text_body;",
        "down_mismatch",
        None,
    ),
];

fn backend(test: &Test) -> &'static str {
    match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    }
}

fn verify_json(test: &Test, extra: &[&str]) -> Value {
    let mut args = vec!["verify", "--backend", backend(test), "--format", "json"];
    args.extend_from_slice(extra);
    let output = test.run(&args);
    assert_eq!(
        output.code, 1,
        "the planted defects fail the run: {output:#?}"
    );
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {output:#?}"))
}

/// Each revision's status and how its down was judged, if quickly.
fn verdicts(report: &Value) -> Vec<(String, Option<String>)> {
    report["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let quick = v.get("quick").map(|q| q.as_str().unwrap().to_owned());
            (v["status"].as_str().unwrap().to_owned(), quick)
        })
        .collect()
}

/// The report without what differs between the two ways of checking: the run's duration
/// and how each down was judged.
fn findings(mut report: Value) -> Value {
    let object = report.as_object_mut().unwrap();
    object.remove("duration_ms");
    for revision in object["revisions"].as_array_mut().unwrap() {
        revision.as_object_mut().unwrap().remove("quick");
    }
    report
}

backend_test!(quick_checks_say_what_the_careful_check_says, |test| {
    test.remove("migrations");
    for (n, (up, down, _, _)) in HISTORY.iter().enumerate() {
        let folder = format!("migrations/{}_step_{:02}", id(n + 1), n + 1);
        test.write(&format!("{folder}/up.sql"), format!("{up}\n"));
        test.write(&format!("{folder}/down.sql"), format!("{down}\n"));
    }
    test.ok(&["hash"]);
    test.ok(&["snapshot", "--backend", backend(&test)]);

    let quick = verify_json(&test, &[]);
    let careful = verify_json(&test, &["--read-every-step"]);
    let expected: Vec<(String, Option<String>)> = HISTORY
        .iter()
        .map(|(_, _, status, how)| {
            let how = match test.db.kind {
                // SQLite has no change log to vouch for a step: every check is careful.
                Kind::Sqlite => None,
                Kind::Postgres => how.map(str::to_owned),
            };
            ((*status).to_owned(), how)
        })
        .collect();
    assert_eq!(verdicts(&quick), expected);
    assert!(
        verdicts(&careful).iter().all(|(_, how)| how.is_none()),
        "--read-every-step reads every step: {careful:#}"
    );
    assert_eq!(quick["snapshot"]["status"], "matches");
    assert_eq!(findings(quick), findings(careful));
});
