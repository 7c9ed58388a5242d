//! Tests of the SQLite backend: introspection on in-memory databases, and waiting on a
//! database another connection holds.

mod busy;
mod introspect_pairs;
mod snapshot_steps;
