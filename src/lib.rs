//! `migrate`: a synchronous schema-migration runner and verification harness for SQLite and
//! PostgreSQL.
//!
//! An application migrates its database at start-up with one call, its migrations
//! embedded in the binary:
//!
//! ```
//! let migrations = migrate::embed_migrations!("$CARGO_MANIFEST_DIR/migrations")?;
//! let conn = rusqlite::Connection::open_in_memory()?;
//! let (conn, applied) = migrate::upgrade_sqlite(conn, &migrations)?;
//! assert_eq!(applied.len(), migrations.history.len());
//! conn.execute("INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')", [])?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Layers: [`core`] is pure (history, planner, checksums); [`source`] reads migration files;
//! [`backend`] holds the database mechanisms behind one trait; [`engine`] orchestrates.

pub mod backend;
pub mod core;
pub mod engine;
pub mod provision;
pub mod schema;
pub mod source;

pub use engine::{Error, upgrade_sqlite, upgrade_to_head, upgrade_url};

#[doc(hidden)]
pub use include_dir;
