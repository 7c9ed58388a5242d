//! What commands share: the settings, the migrations directory and the database.

use std::thread;

use migrate::backend::{Backend, BackendError, DatabaseUrl, Dialect, open_with};
use migrate::source::{Directory, FileDialect, ReadOptions};

use super::settings::Settings;

/// The resolved settings of one invocation, with ways to open what they name.
pub struct Context {
    pub settings: Settings,
}

impl Context {
    /// Reads and checks the migrations directory.
    pub fn directory(&self) -> anyhow::Result<Directory> {
        Ok(Directory::load_with(
            &self.settings.dir,
            self.read_options(),
        )?)
    }

    /// How to read the directory: in the layout asked for, for the database's dialect.
    pub fn read_options(&self) -> ReadOptions {
        let dialect = match &self.settings.url {
            DatabaseUrl::SqliteFile(_) | DatabaseUrl::SqliteMemory => Dialect::Sqlite,
            DatabaseUrl::Postgres(_) => Dialect::Postgres,
        };
        self.read_options_for(dialect)
    }

    /// How to read the directory for a database of `dialect`.
    pub fn read_options_for(&self, dialect: Dialect) -> ReadOptions {
        ReadOptions {
            layout: self.settings.layout,
            dialect: Some(match dialect {
                Dialect::Sqlite => FileDialect::Sqlite,
                Dialect::Postgres => FileDialect::Postgres,
            }),
        }
    }

    /// Connects to the database.
    pub fn backend(&self) -> anyhow::Result<Box<dyn Backend>> {
        Ok(self.connect()?)
    }

    /// Reads the migrations directory and connects to the database at once: the
    /// connection (and SQLite's parse of the schema) is made on another thread while
    /// this one reads the files. On a long history that is most of what a no-op
    /// `upgrade` or `check` costs, twice over.
    ///
    /// Errors come in the order of [`Context::directory`] then [`Context::backend`]: a
    /// broken directory is reported, whatever the database. A SQLite file that does not
    /// exist yet is opened (so created) only once the directory has been read.
    pub fn directory_and_backend(&self) -> anyhow::Result<(Directory, Box<dyn Backend>)> {
        let creates_a_file =
            matches!(&self.settings.url, DatabaseUrl::SqliteFile(path) if !path.exists());
        if creates_a_file {
            let directory = self.directory()?;
            return Ok((directory, self.backend()?));
        }
        let settings = (
            self.settings.url.clone(),
            self.settings.table.clone(),
            self.settings.postgres,
        );
        // Not scoped: when the directory is broken, the error is printed without
        // waiting for a server that may take its time to answer.
        let connecting = thread::spawn(move || {
            let (url, table, postgres) = settings;
            let mut backend = open_with(&url, table, &postgres)?;
            backend.read_ahead();
            Ok::<_, BackendError>(backend)
        });
        let directory = self.directory()?;
        let backend = connecting
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        Ok((directory, backend))
    }

    fn connect(&self) -> Result<Box<dyn Backend + Send>, BackendError> {
        open_with(
            &self.settings.url,
            self.settings.table.clone(),
            &self.settings.postgres,
        )
    }
}
