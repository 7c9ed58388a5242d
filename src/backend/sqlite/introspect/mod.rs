//! An SQLite database's schema read into the model.
//!
//! What lives where: `read` scans `sqlite_schema` and runs the catalog queries; `rows`
//! holds one struct per query's rows; `catalog` turns the pragmas' rows into tables;
//! `objects` the views, triggers and indexes; `snapshot_cache` keeps the last snapshot so
//! the next one reads again only what changed, and recent ones by `fingerprint`.

mod catalog;
mod fingerprint;
mod objects;
mod read;
mod rows;
mod snapshot_cache;

pub use read::{introspect, introspect_with};
pub use snapshot_cache::SnapshotCache;
