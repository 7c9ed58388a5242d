//! Splits script text into statements at top-level semicolons, for scripts that must run
//! one statement at a time (`-- migrate:no-transaction`), on PostgreSQL and on SQLite.
//! Pure: no I/O.
//!
//! The splitter knows the lexical pieces in which a `;` does not end a statement: string
//! literals (`'…'` with `''`, and `E'…'` with backslash escapes), quoted identifiers (`"…"`),
//! dollar quotes (`$$…$$`, `$tag$…$tag$`), `--` line comments and nested `/* */` comments;
//! and, as psql does, it splits neither inside parentheses nor inside the `BEGIN … END`
//! body of a `CREATE FUNCTION` or `CREATE PROCEDURE` written in standard SQL, nor, as
//! SQLite does, inside the `BEGIN … END` body of a `CREATE [TEMP] TRIGGER` (PostgreSQL's
//! triggers have no such body, so one splitter serves both). SQLite's `[…]` and `` `…` ``
//! quoted names are not known: a `;` or `'` inside one is read as outside.

use std::ops::Range;

/// The byte ranges of the statements of `text`, in order.
///
/// A range runs from the statement's first token through its terminating `;` (or to the
/// end of the text for a last statement without one). White space, comments and empty
/// statements between statements belong to no range, nor does a leading byte-order mark
/// (see [`sql_start`]), so every range holds SQL. An
/// unterminated string, identifier, dollar quote or comment runs to the end of the text.
pub fn split_statements(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut statements = Vec::new();
    let mut start: Option<usize> = None;
    let mut state = Statement::default();
    let mut at = sql_start(text);
    while let Some(&byte) = bytes.get(at) {
        let next = bytes.get(at + 1).copied();
        match (byte, next) {
            (b'-', Some(b'-')) => {
                at = line_comment_end(bytes, at);
                continue;
            }
            (b'/', Some(b'*')) => {
                at = block_comment_end(bytes, at);
                continue;
            }
            (b';', _) if state.ends_at_semicolon() => {
                if let Some(first) = start.take() {
                    statements.push(first..at + 1);
                }
                state = Statement::default();
                at += 1;
                continue;
            }
            _ if byte.is_ascii_whitespace() => {
                at += 1;
                continue;
            }
            _ => {}
        }
        start.get_or_insert(at);
        let end = token_end(bytes, at);
        state.saw(&bytes[at..end]);
        at = end;
    }
    if let Some(first) = start {
        statements.push(first..bytes.len());
    }
    statements
}

/// Where the SQL of `text` starts: after a leading byte-order mark, which editors on
/// Windows write and which PostgreSQL would read as part of the first word.
pub fn sql_start(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

/// What the splitter tracks within a statement to know whether a `;` ends it, as psql
/// does: open parentheses (a multi-action `CREATE RULE … DO ALSO (…; …)`), and the
/// `BEGIN … END` blocks of a `CREATE [OR REPLACE] FUNCTION|PROCEDURE` with a SQL-standard
/// body (`BEGIN ATOMIC …; …; END`), where `CASE … END` nests too.
#[derive(Debug, Default)]
struct Statement {
    words: usize,
    /// The first four words, each as [`head_word`] names it (0 for any other word).
    head: [u8; 4],
    parens: usize,
    blocks: usize,
}

impl Statement {
    fn ends_at_semicolon(&self) -> bool {
        self.parens == 0 && self.blocks == 0
    }

    /// Takes in one token of the statement.
    fn saw(&mut self, token: &[u8]) {
        match token {
            b"(" => self.parens += 1,
            b")" => self.parens = self.parens.saturating_sub(1),
            [first, ..] if is_word_start(*first) && !is_string(token) => self.word(token),
            _ => {}
        }
    }

    fn word(&mut self, word: &[u8]) {
        let word = word.to_ascii_lowercase();
        if let Some(slot) = self.head.get_mut(self.words) {
            *slot = head_word(&word);
        }
        self.words += 1;
        if !self.has_body() || self.parens > 0 {
            return;
        }
        match word.as_slice() {
            b"begin" => self.blocks += 1,
            b"case" if self.blocks > 0 => self.blocks += 1,
            b"end" => self.blocks = self.blocks.saturating_sub(1),
            _ => {}
        }
    }

    /// `CREATE FUNCTION`, `CREATE PROCEDURE` or the same with `OR REPLACE`, whose body may
    /// be standard SQL; `CREATE [TEMP|TEMPORARY] TRIGGER`, whose body on SQLite is.
    fn has_body(&self) -> bool {
        matches!(
            self.head,
            [b'c', b'f' | b'p' | b't', ..]
                | [b'c', b'o', b'r', b'f' | b'p']
                | [b'c', b'T', b't', _]
        )
    }
}

/// A letter for each word that can open a statement with a `BEGIN … END` body; 0 for
/// any other.
fn head_word(word: &[u8]) -> u8 {
    match word {
        b"create" => b'c',
        b"or" => b'o',
        b"replace" => b'r',
        b"function" => b'f',
        b"procedure" => b'p',
        b"trigger" => b't',
        b"temp" | b"temporary" => b'T',
        _ => 0,
    }
}

/// A word starts with a letter, `_` or a non-ASCII character, not a digit or `$`.
fn is_word_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80
}

/// Whether a token that starts like a word is an `E'…'` string.
fn is_string(token: &[u8]) -> bool {
    token.get(1) == Some(&b'\'')
}

/// Where the token starting at `at` (not white space, a comment or `;` ending a statement)
/// ends.
fn token_end(bytes: &[u8], at: usize) -> usize {
    match bytes[at] {
        b'\'' => string_end(bytes, at, false),
        b'"' => quoted_identifier_end(bytes, at),
        b'$' => dollar_quote_end(bytes, at).unwrap_or(at + 1),
        byte if is_identifier_byte(byte) => {
            let end = identifier_end(bytes, at);
            // `E'…'` is a string with backslash escapes, but only when the E stands alone
            // (`name'…'` is not PostgreSQL, so any other word before a quote is harmless).
            let escape_prefix = end == at + 1 && byte.eq_ignore_ascii_case(&b'e');
            if escape_prefix && bytes.get(end) == Some(&b'\'') {
                string_end(bytes, end, true)
            } else {
                end
            }
        }
        _ => at + 1,
    }
}

/// Bytes that continue a word: PostgreSQL identifiers may hold `$` and any non-ASCII
/// letter, so `price$usd` is one word and not the start of a dollar quote. Bytes of
/// multi-byte UTF-8 characters all count, so words end on character boundaries.
fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

fn identifier_end(bytes: &[u8], at: usize) -> usize {
    let length = bytes[at..]
        .iter()
        .take_while(|&&byte| is_identifier_byte(byte))
        .count();
    at + length
}

fn line_comment_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |newline| at + newline + 1)
}

/// The end of a `/* */` comment starting at `at`; PostgreSQL's comments nest.
fn block_comment_end(bytes: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    let mut index = at;
    while index < bytes.len() {
        match (bytes[index], bytes.get(index + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                index += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                index += 2;
                if depth == 0 {
                    return index;
                }
            }
            _ => index += 1,
        }
    }
    bytes.len()
}

/// The end of a `'…'` literal whose opening quote is at `at`.
fn string_end(bytes: &[u8], at: usize, backslash_escapes: bool) -> usize {
    let mut index = at + 1;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'\\' if backslash_escapes => index += 2,
            b'\'' if bytes.get(index + 1) == Some(&b'\'') => index += 2,
            b'\'' => return index + 1,
            _ => index += 1,
        }
    }
    bytes.len()
}

fn quoted_identifier_end(bytes: &[u8], at: usize) -> usize {
    let mut index = at + 1;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'"' if bytes.get(index + 1) == Some(&b'"') => index += 2,
            b'"' => return index + 1,
            _ => index += 1,
        }
    }
    bytes.len()
}

/// The end of a dollar quote opening at `at`, or `None` when the `$` opens none (as in `$1`).
fn dollar_quote_end(bytes: &[u8], at: usize) -> Option<usize> {
    let tag_length = bytes[at + 1..]
        .iter()
        .take_while(|&&byte| is_identifier_byte(byte) && byte != b'$')
        .count();
    let close = at + 1 + tag_length;
    let starts_with_digit = bytes.get(at + 1).is_some_and(u8::is_ascii_digit);
    if bytes.get(close) != Some(&b'$') || starts_with_digit {
        return None;
    }
    let delimiter = &bytes[at..=close];
    let body = close + 1;
    let end = bytes[body..]
        .windows(delimiter.len())
        .position(|window| window == delimiter)
        .map_or(bytes.len(), |found| body + found + delimiter.len());
    Some(end)
}

#[cfg(test)]
#[path = "split_tests.rs"]
mod tests;
