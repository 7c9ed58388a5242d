//! Why a schema snapshot could not be taken: the catalog query that failed, or a catalog
//! value the model cannot hold.

use super::dialect::Dialect;

/// A failure to read a database's schema.
#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    /// A catalog query failed.
    #[error("reading the {dialect} schema ({what}) failed: {message}")]
    Query {
        dialect: Dialect,
        /// Which objects the query reads: `columns`, `indexes`.
        what: &'static str,
        message: String,
    },
    /// The catalog holds something the model has no place for.
    #[error("unexpected {what} in the {dialect} catalog: {value:?}")]
    Unexpected {
        dialect: Dialect,
        what: &'static str,
        value: String,
    },
}
