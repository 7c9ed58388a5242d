//! What a step records in the tracking table once its script has run.

use std::borrow::Cow;

use crate::core::{AppliedRevision, Direction, RevisionId};

/// What a step records in the tracking table once its script has run.
#[derive(Clone, Copy)]
pub enum Record<'a> {
    /// Insert this row; the backend fills in `duration_ms` with the time the script took.
    Insert(&'a AppliedRevision),
    /// Insert the row `make` gives, asked for once the script has run: a long script's
    /// checksum is computed while it runs (see [`crate::core::Script::facts_pending`]).
    InsertMade {
        id: &'a RevisionId,
        make: &'a dyn Fn() -> AppliedRevision,
    },
    /// Delete the row of this revision.
    Delete(&'a RevisionId),
}

impl Record<'_> {
    /// The revision the record is about.
    pub fn id(&self) -> &RevisionId {
        match self {
            Self::Insert(row) => &row.id,
            Self::InsertMade { id, .. } | Self::Delete(id) => id,
        }
    }

    /// Which script of the revision a step with this record runs: an insert follows an
    /// up script, a delete a down script.
    pub fn direction(&self) -> Direction {
        match self {
            Self::Insert(_) | Self::InsertMade { .. } => Direction::Up,
            Self::Delete(_) => Direction::Down,
        }
    }

    /// The row to insert, made now if it is made late; `None` for a delete.
    pub fn row(&self) -> Option<Cow<'_, AppliedRevision>> {
        match self {
            Self::Insert(row) => Some(Cow::Borrowed(row)),
            Self::InsertMade { make, .. } => Some(Cow::Owned(make())),
            Self::Delete(_) => None,
        }
    }
}

impl std::fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Insert(row) => f.debug_tuple("Insert").field(row).finish(),
            Self::InsertMade { id, .. } => f.debug_struct("InsertMade").field("id", id).finish(),
            Self::Delete(id) => f.debug_tuple("Delete").field(id).finish(),
        }
    }
}
