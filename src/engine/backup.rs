//! Backups around a run: the one written before a run's first step (`upgrade --backup`),
//! where it goes and what it is called, and restoring one (`migrate restore`). Each
//! backend writes and restores its own kind; the policy lives here.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::EngineError;
use crate::backend::{Backend, BackendError, Backup, BackupName, RestoreWith};
use crate::core::RevisionId;

/// Where a backup goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BackupTo {
    /// The backend's own place (SQLite: beside the database; PostgreSQL: the working
    /// directory), under a name made of the database's, the time and the first revision
    /// to run: `app-20261205T155621Z-before-20240105090000.db`.
    #[default]
    Default,
    /// That folder (made when missing), under such a name.
    Folder(PathBuf),
    /// That file, which must not exist yet.
    File(PathBuf),
}

impl BackupTo {
    /// A path a user named: a folder when there is one or the path ends in a separator,
    /// a file otherwise.
    pub fn named(path: PathBuf) -> Self {
        let text = path.as_os_str().to_string_lossy();
        if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
            Self::Folder(path)
        } else {
            Self::File(path)
        }
    }
}

/// Writes the backup before `first` runs. A backup never overwrites a file.
pub(super) fn write_backup(
    backend: &mut dyn Backend,
    to: &BackupTo,
    first: &RevisionId,
) -> Result<Backup, EngineError> {
    let unable = |path: &Path, message: String| {
        EngineError::Backend(BackendError::Backup {
            path: path.display().to_string(),
            message,
        })
    };
    let name = backend.backup_name();
    let named = |folder: &Path| match &name {
        Some(name) => Ok(folder.join(file_name(name, first, time::OffsetDateTime::now_utc()))),
        None => Err(unable(
            folder,
            format!("{} cannot write backups", backend.dialect()),
        )),
    };
    let path = match to {
        BackupTo::File(path) => path.clone(),
        BackupTo::Folder(folder) => named(folder)?,
        BackupTo::Default => named(
            &name
                .as_ref()
                .map_or_else(PathBuf::new, |n| n.folder.clone()),
        )?,
    };
    if path.symlink_metadata().is_ok() {
        return Err(unable(
            &path,
            "a file is already there, and a backup never replaces one".into(),
        ));
    }
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|error| unable(&path, error.to_string()))?;
    }
    Ok(backend.backup(&path)?)
}

/// `app-20261205T155621Z-before-20240105090000.db`: sorted by time in a folder listing,
/// and saying which revision it is the state before.
fn file_name(name: &BackupName, first: &RevisionId, now: time::OffsetDateTime) -> String {
    let stamp = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let now = now.format(stamp).unwrap_or_default();
    format!("{}-{now}-before-{first}.{}", name.stem, name.extension)
}

/// What `migrate restore` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restored {
    /// The database was replaced with the backup; it is now at this revision (`None`:
    /// base).
    Done { position: Option<RevisionId> },
    /// The backend's own tool restores it: the command to run.
    RunThis { command: String },
}

/// Restores the backup at `from` into the database, holding the migration lock (waiting
/// at most `lock_timeout`), so no run interleaves; or, where another tool restores, says
/// how.
pub fn restore(
    backend: &mut dyn Backend,
    from: &Path,
    lock_timeout: Option<Duration>,
) -> Result<Restored, EngineError> {
    if let RestoreWith::PgRestore { command } = backend.restore_with(from) {
        return Ok(Restored::RunThis { command });
    }
    backend.lock(lock_timeout)?;
    let restored = backend.restore(from).and_then(|()| backend.applied());
    let unlocked = backend.unlock();
    let applied = restored?;
    unlocked?;
    Ok(Restored::Done {
        position: applied.last().map(|row| row.id.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{SqliteBackend, VersionTable};

    #[test]
    fn restore_waits_for_the_migration_lock() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("app.db");
        let mut running = SqliteBackend::open(&path, VersionTable::default()).unwrap();
        running.lock(None).unwrap();
        let mut restoring = SqliteBackend::open(&path, VersionTable::default()).unwrap();
        let backup = folder.path().join("backup.db");
        restoring.backup(&backup).unwrap();
        let timeout = Some(Duration::from_millis(50));
        let error = restore(&mut restoring, &backup, timeout).unwrap_err();
        assert!(
            matches!(error, EngineError::Backend(BackendError::Lock { .. })),
            "{error:?}"
        );
        running.unlock().unwrap();
        assert_eq!(
            restore(&mut restoring, &backup, timeout).unwrap(),
            Restored::Done { position: None }
        );
    }

    #[test]
    fn a_backup_is_named_by_database_time_and_revision() {
        let name = BackupName {
            folder: "data".into(),
            stem: "app".into(),
            extension: "db",
        };
        let now = time::macros::datetime!(2026-12-05 15:56:21.5 UTC);
        assert_eq!(
            file_name(&name, &"20240105090000".parse().unwrap(), now),
            "app-20261205T155621Z-before-20240105090000.db"
        );
        assert_eq!(
            BackupTo::named("backups/".into()),
            BackupTo::Folder("backups/".into())
        );
        assert_eq!(
            BackupTo::named("backups/before.db".into()),
            BackupTo::File("backups/before.db".into())
        );
    }
}
