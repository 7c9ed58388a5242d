//! Why the planner refuses, each with the fix a user needs. Pure: no I/O.

use std::sync::Arc;

use super::applied::{AppliedRevision, MAX_STORED_TEXT};
use super::checksum::Checksum;
use super::revision_id::RevisionId;
use super::target::TargetError;
use super::transaction_control::TransactionControl;

/// An applied revision whose up file differs from what was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedRevision {
    pub id: RevisionId,
    pub origin: String,
    /// `None` when the tracking table did not keep it (over [`MAX_STORED_TEXT`]): the
    /// checksums then say what changed.
    pub applied_text: Option<Arc<str>>,
    pub current_text: Arc<str>,
    pub applied_checksum: Checksum,
    pub current_checksum: Checksum,
}

/// An applied revision that the directory no longer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRevision {
    pub id: RevisionId,
    pub slug: String,
    pub has_stored_down: bool,
}

/// Why no plan can be made. Nothing has run when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("{} applied revision(s) changed since they were applied: {}", changed.len(), ids(changed.iter().map(|c| &c.id)))]
    Changed { changed: Vec<ChangedRevision> },
    #[error("{} applied revision(s) are missing from the migrations directory: {}", missing.len(), ids(missing.iter().map(|m| &m.id)))]
    Missing {
        missing: Vec<MissingRevision>,
        /// Whether `--use-stored-down` would let the command go on.
        downgrading: bool,
    },
    #[error("pending revision(s) {} sort below the newest applied revision {newest_applied}", ids(pending.iter()))]
    OutOfOrder {
        pending: Vec<RevisionId>,
        newest_applied: RevisionId,
    },
    #[error("target {target} is below the current revision; upgrade only moves up")]
    TargetBelowCurrent { target: String },
    #[error("target {target} is above the current revision; downgrade only moves down")]
    TargetAboveCurrent { target: String },
    #[error("cannot downgrade across irreversible revision(s) {}", ids(irreversible.iter()))]
    Irreversible {
        irreversible: Vec<RevisionId>,
        /// For each, why, naming the file: `migrations/00003_x.sql has no down`.
        reasons: Vec<String>,
    },
    #[error(
        "{} file(s) run in a transaction but end or open one themselves: {}",
        found.len(),
        found.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    TransactionControl { found: Vec<TransactionControl> },
    #[error(
        "the down SQL of {} was not stored: over the {} MiB of text the tracking table keeps",
        ids(revisions.iter()),
        MAX_STORED_TEXT / (1024 * 1024)
    )]
    DownNotKept { revisions: Vec<RevisionId> },
}

fn ids<'a>(ids: impl Iterator<Item = &'a RevisionId>) -> String {
    ids.map(RevisionId::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl PlanError {
    pub(crate) fn missing(rows: &[&AppliedRevision], downgrading: bool) -> Self {
        Self::Missing {
            missing: rows
                .iter()
                .map(|row| MissingRevision {
                    id: row.id.clone(),
                    slug: row.slug.clone(),
                    has_stored_down: row.down_sql.is_some(),
                })
                .collect(),
            downgrading,
        }
    }

    /// The fix, for the `help:` line.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            Self::Target(TargetError::Ambiguous { .. }) => {
                "give more digits of the id".into()
            }
            Self::Target(TargetError::NotFound { .. }) => {
                "`migrate history` lists the revision ids".into()
            }
            Self::Target(_) => return None,
            Self::Changed { .. } => "restore the file as it was applied, or pass --allow-changed if the edit is intended and the database already matches it".into(),
            Self::Missing { downgrading: true, .. } => "check out the branch that holds them, or pass --use-stored-down to run the down SQL stored when they were applied".into(),
            Self::Missing { downgrading: false, .. } => "check out the branch that holds them, or roll them back first with `migrate downgrade <target> --use-stored-down`".into(),
            Self::OutOfOrder { newest_applied, .. } => format!(
                "give the pending revision(s) new ids above {newest_applied} (rename the folders, then `migrate hash`), or roll back to below them first"
            ),
            Self::TargetBelowCurrent { target } => format!("use `migrate downgrade {target}`"),
            Self::TargetAboveCurrent { target } => format!("use `migrate upgrade {target}`"),
            Self::Irreversible { .. } => "write a down that undoes the revision (its layout's down file or section), or move the tracking table past it with `migrate stamp`".into(),
            Self::DownNotKept { .. } => "restore the revision's folder from git (`git log --diff-filter=D --name-only -- migrations` names the commit that removed it), then downgrade again".into(),
            Self::TransactionControl { .. } => "migrate runs each file in one transaction with its tracking row, so the statement would commit part of the file on its own: remove it, or put `-- migrate:no-transaction` at the top of the file to run it outside a transaction (its own BEGIN and COMMIT then hold)".into(),
        })
    }
}
