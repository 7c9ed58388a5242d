//! A migrations directory, read from disk or embedded, parsed into a history and checked
//! against its sum file before any SQL runs.

use std::path::{Path, PathBuf};

use super::error::SourceError;
use super::layouts::Layout;
use super::reading::{ReadOptions, Reading};
use super::tree::Tree;
use crate::core::{History, HistoryError, RevisionId, SUM_FILE_NAME, SumFile};

/// Whether the directory carries a sum file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SumState {
    /// `migrate.sum` exists and agrees with the directory.
    Verified,
    /// There is no `migrate.sum`; `migrate hash` writes one.
    Absent,
    /// The sum file was not looked at (`migrate hash`, `migrate create`).
    Unchecked,
}

/// A migrations directory, read and checked.
#[derive(Debug, Clone)]
pub struct Directory {
    pub path: PathBuf,
    /// The tool layout the files were read in.
    pub layout: Layout,
    pub history: History,
    pub sum: SumState,
    /// Files that are not migrations (a README, a seed file), relative to the directory:
    /// never run.
    pub ignored: Vec<String>,
    /// Revisions with no file for the database's dialect (popx): each runs nothing here.
    pub no_ops: Vec<RevisionId>,
}

impl Directory {
    /// Reads the directory at `path`, recognising its layout, and checks it against its
    /// sum file.
    pub fn load(path: &Path) -> Result<Self, SourceError> {
        Self::load_with(path, ReadOptions::default())
    }

    /// Reads the directory at `path` as `options` say, and checks it against its sum file.
    pub fn load_with(path: &Path, options: ReadOptions) -> Result<Self, SourceError> {
        Self::from_tree(&Tree::read(path)?, options)
    }

    /// Parses a tree (from disk or embedded) and checks it against its sum file.
    pub fn from_tree(tree: &Tree, options: ReadOptions) -> Result<Self, SourceError> {
        let mut directory = Self::unchecked(tree, options)?;
        directory.sum = match tree.get(SUM_FILE_NAME) {
            None => SumState::Absent,
            Some(file) => {
                let path = tree.display(file);
                let committed =
                    SumFile::parse(tree.text(file)?).map_err(|cause| SourceError::SumFile {
                        path: path.clone(),
                        cause,
                    })?;
                if let Some(mismatch) = committed.mismatch(&SumFile::compute(&directory.history)) {
                    return Err(SourceError::SumMismatch { path, mismatch });
                }
                SumState::Verified
            }
        };
        Ok(directory)
    }

    /// Reads the directory without looking at its sum file (for `migrate hash`).
    pub fn load_ignoring_sum(path: &Path, options: ReadOptions) -> Result<Self, SourceError> {
        Self::unchecked(&Tree::read(path)?, options)
    }

    /// Parses a tree without looking at its sum file.
    pub fn from_tree_ignoring_sum(tree: &Tree, options: ReadOptions) -> Result<Self, SourceError> {
        Self::unchecked(tree, options)
    }

    fn unchecked(tree: &Tree, options: ReadOptions) -> Result<Self, SourceError> {
        let layout = match options.layout {
            Some(layout) => layout,
            None => Layout::detect(tree)?,
        };
        let reading = layout.read(tree, options.dialect)?;
        let ignored = reading.ignored.clone();
        let no_ops = reading.no_ops.clone();
        Ok(Self {
            path: tree.root.clone(),
            layout,
            history: history_of(reading)?,
            sum: SumState::Unchecked,
            ignored,
            no_ops,
        })
    }

    /// Where the sum file lives.
    pub fn sum_path(&self) -> PathBuf {
        self.path.join(SUM_FILE_NAME)
    }
}

/// The history of a reading, its revisions in the tool's order; an id that repeats is an
/// error naming the folders (or files) of both.
pub fn history_of(reading: Reading) -> Result<History, SourceError> {
    History::ordered(reading.revisions, reading.order).map_err(
        |HistoryError::DuplicateId { id, first, second }| {
            let folder = |origin: String| {
                let path = Path::new(&origin);
                // Ours and diesel's name a revision by its folder; the rest by the file.
                match path.file_name().and_then(|name| name.to_str()) {
                    Some("up.sql" | "migration.sql") => {
                        path.parent().map(Path::to_owned).unwrap_or_default()
                    }
                    _ => path.to_owned(),
                }
            };
            SourceError::DuplicateId {
                id,
                first: folder(first),
                second: folder(second),
            }
        },
    )
}

/// Embeds a migrations directory in the binary at compile time and reads it at run time
/// exactly as [`Directory::load`] reads the same directory on disk.
///
/// ```
/// let directory = migrate::embed_migrations!("$CARGO_MANIFEST_DIR/migrations").unwrap();
/// assert!(!directory.history.is_empty());
/// ```
#[macro_export]
macro_rules! embed_migrations {
    ($path:tt) => {{
        // include_dir's expansion names `include_dir::…`; this brings the name into scope
        // so applications need not depend on include_dir themselves.
        use $crate::include_dir;
        static DIR: $crate::include_dir::Dir<'static> = $crate::include_dir::include_dir!($path);
        let root = $path.trim_start_matches("$CARGO_MANIFEST_DIR/");
        $crate::source::Directory::from_tree(
            &$crate::source::Tree::embedded(root, &DIR),
            $crate::source::ReadOptions::default(),
        )
    }};
}

#[cfg(test)]
mod tests {

    use proptest::prelude::*;

    use super::*;
    use crate::source::{FileDialect, TreeFile};

    fn file_name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,4}_[a-z]{1,5}/(up|down)\\.sql",
            "[0-9]{1,4}_[a-z]{1,5}\\.(up|down)\\.sql",
            "[VUR][0-9]{0,2}__[a-z]{1,4}\\.sql",
            "[0-9]{1,4}_[a-z]{1,4}\\.sql",
            "migrate\\.sum",
            "\\PC{1,12}",
        ]
    }

    proptest! {
        /// Whatever a folder holds, reading it gives a history or an error naming a path,
        /// never a panic.
        #[test]
        fn arbitrary_folders_never_panic(
            files in proptest::collection::vec((file_name(), proptest::collection::vec(any::<u8>(), 0..40)), 0..8),
            text in proptest::collection::vec("(CREATE TABLE t \\(a\\);|-- migrate:[a-z-]{0,15}\\n|-- migrate:up\\n|-- migrate:down\\n|\\PC{0,10})", 0..4),
        ) {
            let mut files: Vec<TreeFile> = files
                .into_iter()
                .enumerate()
                .map(|(n, (path, bytes))| {
                    let bytes = if n % 2 == 0 { text.concat().into_bytes() } else { bytes };
                    TreeFile { path, bytes: bytes.into() }
                })
                .collect();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            files.dedup_by(|a, b| a.path == b.path);
            let tree = Tree { root: "migrations".into(), files };
            for dialect in [None, Some(FileDialect::Sqlite), Some(FileDialect::Postgres)] {
                let _ = Directory::from_tree(&tree, ReadOptions { layout: None, dialect });
                for layout in Layout::ALL {
                    let _ = Directory::from_tree(&tree, ReadOptions { layout: Some(layout), dialect });
                }
            }
        }
    }
}
