//! Errors of a migration run: the plan was refused, the database failed, or a step's SQL failed.

use crate::backend::{BackendError, SqlFailure};
use crate::core::{AdoptError, DirtyRevision, Location, PlanError, RevisionId};

/// A step whose SQL failed, pointing into the user's file.
#[derive(Debug)]
pub struct StepFailure {
    pub id: RevisionId,
    /// The file (or stored text) that failed.
    pub origin: String,
    /// Where in it, when known.
    pub location: Option<Location>,
    /// The text of that line.
    pub line_text: Option<String>,
    pub failure: SqlFailure,
    /// Whether the failed step ran in a transaction (and so left nothing behind).
    pub transactional: bool,
    /// Steps of this run that completed before it.
    pub completed: Vec<RevisionId>,
}

/// A run that could not finish.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error("revision {} failed: {}", .0.id, .0.failure.message)]
    Step(Box<StepFailure>),
    #[error(transparent)]
    Adopt(#[from] AdoptError),
    #[error("the database is dirty: {}", dirty.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Dirty { dirty: Vec<DirtyRevision> },
    #[error("revision {id} is not dirty; nothing to repair")]
    NotDirty { id: RevisionId },
    #[error("revision {id} is not in the migrations directory")]
    UnknownRevision { id: RevisionId },
    #[error(transparent)]
    Provision(#[from] crate::provision::ProvisionError),
    #[error(
        "rebuilding the scratch database failed at revision {id} ({origin}), whose up had run before: {message}"
    )]
    Rebuild {
        id: RevisionId,
        origin: String,
        message: String,
    },
}

impl EngineError {
    /// The fix, for the `help:` line.
    pub fn help(&self) -> Option<String> {
        match self {
            Self::Dirty { dirty } => {
                let id = dirty
                    .first()
                    .map_or_else(String::new, |mark| mark.id.to_string());
                Some(format!(
                    "fix the database by hand, then `migrate repair {id}` to clear the mark and rerun the whole script, \
                     `migrate repair {id} --resume` to run only the statements after the last good one, \
                     or `migrate stamp {id}` if the revision is in effect complete"
                ))
            }
            Self::NotDirty { .. } => Some("`migrate status` lists dirty revisions".into()),
            Self::Plan(plan) => plan.help(),
            Self::Adopt(adopt) => adopt.help(),
            Self::Backend(backend) => backend.help(),
            Self::Provision(provision) => provision.help(),
            _ => None,
        }
    }
}
