//! Splits SQLite script text into statements, lazily, where SQLite itself would end them.
//! Pure: no I/O.
//!
//! The SQLite backend lets SQLite find where statements end as it runs a script; a
//! statement SQLite refuses is run again from the slice this splitter gives it, where its
//! error is placed exactly. Handed the rest of a long script instead, SQLite copies that
//! rest (its input is not NUL-terminated there), which made a file of N statements cost N².
//!
//! A `;` ends a statement unless it is inside a string (`'…'`), a quoted identifier
//! (`"…"`, `` `…` ``, `[…]`), a `--` or `/* */` comment (which do not nest in SQLite), or
//! the body of a `CREATE [TEMP] TRIGGER … BEGIN … END`, which ends only at an `END`
//! that follows a `;`, as SQLite's own `sqlite3_complete` decides.

use std::ops::Range;

use super::split::sql_start;
use super::split_tokens::line_comment_end;

/// The byte ranges of the statements of `text`, in order, found as the iterator advances.
///
/// A range runs from the statement's first token through its terminating `;` (or to the
/// end of the text for a last statement without one). White space, comments, empty
/// statements and a leading byte-order mark belong to no range. An unterminated string,
/// identifier or comment runs to the end of the text.
pub fn sqlite_statements(text: &str) -> SqliteStatements<'_> {
    SqliteStatements {
        bytes: text.as_bytes(),
        at: sql_start(text),
    }
}

/// The iterator [`sqlite_statements`] returns.
#[derive(Debug, Clone)]
pub struct SqliteStatements<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Iterator for SqliteStatements<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let bytes = self.bytes;
        let mut start = None;
        let mut state = Statement::default();
        while let Some(&byte) = bytes.get(self.at) {
            let at = self.at;
            let next = bytes.get(at + 1).copied();
            match (byte, next) {
                (b'-', Some(b'-')) => self.at = line_comment_end(bytes, at),
                (b'/', Some(b'*')) => self.at = block_comment_end(bytes, at),
                (b';', _) => {
                    self.at = at + 1;
                    if state.ends_at_semicolon()
                        && let Some(first) = start
                    {
                        return Some(first..self.at);
                    }
                }
                _ if byte.is_ascii_whitespace() => self.at = at + 1,
                _ => {
                    start.get_or_insert(at);
                    self.at = token_end(bytes, at);
                    state.saw(&bytes[at..self.at]);
                }
            }
        }
        start.map(|first| first..bytes.len())
    }
}

/// What decides whether a `;` ends the statement: whether it creates a trigger, and
/// within a trigger's body, whether the last tokens were `;` and then `END`.
#[derive(Debug, Default)]
struct Statement {
    /// Words read so far, while they may still be `[EXPLAIN] CREATE [TEMP] TRIGGER`.
    head: Head,
    /// Inside a trigger: what the previous token was.
    last: Last,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Head {
    #[default]
    Start,
    Explain,
    Create,
    Trigger,
    /// Some other statement.
    Other,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Last {
    #[default]
    Other,
    Semicolon,
    /// `END` right after a `;`.
    End,
}

impl Statement {
    /// Whether a `;` here ends the statement; takes the `;` in otherwise.
    fn ends_at_semicolon(&mut self) -> bool {
        if self.head != Head::Trigger || self.last == Last::End {
            return true;
        }
        self.last = Last::Semicolon;
        false
    }

    /// Takes in one token other than `;`.
    fn saw(&mut self, token: &[u8]) {
        let word = |name: &str| token.eq_ignore_ascii_case(name.as_bytes());
        self.head = match self.head {
            Head::Start if word("explain") => Head::Explain,
            Head::Start | Head::Explain if word("create") => Head::Create,
            Head::Create if word("temp") || word("temporary") => Head::Create,
            Head::Create if word("trigger") => Head::Trigger,
            Head::Trigger => {
                self.last = match self.last {
                    Last::Semicolon if word("end") => Last::End,
                    _ => Last::Other,
                };
                Head::Trigger
            }
            _ => Head::Other,
        };
    }
}

/// Where the token starting at `at` (not white space, a comment or `;`) ends.
fn token_end(bytes: &[u8], at: usize) -> usize {
    match bytes[at] {
        quote @ (b'\'' | b'"' | b'`') => quoted_end(bytes, at, quote),
        b'[' => bytes[at..]
            .iter()
            .position(|&byte| byte == b']')
            .map_or(bytes.len(), |close| at + close + 1),
        // Parameters (`$name`, `:name`, `@name`) are one token with their name.
        byte if is_identifier_byte(byte) || matches!(byte, b'$' | b':' | b'@' | b'#') => {
            let length = bytes[at + 1..]
                .iter()
                .take_while(|&&byte| is_identifier_byte(byte))
                .count();
            at + 1 + length
        }
        _ => at + 1,
    }
}

/// Bytes of a word: SQLite's identifiers hold letters, digits, `_`, `$` and any
/// non-ASCII character.
fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

/// The end of a string or identifier quoted by `quote`, where a doubled quote stands for
/// itself.
fn quoted_end(bytes: &[u8], at: usize, quote: u8) -> usize {
    let mut index = at + 1;
    while let Some(&byte) = bytes.get(index) {
        if byte == quote {
            if bytes.get(index + 1) != Some(&quote) {
                return index + 1;
            }
            index += 1;
        }
        index += 1;
    }
    bytes.len()
}

/// The end of a `/* */` comment starting at `at`; SQLite's comments do not nest.
fn block_comment_end(bytes: &[u8], at: usize) -> usize {
    bytes[at + 2..]
        .windows(2)
        .position(|pair| pair == b"*/")
        .map_or(bytes.len(), |close| at + 2 + close + 2)
}

#[cfg(test)]
#[path = "split_sqlite_tests.rs"]
mod tests;
