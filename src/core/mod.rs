//! The pure core: revision ids, the ordered history, targets, the planner, checksums and the
//! sum file. No I/O: no files, environment, clock or database; time and new ids come in as
//! parameters, and everything here is tested without a database.

mod adopt;
mod adopt_error;
mod adopt_tool;
mod applied;
mod base_check;
mod batches;
mod checksum;
mod directives;
mod dirty;
mod foreign_checksum;
mod history;
mod location;
mod plan;
mod plan_error;
mod revision;
mod revision_id;
mod script;
mod split;
mod split_sqlite;
mod status;
mod sumfile;
mod target;
mod timeline;

pub use adopt::{
    AdoptOptions, AdoptReport, Adoption, ChecksumCheck, Verdict, VersionIndex, check_to, plan_adopt,
};
pub use adopt_error::AdoptError;
pub use adopt_tool::{ForeignState, ForeignVersion, Recorded, Tool, ToolParseError};
pub use applied::AppliedRevision;
pub use base_check::{BaseFinding, compare_with_base};
pub use batches::{Batches, batches};
pub use checksum::{ALGORITHM as CHECKSUM_ALGORITHM, Checksum, ChecksumParseError};
pub use directives::{DirectiveError, Directives};
pub use dirty::{Direction, DirectionError, DirtyRevision};
pub use foreign_checksum::{flyway_checksum, refinery_checksum, sqlx_checksum};
pub use history::{History, HistoryError};
pub use location::Location;
pub use plan::{Action, Plan, PlanOptions, Step, plan_downgrade, plan_stamp, plan_upgrade};
pub use plan_error::{ChangedRevision, MissingRevision, PlanError};
pub use revision::Revision;
pub use revision_id::{RevisionId, RevisionIdError};
pub use script::Script;
pub use split::{PostgresStatements, postgres_statements, split_statements, sql_start};
pub use split_sqlite::{SqliteStatements, sqlite_statements};
pub use status::{RevisionState, StatusEntry, status};
pub use sumfile::{SUM_FILE_NAME, SumFile, SumFileError, SumMismatch};
pub use target::{Target, TargetError};
