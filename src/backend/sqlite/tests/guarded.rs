//! A long transactional script is guarded against transaction control whenever it runs:
//! the planner may have left its check to the run, and another thread may have asked for
//! the lexing between the plan and the run (so whether it is still pending says nothing).

use crate::backend::test_rows::script_row;
use crate::backend::{Backend, BackendError, Record, SqliteBackend, StepWork, VersionTable};
use crate::core::{Checksum, Script};

fn long_script(middle: &str) -> Script {
    let row = "INSERT INTO events (payload) VALUES ('one row of a long data migration');\n";
    let half = row.repeat((1 << 20) / row.len() / 2 + 1);
    let text = format!("CREATE TABLE events (payload TEXT);\n{half}{middle}{half}");
    Script::new("migrations/1_events/up.sql", text).unwrap()
}

fn tables(db: &mut SqliteBackend) -> Vec<String> {
    let schema = db.introspect(&Default::default()).unwrap();
    schema
        .tables
        .keys()
        .map(|name| name.name.to_string())
        .collect()
}

#[test]
fn a_commit_in_a_long_script_whose_lexing_is_in_still_commits_nothing() {
    let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
    db.ensure_version_table().unwrap();
    let script = long_script("COMMIT;\n");
    let row = script_row("1", &script);
    assert!(script.lexed_beside() && !script.facts_pending());
    let error = db
        .run_step(StepWork {
            script: Some(&script),
            record: Record::Insert(&row),
        })
        .unwrap_err();
    let BackendError::TransactionControl { found } = error else {
        panic!("transaction control expected: {error}");
    };
    assert_eq!(found.statement, "COMMIT");
    assert!(db.applied().unwrap().is_empty());
    assert!(!tables(&mut db).contains(&"events".to_owned()));
}

#[test]
fn a_long_script_with_savepoints_runs_under_the_guard() {
    let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
    db.ensure_version_table().unwrap();
    let script = long_script("SAVEPOINT s;\nDELETE FROM events;\nROLLBACK TO s;\nRELEASE s;\n");
    let made = || script_row("1", &script);
    db.run_step(StepWork {
        script: Some(&script),
        record: Record::InsertMade {
            id: &"1".parse().unwrap(),
            make: &made,
        },
    })
    .unwrap();
    let applied = db.applied().unwrap();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].up_checksum, Checksum::of_text(&script.text));
    assert!(tables(&mut db).contains(&"events".to_owned()));
}
