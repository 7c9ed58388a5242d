//! A row of the tracking table as plain data.
//! Pure: no I/O.

use std::sync::Arc;

use super::checksum::Checksum;
use super::revision_id::RevisionId;

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
    /// The texts as applied, shared with the scripts they came from (see
    /// [`super::Script::text`]).
    pub up_sql: Arc<str>,
    pub down_sql: Option<Arc<str>>,
    /// RFC 3339 UTC time the revision was applied.
    pub applied_at: String,
    pub duration_ms: i64,
}
