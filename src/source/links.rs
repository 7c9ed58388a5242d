//! Says what a migrations path is when it cannot be read as one: `--dir` naming a file, and
//! symbolic links that loop (to themselves, or back to a folder that holds them) or lead to
//! a folder, which the walk does not follow. The error names the path, not the errno.

use std::fs;
use std::io;
use std::path::Path;

use super::error::SourceError;

/// Why `root` cannot be read as the migrations directory; `None` when it is a directory.
pub(super) fn check_root(root: &Path) -> Option<SourceError> {
    let path = root.to_owned();
    match fs::metadata(root) {
        Ok(metadata) if metadata.is_dir() => None,
        Ok(_) => Some(SourceError::NotADirectory { path }),
        Err(source) if is_loop(&source) => Some(SourceError::SymlinkLoop { path, target: None }),
        Err(source) if source.kind() == io::ErrorKind::NotFound => {
            Some(SourceError::NoDirectory { path })
        }
        Err(source) => Some(SourceError::Io { path, source }),
    }
}

/// A file that could not be read, said as what it is when a symbolic link is why; any
/// other error as it was.
pub(super) fn explain(error: SourceError) -> SourceError {
    let SourceError::Io { path, source } = error else {
        return error;
    };
    let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return SourceError::Io { path, source };
    }
    if is_loop(&source) {
        return SourceError::SymlinkLoop { path, target: None };
    }
    let resolved = fs::canonicalize(&path)
        .ok()
        .filter(|target| target.is_dir());
    let (Some(resolved), Ok(target)) = (resolved, fs::read_link(&path)) else {
        return SourceError::Io { path, source };
    };
    // A link to a folder that holds it would be read forever if it were followed.
    let holder = path
        .parent()
        .and_then(|parent| fs::canonicalize(parent).ok());
    if holder.is_some_and(|holder| holder.starts_with(&resolved)) {
        SourceError::SymlinkLoop {
            path,
            target: Some(target),
        }
    } else {
        SourceError::SymlinkToFolder { path, target }
    }
}

/// Whether an error is the system's "too many levels of symbolic links" (ELOOP); std has
/// no stable kind for it.
fn is_loop(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn says_what_each_path_is() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("file"), "").unwrap();
        symlink("loop", root.join("loop")).unwrap();
        fs::create_dir_all(root.join("m/1_x")).unwrap();
        symlink("..", root.join("m/1_x/up")).unwrap();
        symlink("../../file", root.join("m/1_x/file")).unwrap();
        fs::create_dir(root.join("elsewhere")).unwrap();
        symlink("../elsewhere", root.join("m/2_y")).unwrap();
        assert!(check_root(&root.join("m")).is_none());
        assert!(matches!(
            check_root(&root.join("file")),
            Some(SourceError::NotADirectory { .. })
        ));
        assert!(matches!(
            check_root(&root.join("none")),
            Some(SourceError::NoDirectory { .. })
        ));
        let looped = check_root(&root.join("loop")).unwrap();
        assert!(
            matches!(looped, SourceError::SymlinkLoop { target: None, .. }),
            "{looped}"
        );
        let io = |path: &str, kind| SourceError::Io {
            path: root.join(path),
            source: io::Error::from(kind),
        };
        let up = explain(io("m/1_x/up", io::ErrorKind::IsADirectory));
        assert_eq!(
            up.to_string(),
            format!(
                "{} is a symbolic link to .., a folder that holds it: a loop",
                root.join("m/1_x/up").display()
            )
        );
        let folder = explain(io("m/2_y", io::ErrorKind::IsADirectory));
        assert!(
            matches!(folder, SourceError::SymlinkToFolder { .. }),
            "{folder}"
        );
        // Not a link: the error as it was.
        let plain = explain(io("file", io::ErrorKind::PermissionDenied));
        assert!(matches!(plain, SourceError::Io { .. }), "{plain}");
    }
}
