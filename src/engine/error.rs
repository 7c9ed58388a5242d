//! Errors of a migration run: the plan was refused, the database failed, or a step's SQL failed.

use crate::backend::{BackendError, SqlFailure};
use crate::core::{AdoptError, Location, PlanError, RevisionId};

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
}
