//! Where scratch databases come from: a SQLite temp file, a PostgreSQL server URL (and,
//! later, testcontainers or the machine's own PostgreSQL binaries).

mod error;
mod postgres_server;
mod scratch;
mod select;
mod sqlite_temp;

pub use error::ProvisionError;
pub use postgres_server::PostgresServer;
pub use scratch::{Provider, Scratch};
pub use select::{DEFAULT_IMAGE, PostgresSources, postgres_provider};
pub use sqlite_temp::SqliteTemp;
