//! Database I/O behind one small trait of mechanisms: no policy, no printing.
//!
//! What lives where: this folder holds what every backend shares: the [`Backend`] trait
//! (`backend`), the [`Dialect`] and its spelling differences, the tracking and progress
//! tables' SQL written once (`version_table`, `progress_table`), running a
//! `-- migrate:no-transaction` script statement by statement with its progress
//! (`no_transaction`, over each backend's mechanisms), what a backup is (`backup`), the
//! foreign-table read
//! for `adopt` (`foreign_table`), the errors (`error`, `introspect_error`), and opening a
//! backend from a URL (`url`, `open`). Each database has a folder of its own,
//! [`sqlite`] and [`postgres`], whose `mod.rs` says what lives where in it. Nothing here
//! knows the engine; neither backend folder imports the other.

#[expect(
    clippy::module_inception,
    reason = "backend/backend.rs holds the Backend trait"
)]
mod backend;
mod backup;
mod data_rows;
mod dialect;
mod error;
mod foreign_table;
mod held_lock;
mod introspect_error;
#[cfg(test)]
mod introspect_test_support;
mod no_transaction;
mod open;
pub mod postgres;
mod progress_table;
mod record;
mod row_digest;
mod sql_value;
pub mod sqlite;
#[cfg(test)]
pub(crate) mod test_rows;
mod url;
mod version_table;

pub use backend::{Backend, Record, StepWork};
pub use backup::{Backup, BackupName, RestoreWith};
pub use data_rows::insert_row;
pub use dialect::Dialect;
pub use error::{BackendError, SqlFailure};
pub use foreign_table::{Column, ColumnKind, TextRows, select_as_text};
pub use held_lock::{HeldLock, NOT_OBSERVED};
pub use introspect_error::IntrospectError;
pub use open::{open, open_with};
pub use postgres::introspect as postgres_introspect;
pub use postgres::{
    ClientCert, DEFAULT_SCHEMA, PostgresBackend, PostgresOptions, RootCerts, SslMode, TlsSettings,
};
pub use progress_table::{PROGRESS_COLUMNS, ProgressTable, RawProgress, progress_values};
pub use row_digest::RowsDigest;
pub use sql_value::SqlValue;
pub use sqlite::introspect as sqlite_introspect;
pub use sqlite::{SnapshotCache, SqliteBackend};
pub use url::{DatabaseUrl, UrlError, redact, with_database};
pub use version_table::{
    APPLIED_AT_TO_CHAR, DEFAULT_TABLE, RawRow, TRACKING_COLUMNS, VersionTable, applied_at_text,
    insert_values,
};
