//! A value to bind to a statement, in a form every driver takes: the tracking and progress
//! tables' values travel as these, never formatted into SQL text (but for `--sql` output,
//! which [`Dialect::literal`](super::Dialect::literal) spells).

use std::borrow::Cow;

/// A value to bind, in a form every driver can take. Texts are borrowed where they can
/// be: a script's text can be most of the memory a run takes, and is not copied to bind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue<'a> {
    Text(Option<Cow<'a, str>>),
    Integer(i64),
}
