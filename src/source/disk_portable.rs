//! Reads the files below a migrations directory with std alone, where `disk.rs` (openat
//! through rustix) does not build: every platform but Unix.

use std::fs;
use std::io::Read as _;
use std::path::Path;

use super::error::SourceError;
use super::tree_file::TreeFile;

/// Every file below `root` (hidden files and folders left out), in no particular order.
pub(super) fn read_files(root: &Path) -> Result<Vec<TreeFile>, SourceError> {
    let mut files = Vec::new();
    let mut pending = vec![String::new()];
    while let Some(relative) = pending.pop() {
        let dir = root.join(&relative);
        let io = |source| SourceError::Io {
            path: dir.clone(),
            source,
        };
        for entry in fs::read_dir(&dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = if relative.is_empty() {
                name
            } else {
                format!("{relative}/{name}")
            };
            if entry.file_type().map_err(io)?.is_dir() {
                pending.push(path);
            } else {
                let full = root.join(&path);
                let mut bytes = Vec::new();
                fs::File::open(&full)
                    .and_then(|mut file| file.read_to_end(&mut bytes))
                    .map_err(|source| SourceError::Io { path: full, source })?;
                bytes.shrink_to_fit();
                files.push(TreeFile {
                    path,
                    bytes: bytes.into(),
                });
            }
        }
    }
    Ok(files)
}
