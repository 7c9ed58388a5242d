//! Tests of `-- migrate:no-transaction` scripts against a real server (skipped loudly when
//! none is configured).

use crate::backend::postgres::tests::support::{
    TestDb, apply, connect, exists, row, script, script_failure,
};
use crate::backend::{Backend, Record, SqlFailure, StepWork};
use crate::core::{Direction, Location};

const TABLE: &str = "CREATE TABLE t (a int, b int); INSERT INTO t VALUES (1, 1), (1, 2), (2, 3);";

fn valid(db: &TestDb, index: &str) -> Option<bool> {
    let rows = db
        .client()
        .query(
            "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass($1)",
            &[&index],
        )
        .unwrap();
    rows.first().map(|row| row.get(0))
}

#[test]
fn concurrent_index_builds_run_one_statement_at_a_time() {
    let Some(db) = TestDb::create("concurrent_index_builds_run_one_statement_at_a_time") else {
        return;
    };
    db.client().batch_execute(TABLE).unwrap();
    let mut backend = connect(&db);
    let text = "-- migrate:no-transaction\n\
                CREATE INDEX CONCURRENTLY t_a ON t (a);\n\
                /* a comment; with a semicolon */\n\
                CREATE INDEX CONCURRENTLY t_b ON t (b);\n\
                VACUUM ANALYZE t;\n";
    apply(&mut backend, "1", text).unwrap();
    assert_eq!(valid(&db, "t_a"), Some(true));
    assert_eq!(valid(&db, "t_b"), Some(true));
    assert_eq!(backend.applied().unwrap().len(), 1);
}

#[test]
fn in_a_transaction_a_concurrent_build_is_refused() {
    let Some(db) = TestDb::create("in_a_transaction_a_concurrent_build_is_refused") else {
        return;
    };
    db.client().batch_execute(TABLE).unwrap();
    let mut backend = connect(&db);
    let failure = script_failure(apply(
        &mut backend,
        "1",
        "CREATE INDEX CONCURRENTLY t_a ON t (a);",
    ));
    assert_eq!(
        failure.code.as_deref(),
        Some("25001"),
        "active_sql_transaction"
    );
}

#[test]
fn a_failed_concurrent_build_says_how_to_drop_the_invalid_index() {
    let Some(db) = TestDb::create("a_failed_concurrent_build_says_how_to_drop_the_invalid_index")
    else {
        return;
    };
    db.client().batch_execute(TABLE).unwrap();
    let mut backend = connect(&db);
    let text = "-- migrate:no-transaction\n\
                CREATE INDEX CONCURRENTLY t_b ON t (b);\n\
                CREATE UNIQUE INDEX CONCURRENTLY t_a_unique ON t (a);\n";
    let failure = script_failure(apply(&mut backend, "1", text));
    assert_eq!(failure.code.as_deref(), Some("23505"), "unique_violation");
    assert!(
        failure
            .detail
            .as_deref()
            .is_some_and(|detail| detail.contains("(a)=(1)"))
    );
    assert_eq!(at_line(text, &failure), 3);
    let drop = r#"DROP INDEX CONCURRENTLY "public"."t_a_unique";"#;
    assert!(
        failure
            .hint
            .as_deref()
            .is_some_and(|hint| hint.contains(drop)),
        "{failure:?}"
    );
    assert_eq!(valid(&db, "t_a_unique"), Some(false));
    assert_eq!(
        valid(&db, "t_b"),
        Some(true),
        "earlier statements stay applied"
    );
    assert!(
        backend.applied().unwrap().is_empty(),
        "the revision is not recorded"
    );

    // Rerunning with IF NOT EXISTS would silently keep the broken index; it is an error.
    let text = "-- migrate:no-transaction\n\
                CREATE INDEX CONCURRENTLY IF NOT EXISTS t_b ON t (b);\n\
                CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_a_unique ON t (a);\n";
    let failure = script_failure(apply(&mut backend, "1", text));
    assert_eq!(at_line(text, &failure), 3);
    assert!(
        failure
            .message
            .contains(r#"index "public"."t_a_unique" is left INVALID"#)
    );
    assert!(
        failure
            .hint
            .as_deref()
            .is_some_and(|hint| hint.contains(drop)),
        "{failure:?}"
    );
    assert!(backend.applied().unwrap().is_empty());

    db.client()
        .batch_execute("DELETE FROM t WHERE b = 2")
        .unwrap();
    db.client().batch_execute(drop).unwrap();
    apply(&mut backend, "1", text).unwrap();
    assert!(exists(&db, "t_a_unique"));
    assert_eq!(backend.applied().unwrap().len(), 1);
}

fn at_line(text: &str, failure: &SqlFailure) -> usize {
    Location::of_offset(text, failure.offset.expect("an offset")).line
}

#[test]
fn a_failed_statement_leaves_the_revision_dirty_until_it_is_recorded() {
    let Some(db) = TestDb::create("a_failed_statement_leaves_the_revision_dirty") else {
        return;
    };
    db.client().batch_execute(TABLE).unwrap();
    let mut backend = connect(&db);
    let text = "-- migrate:no-transaction\n\
                CREATE INDEX CONCURRENTLY t_b ON t (b);\n\
                CREATE UNIQUE INDEX CONCURRENTLY t_a_unique ON t (a);\n\
                CREATE INDEX CONCURRENTLY t_ab ON t (a, b);\n";
    script_failure(apply(&mut backend, "7", text));
    let dirty = backend.dirty().unwrap();
    assert_eq!(dirty.len(), 1);
    let mark = &dirty[0];
    assert_eq!((mark.id.as_str(), mark.direction), ("7", Direction::Up));
    assert_eq!((mark.statements_done, mark.statement_count), (1, 3));
    assert_eq!(
        mark.failed_statement.as_deref(),
        Some("CREATE UNIQUE INDEX CONCURRENTLY t_a_unique ON t (a);")
    );
    assert!(
        mark.error.as_deref().is_some_and(|e| e.contains("23505")),
        "{mark:?}"
    );
    assert!(
        mark.to_string()
            .contains("stopped after 1 of 3 statements: statement 2 failed")
    );

    backend.clear_dirty(&mark.id).unwrap();
    assert!(backend.dirty().unwrap().is_empty());

    // A later failure marks it again; recording the revision (here a `stamp`) clears it.
    script_failure(apply(&mut backend, "7", text));
    assert_eq!(backend.dirty().unwrap().len(), 1);
    let stamp = row("7", &script(text));
    backend
        .run_step(StepWork {
            script: None,
            record: Record::Insert(&stamp),
        })
        .unwrap();
    assert!(backend.dirty().unwrap().is_empty());
    assert_eq!(backend.applied().unwrap().len(), 1);
}

#[test]
fn a_dropped_connection_leaves_the_mark_of_the_last_good_statement() {
    let Some(db) = TestDb::create("a_dropped_connection_leaves_the_mark") else {
        return;
    };
    let mut backend = connect(&db);
    let text = "-- migrate:no-transaction\n\
                CREATE TABLE kept (id int);\n\
                SELECT pg_terminate_backend(pg_backend_pid());\n\
                CREATE TABLE never (id int);\n";
    assert!(apply(&mut backend, "3", text).is_err());
    let dirty = connect(&db).dirty().unwrap();
    assert_eq!(dirty.len(), 1);
    assert_eq!(
        (
            dirty[0].statements_done,
            dirty[0].failed_statement.as_deref()
        ),
        (1, None)
    );
    assert!(
        dirty[0]
            .to_string()
            .contains("interrupted before statement 2 finished")
    );
    assert!(exists(&db, "kept") && !exists(&db, "never"));
}

#[test]
fn a_dirty_revision_resumes_after_its_last_good_statement() {
    let Some(db) = TestDb::create("a_dirty_revision_resumes_after_its_last_good_statement") else {
        return;
    };
    db.client().batch_execute(TABLE).unwrap();
    let mut backend = connect(&db);
    // Run twice from the start, the first statement would fail: it is not idempotent.
    let text = "-- migrate:no-transaction\n\
                CREATE TABLE audit (id int);\n\
                CREATE UNIQUE INDEX CONCURRENTLY t_a_unique ON t (a);\n";
    script_failure(apply(&mut backend, "5", text));
    let mark = backend.dirty().unwrap().remove(0);
    let mut client = db.client();
    client.batch_execute("DELETE FROM t WHERE b = 2").unwrap();
    client
        .batch_execute("DROP INDEX CONCURRENTLY t_a_unique")
        .unwrap();
    let script = script(text);
    let row = row("5", &script);
    let work = StepWork {
        script: Some(&script),
        record: Record::Insert(&row),
    };
    backend.resume_step(work, mark.statements_done).unwrap();
    assert_eq!(valid(&db, "t_a_unique"), Some(true));
    assert!(backend.dirty().unwrap().is_empty());
    assert_eq!(backend.applied().unwrap().len(), 1);
    let too_far = backend.resume_step(work, 3).unwrap_err();
    assert!(
        too_far.to_string().contains("has 2 statements"),
        "{too_far}"
    );
}

#[test]
fn a_standard_sql_function_body_is_one_statement() {
    let Some(db) = TestDb::create("a_standard_sql_function_body_is_one_statement") else {
        return;
    };
    let mut backend = connect(&db);
    let text = "-- migrate:no-transaction\n\
                CREATE FUNCTION two() RETURNS int LANGUAGE sql\n\
                BEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 2 END;\nEND;\n\
                VACUUM;\n";
    apply(&mut backend, "1", text).unwrap();
    let two: i32 = db.client().query_one("SELECT two()", &[]).unwrap().get(0);
    assert_eq!(two, 2);
}
