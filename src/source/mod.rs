//! Migration files: read a migrations directory (from disk or embedded) into plain data,
//! and create new revisions.

mod at_once;
mod create;
pub(crate) mod database_stamp;
mod directory;
#[cfg(unix)]
mod disk;
#[cfg(not(unix))]
#[path = "disk_portable.rs"]
mod disk;
mod error;
mod layouts;
mod links;
mod mirror;
mod reading;
mod remembered_noop;
#[cfg(unix)]
mod stamps;
#[cfg(not(unix))]
#[path = "stamps_portable.rs"]
mod stamps;
mod summary_cache;
mod tree;
mod tree_file;

pub use create::{create_revision, create_revision_with, next_id, slugify};
pub use database_stamp::DatabaseStamp;
pub use directory::{Directory, SumState, history_of};
pub use error::SourceError;
pub use layouts::{Layout, LayoutParseError};
pub use mirror::{MirrorError, MirrorSet, MirrorSource};
pub use reading::{FileDialect, ReadOptions, Reading};
pub use remembered_noop::{Noop, NoopKey};
pub use stamps::settled_before;
pub use summary_cache::{DirectorySummary, SummaryCache};
pub use tree::{Tree, TreeFile};
pub use tree_file::FileBytes;
