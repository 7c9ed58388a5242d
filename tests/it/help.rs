//! `--help` of every command, snapshotted so a reviewer sees every change to it.

use std::process::Command;

use crate::snapshot;

const COMMANDS: [&str; 23] = [
    "",
    "init",
    "create",
    "upgrade",
    "downgrade",
    "current",
    "history",
    "heads",
    "stamp",
    "adopt",
    "status",
    "check",
    "hash",
    "lint",
    "completions",
    "repair",
    "restore",
    "verify",
    "mirror",
    "mirror status",
    "snapshot",
    "schema",
    "diff",
];

#[test]
fn help_of_every_command() {
    for command in COMMANDS {
        let mut args: Vec<&str> = command.split_whitespace().collect();
        args.push("--help");
        let output = Command::new(env!("CARGO_BIN_EXE_migrate"))
            .args(&args)
            .env_remove("DATABASE_URL")
            // clap shows an env value in --help; ci/test.sh sets this one.
            .env_remove("MIGRATE_POSTGRES_IMAGE")
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        let name = if command.is_empty() {
            "migrate".to_owned()
        } else {
            command.replace(' ', "_")
        };
        snapshot::assert(
            "help",
            &format!("help_{name}"),
            &String::from_utf8_lossy(&output.stdout),
        );
    }
}

#[test]
fn a_usage_error_exits_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_migrate"))
        .args(["upgrade", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn completions_for_each_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let output = Command::new(env!("CARGO_BIN_EXE_migrate"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        for command in ["upgrade", "downgrade", "stamp", "hash"] {
            assert!(
                script.contains(command),
                "{shell} completion lacks {command}"
            );
        }
    }
}
