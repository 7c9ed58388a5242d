//! Where scratch databases come from: a SQLite temp file, a PostgreSQL server URL, a
//! Docker container, or a throwaway cluster from the machine's own PostgreSQL binaries.

mod docker;
mod docker_cli;
mod docker_crate;
mod error;
mod interrupt;
#[cfg(test)]
mod interrupt_tests;
mod local_postgres;
mod memory_dir;
mod pg_bindir;
mod postgres_server;
#[cfg(test)]
mod provision_tests;
mod scratch;
mod select;
mod shared;
mod spares;
mod sqlite_temp;

pub use docker::{CLIENT_VARIABLE, DockerClient, DockerPostgres, image_reference};
pub use error::ProvisionError;
pub use interrupt::{
    INTERRUPTED_EXIT_CODE, OnInterrupt, run_interrupt_cleanups, wait_if_interrupted,
};
pub use local_postgres::LocalPostgres;
pub use pg_bindir::{BINDIR_VARIABLE, find_bindir};
pub use postgres_server::PostgresServer;
pub use scratch::{Provider, Scratch};
pub use select::{
    DEFAULT_IMAGE, IMAGE_VARIABLE, PostgresSources, default_image, postgres_provider,
    postgres_provider_making_spares,
};
pub use shared::{SharedHandle, SharedProvider};
pub use sqlite_temp::SqliteTemp;
