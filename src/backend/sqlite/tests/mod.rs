//! Tests of the SQLite backend: introspection on in-memory databases, waiting on a
//! database another connection holds, and no-transaction scripts.

mod busy;
mod foreign_keys_off;
mod guarded;
mod introspect_pairs;
mod journal;
mod migration_plan;
mod no_transaction;
mod script;
mod snapshot_steps;
