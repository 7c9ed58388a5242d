//! Orchestration over the Backend trait: the migrator (plan, then run each step), the
//! backup before a run, verify, verify of a mirrored pair of sets, and the start-up calls.

mod adopt;
mod backup;
mod data_check;
mod data_seed;
#[cfg(test)]
mod data_seed_tests;
mod error;
mod migrator;
mod mirror;
mod mirror_compare;
mod mirror_report;
mod offline_sql;
mod startup;
mod startup_error;
mod step_work;
mod verify;
mod verify_merge;
#[cfg(test)]
mod verify_merge_tests;
mod verify_report;
mod verify_shard;

pub use adopt::{AdoptRequest, adopt};
pub use backup::{BackupTo, Restored, restore};
pub use data_check::DataOptions;
pub use data_seed::{SeedPlan, SeedTable, plan_seed, value_for};
pub use error::{EngineError, StepFailure};
pub use migrator::{Command, Migrator, MigratorOptions, RunEvent, StepReport};
pub use mirror::{MirrorEvent, MirrorRun, MirrorSet, verify_mirror};
pub use mirror_compare::{HEAD, SetSnapshots, compare_sets, mirror_revisions};
pub use mirror_report::{
    AllowEntry, JudgedFinding, MirrorComparison, MirrorOutcome, MirrorReport, MirrorRevision,
    MirrorStatus,
};
pub use offline_sql::offline_sql;
pub use startup::{
    StartupOptions, Upgraded, upgrade_sqlite, upgrade_to_head, upgrade_to_head_with, upgrade_url,
    upgrade_url_with,
};
pub use startup_error::Error;
pub use step_work::now_rfc3339;
pub use verify::{Event, VerifyOptions, verify};
pub use verify_merge::{MergeError, MergedWalk, ShardPart, merge_shards};
pub use verify_report::{RevisionVerdict, Status, StepLock, WalkReport};
pub use verify_shard::{HistoryMark, ShardMark, verify_in_parallel, verify_shard};
