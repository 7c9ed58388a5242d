//! Cuts a long script into batches of whole statements, so it can be sent as several
//! messages and no message (nor the buffer a driver builds it in) holds the whole script.
//! Pure: no I/O.

use std::iter::Peekable;
use std::ops::Range;

/// Consecutive ranges of `text[from..]` that together cover it, each ending where a
/// statement of `statements` ends (the last at the end of the text), each at least
/// `size` bytes long except the last: a script shorter than `size` is one batch.
///
/// `statements` are the ranges a splitter found in the same text, in order. Comments and
/// white space between statements go with the batch after them, so the batches joined
/// are exactly `text[from..]`.
pub fn batches<I>(text: &str, from: usize, statements: I, size: usize) -> Batches<I>
where
    I: Iterator<Item = Range<usize>>,
{
    Batches {
        statements: statements.peekable(),
        start: from,
        len: text.len(),
        size: size.max(1),
    }
}

/// The iterator [`batches`] returns.
pub struct Batches<I: Iterator> {
    statements: Peekable<I>,
    start: usize,
    len: usize,
    size: usize,
}

impl<I: Iterator<Item = Range<usize>>> Iterator for Batches<I> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.start >= self.len {
            return None;
        }
        let start = self.start;
        while let Some(statement) = self.statements.next() {
            if statement.end - start >= self.size && self.statements.peek().is_some() {
                self.start = statement.end;
                return Some(start..statement.end);
            }
        }
        self.start = self.len;
        Some(start..self.len)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::core::postgres_statements;

    fn cut(text: &str, size: usize) -> Vec<&str> {
        batches(text, 0, postgres_statements(text), size)
            .map(|range| &text[range])
            .collect()
    }

    #[test]
    fn batches_end_after_whole_statements() {
        let text = "SELECT 1; -- one\nSELECT 'a;b';\nSELECT 3; -- end\n";
        assert_eq!(cut(text, 1000), vec![text]);
        assert_eq!(
            cut(text, 9),
            vec![
                "SELECT 1;",
                " -- one\nSELECT 'a;b';",
                "\nSELECT 3; -- end\n"
            ]
        );
        assert_eq!(
            cut(text, 12),
            vec!["SELECT 1; -- one\nSELECT 'a;b';", "\nSELECT 3; -- end\n"]
        );
        assert!(cut("", 10).is_empty());
        assert_eq!(cut("-- nothing\n", 1), vec!["-- nothing\n"]);
    }

    proptest! {
        /// Joined, the batches are the text; each but the last is at least `size` long
        /// and ends where a statement does.
        #[test]
        fn batches_cover_the_text(
            statements in proptest::collection::vec("(SELECT '[a-z;]{0,8}'|-- [a-z;]{0,5}\n| )", 0..12),
            size in 1usize..40,
        ) {
            let text = statements.join(";");
            let ends: Vec<usize> = postgres_statements(&text).map(|range| range.end).collect();
            let found: Vec<Range<usize>> =
                batches(&text, 0, postgres_statements(&text), size).collect();
            let joined: String = found.iter().map(|range| &text[range.clone()]).collect();
            prop_assert_eq!(&joined, &text);
            if let Some((_, leading)) = found.split_last() {
                for range in leading {
                    prop_assert!(range.len() >= size);
                    prop_assert!(ends.contains(&range.end));
                }
            }
        }
    }
}
