//! PostgreSQL through the synchronous `postgres` crate: mechanisms only, no policy.
//!
//! What lives where:
//! - `backend`: [`PostgresBackend`], the [`Backend`](crate::backend::Backend) trait's
//!   implementation, which ties the files below together; `steps` (one step in its
//!   transaction, observed, or outside one) and `read_ahead` (a no-op's first reads).
//! - connecting: `open` (a URL or an application's connection into a backend),
//!   `connect_url` (the URL, described without its password), `options`
//!   (session timeouts), `tls` (libpq's `sslmode`, `sslrootcert`, `sslcert`, `sslkey`) and
//!   `tls_connect` (the rustls connector that verifies as `sslmode` asks).
//! - bookkeeping: `setup` (creating the tables and their schema where missing), `tracking`
//!   (the tracking table's rows), `progress` (dirty marks of no-transaction scripts),
//!   `bind` (values bound with their types), `lock` (the advisory migration lock).
//! - running scripts: `staged` (a transactional step and its record in one round trip),
//!   `batches` (a long script sent ahead in batches of whole statements), `copy` (a long
//!   script's tracking row written with COPY), `no_transaction` (one statement at a time,
//!   outside a transaction), `error` (the server's errors pointed into the user's file),
//!   `session` (a session reset to a new connection's state between verify's steps).
//! - `dump`: backups with `pg_dump --format=custom`, and the `pg_restore` command.
//! - `introspect/`: the schema read into the model from `pg_catalog`.
//! - `tests/`: tests against a real server, and their support.
//!
//! What both backends share (the tracking and progress tables' SQL, the foreign-table
//! read, the order of a no-transaction script's statements and marks) lives once, one
//! level up in `backend/`.

mod backend;
mod batches;
mod bind;
mod connect_url;
mod copy;
mod dump;
mod error;
pub mod introspect;
mod lock;
mod no_transaction;
mod observed_locks;
mod open;
mod options;
mod progress;
mod read_ahead;
mod session;
mod setup;
mod staged;
mod staged_sql;
mod steps;
#[cfg(test)]
pub(crate) mod tests;
mod tls;
mod tls_connect;
mod tracking;
mod user_rows;

pub use backend::PostgresBackend;
pub use options::PostgresOptions;
pub use setup::DEFAULT_SCHEMA;
pub use tls::{ClientCert, RootCerts, SslMode, TlsSettings};
