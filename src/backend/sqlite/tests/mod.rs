//! Introspection tests of the SQLite backend, on in-memory databases.

mod introspect_pairs;
mod snapshot_steps;
