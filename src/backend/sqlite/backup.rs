//! Backups of a SQLite database: written with `VACUUM INTO`, an online and consistent copy
//! (one read transaction, so writers elsewhere are not stopped), and restored with
//! SQLite's backup API, which overwrites the database page by page in one write
//! transaction, so other connections see the old database or the restored one, never a mix.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup as PageCopy, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::backend::backup::BackupName;
use crate::backend::error::BackendError;

/// Where a backup of the database at `path` goes by default: beside it, named after it
/// (`app.db` → `app-….db`); an in-memory database's in the working directory (an empty
/// folder).
pub(super) fn backup_name(path: Option<&Path>) -> BackupName {
    let stem = |path: &Path| Some(path.file_stem()?.to_string_lossy().into_owned());
    let extension = |path: &Path| match path.extension()?.to_str()? {
        "db" => Some("db"),
        "sqlite" => Some("sqlite"),
        "sqlite3" => Some("sqlite3"),
        _ => None,
    };
    BackupName {
        folder: path
            .and_then(Path::parent)
            .filter(|folder| !folder.as_os_str().is_empty())
            .map_or_else(PathBuf::new, Path::to_path_buf),
        stem: path.and_then(stem).unwrap_or_else(|| "memory".into()),
        extension: path.and_then(extension).unwrap_or("db"),
    }
}

/// Writes a copy of the main database to `to`, which must not exist yet.
pub(super) fn vacuum_into(conn: &Connection, to: &Path) -> Result<(), BackendError> {
    let fail = |message: String| BackendError::Backup {
        path: to.display().to_string(),
        message,
    };
    let target = to
        .to_str()
        .ok_or_else(|| fail("SQLite takes only UTF-8 file names".into()))?;
    // The file name is bound: VACUUM INTO takes any expression.
    conn.execute("VACUUM INTO ?1", [target])
        .map_err(|error| fail(error.to_string()))?;
    Ok(())
}

/// Replaces the main database of `conn` with the SQLite database at `from`, which is only
/// read. A file that is missing or not a SQLite database is refused before anything is
/// written (opening a missing file would create an empty one, and restore that).
pub(super) fn restore(conn: &mut Connection, from: &Path) -> Result<(), BackendError> {
    let fail = |message: String| BackendError::Restore {
        path: from.display().to_string(),
        message,
    };
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|error| fail(error.to_string()))?;
    let header: rusqlite::Result<i64> =
        source.query_row("PRAGMA schema_version", [], |row| row.get(0));
    match header {
        Err(error) if error.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            return Err(fail(
                "it is not a SQLite database (a PostgreSQL dump is restored with pg_restore)"
                    .into(),
            ));
        }
        Err(error) => return Err(fail(error.to_string())),
        Ok(_) => {}
    }
    let copy = PageCopy::new(&source, conn).map_err(|error| fail(error.to_string()))?;
    // Every page in one step: one write transaction on the database, waiting on another
    // connection's lock as its busy timeout allows.
    match copy.step(-1).map_err(|error| fail(error.to_string()))? {
        StepResult::Done => Ok(()),
        _ => Err(fail(
            "another connection holds the database locked; try again once it is done".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_is_named_after_the_database_beside_it() {
        let name = backup_name(Some(Path::new("data/app.sqlite3")));
        assert_eq!(
            (name.folder.as_path(), name.stem.as_str(), name.extension),
            (Path::new("data"), "app", "sqlite3")
        );
        let name = backup_name(Some(Path::new("app")));
        assert_eq!(
            (name.folder.as_path(), name.stem.as_str(), name.extension),
            (Path::new(""), "app", "db")
        );
        assert_eq!(backup_name(None).stem, "memory");
    }
}
