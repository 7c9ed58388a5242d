//! Tests of the PostgreSQL backend against a real server, each in a fresh database
//! (`support`); they skip loudly when no server is configured, and fail instead when
//! `MIGRATE_REQUIRE_POSTGRES=1`.

mod backend;
mod guarded;
mod introspect_pairs;
mod migration_plan;
mod no_transaction;
mod read_ahead;
mod staged;
pub(crate) mod support;
mod tls;
mod undo_window;
mod watch;
