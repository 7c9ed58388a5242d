//! Reads a migrations directory (`<id>_<slug>/up.sql`, `down.sql`, the diesel layout) into
//! plain data, refusing bad input with the path at fault before any SQL runs.

use std::fs;
use std::path::{Path, PathBuf};

use super::error::SourceError;
use crate::core::{History, HistoryError, Revision, RevisionId, SUM_FILE_NAME, Script, SumFile};

/// Whether the directory carries a sum file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SumState {
    /// `migrate.sum` exists and agrees with the directory.
    Verified,
    /// There is no `migrate.sum`; `migrate hash` writes one.
    Absent,
}

/// A migrations directory, read and checked.
#[derive(Debug, Clone)]
pub struct Directory {
    pub path: PathBuf,
    pub history: History,
    pub sum: SumState,
}

impl Directory {
    /// Reads the directory and checks it against its sum file.
    pub fn load(path: &Path) -> Result<Self, SourceError> {
        let history = read_history(path)?;
        let sum_path = path.join(SUM_FILE_NAME);
        let sum = match fs::read_to_string(&sum_path) {
            Ok(text) => {
                let committed = SumFile::parse(&text).map_err(|source| SourceError::SumFile {
                    path: sum_path.clone(),
                    source,
                })?;
                if let Some(mismatch) = committed.mismatch(&SumFile::compute(&history)) {
                    return Err(SourceError::SumMismatch {
                        path: sum_path,
                        mismatch,
                    });
                }
                SumState::Verified
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => SumState::Absent,
            Err(source) => {
                return Err(SourceError::Io {
                    path: sum_path,
                    source,
                });
            }
        };
        Ok(Self {
            path: path.to_owned(),
            history,
            sum,
        })
    }

    /// Reads the directory without looking at its sum file (for `migrate hash`).
    pub fn load_ignoring_sum(path: &Path) -> Result<History, SourceError> {
        read_history(path)
    }

    /// Where the sum file lives.
    pub fn sum_path(&self) -> PathBuf {
        self.path.join(SUM_FILE_NAME)
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SourceError + '_ {
    move |source| SourceError::Io {
        path: path.to_owned(),
        source,
    }
}

fn read_history(dir: &Path) -> Result<History, SourceError> {
    if !dir.is_dir() {
        return Err(SourceError::NoDirectory {
            path: dir.to_owned(),
        });
    }
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(io(dir))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .map_err(io(dir))?;
    entries.sort();
    let mut revisions = Vec::new();
    for path in entries {
        let name = file_name(&path);
        if name.starts_with('.') || name == SUM_FILE_NAME {
            continue;
        }
        if path.is_dir() {
            revisions.push(read_revision(&path, &name)?);
        } else if name.ends_with(".sql") {
            return Err(SourceError::StraySql { path });
        }
    }
    History::new(revisions).map_err(|HistoryError::DuplicateId { id, first, second }| {
        SourceError::DuplicateId {
            id,
            first: parent_of(&first),
            second: parent_of(&second),
        }
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn parent_of(origin: &str) -> PathBuf {
    Path::new(origin)
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default()
}

/// Splits `20240101120000_create_users` into its id and slug.
fn parse_folder_name(path: &Path, name: &str) -> Result<(RevisionId, String), SourceError> {
    let bad = |reason: String| SourceError::BadName {
        path: path.to_owned(),
        reason,
    };
    let (id, slug) = name
        .split_once('_')
        .ok_or_else(|| bad("a revision folder is named `<id>_<slug>`".into()))?;
    let id: RevisionId = id
        .parse()
        .map_err(|error| bad(format!("{id:?} is not a revision id: {error}")))?;
    if slug.is_empty() {
        return Err(bad("the slug after the id is empty".into()));
    }
    Ok((id, slug.to_owned()))
}

fn read_revision(path: &Path, name: &str) -> Result<Revision, SourceError> {
    let (id, slug) = parse_folder_name(path, name)?;
    let mut files: Vec<PathBuf> = fs::read_dir(path)
        .map_err(io(path))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .map_err(io(path))?;
    files.sort();
    if let Some(unknown) = files.iter().find(|file| {
        let name = file_name(file);
        !(name.starts_with('.') || name == "up.sql" || name == "down.sql")
    }) {
        return Err(SourceError::UnknownFile {
            path: unknown.clone(),
        });
    }
    let up_path = path.join("up.sql");
    if !up_path.is_file() {
        return Err(SourceError::MissingUp { path: up_path });
    }
    let up = read_script(&up_path)?;
    if !up.has_sql() {
        return Err(SourceError::EmptyUp { path: up_path });
    }
    let down_path = path.join("down.sql");
    let down = if down_path.is_file() {
        Some(read_script(&down_path)?)
    } else {
        None
    };
    Ok(Revision { id, slug, up, down })
}

fn read_script(path: &Path) -> Result<Script, SourceError> {
    let bytes = fs::read(path).map_err(io(path))?;
    let text = String::from_utf8(bytes).map_err(|error| SourceError::NotUtf8 {
        path: path.to_owned(),
        offset: error.utf8_error().valid_up_to(),
    })?;
    Script::new(path.display().to_string(), text).map_err(|source| SourceError::Directive {
        path: path.to_owned(),
        source,
    })
}
