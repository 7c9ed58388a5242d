//! Database I/O behind one small trait of mechanisms: no policy, no printing.

#[expect(
    clippy::module_inception,
    reason = "backend/backend.rs holds the Backend trait"
)]
mod backend;
mod dialect;
mod error;
mod foreign_table;
mod introspect_error;
#[cfg(test)]
mod introspect_test_support;
mod open;
mod postgres;
mod postgres_batches;
mod postgres_catalog;
mod postgres_copy;
mod postgres_error;
pub mod postgres_introspect;
#[cfg(test)]
mod postgres_introspect_pairs;
mod postgres_lock;
mod postgres_no_transaction;
mod postgres_objects;
mod postgres_options;
mod postgres_origins;
mod postgres_progress;
mod postgres_staged;
mod postgres_tables;
#[cfg(test)]
mod postgres_test_support;
mod postgres_tls;
mod postgres_tls_connect;
mod postgres_tracking;
mod postgres_url;
mod postgres_watch;
#[cfg(test)]
mod postgres_watch_tests;
mod progress_table;
mod sqlite;
mod sqlite_catalog;
pub mod sqlite_introspect;
#[cfg(test)]
mod sqlite_introspect_pairs;
mod sqlite_objects;
mod sqlite_read_ahead;
mod sqlite_rows;
mod sqlite_script;
mod sqlite_snapshot_cache;
#[cfg(test)]
mod sqlite_snapshot_steps;
mod url;
mod version_table;

pub use backend::{Backend, Record, StepWork};
pub use dialect::Dialect;
pub use error::{BackendError, SqlFailure};
pub use foreign_table::{Column, ColumnKind, TextRows, select_as_text};
pub use introspect_error::IntrospectError;
pub use open::{open, open_with};
pub use postgres::{DEFAULT_SCHEMA, PostgresBackend};
pub use postgres_options::PostgresOptions;
pub use postgres_tls::{RootCerts, SslMode, TlsSettings};
pub use progress_table::{PROGRESS_COLUMNS, ProgressTable, RawProgress, progress_values};
pub use sqlite::SqliteBackend;
pub use sqlite_snapshot_cache::SnapshotCache;
pub use url::{DatabaseUrl, UrlError, redact, with_database};
pub use version_table::{
    DEFAULT_TABLE, RawRow, SqlValue, TRACKING_COLUMNS, VersionTable, insert_values,
};
