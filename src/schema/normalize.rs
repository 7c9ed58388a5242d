//! Normalizes SQL that a database keeps only as text (SQLite views, triggers, check
//! constraints, index expressions) so that cosmetic differences vanish and real ones stay:
//! whitespace and comments go, keywords are upper case, identifiers lower case and
//! unquoted where quoting is not needed; string literals are kept byte for byte. Pure.

use super::tokens::{Token, tokenize};

/// SQLite's keywords (see <https://sqlite.org/lang_keywords.html>), upper case, sorted.
const KEYWORDS: &[&str] = &[
    "ABORT",
    "ACTION",
    "ADD",
    "AFTER",
    "ALL",
    "ALTER",
    "ALWAYS",
    "ANALYZE",
    "AND",
    "AS",
    "ASC",
    "ATTACH",
    "AUTOINCREMENT",
    "BEFORE",
    "BEGIN",
    "BETWEEN",
    "BY",
    "CASCADE",
    "CASE",
    "CAST",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "COMMIT",
    "CONFLICT",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "CURRENT",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "DATABASE",
    "DEFAULT",
    "DEFERRABLE",
    "DEFERRED",
    "DELETE",
    "DESC",
    "DETACH",
    "DISTINCT",
    "DO",
    "DROP",
    "EACH",
    "ELSE",
    "END",
    "ESCAPE",
    "EXCEPT",
    "EXCLUDE",
    "EXCLUSIVE",
    "EXISTS",
    "EXPLAIN",
    "FAIL",
    "FILTER",
    "FIRST",
    "FOLLOWING",
    "FOR",
    "FOREIGN",
    "FROM",
    "FULL",
    "GENERATED",
    "GLOB",
    "GROUP",
    "GROUPS",
    "HAVING",
    "IF",
    "IGNORE",
    "IMMEDIATE",
    "IN",
    "INDEX",
    "INDEXED",
    "INITIALLY",
    "INNER",
    "INSERT",
    "INSTEAD",
    "INTERSECT",
    "INTO",
    "IS",
    "ISNULL",
    "JOIN",
    "KEY",
    "LAST",
    "LEFT",
    "LIKE",
    "LIMIT",
    "MATCH",
    "MATERIALIZED",
    "NATURAL",
    "NO",
    "NOT",
    "NOTHING",
    "NOTNULL",
    "NULL",
    "NULLS",
    "OF",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "OTHERS",
    "OUTER",
    "OVER",
    "PARTITION",
    "PLAN",
    "PRAGMA",
    "PRECEDING",
    "PRIMARY",
    "QUERY",
    "RAISE",
    "RANGE",
    "RECURSIVE",
    "REFERENCES",
    "REGEXP",
    "REINDEX",
    "RELEASE",
    "RENAME",
    "REPLACE",
    "RESTRICT",
    "RETURNING",
    "RIGHT",
    "ROLLBACK",
    "ROW",
    "ROWS",
    "SAVEPOINT",
    "SELECT",
    "SET",
    "TABLE",
    "TEMP",
    "TEMPORARY",
    "THEN",
    "TIES",
    "TO",
    "TRANSACTION",
    "TRIGGER",
    "UNBOUNDED",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USING",
    "VACUUM",
    "VALUES",
    "VIEW",
    "VIRTUAL",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
    "WITHOUT",
];

/// Keywords written like function calls, with no space before their `(`.
const CALL_KEYWORDS: &[&str] = &["CAST", "GLOB", "LIKE", "RAISE", "REPLACE"];

fn is_keyword(upper: &str) -> bool {
    KEYWORDS.binary_search(&upper).is_ok()
}

/// The canonical text of an SQLite definition.
///
/// ```
/// use migrate::schema::normalize_sql;
/// assert_eq!(
///     normalize_sql("select  \"Id\" ,name from [users]  where x = 'A  b' ;"),
///     "SELECT id, name FROM users WHERE x = 'A  b'"
/// );
/// ```
pub fn normalize_sql(text: &str) -> String {
    render_tokens(&tokenize(text))
}

/// Renders tokens in canonical form; the output depends only on the tokens, so any two
/// texts that differ only cosmetically render the same.
pub(crate) fn render_tokens(tokens: &[Token]) -> String {
    let mut tokens = tokens;
    while tokens.last().is_some_and(|token| token.is_op(";")) {
        tokens = &tokens[..tokens.len() - 1];
    }
    let mut out = String::new();
    let mut previous: Option<(&Token, String)> = None;
    for (at, token) in tokens.iter().enumerate() {
        let text = canonical(token);
        if let Some((before, before_text)) = &previous
            && needs_space(before, before_text, token)
            && (!is_sign(tokens, at.wrapping_sub(1)) || token.is_op("-"))
        {
            out.push(' ');
        }
        out.push_str(&text);
        previous = Some((token, text));
    }
    out
}

/// A token's canonical spelling. Identifiers compare case-insensitively in SQLite, and a
/// quoted plain name means the same as the bare word, so both become the same text.
fn canonical(token: &Token) -> String {
    match token {
        Token::Word(word) => word_text(word),
        Token::Quoted(name) => {
            let lower = name.to_ascii_lowercase();
            if is_plain(&lower) {
                word_text(&lower)
            } else {
                format!("\"{}\"", lower.replace('"', "\"\""))
            }
        }
        Token::Literal(text) => text.clone(),
        Token::Number(text) => text.to_ascii_lowercase(),
        Token::Op(op) => op.clone(),
    }
}

/// Whether a name can be written as a bare word: a letter or `_`, then letters, digits, `_`.
fn is_plain(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn word_text(word: &str) -> String {
    let upper = word.to_ascii_uppercase();
    if is_keyword(&upper) {
        upper
    } else {
        word.to_ascii_lowercase()
    }
}

/// Whether the token at `at` is a unary `-` or `+`, written against its operand: one
/// that does not follow an operand (a name, literal, number or `)`).
fn is_sign(tokens: &[Token], at: usize) -> bool {
    let Some(token) = tokens.get(at) else {
        return false;
    };
    if !(token.is_op("-") || token.is_op("+")) {
        return false;
    }
    match at.checked_sub(1).and_then(|before| tokens.get(before)) {
        None => true,
        Some(Token::Op(op)) => op != ")",
        Some(Token::Word(word)) => is_keyword(&word.to_ascii_uppercase()),
        Some(_) => false,
    }
}

fn needs_space(before: &Token, before_text: &str, token: &Token) -> bool {
    // A number beside a dot would read back as one number: `. 1` is not `.1`.
    let number_dot = matches!(before, Token::Number(_)) && token.is_op(".")
        || before.is_op(".") && matches!(token, Token::Number(_));
    if number_dot {
        return true;
    }
    if before.is_op("(") || before.is_op(".") {
        return false;
    }
    if [",", ")", ".", ";"].iter().any(|op| token.is_op(op)) {
        return false;
    }
    if token.is_op("(") {
        return match before {
            Token::Quoted(_) => false,
            Token::Word(_) => {
                let upper = before_text.to_ascii_uppercase();
                is_keyword(&upper) && !CALL_KEYWORDS.contains(&upper.as_str())
            }
            _ => true,
        };
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(KEYWORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn cosmetic_differences_vanish() {
        let a = "CREATE VIEW v AS SELECT a.id, count(*) FROM a JOIN b ON (a.id = b.a_id) -- x\n";
        let b = "create   view \"V\" as\n  select `A`.\"ID\" ,COUNT( * )\n from [a] join b on(a.id=b.a_id);";
        assert_eq!(normalize_sql(a), normalize_sql(b));
        assert_eq!(
            normalize_sql(a),
            "CREATE VIEW v AS SELECT a.id, count(*) FROM a JOIN b ON (a.id = b.a_id)"
        );
    }

    #[test]
    fn real_differences_stay() {
        assert_ne!(normalize_sql("SELECT 'a'"), normalize_sql("SELECT 'A'"));
        assert_ne!(
            normalize_sql("SELECT a FROM t"),
            normalize_sql("SELECT b FROM t")
        );
        assert_ne!(normalize_sql("SELECT \"a b\""), normalize_sql("SELECT a b"));
        assert_ne!(
            normalize_sql("SELECT a > 1"),
            normalize_sql("SELECT a >= 1")
        );
    }

    #[test]
    fn quoted_keywords_match_bare_ones() {
        assert_eq!(
            normalize_sql("SELECT \"key\" FROM t"),
            normalize_sql("select key from t")
        );
    }
}
