//! SQLite through rusqlite, a file or an in-memory database: mechanisms only, no policy.
//!
//! What lives where:
//! - `backend`: [`SqliteBackend`], the [`Backend`](crate::backend::Backend) trait's
//!   implementation: opening a connection, the tracking rows and a step's transaction.
//! - `busy`: waiting on SQLite's own lock: never before the migration lock, then bounded.
//! - `lock`: the migration lock, an advisory lock on a file beside the database.
//! - `script`: running a script statement by statement, errors pointed at their line.
//! - `session`: the temporary objects scripts made, dropped between verify's steps.
//! - `read_ahead`: the tracking rows read before the lock, reused if nothing changed.
//! - `introspect/`: the schema read into the model from `sqlite_schema` and the pragmas.
//! - `tests/`: introspection tests on in-memory databases, and a database held locked.
//!
//! The SQL both backends share (tracking and progress tables, the foreign-table read)
//! lives once, one level up in `backend/`.

mod backend;
mod busy;
pub mod introspect;
mod lock;
mod read_ahead;
mod script;
mod session;
#[cfg(test)]
mod tests;

pub use backend::SqliteBackend;
pub use introspect::SnapshotCache;
