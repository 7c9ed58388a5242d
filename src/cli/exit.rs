//! Exit codes, one table for every command (documented in `--help` and the README).

use migrate::backend::{BackendError, UrlError};
use migrate::core::{PlanError, TargetError};
use migrate::engine::{EngineError, MergeError};
use migrate::source::{MirrorError, SourceError};

use super::config_error::ConfigError;

/// Everything went as asked; for `check`, the database is at head.
pub const SUCCESS: u8 = 0;
/// The database or the migrations are wrong: a migration failed, a revision is pending,
/// changed, missing or out of order, or the directory is malformed.
pub const DEFECT: u8 = 1;
/// Usage, configuration or connection error: the command could not do its job.
pub const USAGE: u8 = 2;

/// The exit code an error stands for.
pub fn code_for(error: &anyhow::Error) -> u8 {
    if let Some(error) = error.downcast_ref::<SourceError>() {
        return source_code(error);
    }
    if let Some(error) = error.downcast_ref::<MirrorError>() {
        return match error {
            MirrorError::Source(error) => source_code(error),
            MirrorError::Missing { .. }
            | MirrorError::Empty { .. }
            | MirrorError::NoDialectFiles { .. } => USAGE,
        };
    }
    if let Some(error) = error.downcast_ref::<EngineError>() {
        return match error {
            EngineError::Plan(PlanError::Target(_)) => USAGE,
            EngineError::Plan(_)
            | EngineError::Step(_)
            | EngineError::Dirty { .. }
            | EngineError::NotDirty { .. }
            | EngineError::UnknownRevision { .. } => DEFECT,
            EngineError::Backend(error) => backend_code(error),
            EngineError::Adopt(error) if error.is_usage() => USAGE,
            EngineError::Adopt(_) => DEFECT,
            EngineError::Provision(_) | EngineError::Rebuild { .. } => USAGE,
        };
    }
    if let Some(error) = error.downcast_ref::<BackendError>() {
        return backend_code(error);
    }
    // Shard reports that do not make one run: nothing was judged.
    if error.downcast_ref::<TargetError>().is_some()
        || error.downcast_ref::<MergeError>().is_some()
        || error.downcast_ref::<UrlError>().is_some()
        || error.downcast_ref::<ConfigError>().is_some()
        || error
            .downcast_ref::<migrate::source::LayoutParseError>()
            .is_some()
    {
        return USAGE;
    }
    USAGE
}

fn source_code(error: &SourceError) -> u8 {
    match error {
        // What kept the directory from being read, as an unreadable file always has.
        SourceError::NoDirectory { .. }
        | SourceError::NotADirectory { .. }
        | SourceError::SymlinkLoop { .. }
        | SourceError::SymlinkToFolder { .. }
        | SourceError::Io { .. } => USAGE,
        _ => DEFECT,
    }
}

fn backend_code(error: &BackendError) -> u8 {
    match error {
        BackendError::Script { .. } => DEFECT,
        _ => USAGE,
    }
}
