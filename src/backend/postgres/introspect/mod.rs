//! A PostgreSQL database's schema read into the model from `pg_catalog`.
//!
//! What lives where: `catalog` holds the queries (one per kind of object); `read` runs
//! them and builds the model (`rows`: one query's rows); `objects` and `tables` turn their rows into model objects;
//! `origins` records which catalog object each model object came from, and `watch` uses
//! it to read again only what a migration changed on a scratch database (`watch_sql`: its
//! log and triggers), in one message (`batch`, whose text rows `text_array` helps decode),
//! or proves a revision's down undid its up without reading anything (`watch_window`).

mod batch;
mod catalog;
mod objects;
mod origins;
mod read;
mod rows;
mod tables;
mod text_array;
mod watch;
mod watch_changes;
mod watch_sql;
mod watch_window;

pub use read::{CatalogStatements, introspect, introspect_with};
pub(crate) use watch::SchemaWatch;
