//! A no-op's first reads, made while the directory is read: what they saw is what the
//! run is answered with, whether or not each bookkeeping table existed then.

use super::support::{TestDb, apply, connect, script_failure};
use crate::backend::Backend;

fn ids(rows: &[crate::core::AppliedRevision]) -> Vec<&str> {
    rows.iter().map(|row| row.id.as_str()).collect()
}

#[test]
fn the_rows_and_the_marks_are_those_of_the_moment_it_read() {
    let Some(db) = TestDb::create("the_rows_and_the_marks_are_those_of_the_moment") else {
        return;
    };
    let mut writer = connect(&db);
    apply(&mut writer, "1", "CREATE TABLE t (id int);").unwrap();
    script_failure(apply(
        &mut writer,
        "2",
        "-- migrate:no-transaction\nCREATE TABLE u (id int);\nSELECT 1/0;\n",
    ));

    let mut reader = connect(&db);
    reader.read_ahead();
    // Changed after the read: the run is answered with what it read.
    writer.clear_dirty(&"2".parse().unwrap()).unwrap();
    apply(&mut writer, "3", "CREATE TABLE v (id int);").unwrap();

    let marks = reader.dirty().unwrap();
    assert_eq!(
        marks.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["2"]
    );
    assert_eq!(ids(&reader.applied_without_texts().unwrap()), ["1"]);
    // Each is handed out once; asked again, the table answers.
    assert!(reader.dirty().unwrap().is_empty());
    assert_eq!(ids(&reader.applied_without_texts().unwrap()), ["1", "3"]);
}

#[test]
fn tables_missing_when_it_read_are_no_rows_and_no_marks() {
    let Some(db) = TestDb::create("tables_missing_when_it_read_are_no_rows") else {
        return;
    };
    let mut reader = connect(&db);
    reader.read_ahead();
    let mut writer = connect(&db);
    apply(&mut writer, "1", "CREATE TABLE t (id int);").unwrap();

    assert!(reader.dirty().unwrap().is_empty());
    assert!(reader.applied_without_texts().unwrap().is_empty());
    assert_eq!(ids(&reader.applied_without_texts().unwrap()), ["1"]);
}
