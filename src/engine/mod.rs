//! Orchestration over the Backend trait: the migrator (plan, then run each step).

mod adopt;
mod error;
mod migrator;
mod offline_sql;
mod startup;
mod startup_error;
mod verify;
mod verify_merge;
#[cfg(test)]
mod verify_merge_tests;
mod verify_report;
mod verify_shard;

pub use adopt::{AdoptRequest, adopt};
pub use error::{EngineError, StepFailure};
pub use migrator::{Command, Migrator, MigratorOptions, StepReport, now_rfc3339};
pub use offline_sql::offline_sql;
pub use startup::{upgrade_sqlite, upgrade_to_head, upgrade_url};
pub use startup_error::Error;
pub use verify::{Event, VerifyOptions, verify};
pub use verify_merge::{MergeError, MergedWalk, ShardPart, merge_shards};
pub use verify_report::{RevisionVerdict, Status, WalkReport};
pub use verify_shard::{HistoryMark, ShardMark, verify_in_parallel, verify_shard};
