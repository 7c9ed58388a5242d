//! Migration files: read a migrations directory (from disk or embedded) into plain data,
//! and create new revisions.

mod create;
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
mod tree;
mod tree_file;

pub use create::{create_revision, create_revision_with, next_id, slugify};
pub use directory::{Directory, SumState, history_of};
pub use error::SourceError;
pub use layouts::{Layout, LayoutParseError};
pub use mirror::{MirrorError, MirrorSet, MirrorSource};
pub use reading::{FileDialect, ReadOptions, Reading};
pub use tree::{Tree, TreeFile};
