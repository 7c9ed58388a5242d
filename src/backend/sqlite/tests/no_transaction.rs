//! `-- migrate:no-transaction` scripts on SQLite: statements run one at a time, a failure
//! leaves a dirty mark, and writing the revision's record clears it.

use crate::backend::test_rows::script_row;
use crate::backend::{Backend, BackendError, Record, SqliteBackend, StepWork, VersionTable};
use crate::core::{Location, Script};

fn script(text: &str) -> Script {
    Script::new("migrations/1_test/up.sql", text).unwrap()
}

fn apply(db: &mut SqliteBackend, script: &Script) -> Result<(), BackendError> {
    let row = script_row("1", script);
    db.run_step(StepWork {
        script: Some(script),
        record: Record::Insert(&row),
    })
}

#[test]
fn a_trigger_body_is_one_statement_and_vacuum_runs() {
    let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
    db.ensure_version_table().unwrap();
    let text = "-- migrate:no-transaction\n\
                CREATE TABLE t (a INTEGER, seen INTEGER);\n\
                CREATE TRIGGER t_seen AFTER INSERT ON t BEGIN\n  \
                UPDATE t SET seen = CASE WHEN new.a > 0 THEN 1 END WHERE rowid = new.rowid;\n\
                END;\n\
                VACUUM;\n";
    apply(&mut db, &script(text)).unwrap();
    db.connection()
        .execute("INSERT INTO t (a) VALUES (5)", [])
        .unwrap();
    let seen: i64 = db
        .connection()
        .query_row("SELECT seen FROM t", [], |row| row.get(0))
        .unwrap();
    assert_eq!(seen, 1);
    assert_eq!(db.applied().unwrap().len(), 1);
    assert!(db.dirty().unwrap().is_empty());
}

#[test]
fn a_failure_is_marked_at_its_line_and_a_stamp_clears_the_mark() {
    let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
    db.ensure_version_table().unwrap();
    let text = "-- migrate:no-transaction\n\
                CREATE TABLE t (a INTEGER);\n\
                CREATE INDEX t_b ON t (b);\n";
    let failed = script(text);
    let Err(BackendError::Script { failure }) = apply(&mut db, &failed) else {
        panic!("expected the second statement to fail");
    };
    let at = Location::of_offset(text, failure.offset.unwrap());
    assert_eq!(at.line, 3, "{failure:?}");
    let dirty = db.dirty().unwrap();
    assert_eq!(dirty.len(), 1);
    assert_eq!((dirty[0].statements_done, dirty[0].statement_count), (1, 2));
    assert_eq!(
        dirty[0].failed_statement.as_deref(),
        Some("CREATE INDEX t_b ON t (b);")
    );
    assert!(db.applied().unwrap().is_empty());
    let stamp = script_row("1", &failed);
    db.run_step(StepWork {
        script: None,
        record: Record::Insert(&stamp),
    })
    .unwrap();
    assert!(
        db.dirty().unwrap().is_empty(),
        "the record cleared the mark"
    );
    assert_eq!(db.applied().unwrap().len(), 1);
}
