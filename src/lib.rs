//! `migrate`: a synchronous schema-migration runner and verification harness for SQLite and
//! PostgreSQL.

pub mod backend;
pub mod core;
pub mod schema;
