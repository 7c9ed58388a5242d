//! The user guide in `docs/` runs: every ```console block of every page is executed by
//! trycmd against the real binary, in a copy of the page's `<page>.in/` folder, and its
//! output must match what the page shows (`...` and `[..]` stand for what varies), so a
//! changed message or a renamed flag fails here rather than leaving the guide stale.
//! `TRYCMD=overwrite cargo test --test it guide` rewrites the pages' outputs after an
//! intended change (review the diff, and put the wildcards back).

use std::path::Path;

use crate::harness::repo;

/// What every page's examples assume of the environment, said at the top of each page:
/// the database is `sqlite://app.db` in the page's folder. Set here too so a
/// `DATABASE_URL` in the environment running the tests cannot point them elsewhere, and
/// with GitHub's annotations off so verify prints the same on a developer's machine
/// and in CI.
const ENVIRONMENT: [(&str, &str); 2] = [
    ("DATABASE_URL", "sqlite://app.db"),
    ("GITHUB_ACTIONS", "false"),
];

#[test]
fn every_command_in_the_guide_prints_what_the_guide_shows() {
    let cases = trycmd::TestCases::new();
    cases.register_bin("migrate", Path::new(env!("CARGO_BIN_EXE_migrate")));
    for (key, value) in ENVIRONMENT {
        cases.env(key, value);
    }
    cases.case(repo().join("docs/*.md"));
    cases.run();
}

/// trycmd skips, silently, a command whose program it does not know, and runs a page's
/// commands in its `.in/` folder itself unless an `.out/` folder beside it asks for a
/// copy: so every command of the guide must be `migrate`, and every page with commands
/// must have both folders, or a typo would leave an example untested.
#[test]
fn every_example_in_the_guide_is_a_migrate_command_in_a_sandbox() {
    let pages = pages();
    assert!(pages.len() >= 5, "the guide's pages: {pages:?}");
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let commands = console_commands(&text);
        for command in &commands {
            assert!(
                command.starts_with("migrate "),
                "{}: `{command}` is not a migrate command, and trycmd would skip it",
                page.display()
            );
        }
        if !commands.is_empty() {
            for folder in ["in", "out"] {
                let path = page.with_extension(folder);
                assert!(path.is_dir(), "{} is missing", path.display());
            }
        }
    }
}

fn pages() -> Vec<std::path::PathBuf> {
    let mut pages: Vec<_> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    pages
}

/// The `$ ` lines of the ```console blocks, as trycmd reads them.
fn console_commands(text: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut in_console = false;
    let mut in_other = false;
    for line in text.lines() {
        if let Some(info) = line.strip_prefix("```") {
            if in_console || in_other {
                (in_console, in_other) = (false, false);
            } else if info.trim() == "console" || info.trim() == "trycmd" {
                in_console = true;
            } else {
                in_other = true;
            }
        } else if in_console && let Some(command) = line.strip_prefix("$ ") {
            commands.push(command.to_owned());
        }
    }
    commands
}

/// The troubleshooting page shows the lock timeout as text, since a console block cannot
/// hold the lock from a second process; this test does, and checks the page's message
/// is the binary's up to the seconds waited (the page's path is `/srv/app`).
#[test]
fn the_lock_timeout_in_the_guide_is_what_migrate_prints() {
    let dir = tempfile::tempdir().unwrap();
    crate::harness::copy_dir(
        &repo().join("docs/troubleshooting.in/migrations"),
        &dir.path().join("migrations"),
    );
    let lock = std::fs::File::create(dir.path().join("app.db.migrate-lock")).unwrap();
    lock.lock().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_migrate"))
        .args(["upgrade", "--lock-timeout", "2"])
        .current_dir(dir.path())
        .env("DATABASE_URL", "sqlite://app.db")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let message = stderr.replace(&dir.path().display().to_string(), "/srv/app");
    let (shown, _seconds) = message
        .split_once(" after ")
        .unwrap_or_else(|| panic!("no lock timeout: {message}"));
    let page = std::fs::read_to_string(repo().join("docs/troubleshooting.md")).unwrap();
    assert!(
        page.contains(&format!(
            "$ migrate upgrade --lock-timeout 2\n{shown} after "
        )),
        "docs/troubleshooting.md does not show what migrate prints:\n{message}"
    );
}
