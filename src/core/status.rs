//! Each revision's state as data, for `status`, `check` and `history`. Pure: no I/O.

use std::fmt;

use super::applied::AppliedRevision;
use super::history::History;
use super::revision_id::RevisionId;
use super::timeline::{Entry, Timeline};

/// Where one revision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionState {
    Applied,
    Pending,
    /// Applied, but the up file changed since.
    Changed,
    /// Applied, but its folder is gone.
    Missing,
    /// Pending, but below an applied revision.
    OutOfOrder,
}

impl RevisionState {
    /// Whether the database and directory agree on this revision.
    pub fn is_applied_cleanly(self) -> bool {
        self == Self::Applied
    }
}

impl fmt::Display for RevisionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Applied => "applied",
            Self::Pending => "pending",
            Self::Changed => "changed",
            Self::Missing => "missing",
            Self::OutOfOrder => "out of order",
        })
    }
}

/// One line of `status`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusEntry {
    #[serde(serialize_with = "serialize_display")]
    pub id: RevisionId,
    pub slug: String,
    pub state: RevisionState,
    pub applied_at: Option<String>,
}

fn serialize_display<S: serde::Serializer>(
    id: &RevisionId,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(id)
}

/// The state of every revision, from the directory and the tracking table, oldest first.
pub fn status(history: &History, applied: &[AppliedRevision]) -> Vec<StatusEntry> {
    let timeline = Timeline::new(history, applied);
    let current = timeline.current();
    timeline
        .entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let state = match entry {
                Entry::Missing(_) => RevisionState::Missing,
                _ if entry.is_changed() => RevisionState::Changed,
                Entry::Known {
                    applied: Some(_), ..
                } => RevisionState::Applied,
                Entry::Known { applied: None, .. } if index < current => RevisionState::OutOfOrder,
                Entry::Known { applied: None, .. } => RevisionState::Pending,
            };
            StatusEntry {
                id: entry.id().clone(),
                slug: entry.slug().to_owned(),
                state,
                applied_at: entry.applied().map(|row| row.applied_at.clone()),
            }
        })
        .collect()
}
