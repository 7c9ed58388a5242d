//! A digest of a table's rows that does not depend on their order: `verify --data` reads a
//! table in full only when its digest says the rows changed since it last read them.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::foreign_table::TextRows;

/// One hash per row, added up, and the row count: equal multisets of rows give equal
/// digests. `DefaultHasher::new()` has fixed keys, so digests agree within one process,
/// which is all a walk needs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RowsDigest {
    sum: u64,
    rows: u64,
}

impl RowsDigest {
    /// Adds one row, its values as text.
    pub fn add<'a>(&mut self, row: impl IntoIterator<Item = Option<&'a str>>) {
        let mut hasher = DefaultHasher::new();
        for value in row {
            value.hash(&mut hasher);
        }
        self.sum = self.sum.wrapping_add(hasher.finish());
        self.rows += 1;
    }

    /// A digest the database computed: the sum of its row hashes (as text, any width,
    /// folded into 64 bits) and the row count.
    pub fn from_parts(sum: &str, rows: u64) -> Self {
        let mut hasher = DefaultHasher::new();
        sum.hash(&mut hasher);
        Self {
            sum: hasher.finish(),
            rows,
        }
    }

    /// Adds one row, hashed by the caller (from raw values, with a [`DefaultHasher`]).
    pub fn add_hash(&mut self, row: u64) {
        self.sum = self.sum.wrapping_add(row);
        self.rows += 1;
    }

    /// The digest of rows already read.
    pub fn of(rows: &TextRows) -> Self {
        let mut digest = Self::default();
        for row in rows {
            digest.add(row.iter().map(Option::as_deref));
        }
        digest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_does_not_matter_and_values_do() {
        let row = |a: &str, b: Option<&str>| vec![Some(a.to_owned()), b.map(str::to_owned)];
        let one = vec![row("1", Some("a")), row("2", None)];
        let other = vec![row("2", None), row("1", Some("a"))];
        assert_eq!(RowsDigest::of(&one), RowsDigest::of(&other));
        assert_ne!(
            RowsDigest::of(&one),
            RowsDigest::of(&vec![row("1", Some("a"))])
        );
        assert_ne!(
            RowsDigest::of(&one),
            RowsDigest::of(&vec![row("1", Some("a")), row("2", Some(""))])
        );
    }
}
