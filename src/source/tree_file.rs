//! One file of a migrations directory as read, from disk or embedded in the binary.

use std::borrow::Cow;

/// One file, by its path relative to the tree's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeFile {
    /// `/`-separated, relative to the root: plain text, because sorting and matching
    /// thousands of `Path`s component by component is most of a no-op run's cost.
    pub path: String,
    pub bytes: Cow<'static, [u8]>,
}
