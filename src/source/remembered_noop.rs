//! A run that found nothing to do, remembered with the SQLite file it ran on: when the
//! migrations directory is as remembered (see `summary_cache`) and the database file was
//! not written since (see `database_stamp`), the same command has nothing to do again,
//! and the next run says what that one said without opening the database, whose schema
//! SQLite would otherwise parse whole to read the tracking rows.
//!
//! One small file per directory, way of reading it, database and command, beside the
//! directory's; it names the write of the directory's cache file it planned from (each
//! write is a new file, renamed into place), so a directory read again (and remembered
//! afresh) leaves it behind.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::database_stamp::DatabaseStamp;
use super::reading::ReadOptions;
use super::stamps::Stamp;
use super::summary_cache::{DirectorySummary, SummaryCache, write_whole};

/// Bumped when what a file holds changes shape.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct NoopFile {
    format: u32,
    reader: String,
    /// The write of the directory's cache file the run planned from.
    directory: Stamp,
    stamp: DatabaseStamp,
    output: String,
}

/// Where a remembered no-op is looked for: a directory, the way it is read, a SQLite
/// file and the command with everything that changes its plan.
pub struct NoopKey<'a> {
    pub directory: &'a Path,
    pub options: ReadOptions,
    pub database: &'a Path,
    pub command: &'a str,
}

impl SummaryCache {
    /// What the last run of `key`'s command that had nothing to do said, when the
    /// database file is still exactly as it was before that run read it (`stamp`, taken
    /// now) and the directory is the one it planned from (checked with [`Noop::said`]
    /// once loaded: loading stamps the whole directory, so it comes last).
    pub fn remembered_noop(&self, key: &NoopKey<'_>, stamp: &DatabaseStamp) -> Option<Noop> {
        let bytes = std::fs::read(self.noop_file(key)?).ok()?;
        let file: NoopFile = postcard::from_bytes(&bytes).ok()?;
        (file.format == FORMAT && file.reader == self.reader && file.stamp == *stamp).then_some(
            Noop {
                directory: file.directory,
                output: file.output,
            },
        )
    }

    /// Remembers that `key`'s command had nothing to do, planned from `summary`, on the
    /// database as `stamp` (taken before its tracking rows were read) found it, and said
    /// `output`. Failing to write is not an error.
    pub fn remember_noop(
        &self,
        key: &NoopKey<'_>,
        summary: &DirectorySummary,
        stamp: DatabaseStamp,
        output: &str,
    ) {
        let Some(target) = self.noop_file(key) else {
            return;
        };
        let file = NoopFile {
            format: FORMAT,
            reader: self.reader.clone(),
            directory: summary.origin().clone(),
            stamp,
            output: output.to_owned(),
        };
        let _ = write_whole(&self.folder, &target, &file);
    }

    fn noop_file(&self, key: &NoopKey<'_>) -> Option<PathBuf> {
        let mut hash = Sha256::new();
        for part in [
            std::path::absolute(key.directory).ok()?.as_os_str(),
            std::path::absolute(key.database).ok()?.as_os_str(),
        ] {
            hash.update(part.as_encoded_bytes());
            hash.update([0]);
        }
        hash.update(format!("{:?}", key.options).as_bytes());
        hash.update([0]);
        hash.update(key.command.as_bytes());
        Some(self.file_named("noop-", hash))
    }
}

/// A remembered no-op, to be trusted once its directory is seen unchanged.
pub struct Noop {
    directory: Stamp,
    output: String,
}

impl Noop {
    /// What the run said, when `summary` (loaded unchanged) is the directory it planned
    /// from.
    pub fn said(self, summary: &DirectorySummary) -> Option<String> {
        (*summary.origin() == self.directory).then_some(self.output)
    }
}
