//! Tests of staged step records against a real server (skipped loudly when none is
//! configured): a staged step commits its script and its record together, and whatever
//! goes wrong puts the backend back on the unstaged path without losing a record.

use crate::backend::postgres::tests::support::{
    LoginRole, TestDb, connect, exists, row, script_failure,
};
use crate::backend::{Backend, PostgresBackend, Record, StepWork, VersionTable};
use crate::core::{AppliedRevision, Location, RevisionId, Script};

/// The time as the engine stamps its rows (the backend takes it as given, so its tests
/// make their own rather than import the engine).
fn now() -> String {
    crate::backend::version_table::applied_at_text(time::OffsetDateTime::now_utc())
}

/// A revision's up script and the row the engine would record for it.
struct Up {
    script: Script,
    row: AppliedRevision,
}

fn up(id: &str, text: &str) -> Up {
    let script = Script::new(format!("migrations/{id}_test/up.sql"), text).unwrap();
    let row = row(id, &script);
    Up { script, row }
}

fn work(up: &Up) -> StepWork<'_> {
    StepWork {
        script: Some(&up.script),
        record: Record::Insert(&up.row),
    }
}

/// Stages `works`, then runs each in order; every one must succeed.
fn stage_and_run(backend: &mut PostgresBackend, works: &[StepWork<'_>]) {
    backend.stage_steps(works).unwrap();
    for work in works {
        backend.run_step(*work).unwrap();
    }
}

fn ids(backend: &mut PostgresBackend) -> Vec<String> {
    let applied = backend.applied().unwrap();
    applied.iter().map(|row| row.id.to_string()).collect()
}

/// Whether the row was written by a staged step: those take `applied_at` from the
/// server's clock, unstaged ones from the row the engine built (a fixed date here).
fn staged(row: &AppliedRevision) -> bool {
    row.applied_at != "2026-01-01T00:00:00Z"
}

#[test]
fn staged_steps_record_what_the_engine_would() {
    let Some(db) = TestDb::create("staged_steps_record_what_the_engine_would") else {
        return;
    };
    let mut backend = connect(&db);
    backend.ensure_version_table().unwrap();
    let ups = [
        up("1", "CREATE TABLE a (id int);\n"),
        // No final semicolon, and a comment that the appended record must not fall into.
        up("2", "CREATE TABLE b (id int) -- the end"),
        up("3", "\u{feff}CREATE TABLE c (id int);"),
    ];
    let works: Vec<StepWork<'_>> = ups.iter().map(work).collect();
    let before = now();
    stage_and_run(&mut backend, &works);
    let after = now();
    let applied = backend.applied().unwrap();
    assert_eq!(applied.len(), 3);
    for (row, up) in applied.iter().zip(&ups) {
        assert!(staged(row), "{row:?}");
        let expected = AppliedRevision {
            applied_at: row.applied_at.clone(),
            duration_ms: row.duration_ms,
            ..up.row.clone()
        };
        assert_eq!(row, &expected);
        // RFC 3339 in UTC, within the run (compared to the second).
        assert!(row.applied_at.ends_with('Z'), "{}", row.applied_at);
        assert!(before[..19] <= row.applied_at[..19] && row.applied_at[..19] <= after[..19]);
        assert!(row.duration_ms >= 0);
    }
    for table in ["public.a", "public.b", "public.c"] {
        assert!(exists(&db, table), "{table}");
    }

    let downs: Vec<(RevisionId, Script)> = ["3", "2"]
        .iter()
        .map(|id| {
            let text = format!("DROP TABLE {};", if *id == "3" { "c" } else { "b" });
            let script =
                Script::new(format!("migrations/{id}_test/down.sql"), text.as_str()).unwrap();
            (id.parse().unwrap(), script)
        })
        .collect();
    let works: Vec<StepWork<'_>> = downs
        .iter()
        .map(|(id, script)| StepWork {
            script: Some(script),
            record: Record::Delete(id),
        })
        .collect();
    stage_and_run(&mut backend, &works);
    assert_eq!(ids(&mut backend), ["1"]);
    assert!(!exists(&db, "public.b") && !exists(&db, "public.c"));
}

#[test]
fn a_failing_staged_script_leaves_nothing_and_names_its_line() {
    let Some(db) = TestDb::create("a_failing_staged_script_leaves_nothing") else {
        return;
    };
    let mut backend = connect(&db);
    backend.ensure_version_table().unwrap();
    let bad_text = "CREATE TABLE half (id int);\nINSERT INTO nope VALUES (1);\n";
    let ups = [
        up("1", "CREATE TABLE a (id int);"),
        up("2", bad_text),
        up("3", "CREATE TABLE c (id int);"),
    ];
    let works: Vec<StepWork<'_>> = ups.iter().map(work).collect();
    backend.stage_steps(&works).unwrap();
    backend.run_step(works[0]).unwrap();
    let failure = script_failure(backend.run_step(works[1]));
    assert_eq!(failure.code.as_deref(), Some("42P01"));
    let offset = failure.offset.expect("the server gives a position");
    assert_eq!(Location::of_offset(bad_text, offset).line, 2);
    assert!(!exists(&db, "public.half"), "rolled back");
    assert_eq!(ids(&mut backend), ["1"]);
    // The next step is not the one staged after the failed one any more: it runs, and
    // is recorded, unstaged.
    backend.run_step(works[2]).unwrap();
    let applied = backend.applied().unwrap();
    assert_eq!(applied.len(), 2);
    assert!(!staged(&applied[1]));
}

#[test]
fn a_script_that_drops_what_staging_made_is_still_recorded() {
    let Some(db) = TestDb::create("a_script_that_drops_what_staging_made") else {
        return;
    };
    let mut backend = connect(&db);
    backend.ensure_version_table().unwrap();
    let ups = [
        up("1", "DISCARD TEMP;\nCREATE TABLE a (id int);"),
        up("2", "DEALLOCATE ALL;\nCREATE TABLE b (id int);"),
        up("3", "CREATE TABLE c (id int);"),
    ];
    let works: Vec<StepWork<'_>> = ups.iter().map(work).collect();
    stage_and_run(&mut backend, &works);
    assert_eq!(ids(&mut backend), ["1", "2", "3"]);
    for table in ["public.a", "public.b", "public.c"] {
        assert!(exists(&db, table), "{table}");
    }
    // Staging makes what it needs again.
    let later = up("4", "CREATE TABLE d (id int);");
    stage_and_run(&mut backend, &[work(&later)]);
    let applied = backend.applied().unwrap();
    assert!(staged(&applied[3]), "{:?}", applied[3]);
}

#[test]
fn steps_out_of_order_or_outside_a_transaction_run_unstaged() {
    let Some(db) = TestDb::create("steps_out_of_order_run_unstaged") else {
        return;
    };
    let mut backend = connect(&db);
    backend.ensure_version_table().unwrap();
    let ups = [
        up("1", "CREATE TABLE t (a int);"),
        up(
            "2",
            "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);",
        ),
        up("3", "CREATE TABLE c (id int);"),
        up("4", "CREATE TABLE d (id int);"),
        up("5", "CREATE TABLE e (id int);"),
    ];
    let works: Vec<StepWork<'_>> = ups.iter().map(work).collect();
    backend.stage_steps(&works).unwrap();
    for index in [0, 1, 2, 4, 3] {
        backend.run_step(works[index]).unwrap();
    }
    let applied = backend.applied().unwrap();
    let staged: Vec<(String, bool)> = applied
        .iter()
        .map(|row| (row.id.to_string(), staged(row)))
        .collect();
    assert_eq!(
        staged,
        [
            ("1".into(), true),
            ("2".into(), false),
            ("3".into(), true),
            ("4".into(), false),
            ("5".into(), false),
        ]
    );
    assert!(exists(&db, "public.t_a"));
}

#[test]
fn a_script_that_ends_inside_a_comment_or_string_applies_nothing() {
    let Some(db) = TestDb::create("a_script_that_ends_inside_a_comment") else {
        return;
    };
    let mut backend = connect(&db);
    backend.ensure_version_table().unwrap();
    for text in [
        "CREATE TABLE a (id int);\n/* never closed",
        "CREATE TABLE a (id int);\nCOMMENT ON TABLE a IS 'never closed",
        "CREATE TABLE a (id int);\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1",
    ] {
        let step = up("1", text);
        backend.stage_steps(&[work(&step)]).unwrap();
        assert!(backend.run_step(work(&step)).is_err(), "{text}");
        assert!(!exists(&db, "public.a"), "{text}");
        assert!(ids(&mut backend).is_empty(), "{text}");
    }
}

#[test]
fn without_the_right_to_make_a_temporary_table_steps_run_unstaged() {
    let name = "without_the_right_to_make_a_temporary_table";
    let Some(db) = TestDb::create(name) else {
        return;
    };
    let database: String = db
        .client()
        .query_one("SELECT current_database()", &[])
        .unwrap()
        .get(0);
    let role = LoginRole::create(
        &db,
        "no_temp",
        &format!(
            "GRANT CREATE ON SCHEMA public TO {{role}}; \
             REVOKE TEMPORARY ON DATABASE \"{database}\" FROM PUBLIC;"
        ),
    );
    let mut backend = PostgresBackend::connect(&role.url, VersionTable::default()).unwrap();
    backend.ensure_version_table().unwrap();
    let ups = [
        up("1", "CREATE TABLE a (id int);"),
        up("2", "CREATE TABLE b (id int);"),
    ];
    let works: Vec<StepWork<'_>> = ups.iter().map(work).collect();
    stage_and_run(&mut backend, &works);
    let applied = backend.applied().unwrap();
    assert_eq!(applied.len(), 2);
    assert!(applied.iter().all(|row| !staged(row)), "{applied:?}");
}

#[test]
fn a_staged_stamp_clears_the_dirty_mark_it_moves_past() {
    let Some(db) = TestDb::create("a_staged_stamp_clears_the_dirty_mark") else {
        return;
    };
    let mut backend = connect(&db);
    backend.ensure_version_table().unwrap();
    let half = up(
        "1",
        "-- migrate:no-transaction\nCREATE TABLE a (id int);\nSELECT nope;",
    );
    assert!(backend.run_step(work(&half)).is_err());
    assert_eq!(backend.dirty().unwrap().len(), 1);
    let stamp = StepWork {
        script: None,
        record: Record::Insert(&half.row),
    };
    backend.stage_steps(&[stamp]).unwrap();
    backend.run_step(stamp).unwrap();
    assert!(backend.dirty().unwrap().is_empty());
    let applied = backend.applied().unwrap();
    assert_eq!(applied.len(), 1);
    assert!(staged(&applied[0]));
}
