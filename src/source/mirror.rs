//! The two sets of a mirror (one history kept once per dialect), read before anything
//! runs: each folder with its own layout, as every command reads a folder, and refused
//! when missing or empty, naming it.

use std::path::{Path, PathBuf};

use super::directory::Directory;
use super::error::SourceError;
use super::layouts::Layout;
use super::reading::{FileDialect, ReadOptions};
use super::tree::Tree;
use crate::schema::Side;

/// Where a mirror's sets live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MirrorSource {
    /// A folder per dialect: vaultwarden's `migrations/sqlite` and `migrations/postgresql`.
    Folders { sqlite: PathBuf, postgres: PathBuf },
    /// One folder holding both dialects' files, told apart by their names (popx's
    /// `.sqlite3.` and `.postgres.` suffixes).
    Shared(PathBuf),
}

/// One set, read.
#[derive(Debug)]
pub struct MirrorSet {
    pub side: Side,
    pub directory: Directory,
    /// Why its sum file disagrees with its files, when it does: a finding of verify, not a
    /// reason to stop.
    pub sum_mismatch: Option<SourceError>,
}

/// Why a mirror's sets cannot be read. Nothing has run when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error("the {side} set's folder {} does not exist", path.display())]
    Missing { side: Side, path: PathBuf },
    #[error("the {side} set's folder {} holds no migrations", path.display())]
    Empty { side: Side, path: PathBuf },
    #[error(
        "{} holds no per-dialect files: its layout does not tell SQLite files from PostgreSQL ones (popx's `.sqlite3.` and `.postgres.` names do)",
        path.display()
    )]
    NoDialectFiles { path: PathBuf },
    #[error(transparent)]
    Source(#[from] SourceError),
}

impl MirrorError {
    /// The fix, for the `help:` line.
    pub fn help(&self) -> Option<String> {
        match self {
            Self::Missing { side, .. } | Self::Empty { side, .. } => Some(format!(
                "point `{side}` under [mirror] in migrate.toml (or --{side}-dir) at the {side} set's migrations"
            )),
            Self::NoDialectFiles { .. } => Some(
                "name the two sets' folders: --sqlite-dir DIR --postgres-dir DIR, or [mirror] sqlite = \"…\" and postgres = \"…\" in migrate.toml".into(),
            ),
            Self::Source(error) => error.help(),
        }
    }
}

impl MirrorSource {
    /// Reads both sets, the SQLite one first. `layout` applies to both; `None` recognises
    /// each folder's own.
    pub fn load(&self, layout: Option<Layout>) -> Result<[MirrorSet; 2], MirrorError> {
        match self {
            Self::Folders { sqlite, postgres } => {
                // Both folders are looked at before either is parsed: a missing one is the
                // first thing to fix.
                let trees = [(Side::Sqlite, sqlite), (Side::Postgres, postgres)]
                    .map(|(side, path)| read(side, path));
                let [sqlite, postgres] = trees;
                let (sqlite, postgres) = (sqlite?, postgres?);
                Ok([
                    set(Side::Sqlite, &sqlite, layout)?,
                    set(Side::Postgres, &postgres, layout)?,
                ])
            }
            // One folder is a mirror when its layout keeps a file per dialect (popx): each
            // set is the folder read for its dialect.
            Self::Shared(path) => {
                let tree = read(Side::Sqlite, path)?;
                let sqlite = set(Side::Sqlite, &tree, layout)?;
                if !sqlite.directory.layout.reads_per_dialect() {
                    return Err(MirrorError::NoDialectFiles { path: path.clone() });
                }
                Ok([sqlite, set(Side::Postgres, &tree, layout)?])
            }
        }
    }
}

fn read(side: Side, path: &Path) -> Result<Tree, MirrorError> {
    if !path.is_dir() {
        return Err(MirrorError::Missing {
            side,
            path: path.to_owned(),
        });
    }
    Ok(Tree::read(path)?)
}

/// A set's directory; a sum file that disagrees is kept as a finding.
fn set(side: Side, tree: &Tree, layout: Option<Layout>) -> Result<MirrorSet, MirrorError> {
    let options = || ReadOptions {
        layout,
        dialect: Some(match side {
            Side::Sqlite => FileDialect::Sqlite,
            Side::Postgres => FileDialect::Postgres,
        }),
    };
    let (directory, sum_mismatch) = match Directory::from_tree(tree, options()) {
        Ok(directory) => (directory, None),
        Err(error @ (SourceError::SumMismatch { .. } | SourceError::SumFile { .. })) => (
            Directory::from_tree_ignoring_sum(tree, options())?,
            Some(error),
        ),
        Err(error) => return Err(error.into()),
    };
    if directory.history.is_empty() {
        return Err(MirrorError::Empty {
            side,
            path: tree.root.clone(),
        });
    }
    Ok(MirrorSet {
        side,
        directory,
        sum_mismatch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folders(root: &Path) -> MirrorSource {
        MirrorSource::Folders {
            sqlite: root.join("sqlite"),
            postgres: root.join("postgres"),
        }
    }

    fn revision(root: &Path, set: &str) {
        let folder = root.join(set).join("20240101000000_create_users");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("up.sql"), "CREATE TABLE users (id INTEGER);\n").unwrap();
    }

    #[test]
    fn a_missing_or_empty_folder_is_named_with_its_side() {
        let root = tempfile::tempdir().unwrap();
        revision(root.path(), "sqlite");
        let error = folders(root.path()).load(None).unwrap_err();
        assert!(
            matches!(&error, MirrorError::Missing { side: Side::Postgres, path } if path.ends_with("postgres")),
            "{error:?}"
        );
        std::fs::create_dir(root.path().join("postgres")).unwrap();
        let error = folders(root.path()).load(None).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "the postgres set's folder {} holds no migrations",
                root.path().join("postgres").display()
            )
        );
        revision(root.path(), "postgres");
        let [sqlite, postgres] = folders(root.path()).load(None).unwrap();
        assert_eq!((sqlite.side, postgres.side), (Side::Sqlite, Side::Postgres));
        assert_eq!(postgres.directory.history.len(), 1);
    }

    #[test]
    fn a_popx_folder_is_a_mirror_read_once_per_dialect() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("popx");
        std::fs::create_dir_all(&dir).unwrap();
        for (dialect, sql) in [("sqlite3", "id TEXT"), ("postgres", "id UUID")] {
            let name = format!("20210410175418000000_identities.{dialect}.up.sql");
            std::fs::write(
                dir.join(name),
                format!("CREATE TABLE identities ({sql});\n"),
            )
            .unwrap();
        }
        let [sqlite, postgres] = MirrorSource::Shared(dir).load(None).unwrap();
        let text = |set: &MirrorSet| set.directory.history.revisions()[0].up.text.to_string();
        assert!(text(&sqlite).contains("id TEXT"), "{}", text(&sqlite));
        assert!(text(&postgres).contains("id UUID"), "{}", text(&postgres));
    }

    #[test]
    fn one_folder_without_dialect_files_is_no_mirror() {
        let root = tempfile::tempdir().unwrap();
        revision(root.path(), "both");
        let error = MirrorSource::Shared(root.path().join("both"))
            .load(None)
            .unwrap_err();
        assert!(
            matches!(error, MirrorError::NoDialectFiles { .. }),
            "{error:?}"
        );
        assert!(error.help().unwrap().contains("--sqlite-dir"));
    }
}
