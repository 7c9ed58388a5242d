//! What the SQLite backend's tests share.

use crate::core::{AppliedRevision, CHECKSUM_ALGORITHM, Script};

/// The tracking row of `script` as revision 1.
pub(super) fn row(script: &Script) -> AppliedRevision {
    AppliedRevision {
        id: "1".parse().unwrap(),
        slug: "test".into(),
        up_checksum: script.checksum(),
        down_checksum: None,
        checksum_algorithm: CHECKSUM_ALGORITHM.into(),
        up_sql: Some(script.text.clone()),
        down_sql: None,
        applied_at: "2026-01-01T00:00:00.000000Z".into(),
        duration_ms: 0,
    }
}
