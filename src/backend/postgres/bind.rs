//! Values bound to PostgreSQL statements with their types named.

use postgres::types::{ToSql, Type};

use crate::backend::SqlValue;

/// Values bound with their PostgreSQL types, for the `*_typed` calls: naming the types
/// saves the server a separate prepare round trip, and the client one to close it.
pub(crate) fn typed<'a>(values: &'a [SqlValue<'_>]) -> Vec<(&'a (dyn ToSql + Sync), Type)> {
    values
        .iter()
        .map(|value| match value {
            SqlValue::Text(text) => (text as &(dyn ToSql + Sync), Type::TEXT),
            SqlValue::Integer(number) => (number as &(dyn ToSql + Sync), Type::INT8),
        })
        .collect()
}
