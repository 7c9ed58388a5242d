//! A fluent builder that runs the real `migrate` binary in a temp dir against a database.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::backends::{Database, Kind};

/// The repo's root, where fixtures and the example migrations live.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One test's working directory and database.
pub struct Test {
    dir: tempfile::TempDir,
    pub db: Database,
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    /// A temp dir holding a copy of the example `migrations/`, and a fresh database.
    /// `None` when the backend is not available here (the skip was already announced).
    pub fn new(kind: Kind, name: &str) -> Option<Self> {
        let test = Self::empty(kind, name)?;
        test.copy_tree(&repo().join("migrations"), "migrations");
        Some(test)
    }

    /// A temp dir with no migrations, and a fresh database.
    pub fn empty(kind: Kind, name: &str) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Database::create(kind, name, dir.path())?;
        Some(Self { dir, db })
    }

    /// A temp dir holding `fixtures/<fixture>` as its `migrations/`.
    pub fn fixture(kind: Kind, name: &str, fixture: &str) -> Option<Self> {
        let test = Self::empty(kind, name)?;
        test.copy_tree(&repo().join("fixtures").join(fixture), "migrations");
        Some(test)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Copies a tree into the test dir.
    pub fn copy_tree(&self, from: &Path, to: &str) {
        copy_dir(from, &self.dir.path().join(to));
    }

    /// Writes a file (creating its folders) relative to the test dir.
    pub fn write(&self, relative: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(relative)).unwrap()
    }

    pub fn remove(&self, relative: &str) {
        let path = self.dir.path().join(relative);
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
    }

    /// Runs `migrate ARGS` in the test dir against the test's database.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    /// `migrate ARGS` set up to run in the test dir against the test's database, for a
    /// test that drives the process itself (signals, stdin).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(binary());
        command
            .current_dir(self.dir.path())
            .args(args)
            .env("DATABASE_URL", &self.db.url)
            // Each test remembers its directories in its own folder, not the user's.
            .env("MIGRATE_CACHE_DIR", self.cache_dir())
            .env_remove("RUST_BACKTRACE");
        command
    }

    /// Where this test's runs remember migrations directories between runs.
    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join(".cache")
    }

    /// Runs `migrate ARGS` with extra environment variables.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = self.command(args);
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("run migrate");
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: self.redact(&String::from_utf8_lossy(&output.stdout)),
            stderr: self.redact(&String::from_utf8_lossy(&output.stderr)),
        }
    }

    /// Runs and asserts success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert_eq!(output.code, 0, "migrate {args:?} failed:\n{output:#?}");
        output.stdout
    }

    /// Runs and asserts the exit code, returning the output.
    pub fn fails(&self, args: &[&str], code: i32) -> Output {
        let output = self.run(args);
        assert_eq!(output.code, code, "migrate {args:?}:\n{output:#?}");
        output
    }

    /// Hides what changes between runs: durations, the temp dir, the database's name.
    fn redact(&self, text: &str) -> String {
        let mut text = text.replace(&self.dir.path().display().to_string(), "[TMP]");
        text = text.replace(&self.db.name, "[DB]");
        redact_durations(&text)
    }
}

fn redact_durations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" ms)") {
        let before = &rest[..at];
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && before[..before.len() - digits].ends_with('(') {
            out.push_str(&before[..before.len() - digits]);
            out.push_str("<ms>)");
        } else {
            out.push_str(&rest[..at + 4]);
        }
        rest = &rest[at + 4..];
    }
    out.push_str(rest);
    out
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_migrate"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
