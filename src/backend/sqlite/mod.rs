//! SQLite through rusqlite, a file or an in-memory database: mechanisms only, no policy.
//!
//! What lives where:
//! - `backend`: [`SqliteBackend`], the [`Backend`](crate::backend::Backend) trait's
//!   implementation: opening a connection; `steps` (a step's `BEGIN IMMEDIATE`
//!   transaction with its record) and `reads` (the tracking rows, another tool's table).
//! - bookkeeping: `tracking` (the tracking table's rows, a step's record), `progress`
//!   (dirty marks of no-transaction scripts), `books` (a record with its mark cleared).
//! - `no_transaction`: a `-- migrate:no-transaction` script's statements, each alone.
//! - `foreign_keys`: a `-- migrate:foreign-keys-off` script's foreign keys, off and back.
//! - `backup`: backups written with `VACUUM INTO`, restored with SQLite's backup API.
//! - `busy`: waiting on SQLite's own lock: never before the migration lock, then bounded.
//! - `lock`: the migration lock, an advisory lock on a file beside the database;
//!   `journal`: the rollback journal kept between commits while it is held.
//! - `script`: running a script statement by statement, errors pointed at their line;
//!   `guarded_script` runs a long one while it is still being lexed for transaction control;
//!   `window` holds the NUL-terminated copy of part of it that SQLite reads in place,
//!   `in_place` prepares a statement there.
//! - `session`: the temporary objects scripts made, dropped between verify's steps.
//! - `read_ahead`: the tracking rows read before the lock, reused if nothing changed.
//! - `user_rows`: the application's tables read and written for `verify --data`.
//! - `introspect/`: the schema read into the model from `sqlite_schema` and the pragmas.
//! - `tests/`: introspection, a database held locked, no-transaction scripts.
//!
//! What both backends share (the tracking and progress tables' SQL, the foreign-table
//! read, the order of a no-transaction script's statements and marks) lives once, one
//! level up in `backend/`.

mod backend;
mod backup;
mod books;
mod busy;
mod foreign_keys;
mod guarded_script;
mod in_place;
pub mod introspect;
mod journal;
mod lock;
mod no_transaction;
mod progress;
mod read_ahead;
mod reads;
mod script;
mod session;
mod steps;
#[cfg(test)]
mod tests;
mod tracking;
mod user_rows;
mod window;

pub use backend::SqliteBackend;
pub use introspect::SnapshotCache;
