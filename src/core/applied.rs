//! A row of the tracking table as plain data.
//! Pure: no I/O.

use std::sync::Arc;

use super::checksum::Checksum;
use super::revision_id::RevisionId;

/// The longest text (in bytes) of an up or down file the tracking table keeps as applied.
/// A longer one (a data load, a dump) is stored as NULL: keeping it would double the
/// table's size and the memory a run takes for a text that is only ever shown in a diff,
/// while its checksum still detects any change.
pub const MAX_STORED_TEXT: usize = 1024 * 1024;

/// `text` as the tracking table keeps it: shared, or `None` when over [`MAX_STORED_TEXT`].
pub fn kept_text(text: &Arc<str>) -> Option<Arc<str>> {
    (text.len() <= MAX_STORED_TEXT).then(|| Arc::clone(text))
}

/// What the tracking table records of one applied revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRevision {
    pub id: RevisionId,
    pub slug: String,
    pub up_checksum: Checksum,
    /// `None` when the revision had no down file.
    pub down_checksum: Option<Checksum>,
    /// The normalization and digest the checksums were computed with
    /// ([`super::checksum::ALGORITHM`] when written by this version).
    pub checksum_algorithm: String,
    /// The up text as applied, shared with the script it came from (see
    /// [`super::Script::text`]); `None` when it was not kept, being over
    /// [`MAX_STORED_TEXT`].
    pub up_sql: Option<Arc<str>>,
    /// The down text as applied; `None` when there was no down file, or when it was not
    /// kept (over [`MAX_STORED_TEXT`]: then `down_checksum` is still set).
    pub down_sql: Option<Arc<str>>,
    /// RFC 3339 UTC time the revision was applied.
    pub applied_at: String,
    pub duration_ms: i64,
}

impl AppliedRevision {
    /// Whether the down file's text was not kept (it had one, over [`MAX_STORED_TEXT`]).
    pub fn down_not_kept(&self) -> bool {
        self.down_checksum.is_some() && self.down_sql.is_none()
    }

    /// Whether the row stores NULL for a text it had: the table must then allow it.
    pub fn leaves_out_a_text(&self) -> bool {
        self.up_sql.is_none() || self.down_not_kept()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_kept_up_to_the_limit_and_not_beyond() {
        let at_limit: Arc<str> = "x".repeat(MAX_STORED_TEXT).into();
        assert_eq!(kept_text(&at_limit).map(|t| t.len()), Some(MAX_STORED_TEXT));
        let over: Arc<str> = "x".repeat(MAX_STORED_TEXT + 1).into();
        assert_eq!(kept_text(&over), None);
    }
}
