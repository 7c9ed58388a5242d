//! What reading a migrations folder takes (the layout, the database's dialect) and what it
//! gives besides the revisions: the files that are not migrations, and the revisions that
//! have nothing to run on this dialect. Plain data.

use std::fmt;

use super::layouts::Layout;
use crate::core::{IdOrder, Revision, RevisionId};

/// The database family a folder's files are read for. popx keeps a file per dialect
/// (`….sqlite3.up.sql`, `….postgres.up.sql`) and runs only those of the database at hand;
/// every other layout reads the same files whatever the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileDialect {
    Sqlite,
    Postgres,
}

impl FileDialect {
    /// The name users know the database by.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

impl fmt::Display for FileDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to read a folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The layout to read it in; recognised from the files when `None`.
    pub layout: Option<Layout>,
    /// The database the revisions will run on; a layout with a file per dialect (popx)
    /// cannot be read without it.
    pub dialect: Option<FileDialect>,
}

/// A folder read in one layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub revisions: Vec<Revision>,
    /// The order the tool runs its revisions in.
    pub order: IdOrder,
    /// Files that are not migrations (a README, a seed file), by path relative to the
    /// folder, sorted: listed so users see them, never run.
    pub ignored: Vec<String>,
    /// Revisions that have no file for this dialect (popx): each is a step that runs
    /// nothing here, so the history stays the same on every database.
    pub no_ops: Vec<RevisionId>,
}

impl Reading {
    /// Revisions read in the tool's natural order, with nothing ignored yet.
    pub(crate) fn natural(revisions: Vec<Revision>) -> Self {
        Self {
            revisions,
            order: IdOrder::Natural,
            ignored: Vec::new(),
            no_ops: Vec::new(),
        }
    }
}
