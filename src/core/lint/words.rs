//! The words of SQL text, for the lint rules and for `verify --data`'s row reach: keywords
//! and names with their byte offsets, string literals, dollar quotes and comments skipped.
//! Pure; never fails: an unterminated literal or comment runs to the end of the text.

use crate::core::split_tokens::{block_comment_end, quoted_end};

/// One token the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Word {
    /// A bare word (keyword or unquoted name), as written.
    Bare(String),
    /// A `"quoted"` name, unescaped.
    Quoted(String),
    /// One punctuation character: `(`, `)`, `,`, `.`, `;`.
    Punct(char),
    /// A literal, a number or an operator: present, but never a keyword or a name.
    Other,
}

/// A token and where it starts in the statement's text.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub word: Word,
    pub at: usize,
}

impl Token {
    /// Whether this is the keyword `keyword` (upper case), in any case.
    pub fn is(&self, keyword: &str) -> bool {
        matches!(&self.word, Word::Bare(text) if text.eq_ignore_ascii_case(keyword))
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.word == Word::Punct(c)
    }

    /// The name this token stands for: a bare word folded to lower case, as PostgreSQL
    /// folds it; a quoted name as written.
    pub fn name(&self) -> Option<String> {
        match &self.word {
            Word::Bare(text) => Some(text.to_ascii_lowercase()),
            Word::Quoted(text) => Some(text.clone()),
            _ => None,
        }
    }
}

/// The tokens of `sql`.
pub(crate) fn tokens(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let next = bytes.get(at + 1).copied();
        let start = at;
        let word = match (byte, next) {
            (b'-', Some(b'-')) => {
                at = find_from(bytes, at, b"\n").map_or(bytes.len(), |end| end + 1);
                continue;
            }
            (b'/', Some(b'*')) => {
                at = block_comment_end(bytes, at);
                continue;
            }
            _ if byte.is_ascii_whitespace() => {
                at += 1;
                continue;
            }
            (b'\'', _) => {
                at = quoted_end(bytes, at, b'\'');
                Word::Other
            }
            (b'"', _) => {
                at = quoted_end(bytes, at, b'"');
                let inner = sql
                    .get(start + 1..at.saturating_sub(1).max(start + 1))
                    .unwrap_or("");
                Word::Quoted(inner.replace("\"\"", "\""))
            }
            (b'$', _) => match dollar_tag(bytes, at) {
                Some(tag) => {
                    let body = at + tag.len();
                    at = find_from(bytes, body, tag).map_or(bytes.len(), |end| end + tag.len());
                    Word::Other
                }
                None => {
                    at += 1;
                    Word::Other
                }
            },
            _ if byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80 => {
                while bytes.get(at).is_some_and(|b| {
                    b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$' || *b >= 0x80
                }) {
                    at += 1;
                }
                Word::Bare(sql[start..at].to_owned())
            }
            (b'(' | b')' | b',' | b'.' | b';', _) => {
                at += 1;
                Word::Punct(char::from(byte))
            }
            _ => {
                at += 1;
                Word::Other
            }
        };
        out.push(Token { word, at: start });
    }
    out
}

fn find_from(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|offset| from + offset)
}

/// The `$tag$` opening a dollar quote at `at`, if one does.
fn dollar_tag(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let rest = bytes.get(at + 1..)?;
    let len = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))?;
    if rest[len] != b'$' || rest.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    bytes.get(at..at + len + 2)
}
