//! Database I/O behind one small trait of mechanisms: no policy, no printing.

#[expect(clippy::module_inception, reason = "backend/backend.rs holds the Backend trait")]
mod backend;
mod dialect;
mod error;
mod introspect_error;
#[cfg(test)]
mod introspect_test_support;
mod postgres_catalog;
pub mod postgres_introspect;
#[cfg(test)]
mod postgres_introspect_pairs;
mod postgres_objects;
mod postgres_tables;
mod sqlite;
mod sqlite_catalog;
pub mod sqlite_introspect;
#[cfg(test)]
mod sqlite_introspect_pairs;
mod sqlite_rows;
mod version_table;

pub use backend::{Backend, Record, StepWork};
pub use dialect::Dialect;
pub use error::{BackendError, SqlFailure};
pub use introspect_error::IntrospectError;
pub use sqlite::SqliteBackend;
pub use version_table::{DEFAULT_TABLE, RawRow, SqlValue, VersionTable, insert_values};
