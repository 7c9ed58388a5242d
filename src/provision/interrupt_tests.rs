//! A real SIGINT to a process holding a local cluster: the handler stops it, removes its
//! dir and exits 130. The process is this test binary again, running one test as a child.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::provision_tests::available;
use super::*;

/// Set in the child only, so that its test holds a cluster until it is interrupted.
const CHILD_VARIABLE: &str = "MIGRATE_INTERRUPT_TEST_CHILD";
const CHILD_TEST: &str = "provision::interrupt_tests::child_holds_a_cluster_until_interrupted";

#[test]
fn child_holds_a_cluster_until_interrupted() {
    if std::env::var_os(CHILD_VARIABLE).is_none() {
        return;
    }
    match LocalPostgres::start(None) {
        // On a line of its own: the harness has printed the test's name without a newline.
        Ok(provider) => println!("\nCLUSTER {}", provider.dir().display()),
        Err(error) => println!("\nUNAVAILABLE {error}"),
    }
    std::thread::sleep(Duration::from_secs(60));
    panic!("not interrupted within 60 s");
}

#[test]
fn ctrl_c_stops_the_local_cluster_and_removes_its_dir() {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD_VARIABLE, "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line_read = None;
    for line in stdout.lines() {
        let line = line.unwrap();
        if line.starts_with("CLUSTER ") || line.starts_with("UNAVAILABLE ") {
            line_read = Some(line);
            break;
        }
    }
    let line = line_read.unwrap_or_default();
    let started = match line.strip_prefix("CLUSTER ") {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => Err(ProvisionError::Unavailable {
            what: "local binaries".into(),
            reason: line.trim_start_matches("UNAVAILABLE ").to_owned(),
        }),
    };
    let Some(dir) = available("local binaries (Ctrl-C)", started) else {
        let _ = child.kill();
        let _ = child.wait();
        return;
    };
    assert!(dir.join("data").is_dir());
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(INTERRUPTED_EXIT_CODE));
    assert!(!dir.exists(), "{} is still there", dir.display());
}
