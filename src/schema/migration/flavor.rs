//! Which dialect a migration's statements are written in. Pure.

/// The SQL dialect the statements are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Sqlite,
    Postgres,
}
