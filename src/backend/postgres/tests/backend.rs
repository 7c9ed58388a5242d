//! Tests of the PostgreSQL backend against a real server, each in a fresh database
//! (see `support`); they skip loudly when no server is configured.

use std::time::Duration;

use crate::backend::postgres::backend::*;
use crate::backend::postgres::tests::support::{
    LoginRole, TestDb, apply, connect, exists, row, script, script_failure, server_url,
};
use crate::backend::{Backend, BackendError, DEFAULT_TABLE, Record, StepWork};
use crate::backend::{PostgresOptions, VersionTable};
use crate::core::{Location, Script};

#[test]
fn a_transactional_step_applies_and_records() {
    let Some(db) = TestDb::create("a_transactional_step_applies_and_records") else {
        return;
    };
    let mut backend = connect(&db);
    assert!(
        backend.applied().unwrap().is_empty(),
        "no table yet, no rows"
    );
    apply(
        &mut backend,
        "1",
        "CREATE TABLE users (id int);\nINSERT INTO users VALUES (1);",
    )
    .unwrap();
    assert!(exists(&db, "public.users"));
    let applied = backend.applied().unwrap();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].id.as_str(), "1");
    assert_eq!(applied[0].slug, "step_1");
    let id = applied[0].id.clone();
    backend
        .run_step(StepWork {
            script: None,
            record: Record::Delete(&id),
        })
        .unwrap();
    assert!(backend.applied().unwrap().is_empty());
}

#[test]
fn a_failing_step_leaves_nothing() {
    let Some(db) = TestDb::create("a_failing_step_leaves_nothing") else {
        return;
    };
    let mut backend = connect(&db);
    let result = apply(
        &mut backend,
        "1",
        "CREATE TABLE half (id int);\nINSERT INTO nope VALUES (1);",
    );
    assert_eq!(script_failure(result).code.as_deref(), Some("42P01"));
    assert!(
        !exists(&db, "public.half"),
        "the script's effects were rolled back"
    );
    assert!(backend.applied().unwrap().is_empty(), "and so was its row");
    // The connection is usable afterwards.
    apply(&mut backend, "1", "CREATE TABLE whole (id int);").unwrap();
}

#[test]
fn an_error_position_points_at_the_line() {
    let Some(db) = TestDb::create("an_error_position_points_at_the_line") else {
        return;
    };
    let mut backend = connect(&db);
    let text = "-- café crème: multi-byte characters before the error\n\
                CREATE TABLE t (id int);\n\
                INSERT INTO t VALUES (1);\n\
                SELECT id,\n       missing_column FROM t;\n";
    let failure = script_failure(apply(&mut backend, "1", text));
    let offset = failure.offset.expect("PostgreSQL reports a position");
    assert_eq!(
        Location::of_offset(text, offset),
        Location { line: 5, column: 8 }
    );
    assert_eq!(
        failure.statement.as_deref(),
        Some("SELECT id,\n       missing_column FROM t;")
    );
    assert_eq!(failure.code.as_deref(), Some("42703"));
}

#[test]
fn sqlstate_detail_and_hint_are_filled() {
    let Some(db) = TestDb::create("sqlstate_detail_and_hint_are_filled") else {
        return;
    };
    let mut backend = connect(&db);
    let text = "DO $$ BEGIN\n  RAISE EXCEPTION 'boom' USING ERRCODE = '22023', DETAIL = 'the detail', HINT = 'the hint';\nEND $$;";
    let failure = script_failure(apply(&mut backend, "1", text));
    assert_eq!(failure.message, "boom");
    assert_eq!(failure.code.as_deref(), Some("22023"));
    assert_eq!(failure.detail.as_deref(), Some("the detail"));
    assert_eq!(failure.hint.as_deref(), Some("the hint"));
}

#[test]
fn racing_processes_apply_each_revision_once() {
    let Some(db) = TestDb::create("racing_processes_apply_each_revision_once") else {
        return;
    };
    db.client()
        .batch_execute("CREATE TABLE runs (revision text)")
        .unwrap();
    let revisions: Vec<(String, Script)> = (1..=4)
        .map(|n| {
            let text = format!("CREATE TABLE t{n} (id int);\nINSERT INTO runs VALUES ('{n}');");
            (n.to_string(), script(&text))
        })
        .collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| -> Result<(), BackendError> {
                    let mut backend = PostgresBackend::connect(&db.url, VersionTable::default())?;
                    backend.lock(Some(Duration::from_secs(60)))?;
                    backend.ensure_version_table()?;
                    let applied = backend.applied()?;
                    for (id, script) in &revisions {
                        if applied.iter().any(|row| row.id.as_str() == id) {
                            continue;
                        }
                        let row = row(id, script);
                        backend.run_step(StepWork {
                            script: Some(script),
                            record: Record::Insert(&row),
                        })?;
                    }
                    backend.unlock()
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap().unwrap();
        }
    });
    let runs = db
        .client()
        .query("SELECT revision FROM runs ORDER BY revision", &[])
        .unwrap();
    let runs: Vec<String> = runs.iter().map(|row| row.get(0)).collect();
    assert_eq!(runs, ["1", "2", "3", "4"]);
    assert_eq!(connect(&db).applied().unwrap().len(), 4);
}

#[test]
fn a_lock_timeout_names_the_holder() {
    let Some(db) = TestDb::create("a_lock_timeout_names_the_holder") else {
        return;
    };
    let mut holder = connect(&db);
    holder.lock(None).unwrap();
    let pid: i32 = holder
        .client_mut()
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let mut waiter = connect(&db);
    let error = waiter.lock(Some(Duration::from_millis(200))).unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, BackendError::Lock { .. }), "{error:?}");
    assert!(text.contains(&format!("pid {pid} ")), "{text}");
    assert!(text.contains("application_name \"migrate\""), "{text}");
    assert!(text.contains("connected since 20"), "{text}");
    assert!(text.contains("SELECT pg_backend_pid()"), "{text}");
    // A different tracking table has a lock of its own.
    let other = VersionTable {
        schema: None,
        name: "other_history".into(),
    };
    let mut elsewhere = PostgresBackend::connect(&db.url, other).unwrap();
    elsewhere.lock(Some(Duration::from_millis(200))).unwrap();
    holder.unlock().unwrap();
    waiter.lock(Some(Duration::from_secs(5))).unwrap();
}

#[test]
fn a_password_never_shows() {
    let Some(server) = server_url("a_password_never_shows") else {
        return;
    };
    let password = "Hunter2SecretPw";
    let url = format!("postgres://someone:{password}@127.0.0.1:1/appdb");
    let error = PostgresBackend::connect(&url, VersionTable::default()).unwrap_err();
    let text = format!("{error}\n{error:?}");
    assert!(!text.contains(password), "{text}");
    for part in ["127.0.0.1", ":1/", "appdb", "someone"] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    // A connection that works (the test server trusts) keeps it out of Debug and describe.
    let Some(db) = TestDb::create("a_password_never_shows") else {
        return;
    };
    let with_password = db
        .url
        .replacen("://postgres@", &format!("://postgres:{password}@"), 1);
    assert!(server.contains("://postgres@") && with_password.contains(password));
    let backend = PostgresBackend::connect(&with_password, VersionTable::default()).unwrap();
    let shown = format!("{} {backend:?}", backend.describe());
    assert!(!shown.contains(password), "{shown}");
}

#[test]
fn a_schema_of_ones_own_is_enough() {
    let Some(db) = TestDb::create("a_schema_of_ones_own_is_enough") else {
        return;
    };
    let role = LoginRole::create(
        &db,
        "owner",
        "CREATE SCHEMA app AUTHORIZATION {role}; REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
    );
    let table = VersionTable {
        schema: Some("app".into()),
        name: DEFAULT_TABLE.into(),
    };
    let mut backend = PostgresBackend::connect(&role.url, table).unwrap();
    apply(&mut backend, "1", "CREATE TABLE app.things (id int);").unwrap();
    apply(&mut backend, "2", "SELECT 1;").unwrap();
    assert_eq!(backend.applied().unwrap().len(), 2);
    assert!(exists(&db, "app.migrate_history"));
}

/// A role that may not use the tracking table's schema connects (asking what exists
/// must not fail there), and reading the rows says what the server refused.
#[test]
fn a_schema_one_may_not_use_fails_on_reading_not_on_connecting() {
    let Some(db) = TestDb::create("a_schema_one_may_not_use") else {
        return;
    };
    db.client()
        .batch_execute("CREATE SCHEMA books; CREATE TABLE books.migrate_history (id int);")
        .unwrap();
    let role = LoginRole::create(&db, "outsider", "");
    let table = VersionTable {
        schema: Some("books".into()),
        name: DEFAULT_TABLE.into(),
    };
    let mut backend = PostgresBackend::connect(&role.url, table).unwrap();
    backend.read_ahead();
    let error = backend.applied().unwrap_err().to_string();
    assert!(
        error.contains("permission denied for schema books"),
        "{error}"
    );
}

#[test]
fn a_missing_schema_is_created() {
    let Some(db) = TestDb::create("a_missing_schema_is_created") else {
        return;
    };
    let table = VersionTable {
        schema: Some("We\"ird".into()),
        name: "hist".into(),
    };
    let mut backend = PostgresBackend::connect(&db.url, table).unwrap();
    apply(&mut backend, "1", "SELECT 1").unwrap();
    assert!(exists(&db, r#""We""ird".hist"#));
}

#[test]
fn session_timeouts_are_applied() {
    let Some(db) = TestDb::create("session_timeouts_are_applied") else {
        return;
    };
    let options = PostgresOptions {
        lock_timeout: Some(Duration::from_millis(1500)),
        statement_timeout: Some(Duration::from_millis(300)),
    };
    let mut backend =
        PostgresBackend::connect_with(&db.url, VersionTable::default(), &options).unwrap();
    let show = |backend: &mut PostgresBackend, name: &str| -> String {
        let sql = "SELECT current_setting($1)";
        backend
            .client_mut()
            .query_one(sql, &[&name])
            .unwrap()
            .get(0)
    };
    assert_eq!(show(&mut backend, "lock_timeout"), "1500ms");
    assert_eq!(show(&mut backend, "statement_timeout"), "300ms");
    let failure = script_failure(apply(&mut backend, "1", "SELECT pg_sleep(5);"));
    assert_eq!(failure.code.as_deref(), Some("57014"), "query_canceled");
}

#[test]
fn from_client_describes_the_server() {
    let Some(db) = TestDb::create("from_client_describes_the_server") else {
        return;
    };
    let mut backend = PostgresBackend::from_client(db.client(), VersionTable::default()).unwrap();
    assert!(
        backend
            .describe()
            .starts_with("postgres://postgres@127.0.0.1:")
    );
    apply(&mut backend, "1", "SELECT 1").unwrap();
    let mut client = backend.into_client();
    let count: i64 = client
        .query_one("SELECT count(*) FROM public.migrate_history", &[])
        .unwrap()
        .get(0);
    assert_eq!(count, 1);
}

#[test]
fn a_connection_dropped_midway_leaves_the_previous_revision() {
    let Some(db) = TestDb::create("a_connection_dropped_midway_leaves_the_previous_revision")
    else {
        return;
    };
    // A sequence is not rolled back, so only the first run kills its own connection.
    db.client().batch_execute("CREATE SEQUENCE once").unwrap();
    let text = "CREATE TABLE half (id int);\n\
                SELECT CASE WHEN nextval('once') = 1 THEN pg_terminate_backend(pg_backend_pid()) END;\n\
                CREATE TABLE rest (id int);\n";
    let mut dying = connect(&db);
    dying.lock(None).unwrap();
    assert!(apply(&mut dying, "1", text).is_err());
    assert!(
        !exists(&db, "half"),
        "the open transaction died with the connection"
    );
    let mut next = connect(&db);
    next.lock(Some(Duration::from_secs(5)))
        .expect("the session lock went with the connection");
    assert!(next.applied().unwrap().is_empty());
    apply(&mut next, "1", text).unwrap();
    assert!(exists(&db, "half") && exists(&db, "rest"));
    assert_eq!(next.applied().unwrap().len(), 1);
}

#[test]
fn the_progress_table_waits_for_a_no_transaction_script() {
    let Some(db) = TestDb::create("the_progress_table_waits_for_a_no_transaction_script") else {
        return;
    };
    let mut backend = connect(&db);
    apply(&mut backend, "1", "SELECT 1;").unwrap();
    assert!(!exists(&db, "migrate_history_progress"));
    assert!(backend.dirty().unwrap().is_empty());
    let id = "1".parse().unwrap();
    backend.clear_dirty(&id).unwrap();
    apply(&mut backend, "2", "-- migrate:no-transaction\nSELECT 2;").unwrap();
    assert!(exists(&db, "migrate_history_progress"));
    assert_eq!(backend.applied().unwrap().len(), 2);
}

#[test]
fn a_byte_order_mark_is_not_sql() {
    let Some(db) = TestDb::create("a_byte_order_mark_is_not_sql") else {
        return;
    };
    let mut backend = connect(&db);
    apply(&mut backend, "1", "\u{feff}CREATE TABLE t (id int);").unwrap();
    let text =
        "\u{feff}-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (id);\nSELECT nope;";
    let failure = script_failure(apply(&mut backend, "2", text));
    let at = Location::of_offset(text, failure.offset.unwrap());
    assert_eq!((at.line, at.column), (3, 8));
    let text = "\u{feff}SELECT 1;\nSELECT nope;";
    let failure = script_failure(apply(&mut backend, "3", text));
    let at = Location::of_offset(text, failure.offset.unwrap());
    assert_eq!((at.line, at.column), (2, 8));
}
