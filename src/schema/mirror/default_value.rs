//! A column default reduced to what both dialects can say alike, so `'none'` on SQLite and
//! `'none'::text` on PostgreSQL, or `CURRENT_TIMESTAMP` and `now()`, compare equal. A
//! default that is neither a constant, the current time nor an auto-increment is kept as
//! text and not compared: the two dialects spell expressions too differently. Pure.

use std::fmt;

use super::super::normalize::render_tokens;
use super::super::tokens::{Token, closing, tokenize};
use super::super::type_family::TypeFamily;

/// What a column's default amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DefaultValue {
    None,
    /// A value the database makes up: `serial`, identity.
    AutoIncrement,
    /// SQLite's `INTEGER PRIMARY KEY` without a default: the rowid, which fills itself in
    /// when an insert leaves it out and takes the value given otherwise. It agrees with
    /// both a `serial`/identity key and a plain `integer` one.
    Rowid,
    /// The current date or time, however spelt: `CURRENT_TIMESTAMP`, `now()`,
    /// `datetime('now')`.
    Now,
    /// A constant, as the column's family reads it: `0`, `true`, `'none'`.
    Constant(String),
    /// An expression that is not compared, in its normalized text.
    Expression(String),
}

impl DefaultValue {
    /// Reads a column's default expression as a column of `family` holds it.
    pub(crate) fn of(expression: Option<&str>, family: &TypeFamily) -> Self {
        let Some(expression) = expression else {
            return Self::None;
        };
        let tokens = tokenize(expression);
        let tokens = strip_casts(&tokens);
        match tokens {
            [] => Self::None,
            [word] if word.is_word("NULL") => Self::None,
            [Token::Literal(text)] => constant(&unquote(text), family, true),
            [Token::Word(word)] if is_bool(word) => constant(word, family, false),
            [Token::Number(number)] => constant(number, family, false),
            [Token::Op(sign), Token::Number(number)] if sign == "-" || sign == "+" => {
                constant(&format!("{sign}{number}"), family, false)
            }
            _ if is_now(tokens) => Self::Now,
            [Token::Word(name), Token::Op(open), ..] if open == "(" && is_nextval(name) => {
                Self::AutoIncrement
            }
            _ => Self::Expression(render_tokens(tokens)),
        }
    }

    /// Whether two defaults can be compared: expressions are not.
    pub(crate) fn comparable(&self) -> bool {
        !matches!(self, Self::Expression(_))
    }

    /// Whether the two sides' defaults tell the same story (or cannot be compared).
    pub(crate) fn agrees(&self, other: &Self) -> bool {
        if !self.comparable() || !other.comparable() || self == other {
            return true;
        }
        let implicit = |value: &Self| matches!(value, Self::None | Self::AutoIncrement);
        match (self, other) {
            (Self::Rowid, value) | (value, Self::Rowid) => implicit(value),
            _ => false,
        }
    }
}

impl fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("none"),
            Self::AutoIncrement => f.write_str("auto-increment"),
            Self::Rowid => f.write_str("the rowid"),
            Self::Now => f.write_str("the current time"),
            Self::Constant(value) | Self::Expression(value) => f.write_str(value),
        }
    }
}

/// Drops outer parentheses and trailing casts until neither is left:
/// `('0'::numeric)::integer` is `'0'`.
fn strip_casts(mut tokens: &[Token]) -> &[Token] {
    loop {
        let before = tokens.len();
        if tokens.first().is_some_and(|t| t.is_op("(")) && closing(tokens, 0) + 1 == tokens.len() {
            tokens = &tokens[1..tokens.len() - 1];
        }
        if let Some(cast) = top_level_cast(tokens) {
            tokens = &tokens[..cast];
        }
        if tokens.len() == before {
            return tokens;
        }
    }
}

/// Where the first `::` outside parentheses is.
fn top_level_cast(tokens: &[Token]) -> Option<usize> {
    let mut depth = 0usize;
    for (at, token) in tokens.iter().enumerate() {
        match token {
            Token::Op(op) if op == "(" => depth += 1,
            Token::Op(op) if op == ")" => depth = depth.saturating_sub(1),
            Token::Op(op) if op == "::" && depth == 0 => return Some(at),
            _ => {}
        }
    }
    None
}

/// A string literal's value: quotes off, doubled quotes single.
fn unquote(literal: &str) -> String {
    let inner = literal
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix('\''))
        .unwrap_or(literal);
    inner.replace("''", "'")
}

fn is_bool(word: &str) -> bool {
    word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false")
}

fn is_nextval(name: &str) -> bool {
    name.eq_ignore_ascii_case("nextval")
}

/// The current time, however either dialect spells it.
fn is_now(tokens: &[Token]) -> bool {
    const KEYWORDS: &[&str] = &[
        "CURRENT_TIMESTAMP",
        "CURRENT_DATE",
        "CURRENT_TIME",
        "LOCALTIMESTAMP",
        "LOCALTIME",
    ];
    const NOW_CALLS: &[&str] = &[
        "now",
        "statement_timestamp",
        "transaction_timestamp",
        "clock_timestamp",
        "unixepoch",
    ];
    const TIME_FUNCTIONS: &[&str] = &["datetime", "date", "time", "strftime", "julianday"];
    let Some(Token::Word(first)) = tokens.first() else {
        return matches!(tokens, [Token::Literal(text)] if unquote(text).eq_ignore_ascii_case("now"));
    };
    let is = |names: &[&str]| names.iter().any(|name| first.eq_ignore_ascii_case(name));
    let call = tokens.get(1).is_some_and(|t| t.is_op("("));
    if is(KEYWORDS) {
        return tokens.len() == 1 || call; // `CURRENT_TIMESTAMP(3)`
    }
    if is(NOW_CALLS) && call {
        return tokens.len() == 3; // no arguments: `now()`
    }
    // SQLite: `datetime('now')`, `strftime('%s', 'now')`.
    is(TIME_FUNCTIONS)
        && call
        && tokens
            .iter()
            .any(|t| matches!(t, Token::Literal(text) if unquote(text).eq_ignore_ascii_case("now")))
}

/// A constant as the column's family reads it: booleans as `true`/`false`, numbers without
/// a `+` or trailing zeros, text quoted.
fn constant(value: &str, family: &TypeFamily, quoted: bool) -> DefaultValue {
    let read = match family {
        TypeFamily::Boolean => boolean(value),
        TypeFamily::Integer | TypeFamily::Float | TypeFamily::Numeric => number(value),
        _ => None,
    };
    DefaultValue::Constant(match read {
        Some(value) => value,
        None if quoted => format!("'{}'", value.replace('\'', "''")),
        None => value.to_ascii_lowercase(),
    })
}

fn boolean(value: &str) -> Option<String> {
    let lower = value.trim().to_ascii_lowercase();
    match lower.as_str() {
        "true" | "t" | "1" | "yes" | "y" | "on" => Some("true".into()),
        "false" | "f" | "0" | "no" | "n" | "off" => Some("false".into()),
        _ => None,
    }
}

/// A decimal number in one spelling: `+1.50` is `1.5`, `-0.0` is `0`.
fn number(value: &str) -> Option<String> {
    let value = value.trim();
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value.strip_prefix('+').unwrap_or(value)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let mut out = if whole.is_empty() { "0" } else { whole }.to_owned();
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    if negative && out != "0" {
        out.insert(0, '-');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str, family: TypeFamily) -> DefaultValue {
        DefaultValue::of(Some(text), &family)
    }

    #[test]
    fn both_dialects_spellings_of_one_default_agree() {
        let pairs: &[(&str, &str, TypeFamily)] = &[
            ("'none'", "'none'::text", TypeFamily::Text),
            ("'2024-01-01'", "'2024-01-01'::date", TypeFamily::Date),
            ("0", "0", TypeFamily::Numeric),
            ("0", "0.00", TypeFamily::Numeric),
            ("-1", "'-1'::integer", TypeFamily::Integer),
            ("FALSE", "false", TypeFamily::Boolean),
            ("0", "false", TypeFamily::Boolean),
            ("CURRENT_TIMESTAMP", "now()", TypeFamily::Timestamp),
            (
                "(datetime('now'))",
                "CURRENT_TIMESTAMP",
                TypeFamily::Timestamp,
            ),
            ("'{}'", "'{}'::jsonb", TypeFamily::Json),
            ("NULL", "NULL::character varying", TypeFamily::Text),
        ];
        for (sqlite, postgres, family) in pairs {
            assert_eq!(
                of(sqlite, family.clone()),
                of(postgres, family.clone()),
                "{sqlite} vs {postgres}"
            );
        }
        assert_eq!(of("NULL", TypeFamily::Text), DefaultValue::None);
    }

    #[test]
    fn different_defaults_stay_different() {
        assert_ne!(
            of("'a'", TypeFamily::Text),
            of("'b'::text", TypeFamily::Text)
        );
        assert_ne!(of("1", TypeFamily::Integer), of("10", TypeFamily::Integer));
        assert_ne!(
            of("TRUE", TypeFamily::Boolean),
            of("false", TypeFamily::Boolean)
        );
        assert_ne!(of("0", TypeFamily::Integer), DefaultValue::None);
    }

    #[test]
    fn sequences_are_auto_increment_and_expressions_are_not_compared() {
        assert_eq!(
            of("nextval('users_id_seq'::regclass)", TypeFamily::Integer),
            DefaultValue::AutoIncrement
        );
        let expression = of("gen_random_uuid()", TypeFamily::Uuid);
        assert!(!expression.comparable());
        assert!(expression.agrees(&DefaultValue::None));
        assert!(DefaultValue::Rowid.agrees(&DefaultValue::AutoIncrement));
        assert!(DefaultValue::Rowid.agrees(&DefaultValue::None));
        assert!(!DefaultValue::Rowid.agrees(&DefaultValue::Constant("0".into())));
        assert!(!DefaultValue::AutoIncrement.agrees(&DefaultValue::None));
        assert_eq!(expression.to_string(), "gen_random_uuid()");
    }
}
