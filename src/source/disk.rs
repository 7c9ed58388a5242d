//! Reads the files below a migrations directory on disk: a no-op run over a long history
//! is mostly the system calls made here (a listing and two opens per revision).

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use super::error::SourceError;
use super::tree::TreeFile;

/// Every file below `root` (hidden files and folders left out), in no particular order.
pub(super) fn read_files(root: &Path) -> Result<Vec<TreeFile>, SourceError> {
    let mut files = Vec::new();
    let mut folders = Vec::new();
    list(root, "", &mut Reader::new(&mut files), &mut folders)?;
    folders.sort_unstable();
    files.extend(walk(root, &folders)?);
    Ok(files)
}

/// Reads every file below `folders` (relative to `root`), one folder after another.
fn walk(root: &Path, folders: &[String]) -> Result<Vec<TreeFile>, SourceError> {
    let mut files = Vec::new();
    let mut reader = Reader::new(&mut files);
    let mut pending = Vec::new();
    for folder in folders {
        pending.push(folder.clone());
        while let Some(relative) = pending.pop() {
            list(root, &relative, &mut reader, &mut pending)?;
        }
    }
    Ok(files)
}

/// Reads the files of one folder into `reader` and adds its subfolders to `folders`.
fn list(
    root: &Path,
    relative: &str,
    reader: &mut Reader<'_>,
    folders: &mut Vec<String>,
) -> Result<(), SourceError> {
    let dir = root.join(relative);
    let io = |source| SourceError::Io {
        path: dir.clone(),
        source,
    };
    for entry in fs::read_dir(&dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = if relative.is_empty() {
            name.into_owned()
        } else {
            format!("{relative}/{name}")
        };
        if entry.file_type().map_err(io)?.is_dir() {
            folders.push(path);
        } else {
            reader.read(root, path)?;
        }
    }
    Ok(())
}

/// Reads whole files into a list, through one buffer.
struct Reader<'a> {
    files: &'a mut Vec<TreeFile>,
    /// Zeroed once, not once per file: most migrations are far smaller than it.
    chunk: Vec<u8>,
}

impl<'a> Reader<'a> {
    fn new(files: &'a mut Vec<TreeFile>) -> Self {
        Self {
            files,
            chunk: vec![0; 64 * 1024],
        }
    }

    /// Reads the file at `path` (relative to `root`) and adds it to the list.
    fn read(&mut self, root: &Path, path: String) -> Result<(), SourceError> {
        let full = root.join(&path);
        let bytes = read_file(&full, &mut self.chunk)
            .map_err(|source| SourceError::Io { path: full, source })?;
        self.files.push(TreeFile {
            path,
            bytes: Cow::Owned(bytes),
        });
        Ok(())
    }
}

/// Reads a whole file in open, read, read (the empty one that says "end"), close.
///
/// `fs::read` and `File::read_to_end` first ask for the size and the position (statx,
/// lseek): a third of the system calls of reading a large history of small files.
/// Reading through `chunk` and copying out also gives a buffer of the file's own size
/// (thousands of migrations would otherwise keep a first guess of 4 KiB each).
fn read_file(path: &Path, chunk: &mut [u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut file = fs::File::open(path)?;
    let mut bytes = Vec::new();
    loop {
        match file.read(chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// A migrations folder with `count` revisions, enough to be split between threads.
    fn history(count: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..count {
            let folder = dir.path().join(format!("{n:04}_step"));
            fs::create_dir(&folder).unwrap();
            fs::write(
                folder.join("up.sql"),
                format!("CREATE TABLE t{n} (id INT);\n"),
            )
            .unwrap();
            fs::write(folder.join("down.sql"), format!("DROP TABLE t{n};\n")).unwrap();
        }
        dir
    }

    fn sorted(mut files: Vec<TreeFile>) -> Vec<(String, Vec<u8>)> {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
            .into_iter()
            .map(|file| (file.path, file.bytes.into_owned()))
            .collect()
    }

    #[test]
    fn every_file_is_read_once_with_its_bytes() {
        let count = 200;
        let dir = history(count);
        fs::write(dir.path().join("README"), "notes").unwrap();
        let files = sorted(read_files(dir.path()).unwrap());
        assert_eq!(files.len(), count * 2 + 1);
        assert_eq!(
            files[0],
            ("0000_step/down.sql".into(), b"DROP TABLE t0;\n".to_vec())
        );
        assert_eq!(
            files[1],
            (
                "0000_step/up.sql".into(),
                b"CREATE TABLE t0 (id INT);\n".to_vec()
            )
        );
        let last = format!("{:04}_step/up.sql", count - 1);
        assert_eq!(files[files.len() - 2].0, last);
        assert_eq!(files[files.len() - 1].0, "README");
    }

    #[test]
    fn hidden_entries_are_left_out_and_subfolders_read() {
        let dir = history(2);
        fs::create_dir(dir.path().join(".git")).unwrap();
        fs::write(dir.path().join(".git/HEAD"), "ref").unwrap();
        fs::write(dir.path().join("0000_step/.swp"), "x").unwrap();
        fs::create_dir(dir.path().join("0001_step/extra")).unwrap();
        fs::write(dir.path().join("0001_step/extra/notes.sql"), "--").unwrap();
        let paths: Vec<String> = sorted(read_files(dir.path()).unwrap())
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        assert_eq!(
            paths,
            [
                "0000_step/down.sql",
                "0000_step/up.sql",
                "0001_step/down.sql",
                "0001_step/extra/notes.sql",
                "0001_step/up.sql",
            ]
        );
    }

    /// The error names the first unreadable file in path order, with the path users see.
    #[cfg(unix)]
    #[test]
    fn an_unreadable_file_is_named() {
        let count = 256;
        let dir = history(count);
        for n in [count - 3, count / 4 + 1] {
            let broken = dir.path().join(format!("{n:04}_step/down.sql"));
            fs::remove_file(&broken).unwrap();
            std::os::unix::fs::symlink("nowhere", &broken).unwrap();
        }
        let Err(SourceError::Io { path, source }) = read_files(dir.path()) else {
            panic!("a dangling link must not read");
        };
        let expected: PathBuf = dir
            .path()
            .join(format!("{:04}_step/down.sql", count / 4 + 1));
        assert_eq!(path, expected);
        assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    }
}
