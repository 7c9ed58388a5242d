//! The pure core: revision ids, the ordered history, targets, the planner, checksums and the
//! sum file. No I/O: no files, environment, clock or database; time and new ids come in as
//! parameters, and everything here is tested without a database.

mod applied;
mod checksum;
mod directives;
mod location;
mod revision;
mod revision_id;
mod script;
mod split;

pub use applied::AppliedRevision;
pub use checksum::{ALGORITHM as CHECKSUM_ALGORITHM, Checksum, ChecksumParseError};
pub use directives::{DirectiveError, Directives};
pub use location::Location;
pub use revision::Revision;
pub use revision_id::{RevisionId, RevisionIdError};
pub use script::Script;
pub use split::split_statements;
