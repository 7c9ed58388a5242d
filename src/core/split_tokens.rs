//! The tokens of PostgreSQL script text, as the statement splitter (`split.rs`) reads
//! them: where a word, a string, a quoted identifier, a dollar quote or a comment that
//! starts at an offset ends, and where a run of plain tokens ends. Pure: no I/O.

/// A word starts with a letter, `_` or a non-ASCII character, not a digit or `$`.
pub(super) fn is_word_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80
}

/// Whether a token that starts like a word is an `E'…'` string.
pub(super) fn is_string(token: &[u8]) -> bool {
    token.get(1) == Some(&b'\'')
}

/// Where the token starting at `at` (not white space, a comment or `;` ending a statement)
/// ends.
pub(super) fn token_end(bytes: &[u8], at: usize) -> usize {
    match bytes[at] {
        b'\'' => quoted_end(bytes, at, b'\''),
        b'"' => quoted_end(bytes, at, b'"'),
        b'$' => dollar_quote_end(bytes, at).unwrap_or(at + 1),
        byte if is_identifier_byte(byte) => {
            let end = identifier_end(bytes, at);
            // `E'…'` is a string with backslash escapes, but only when the E stands alone
            // (`name'…'` is not PostgreSQL, so any other word before a quote is harmless).
            let escape_prefix = end == at + 1 && byte.eq_ignore_ascii_case(&b'e');
            if escape_prefix && bytes.get(end) == Some(&b'\'') {
                escape_string_end(bytes, end)
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

pub(super) fn identifier_end(bytes: &[u8], at: usize) -> usize {
    let length = bytes[at..]
        .iter()
        .take_while(|&&byte| is_identifier_byte(byte))
        .count();
    at + length
}

/// The end of a `--` comment starting at `at`: past its newline (both dialects agree).
pub(super) fn line_comment_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |newline| at + newline + 1)
}

/// The end of a `/* */` comment starting at `at`; PostgreSQL's comments nest.
pub(super) fn block_comment_end(bytes: &[u8], at: usize) -> usize {
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

/// The end of a `'…'` literal or `"…"` identifier whose opening `quote` is at `at`, where
/// a doubled quote stands for itself.
pub(super) fn quoted_end(bytes: &[u8], at: usize, quote: u8) -> usize {
    let mut index = at + 1;
    while let Some(close) = find_byte(bytes, index, quote) {
        if bytes.get(close + 1) != Some(&quote) {
            return close + 1;
        }
        index = close + 2;
    }
    bytes.len()
}

/// The first `needle` in `bytes` from `from`: the strings of a data migration are most
/// of its bytes.
fn find_byte(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    memchr::memchr(needle, bytes.get(from..)?).map(|found| from + found)
}

/// The end of an `E'…'` literal whose opening quote is at `at`, where a backslash escapes
/// the byte after it.
fn escape_string_end(bytes: &[u8], at: usize) -> usize {
    let mut index = at + 1;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'\\' => index += 2,
            b'\'' if bytes.get(index + 1) == Some(&b'\'') => index += 2,
            b'\'' => return index + 1,
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
    let end = memchr::memmem::find(&bytes[body..], delimiter)
        .map_or(bytes.len(), |found| body + found + delimiter.len());
    Some(end)
}

/// Bytes at which a run of plain tokens may stop (see [`plain_run_end`]).
const MAY_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let stops = b"'\";()-/$";
    let mut index = 0;
    while index < stops.len() {
        table[stops[index] as usize] = true;
        index += 1;
    }
    table
};

/// The end of the run of tokens from `at` (a token's start) that can neither end a
/// statement nor hide a `;`: words, numbers, operators and white space, up to a quote, a
/// parenthesis, a `;`, a comment or a `$` that may open a dollar quote.
///
/// Once a statement is settled (past a head that defines no routine) its words no
/// longer matter, so the splitter skips such runs at once: one test per byte rather than
/// a token's worth of work per token, where most of a data migration's tokens are plain.
pub(super) fn plain_run_end(bytes: &[u8], at: usize) -> usize {
    let mut index = at;
    while let Some(&byte) = bytes.get(index) {
        if MAY_STOP[usize::from(byte)] {
            let stops = match byte {
                b'-' => bytes.get(index + 1) == Some(&b'-'),
                b'/' => bytes.get(index + 1) == Some(&b'*'),
                // Inside a word `$` continues it (`price$usd`); a token it starts may
                // open a dollar quote.
                b'$' => index == at || !is_identifier_byte(bytes[index - 1]),
                _ => true,
            };
            if stops {
                break;
            }
        }
        index += 1;
    }
    // An `E` standing alone right before a quote opens an escape string: the token path
    // reads it whole.
    let lone_e = |e: usize| {
        bytes[e].eq_ignore_ascii_case(&b'e') && (e == at || !is_identifier_byte(bytes[e - 1]))
    };
    if index > at && bytes.get(index) == Some(&b'\'') && lone_e(index - 1) {
        index -= 1;
    }
    index
}

/// Where the tokens of `bytes[at..end]` end, without the white space after them.
pub(super) fn trim_end(bytes: &[u8], at: usize, end: usize) -> usize {
    let trailing = bytes[at..end]
        .iter()
        .rev()
        .take_while(|byte| byte.is_ascii_whitespace())
        .count();
    end - trailing
}
