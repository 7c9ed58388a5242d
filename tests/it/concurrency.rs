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
