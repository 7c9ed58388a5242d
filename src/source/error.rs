//! Errors reading a migrations directory; each names the path at fault and the fix.

use std::path::PathBuf;

use crate::core::{DirectiveError, RevisionId, SumFileError, SumMismatch};

/// Why a migrations directory cannot be used. Nothing has run when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("migrations directory {} does not exist", path.display())]
    NoDirectory { path: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {reason}", path.display())]
    BadName { path: PathBuf, reason: String },
    #[error("{}: SQL files belong in a revision folder", path.display())]
    StraySql { path: PathBuf },
    #[error("{}: unknown file in a revision folder", path.display())]
    UnknownFile { path: PathBuf },
    #[error("{}: missing up.sql", path.display())]
    MissingUp { path: PathBuf },
    #[error("{}: up.sql holds no SQL", path.display())]
    EmptyUp { path: PathBuf },
    #[error("{}: not UTF-8 text (invalid byte at offset {offset})", path.display())]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{}:{}: unknown directive `migrate:{}`", path.display(), source.line, source.name)]
    Directive {
        path: PathBuf,
        source: DirectiveError,
    },
    #[error("revision {id} is defined twice: {} and {}", first.display(), second.display())]
    DuplicateId {
        id: RevisionId,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{}: {}", path.display(), source)]
    SumFile { path: PathBuf, source: SumFileError },
    #[error("{}: {}", path.display(), describe(mismatch))]
    SumMismatch {
        path: PathBuf,
        mismatch: SumMismatch,
    },
}

fn describe(mismatch: &SumMismatch) -> String {
    match mismatch {
        SumMismatch::Added(id) => format!("revision {id} is not in the sum file"),
        SumMismatch::Removed(id) => {
            format!("revision {id} is in the sum file but not in the directory")
        }
        SumMismatch::Changed(id) => {
            format!("revision {id} differs from the sum file (edited, renamed or moved)")
        }
    }
}

impl SourceError {
    /// The fix, for the `help:` line.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            Self::NoDirectory { .. } => "run `migrate init` to create it, or point --dir at your migrations".into(),
            Self::BadName { .. } => "name revision folders `<id>_<slug>`, e.g. `20240101120000_create_users` (`migrate create` does)".into(),
            Self::StraySql { .. } => "put it in a revision folder as up.sql or down.sql (`migrate create <message>` makes one)".into(),
            Self::UnknownFile { .. } => "a revision folder holds only up.sql and down.sql; move other files elsewhere".into(),
            Self::MissingUp { .. } | Self::EmptyUp { .. } => "write the revision's SQL in up.sql".into(),
            Self::NotUtf8 { .. } => "save the file as UTF-8".into(),
            Self::Directive { source, .. } => source.help().into(),
            Self::DuplicateId { .. } => "give one of them a new id (rename its folder), then run `migrate hash`".into(),
            Self::SumFile { source: SumFileError::ConflictMarkers { .. }, .. } => {
                "two branches added revisions: keep both folders with distinct, ordered ids, then run `migrate hash` to rewrite the file".into()
            }
            Self::SumFile { .. } => "run `migrate hash` to rewrite it".into(),
            Self::SumMismatch { .. } => "if the change is intended, run `migrate hash` and commit migrate.sum".into(),
            Self::Io { .. } => return None,
        })
    }
}
