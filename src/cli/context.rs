//! What commands share: the settings, the migrations directory and the database.

use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::SystemTime;

use migrate::backend::{Backend, BackendError, DatabaseUrl, Dialect, open_with};
use migrate::core::Script;
use migrate::source::{Directory, DirectorySummary, FileDialect, ReadOptions, SummaryCache};

use super::settings::Settings;
use super::summary_cache::summary_cache;

/// The migrations directory as [`Context::found_and_backend`] found it.
pub enum Found {
    /// Remembered from an earlier run: every id, checksum and directive, no text.
    Remembered(DirectorySummary),
    /// Read from the files.
    Read(Directory),
}

impl Found {
    /// The directory, read or remembered (then without the scripts' texts).
    pub fn directory(&self) -> &Directory {
        match self {
            Self::Read(directory) => directory,
            Self::Remembered(summary) => summary.directory(),
        }
    }
}

/// The resolved settings of one invocation, with ways to open what they name.
pub struct Context {
    pub settings: Settings,
    /// Directories being remembered on another thread, waiting for a long script's
    /// checksum; joined when the context goes (see [`Context::directory_remembered`]).
    remembering: Mutex<Vec<thread::JoinHandle<()>>>,
}

impl Drop for Context {
    fn drop(&mut self) {
        let remembering = self
            .remembering
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for thread in remembering.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Context {
    pub fn new(settings: Settings) -> Self {
        Self {
            settings,
            remembering: Mutex::default(),
        }
    }

    /// Reads and checks the migrations directory.
    pub fn directory(&self) -> anyhow::Result<Directory> {
        Ok(Directory::load_with(
            &self.settings.dir,
            self.read_options(),
        )?)
    }

    /// Reads and checks the migrations directory, and remembers it for the next no-op run
    /// (see [`Context::found_and_backend`]).
    pub fn directory_remembered(&self) -> anyhow::Result<Directory> {
        self.read_and_remember(summary_cache().as_ref())
    }

    fn read_and_remember(&self, cache: Option<&SummaryCache>) -> anyhow::Result<Directory> {
        let read_since = SystemTime::now();
        let directory = self.directory()?;
        let Some(cache) = cache else {
            return Ok(directory);
        };
        let options = self.read_options();
        let long = directory.history.revisions().iter().any(|revision| {
            revision.up.lexed_beside() || revision.down.as_ref().is_some_and(Script::lexed_beside)
        });
        if !long {
            cache.store(&self.settings.dir, options, &directory, read_since);
            return Ok(directory);
        }
        // A long script is hashed beside the run, which may start it meanwhile (see
        // `Script::lexed_beside`): the directory is remembered once it is hashed.
        let (cache, dir, read) = (cache.clone(), self.settings.dir.clone(), directory.clone());
        let storing = thread::spawn(move || cache.store(&dir, options, &read, read_since));
        self.remembering
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(storing);
        Ok(directory)
    }

    /// The migrations directory as an earlier run read it, when nothing below it changed
    /// since (a `stat` per file, no file read), else read from the files (and remembered);
    /// and the database, connected meanwhile (as [`Context::directory_and_backend`] does).
    /// A remembered directory is enough to tell that an `upgrade` has nothing to do or
    /// that `check` passes; anything else needs [`Context::directory_remembered`].
    pub fn found_and_backend(&self) -> anyhow::Result<(Found, Box<dyn Backend>)> {
        self.while_connecting(|| {
            let cache = summary_cache();
            let remembered = cache
                .as_ref()
                .and_then(|cache| cache.load(&self.settings.dir, self.read_options()));
            Ok(match remembered {
                Some(summary) => Found::Remembered(summary),
                None => Found::Read(self.read_and_remember(cache.as_ref())?),
            })
        })
    }

    /// Whether opening the database creates its file: then it is opened only once the
    /// directory was read, so a broken directory leaves no empty database behind.
    fn creates_a_file(&self) -> bool {
        matches!(&self.settings.url, DatabaseUrl::SqliteFile(path) if !path.exists())
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
        self.while_connecting(|| self.directory())
    }

    /// What `read` gives, and the database, connected on another thread meanwhile;
    /// `read`'s error first. A SQLite file that does not exist yet is opened (so created)
    /// only after `read` succeeded.
    fn while_connecting<T>(
        &self,
        read: impl FnOnce() -> anyhow::Result<T>,
    ) -> anyhow::Result<(T, Box<dyn Backend>)> {
        if self.creates_a_file() {
            let found = read()?;
            return Ok((found, self.backend()?));
        }
        // Not scoped: when the directory is broken, the error is printed without
        // waiting for a server that may take its time to answer.
        let connecting = self.connect_ahead();
        let found = read()?;
        let backend = connecting
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        Ok((found, backend))
    }

    /// Connects on another thread, reading the tracking rows ahead.
    fn connect_ahead(&self) -> thread::JoinHandle<Result<Box<dyn Backend + Send>, BackendError>> {
        let settings = (
            self.settings.url.clone(),
            self.settings.table.clone(),
            self.settings.postgres,
        );
        thread::spawn(move || {
            let (url, table, postgres) = settings;
            let mut backend = open_with(&url, table, &postgres)?;
            backend.read_ahead();
            Ok::<_, BackendError>(backend)
        })
    }

    fn connect(&self) -> Result<Box<dyn Backend + Send>, BackendError> {
        open_with(
            &self.settings.url,
            self.settings.table.clone(),
            &self.settings.postgres,
        )
    }
}
