//! A migrations directory as a flat, sorted list of files with their bytes, read from disk
//! or embedded in the binary, so every layout is parsed from the same plain data.

use std::path::{Path, PathBuf};

use super::error::SourceError;
pub use super::tree_file::TreeFile;
use crate::core::Location;

/// Every file below a migrations directory (hidden files and folders left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    /// The directory as users name it, for messages (`migrations`).
    pub root: PathBuf,
    /// Sorted by path.
    pub files: Vec<TreeFile>,
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

impl Tree {
    /// Reads every file below `root`.
    pub fn read(root: &Path) -> Result<Self, SourceError> {
        if let Some(error) = super::links::check_root(root) {
            return Err(error);
        }
        let mut files = super::disk::read_files(root).map_err(super::links::explain)?;
        files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        Ok(Self {
            root: root.to_owned(),
            files,
        })
    }

    /// The files of a directory embedded with [`crate::embed_migrations!`].
    pub fn embedded(root: &str, dir: &'static include_dir::Dir<'static>) -> Self {
        let mut files = Vec::new();
        let mut pending = vec![dir];
        while let Some(dir) = pending.pop() {
            for entry in dir.entries() {
                if entry.path().file_name().is_some_and(is_hidden) {
                    continue;
                }
                match entry {
                    include_dir::DirEntry::Dir(child) => pending.push(child),
                    include_dir::DirEntry::File(file) => files.push(TreeFile {
                        path: file.path().to_string_lossy().replace('\\', "/"),
                        bytes: file.contents().into(),
                    }),
                }
            }
        }
        files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        Self {
            root: PathBuf::from(root),
            files,
        }
    }

    /// The path users see for a file of the tree.
    pub fn display(&self, file: &TreeFile) -> PathBuf {
        self.root.join(&file.path)
    }

    /// The file at this relative, `/`-separated path.
    pub fn get(&self, path: &str) -> Option<&TreeFile> {
        self.files
            .binary_search_by(|file| file.path.as_str().cmp(path))
            .ok()
            .map(|index| &self.files[index])
    }

    /// A file's text, shared with the tree rather than copied (see [`super::FileBytes`]);
    /// the error of [`Tree::text`].
    pub fn shared_text(&self, file: &TreeFile) -> Result<std::sync::Arc<str>, SourceError> {
        match file.bytes.to_text() {
            Some(text) => Ok(text),
            None => self.text(file).map(Into::into),
        }
    }

    /// A file's text; an error naming the line and column of the first byte that is not UTF-8.
    pub fn text<'a>(&self, file: &'a TreeFile) -> Result<&'a str, SourceError> {
        match std::str::from_utf8(&file.bytes) {
            Ok(text) => Ok(text),
            Err(error) => {
                let valid =
                    std::str::from_utf8(&file.bytes[..error.valid_up_to()]).unwrap_or_default();
                Err(SourceError::NotUtf8 {
                    path: self.display(file),
                    at: Location::of_offset(valid, valid.len()),
                })
            }
        }
    }
}
