//! A small SQL tokenizer: enough to tell words, quoted identifiers, string literals,
//! numbers and operators apart, and to drop comments and whitespace. Pure; never fails:
//! unterminated literals run to the end of the text.

/// One token of SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// A bare word: keyword or unquoted identifier, as written.
    Word(String),
    /// A quoted identifier (`"a"`, `` `a` ``, `[a]`), unescaped.
    Quoted(String),
    /// A string or blob literal, exactly as written, quotes included.
    Literal(String),
    Number(String),
    /// Punctuation or an operator: `(`, `,`, `||`, `<=`.
    Op(String),
}

impl Token {
    /// Whether this is the word `word`, in any case.
    pub(crate) fn is_word(&self, word: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(word))
    }

    pub(crate) fn is_op(&self, op: &str) -> bool {
        matches!(self, Token::Op(o) if o == op)
    }

    /// The name this token stands for when used as an identifier.
    pub(crate) fn as_name(&self) -> Option<&str> {
        match self {
            Token::Word(text) | Token::Quoted(text) => Some(text),
            Token::Literal(text) => text.strip_prefix('\'')?.strip_suffix('\''),
            _ => None,
        }
    }
}

const TWO_CHAR_OPS: &[&str] = &["||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "->", "::"];

/// Splits `text` into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let next = chars.get(at + 1).copied();
        if c.is_whitespace() {
            at += 1;
        } else if c == '-' && next == Some('-') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if c == '/' && next == Some('*') {
            at += 2;
            while at < chars.len() && !(chars[at] == '*' && chars.get(at + 1) == Some(&'/')) {
                at += 1;
            }
            at = (at + 2).min(chars.len());
        } else if c == '\'' || (matches!(c, 'x' | 'X') && next == Some('\'')) {
            let start = at;
            if c != '\'' {
                at += 1;
            }
            at = quoted_end(&chars, at, '\'');
            tokens.push(Token::Literal(chars[start..at].iter().collect()));
        } else if c == '"' || c == '`' {
            let end = quoted_end(&chars, at, c);
            let inner: String = chars[at + 1..end.saturating_sub(1).max(at + 1)]
                .iter()
                .collect();
            let doubled = format!("{c}{c}");
            tokens.push(Token::Quoted(inner.replace(&doubled, &c.to_string())));
            at = end;
        } else if c == '[' {
            let start = at + 1;
            while at < chars.len() && chars[at] != ']' {
                at += 1;
            }
            tokens.push(Token::Quoted(chars[start..at].iter().collect()));
            at = (at + 1).min(chars.len());
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let start = at;
            at += 1;
            while at < chars.len() && is_number_char(&chars, at) {
                at += 1;
            }
            tokens.push(Token::Number(chars[start..at].iter().collect()));
        } else if is_word_char(c) {
            let start = at;
            while at < chars.len() && (is_word_char(chars[at]) || chars[at] == '$') {
                at += 1;
            }
            tokens.push(Token::Word(chars[start..at].iter().collect()));
        } else {
            let pair: String = chars[at..(at + 2).min(chars.len())].iter().collect();
            let op = if TWO_CHAR_OPS.contains(&pair.as_str()) {
                pair
            } else {
                c.to_string()
            };
            at += op.chars().count();
            tokens.push(Token::Op(op));
        }
    }
    tokens
}

/// The index just past the literal starting with `quote` at `start`; a doubled quote
/// inside is part of the literal.
fn quoted_end(chars: &[char], start: usize, quote: char) -> usize {
    let mut at = start + 1;
    while at < chars.len() {
        if chars[at] == quote {
            if chars.get(at + 1) == Some(&quote) {
                at += 2;
                continue;
            }
            return at + 1;
        }
        at += 1;
    }
    chars.len()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || !c.is_ascii() && !c.is_whitespace()
}

fn is_number_char(chars: &[char], at: usize) -> bool {
    let c = chars[at];
    if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
        return true;
    }
    // An exponent's sign: `1e-5`.
    matches!(c, '+' | '-') && at > 0 && matches!(chars[at - 1], 'e' | 'E')
}

/// The index of the `)` that closes the `(` at `open`, or the end when unbalanced.
pub(crate) fn closing(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (at, token) in tokens.iter().enumerate().skip(open) {
        if token.is_op("(") {
            depth += 1;
        } else if token.is_op(")") {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return at;
            }
        }
    }
    tokens.len()
}

/// Splits tokens at commas that are not inside parentheses.
pub(crate) fn split_top_level(tokens: &[Token]) -> Vec<&[Token]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (at, token) in tokens.iter().enumerate() {
        if token.is_op("(") {
            depth += 1;
        } else if token.is_op(")") {
            depth = depth.saturating_sub(1);
        } else if token.is_op(",") && depth == 0 {
            parts.push(&tokens[start..at]);
            start = at + 1;
        }
    }
    parts.push(&tokens[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_literals_identifiers_and_comments_apart() {
        let tokens =
            tokenize("SELECT \"a\"\"b\", 'it''s' -- note\n, [c d], x'00', 1e-5 /* x */ || `e`");
        assert_eq!(
            tokens,
            vec![
                Token::Word("SELECT".into()),
                Token::Quoted("a\"b".into()),
                Token::Op(",".into()),
                Token::Literal("'it''s'".into()),
                Token::Op(",".into()),
                Token::Quoted("c d".into()),
                Token::Op(",".into()),
                Token::Literal("x'00'".into()),
                Token::Op(",".into()),
                Token::Number("1e-5".into()),
                Token::Op("||".into()),
                Token::Quoted("e".into()),
            ]
        );
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for text in ["'abc", "\"abc", "[abc", "/* abc", "x'", "\"", "`"] {
            let _ = tokenize(text);
        }
    }
}
