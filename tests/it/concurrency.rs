//! Many `migrate` processes at once: each revision runs once, and every process exits 0.

use std::process::{Command, Output};

use crate::backend_test;
use crate::harness::Test;

/// Runs `migrate ARGS` in eight processes at once and returns their outputs.
fn race(test: &Test, args: &'static [&'static str]) -> Vec<Output> {
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let dir = test.path().to_owned();
            let url = test.db.url.clone();
            std::thread::spawn(move || {
                Command::new(env!("CARGO_BIN_EXE_migrate"))
                    .current_dir(dir)
                    .env("DATABASE_URL", url)
                    .args(args)
                    .output()
                    .unwrap()
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().unwrap())
        .collect()
}

/// How many lines of all the outputs start with `verb `.
fn steps_run(outputs: &[Output], verb: &str) -> usize {
    outputs
        .iter()
        .map(|output| {
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter(|line| line.starts_with(&format!("{verb} 2")))
                .count()
        })
        .sum()
}

backend_test!(racing_upgrades_apply_each_revision_once, |test| {
    let outputs = race(&test, &["upgrade"]);
    assert_eq!(
        steps_run(&outputs, "upgrade"),
        8,
        "each revision ran in exactly one process"
    );
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
    let outputs = race(&test, &["downgrade", "base"]);
    assert_eq!(steps_run(&outputs, "downgrade"), 8);
    assert_eq!(test.db.tracked_revisions(), Some(vec![]));
});

/// SQLite's own lock, held by a process that is not migrate (in exclusive locking mode it
/// keeps it until it closes): `--lock-timeout` bounds the wait for it too, and the error
/// says what holds the database.
#[test]
fn a_sqlite_database_held_by_another_process_fails_within_the_lock_timeout() {
    let Some(test) = Test::new(crate::backends::Kind::Sqlite, "held_database") else {
        return;
    };
    test.ok(&["upgrade", "+1"]);
    let holder = rusqlite::Connection::open(test.path().join("app.db")).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")
        .unwrap();
    let started = std::time::Instant::now();
    let output = test.fails(&["upgrade", "--lock-timeout", "0.5"], 2);
    let waited = started.elapsed();
    assert!(waited < std::time::Duration::from_secs(10), "{waited:?}");
    assert!(
        output.stderr.starts_with(
            "error: sqlite://[TMP]/[DB] is locked by another connection; gave up after 0.5 s\nhelp: another process is writing to it, or holds it in exclusive locking mode"
        ),
        "{}",
        output.stderr
    );
    drop(holder);
    assert!(test.ok(&["upgrade"]).ends_with("(head)\n"));
}
