//! A value to bind to a statement, in a form every driver takes: the tracking and progress
//! tables' values travel as these, never formatted into SQL text (but for `--sql` output,
//! which [`Dialect::literal`](super::Dialect::literal) spells).

/// A value to bind, in a form every driver can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    Text(Option<String>),
    Integer(i64),
}
