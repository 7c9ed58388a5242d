//! A real SIGINT to a process holding a local cluster or a container: the handler stops it,
//! removes it and exits 130. The process is this test binary again, running one test.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::provision_tests::available;
use super::*;

/// Set in the child only, to `local` or `docker`: what its test holds until interrupted.
const CHILD_VARIABLE: &str = "MIGRATE_INTERRUPT_TEST_CHILD";
const CHILD_TEST: &str = "provision::interrupt_tests::child_holds_postgres_until_interrupted";

#[test]
fn child_holds_postgres_until_interrupted() {
    let Some(kind) = std::env::var_os(CHILD_VARIABLE) else {
        return;
    };
    let held: Result<(String, Box<dyn Provider>), _> = if kind == "docker" {
        DockerPostgres::start(&default_image()).map(|p| {
            (
                p.container_id().to_owned(),
                Box::new(p) as Box<dyn Provider>,
            )
        })
    } else {
        LocalPostgres::start(None).map(|p| {
            (
                p.dir().display().to_string(),
                Box::new(p) as Box<dyn Provider>,
            )
        })
    };
    let _provider: Option<Box<dyn Provider>> = match held {
        // On a line of its own: the harness has printed the test's name without a newline.
        Ok((name, provider)) => {
            println!("\nHELD {name}");
            Some(provider)
        }
        Err(error) => {
            println!("\nUNAVAILABLE {error}");
            None
        }
    };
    std::thread::sleep(Duration::from_secs(60));
    panic!("not interrupted within 60 s");
}

/// Starts the child holding `kind`, interrupts it once it holds it, and returns what it
/// held (a dir or a container id), or `None` when the source is unavailable here.
fn interrupt_child(kind: &str) -> Option<String> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD_VARIABLE, kind)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let line = stdout
        .lines()
        .map_while(Result::ok)
        .find(|line| line.starts_with("HELD ") || line.starts_with("UNAVAILABLE "))
        .unwrap_or_default();
    let held = match line.strip_prefix("HELD ") {
        Some(name) => Ok(name.to_owned()),
        None => Err(ProvisionError::Unavailable {
            what: kind.into(),
            reason: line.trim_start_matches("UNAVAILABLE ").to_owned(),
        }),
    };
    let Some(held) = available(&format!("{kind} (Ctrl-C)"), held) else {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    };
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(INTERRUPTED_EXIT_CODE));
    Some(held)
}

#[test]
fn ctrl_c_stops_the_local_cluster_and_removes_its_dir() {
    if let Some(dir) = interrupt_child("local") {
        assert!(!Path::new(&dir).exists(), "{dir} is still there");
    }
}

#[test]
fn ctrl_c_removes_the_container() {
    if let Some(id) = interrupt_child("docker") {
        let inspect = Command::new("docker")
            .args(["inspect", &id])
            .output()
            .unwrap();
        assert!(!inspect.status.success(), "container {id} is still there");
    }
}
