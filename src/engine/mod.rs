//! Orchestration over the Backend trait: the migrator (plan, then run each step), verify,
//! and verify of a mirrored pair of sets.

mod adopt;
mod error;
mod migrator;
mod mirror;
mod mirror_compare;
mod mirror_report;
mod offline_sql;
mod startup;
mod startup_error;
mod verify;
mod verify_report;

pub use adopt::{AdoptRequest, adopt};
pub use error::{EngineError, StepFailure};
pub use migrator::{Command, Migrator, MigratorOptions, StepReport, now_rfc3339};
pub use mirror::{MirrorEvent, MirrorRun, MirrorSet, verify_mirror};
pub use mirror_compare::{HEAD, SetSnapshots, compare_sets, mirror_revisions};
pub use mirror_report::{
    AllowEntry, JudgedFinding, MirrorComparison, MirrorOutcome, MirrorReport, MirrorRevision,
    MirrorStatus,
};
pub use offline_sql::offline_sql;
pub use startup::{upgrade_sqlite, upgrade_to_head, upgrade_url};
pub use startup_error::Error;
pub use verify::{Event, VerifyOptions, verify};
pub use verify_report::{RevisionVerdict, Status, WalkReport};
