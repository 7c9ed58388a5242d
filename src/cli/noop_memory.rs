//! A no-op `upgrade` on a SQLite file, remembered (see `migrate::source::remembered_noop`):
//! the run after one that had nothing to do says what it said without opening the
//! database, as long as neither the directory nor the database file changed.

use std::path::PathBuf;
use std::time::SystemTime;

use migrate::backend::DatabaseUrl;
use migrate::source::{DatabaseStamp, DirectorySummary, NoopKey, SummaryCache, settled_before};

use super::context::Context;
use super::summary_cache::summary_cache;

/// The database file's stamp, taken before anything reads it, and where to look for
/// (or keep) what a no-op run on it said.
pub struct NoopMemory {
    cache: SummaryCache,
    context_dir: PathBuf,
    options: migrate::source::ReadOptions,
    database: PathBuf,
    command: String,
    stamp: DatabaseStamp,
}

impl NoopMemory {
    /// For `command` (with everything that changes its plan), when the database is a
    /// SQLite file a stamp can vouch for and the cache is on. The tracking table is part
    /// of what is remembered: another one may hold other rows.
    pub fn new(context: &Context, command: String) -> Option<Self> {
        let DatabaseUrl::SqliteFile(database) = &context.settings.url else {
            return None;
        };
        let stamp = DatabaseStamp::read(database, settled_before(SystemTime::now())?)?;
        Some(Self {
            cache: summary_cache()?,
            context_dir: context.settings.dir.clone(),
            options: context.read_options(),
            database: database.clone(),
            command: format!("{command} {:?}", context.settings.table),
            stamp,
        })
    }

    fn key(&self) -> NoopKey<'_> {
        NoopKey {
            directory: &self.context_dir,
            options: self.options,
            database: &self.database,
            command: &self.command,
        }
    }

    /// What the last no-op run said, when nothing changed since.
    pub fn said(&self) -> Option<String> {
        let noop = self.cache.remembered_noop(&self.key(), &self.stamp)?;
        let summary = self.cache.load(&self.context_dir, self.options)?;
        noop.said(&summary)
    }

    /// Remembers what this run, planned from `summary`, said having nothing to do.
    pub fn remember(self, summary: &DirectorySummary, output: &str) {
        self.cache
            .remember_noop(&self.key(), summary, self.stamp.clone(), output);
    }
}
