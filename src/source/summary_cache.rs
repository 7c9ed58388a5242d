//! A migrations directory remembered between runs: what reading it gave (every revision's
//! id, slug, checksums and directives; the layout; the notes) without the texts, kept
//! beside the [`Stamps`] of everything below it. A no-op `upgrade` or `check` then needs
//! a `stat` per file instead of reading, hashing and parsing every file.
//!
//! One cache file per directory and way of reading it, in a folder the caller names (the
//! user's cache folder), written whole through a rename so a reader never sees half of
//! one. Anything unexpected (no file, another format, another binary, a stamp that
//! differs) is a miss, never an error: the directory is then read as if there were no
//! cache.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::directory::{Directory, SumState};
use super::layouts::Layout;
use super::reading::ReadOptions;
use super::stamps::{Stamp, Stamps};
use crate::core::{Checksum, Directives, History, IdOrder, Revision, RevisionId, Script};

/// Bumped when what a cache file holds changes shape.
const FORMAT: u32 = 1;

/// A cache file not written for this long is removed when another is written: folders
/// come and go (CI checkouts, branches in worktrees) and nothing else would ever delete
/// theirs. One still in use is only read again once, then remembered afresh.
const UNUSED_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// A temporary file this old was left by a run that died while writing.
const ABANDONED_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Where cache files go, and what must match for one to be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryCache {
    /// The folder holding the cache files.
    pub folder: PathBuf,
    /// What reads the directory: a different program (another version, a rebuild) may
    /// read the same files differently, so its caches are not ours.
    pub reader: String,
}

/// A directory read from the cache: every field as [`Directory::load_with`] gives it,
/// except the scripts' texts, which are empty. Enough to plan and to tell what is
/// applied; never enough to run anything.
#[derive(Debug, Clone)]
pub struct DirectorySummary {
    directory: Directory,
    /// Which write of the cache file it was read from (see `remembered_noop`).
    origin: Stamp,
}

impl DirectorySummary {
    /// The directory, its scripts without their texts.
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// The directory, its scripts without their texts.
    pub fn into_directory(self) -> Directory {
        self.directory
    }

    /// Which write of the cache file it was read from.
    pub(crate) fn origin(&self) -> &Stamp {
        &self.origin
    }
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    reader: String,
    root: PathBuf,
    options: String,
    stamps: Stamps,
    layout: Layout,
    order: IdOrder,
    sum: SumState,
    ignored: Vec<String>,
    no_ops: Vec<String>,
    revisions: Vec<CachedRevision>,
}

#[derive(Serialize, Deserialize)]
struct CachedRevision {
    id: String,
    slug: String,
    up: CachedScript,
    down: Option<CachedScript>,
}

#[derive(Serialize, Deserialize)]
struct CachedScript {
    origin: String,
    checksum: [u8; 32],
    directives: Directives,
}

impl SummaryCache {
    /// The directory at `path` as last remembered, if nothing below it changed since.
    pub fn load(&self, path: &Path, options: ReadOptions) -> Option<DirectorySummary> {
        let root = std::path::absolute(path).ok()?;
        let mut cache_file = std::fs::File::open(self.file_for(&root, options)).ok()?;
        let origin = Stamp::of_open(&cache_file)?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut cache_file, &mut bytes).ok()?;
        let file: CacheFile = postcard::from_bytes(&bytes).ok()?;
        let expected = (FORMAT, self.reader.as_str(), &root, describe(options));
        if (
            file.format,
            file.reader.as_str(),
            &file.root,
            file.options.clone(),
        ) != expected
            || !file.stamps.unchanged(path)
        {
            return None;
        }
        let directory = file.into_summary(path)?;
        Some(DirectorySummary { directory, origin })
    }

    /// Remembers `directory`, read from `path` as `options` say with its reading begun
    /// at `read_since`, unless something below it changed too recently to be vouched for.
    /// Failing to write is not an error: the next run reads the directory again.
    pub fn store(
        &self,
        path: &Path,
        options: ReadOptions,
        directory: &Directory,
        read_since: SystemTime,
    ) {
        let Some(settled_before) = super::stamps::settled_before(read_since) else {
            return;
        };
        let (Ok(root), Some(stamps)) = (
            std::path::absolute(path),
            Stamps::read(path, settled_before),
        ) else {
            return;
        };
        let file = CacheFile::of(directory, self, &root, options, stamps);
        let target = self.file_for(&root, options);
        if write_whole(&self.folder, &target, &file).is_ok() {
            prune(&self.folder, SystemTime::now());
        }
    }

    fn file_for(&self, root: &Path, options: ReadOptions) -> PathBuf {
        let mut hash = Sha256::new();
        hash.update(root.as_os_str().as_encoded_bytes());
        hash.update(describe(options).as_bytes());
        self.file_named("", hash)
    }

    /// The cache file `prefix` followed by (the start of) `hash` names.
    pub(super) fn file_named(&self, prefix: &str, hash: Sha256) -> PathBuf {
        let digest = hash.finalize();
        let name: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        self.folder.join(format!("{prefix}{name}.bin"))
    }
}

/// Removes the cache files not written since [`UNUSED_FOR`] before `now`, and temporary
/// files abandoned since [`ABANDONED_AFTER`]. Only on a write, which has read the whole
/// directory anyway: a no-op run never lists the folder. Errors are ignored (another run
/// may be pruning too).
fn prune(folder: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let age = if name.starts_with(".tmp") {
            ABANDONED_AFTER
        } else if name.ends_with(".bin") {
            UNUSED_FOR
        } else {
            continue;
        };
        let written = entry.metadata().and_then(|metadata| metadata.modified());
        if written.is_ok_and(|written| now.duration_since(written).is_ok_and(|d| d > age)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn describe(options: ReadOptions) -> String {
    format!("{options:?}")
}

pub(super) fn write_whole(
    folder: &Path,
    target: &Path,
    file: &impl Serialize,
) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let bytes = postcard::to_stdvec(file).map_err(std::io::Error::other)?;
    let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
    std::io::Write::write_all(&mut temporary, &bytes)?;
    temporary.persist(target)?;
    Ok(())
}

impl CacheFile {
    fn of(
        directory: &Directory,
        cache: &SummaryCache,
        root: &Path,
        options: ReadOptions,
        stamps: Stamps,
    ) -> Self {
        let script = |script: &Script| CachedScript {
            origin: script.origin.clone(),
            checksum: *script.checksum().as_bytes(),
            directives: script.directives.clone(),
        };
        Self {
            format: FORMAT,
            reader: cache.reader.clone(),
            root: root.to_owned(),
            options: describe(options),
            stamps,
            layout: directory.layout,
            order: directory.history.order(),
            sum: directory.sum,
            ignored: directory.ignored.clone(),
            no_ops: directory.no_ops.iter().map(ToString::to_string).collect(),
            revisions: directory
                .history
                .revisions()
                .iter()
                .map(|revision| CachedRevision {
                    id: revision.id.to_string(),
                    slug: revision.slug.clone(),
                    up: script(&revision.up),
                    down: revision.down.as_ref().map(script),
                })
                .collect(),
        }
    }

    fn into_summary(self, path: &Path) -> Option<Directory> {
        let script = |cached: CachedScript| {
            Some(Script::without_text(
                cached.origin,
                Checksum::from_bytes(cached.checksum),
                cached.directives,
            ))
        };
        let revisions = self
            .revisions
            .into_iter()
            .map(|cached| {
                Some(Revision {
                    id: cached.id.parse().ok()?,
                    slug: cached.slug,
                    up: script(cached.up)?,
                    down: match cached.down {
                        Some(down) => Some(script(down)?),
                        None => None,
                    },
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let no_ops = self
            .no_ops
            .iter()
            .map(|id| id.parse::<RevisionId>().ok())
            .collect::<Option<Vec<_>>>()?;
        Some(Directory {
            path: path.to_owned(),
            layout: self.layout,
            history: History::ordered(revisions, self.order).ok()?,
            sum: self.sum,
            ignored: self.ignored,
            no_ops,
        })
    }
}

#[cfg(test)]
#[path = "summary_cache_tests.rs"]
mod tests;
