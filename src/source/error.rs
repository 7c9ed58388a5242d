//! Errors reading a migrations directory; each names the path at fault and the fix.

use std::path::PathBuf;

use crate::core::{DirectiveError, Location, RevisionId, SumFileError, SumMismatch};

/// Why a migrations directory cannot be used. Nothing has run when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("migrations directory {} does not exist", path.display())]
    NoDirectory { path: PathBuf },
    #[error("migrations directory {} is not a directory", path.display())]
    NotADirectory { path: PathBuf },
    #[error("{} is a symbolic link{}: a loop", path.display(), shown(target))]
    SymlinkLoop {
        path: PathBuf,
        /// The link's text when it names a folder that holds it; `None` when the system
        /// found the loop (links that lead back to themselves).
        target: Option<PathBuf>,
    },
    #[error("{} is a symbolic link to the folder {}, which is not followed", path.display(), target.display())]
    SymlinkToFolder { path: PathBuf, target: PathBuf },
    #[error("cannot read {}", path.display())]
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
    #[error("{}: a down migration without its up migration", path.display())]
    DownWithoutUp { path: PathBuf },
    #[error("{}: not supported: {reason}", path.display())]
    Unsupported { path: PathBuf, reason: String },
    #[error("{} mixes the layouts of several tools: {}", path.display(), found.join(", "))]
    MixedLayouts { path: PathBuf, found: Vec<String> },
    #[error("{}:{line}: a {tool} marker, which the {layout} layout does not apply", path.display())]
    ForeignMarker {
        path: PathBuf,
        line: usize,
        tool: &'static str,
        layout: &'static str,
    },
    #[error("{}: a {tool} file; migrate cannot read {tool}'s migrations", path.display())]
    UnreadableTool { path: PathBuf, tool: &'static str },
    #[error("{}: {tool} keeps a file per database dialect, and no database was named to choose them", path.display())]
    NeedsDialect { path: PathBuf, tool: &'static str },
    #[error("{}: {reason}", path.display())]
    BadMetadata { path: PathBuf, reason: String },
    #[error("{}: {tool} would refuse this folder: {reason}", path.display())]
    ToolRefuses {
        path: PathBuf,
        tool: &'static str,
        reason: String,
    },
    #[error("{}: no up.sql", path.display())]
    MissingUp { path: PathBuf },
    #[error("{}:{}:{}: not UTF-8 text", path.display(), at.line, at.column)]
    NotUtf8 { path: PathBuf, at: Location },
    #[error("{}:{}: unknown directive `migrate:{}`", path.display(), cause.line, cause.name)]
    Directive {
        path: PathBuf,
        cause: DirectiveError,
    },
    #[error("revision {id} is defined twice: {} and {}", first.display(), second.display())]
    DuplicateId {
        id: RevisionId,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{}: {}", path.display(), cause)]
    SumFile { path: PathBuf, cause: SumFileError },
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
            Self::NotADirectory { .. } => "point --dir (or `dir` in migrate.toml) at the folder that holds the migrations".into(),
            Self::SymlinkLoop { .. } => "remove the link, or point it at a file or folder outside the loop".into(),
            Self::SymlinkToFolder { .. } => "copy the folder into the migrations directory, or link its files one by one".into(),
            Self::BadName { .. } => "name revision folders `<id>_<slug>`, e.g. `20240101120000_create_users` (`migrate create` does)".into(),
            Self::StraySql { .. } => "put it in a revision folder as up.sql or down.sql (`migrate create <message>` makes one)".into(),
            Self::UnknownFile { .. } => "a revision folder holds up.sql, down.sql and perhaps diesel's metadata.toml; move other SQL files elsewhere".into(),
            Self::MissingUp { .. } => "write the revision's SQL in up.sql".into(),
            Self::NotUtf8 { .. } => "save the file as UTF-8".into(),
            Self::Directive { cause, .. } => cause.help().into(),
            Self::DuplicateId { .. } => "give one of them a new id (rename it), then run `migrate hash`".into(),
            Self::SumFile { cause: SumFileError::ConflictMarkers { .. }, .. } => {
                "two branches added revisions: keep both folders with distinct, ordered ids, then run `migrate hash` to rewrite the file".into()
            }
            Self::SumFile { .. } => "run `migrate hash` to rewrite it".into(),
            Self::SumMismatch { .. } => "if the change is intended, run `migrate hash` and commit migrate.sum".into(),
            Self::DownWithoutUp { .. } => "add the up migration with the same version, or delete the down".into(),
            Self::Unsupported { .. } => "rewrite it as a plain SQL migration of the folder's layout, or move it out of the migrations folder".into(),
            Self::MixedLayouts { .. } => format!("keep one tool's files in the folder, or name the layout with --layout ({})", super::layouts::names()),
            Self::ForeignMarker { tool, .. } => format!("if the folder is {tool}'s, read it as {tool}'s (--layout); otherwise remove the marker: migrate never runs a file whose markers it would not apply"),
            Self::UnreadableTool { tool, .. } => format!("run these migrations with {tool}; migrate reads the layouts of {}", super::layouts::names()),
            Self::NeedsDialect { .. } => "pass --database-url (or DATABASE_URL) so the files of its dialect are read".into(),
            Self::BadMetadata { .. } => "write `run_in_transaction = false` (or `true`), as diesel reads it".into(),
            Self::ToolRefuses { .. } => "fix the folder as the tool's own documentation says; migrate reads it by the same rules".into(),
            Self::Io { .. } => return None,
        })
    }
}

/// A link's own text, for a message: `..`, not a machine's absolute path.
fn shown(target: &Option<PathBuf>) -> String {
    match target {
        Some(target) => format!(" to {}, a folder that holds it", target.display()),
        None => " that leads back to itself".into(),
    }
}
