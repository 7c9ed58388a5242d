//! The dirty marks and the tracking rows read right after connecting, on the thread that
//! connects, while the caller reads the migrations directory: a no-op run's round trips
//! then overlap its other work instead of following it.
//!
//! They are read without the migration lock, as a no-op check reads them anyway, and are
//! handed out once: taking the lock drops them, so nothing decided under the lock is
//! decided on rows read before it.

use crate::core::{AppliedRevision, DirtyRevision};

/// What [`crate::backend::Backend::read_ahead`] read, each part taken at most once.
#[derive(Debug, Default)]
pub(super) struct ReadAhead {
    pub(super) marks: Option<Vec<DirtyRevision>>,
    /// Without their texts (see [`crate::backend::Backend::applied_without_texts`]).
    pub(super) rows: Option<Vec<AppliedRevision>>,
}
