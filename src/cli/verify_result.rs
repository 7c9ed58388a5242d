//! What one `verify` found, whichever way it ran (one walk, one shard, shards on threads,
//! or shard reports merged), as the output files take it.

use migrate::core::lint::LintReport;
use migrate::engine::{HistoryMark, ShardMark, WalkReport};

use super::verify_base::BaseCheck;
use super::verify_checksums::ChecksumCheck;
use super::verify_snapshot::SnapshotCheck;

/// One backend's walk and snapshot check.
pub struct Report {
    pub walk: WalkReport,
    pub snapshot: SnapshotCheck,
}

/// Everything a run reports.
pub struct Verification {
    /// One per backend, in the order they ran.
    pub reports: Vec<Report>,
    pub checksums: ChecksumCheck,
    pub base: Option<BaseCheck>,
    /// Backends skipped, and why.
    pub notes: Vec<String>,
    /// Which history was walked, so that shard reports can be told apart.
    pub history: HistoryMark,
    /// Which shard this run checked; `None` for a whole history.
    pub shard: Option<ShardMark>,
    /// `migrate lint` of the up scripts, per backend name (`sqlite`, `postgres`): shown,
    /// never a failure.
    pub lint: Vec<(String, LintReport)>,
    /// The `lint` objects of shard reports put together (`--merge-reports`), per backend:
    /// every shard lints the whole directory, so the first shard's stands for all.
    pub merged_lint: Vec<(String, serde_json::Value)>,
}

impl Verification {
    /// Whether the run fails: a failed revision, a sum file or snapshot that disagrees, a
    /// base conflict.
    pub fn fails(&self, strict: bool) -> bool {
        self.checksums.fails(strict)
            || self
                .base
                .as_ref()
                .is_some_and(|base| !base.findings.is_empty())
            || self
                .reports
                .iter()
                .any(|r| r.walk.fails(strict) || r.snapshot.fails(strict))
    }
}
