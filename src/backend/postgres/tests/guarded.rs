//! A long transactional script is guarded against transaction control whenever it runs
//! (see `Script::lexed_beside`): no batch holding one is sent, whether the lexing is in.

use super::support::{TestDb, apply, connect, exists};
use crate::backend::BackendError;

fn long_text(early: &str, middle: &str) -> String {
    let row = "INSERT INTO events (payload) VALUES ('one row of a long data migration');\n";
    let half = row.repeat((1 << 20) / row.len() / 2 + 1);
    format!("CREATE TABLE events (payload text);\n{early}{half}{middle}{half}")
}

fn refused(result: Result<(), BackendError>) -> String {
    match result {
        Err(BackendError::TransactionControl { found }) => found.statement,
        other => panic!("transaction control expected, got {other:?}"),
    }
}

#[test]
fn no_batch_holding_a_commit_is_sent() {
    let Some(db) = TestDb::create("no_batch_holding_a_commit_is_sent") else {
        return;
    };
    let mut backend = connect(&db);
    let result = apply(&mut backend, "1", &long_text("", "COMMIT;\n"));
    assert_eq!(refused(result), "COMMIT");
    assert!(
        !exists(&db, "events"),
        "nothing before the COMMIT committed"
    );
}

#[test]
fn a_statement_failing_before_the_commit_is_reported_as_the_commit() {
    let Some(db) = TestDb::create("a_statement_failing_before_the_commit_is_reported_as") else {
        return;
    };
    let mut backend = connect(&db);
    let text = long_text("INSERT INTO missing VALUES (1);\n", "END;\n");
    assert_eq!(refused(apply(&mut backend, "1", &text)), "END");
    assert!(!exists(&db, "events"));
}
