//! The tracking row tests record for a script: both backends' tests and the providers'.

use crate::core::{AppliedRevision, CHECKSUM_ALGORITHM, Script};

/// `script`'s tracking row as revision `id`, slug `step_{id}`.
pub(crate) fn script_row(id: &str, script: &Script) -> AppliedRevision {
    AppliedRevision {
        id: id.parse().unwrap(),
        slug: format!("step_{id}"),
        up_checksum: script.checksum(),
        down_checksum: None,
        checksum_algorithm: CHECKSUM_ALGORITHM.into(),
        up_sql: Some(script.text.clone()),
        down_sql: None,
        applied_at: "2026-01-01T00:00:00Z".into(),
        duration_ms: 0,
    }
}
