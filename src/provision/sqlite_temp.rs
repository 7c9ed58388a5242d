//! SQLite scratch databases: files in a private temp dir (under `$TMPDIR`), removed with
//! it, on Ctrl-C, SIGTERM and SIGHUP too.

use std::path::PathBuf;

use rusqlite::Connection;

use super::error::ProvisionError;
use super::interrupt::{OnInterrupt, hold_interrupts};
use super::scratch::{Provider, Scratch};
use crate::backend::{Dialect, SqliteBackend, VersionTable};

/// Makes SQLite files in a temp dir that lives as long as this provider.
pub struct SqliteTemp {
    dir: tempfile::TempDir,
    count: usize,
    /// Removes the dir when a signal ends the process, which runs no destructor.
    _interrupt: OnInterrupt,
}

impl SqliteTemp {
    pub fn new() -> Result<Self, ProvisionError> {
        let _making = hold_interrupts();
        let dir = tempfile::tempdir().map_err(|error| ProvisionError::Create {
            provider: "sqlite".into(),
            message: error.to_string(),
        })?;
        let removed = dir.path().to_owned();
        let interrupt = OnInterrupt::register(move || {
            let _ = std::fs::remove_dir_all(&removed);
        });
        Ok(Self {
            dir,
            count: 0,
            _interrupt: interrupt,
        })
    }
}

impl Provider for SqliteTemp {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn describe(&self) -> String {
        "sqlite (temp file)".into()
    }

    fn create(&mut self, table: &VersionTable) -> Result<Scratch, ProvisionError> {
        // Files are made only while an interrupt is held off, so its cleanup never lists
        // the dir while a new file appears in it.
        let _making = hold_interrupts();
        let path = self.next_path();
        self.open(path, table)
    }

    fn copy(
        &mut self,
        source: &mut Scratch,
        table: &VersionTable,
    ) -> Result<Scratch, ProvisionError> {
        let _making = hold_interrupts();
        let path = self.next_path();
        let reader = Connection::open(source.location()).map_err(|e| error(e.to_string()))?;
        reader
            .execute("VACUUM INTO ?1", [path.to_string_lossy()])
            .map_err(|e| error(e.to_string()))?;
        self.open(path, table)
    }
}

fn error(message: String) -> ProvisionError {
    ProvisionError::Create {
        provider: "sqlite".into(),
        message,
    }
}

impl SqliteTemp {
    fn next_path(&mut self) -> PathBuf {
        self.count += 1;
        self.dir.path().join(format!("scratch-{}.db", self.count))
    }

    fn open(&self, path: PathBuf, table: &VersionTable) -> Result<Scratch, ProvisionError> {
        let conn = Connection::open(&path).map_err(|e| error(e.to_string()))?;
        // A scratch database is thrown away: durability buys nothing and costs an fsync
        // per step.
        conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY;")
            .map_err(|e| error(e.to_string()))?;
        let backend = SqliteBackend::from_connection(conn, table.clone())?;
        let location = path.to_string_lossy().into_owned();
        let cleanup = Box::new(move || {
            let _ = std::fs::remove_file(&path);
        });
        Ok(Scratch::new(Box::new(backend), location, Some(cleanup)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupt_removes_the_dir_and_its_files() {
        let mut provider = SqliteTemp::new().unwrap();
        let scratch = provider.create(&VersionTable::default()).unwrap();
        let dir = provider.dir.path().to_owned();
        assert!(std::path::Path::new(scratch.location()).exists());
        provider._interrupt.run_now();
        assert!(!dir.exists(), "{} is still there", dir.display());
    }
}
