//! SIGTERM (a cancelled CI job) and SIGHUP (a closed terminal) in the middle of `migrate
//! verify` are handled as Ctrl-C is: every scratch file and database is removed before the
//! process exits 130, and the database the URL names is left as it was.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::Test;

/// Enough revisions that verify is still walking them when the signal arrives (a few
/// seconds of work, though the test waits only for the first verdict).
const REVISIONS: usize = 600;

fn long_history(test: &Test) {
    for n in 1..=REVISIONS {
        let folder = format!("migrations/{:014}_table_{n}", 20240101000000_u64 + n as u64);
        test.write(
            &format!("{folder}/up.sql"),
            format!("CREATE TABLE t{n} (id integer PRIMARY KEY, name text NOT NULL);\n"),
        );
        test.write(&format!("{folder}/down.sql"), format!("DROP TABLE t{n};\n"));
    }
}

/// The scratch PostgreSQL databases of the migrate process `pid` still on the server.
fn scratch_databases(test: &Test, pid: u32) -> Vec<String> {
    let sql =
        format!("SELECT datname FROM pg_database WHERE datname LIKE 'migrate_verify_{pid}_%'");
    test.db
        .postgres_client()
        .query(&sql, &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

/// What the process has made that a signal must remove: files under its TMPDIR, and on
/// PostgreSQL its scratch databases.
fn leftovers(test: &Test, pid: u32) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(test.path().join("tmp"))
        .unwrap()
        .map(|entry| entry.unwrap().path().display().to_string())
        .collect();
    if test.db.kind == Kind::Postgres {
        found.extend(scratch_databases(test, pid));
    }
    found
}

/// Starts verify, waits for its first verdict, sends `signal`, and checks that it exits
/// 130 having removed everything it made.
fn signal_mid_verify(test: &Test, signal: &str) {
    long_history(test);
    std::fs::create_dir(test.path().join("tmp")).unwrap();
    let backend = match test.db.kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    };
    let mut child = test
        .command(&["verify", "--backend", backend])
        // Where SQLite's scratch files go (tempfile follows TMPDIR), so the test can look.
        .env("TMPDIR", test.path().join("tmp"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Read to the end, as a CI runner does: a closed pipe would end verify on its own.
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (judged, first_verdict) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if line.starts_with("✓ ") {
                let _ = judged.send(());
            }
        }
    });
    assert!(first_verdict.recv().is_ok(), "verify printed no verdict");
    // Mid-run: the scratch database is there.
    assert!(
        !leftovers(test, pid).is_empty(),
        "no scratch database to remove"
    );
    let kill = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let output = child.wait_with_output().unwrap();
    reader.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted; removing scratch databases"),
        "{stderr}"
    );
    assert_eq!(leftovers(test, pid), Vec::<String>::new());
    // verify never writes to the database the URL names.
    assert_eq!(test.db.tracked_revisions(), None);
}

backend_test!(sigterm_mid_verify_leaves_nothing, |test| {
    signal_mid_verify(&test, "TERM");
});

backend_test!(sighup_mid_verify_leaves_nothing, |test| {
    signal_mid_verify(&test, "HUP");
});
