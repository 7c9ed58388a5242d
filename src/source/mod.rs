//! Migration files: read a migrations directory into plain data, and create new revisions.

mod create;
mod directory;
mod error;

pub use create::{create_revision, next_id, slugify};
pub use directory::{Directory, SumState};
pub use error::SourceError;
