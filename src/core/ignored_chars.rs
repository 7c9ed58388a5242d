//! sqlx's `ignored-chars` setting (`[migrate]` in `sqlx.toml`): characters left out of the
//! text when it computes a migration's checksum, so reformatting a file (CRLF, indentation)
//! does not change it. `adopt --from sqlx` must leave out the same ones to compare. Written
//! on the command line with escapes (`--ignored-chars '\r\n\t '`), printed back the same
//! way. Pure: no I/O.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// The characters sqlx leaves out of a checksum; empty by default, as in sqlx.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoredChars(BTreeSet<char>);

impl IgnoredChars {
    /// Whether `c` is left out.
    pub fn contains(&self, c: char) -> bool {
        self.0.contains(&c)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<char> for IgnoredChars {
    fn from_iter<I: IntoIterator<Item = char>>(chars: I) -> Self {
        Self(chars.into_iter().collect())
    }
}

/// Text that is not a set of characters with `\r`, `\n`, `\t`, `\\`, `\u{HEX}` escapes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ignored characters {text:?}, at character {at}: {reason}")]
pub struct IgnoredCharsError {
    pub text: String,
    /// 1-based, counted in characters.
    pub at: usize,
    pub reason: &'static str,
}

impl FromStr for IgnoredChars {
    type Err = IgnoredCharsError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |at: usize, reason| IgnoredCharsError {
            text: text.to_owned(),
            at: at + 1,
            reason,
        };
        let mut set = BTreeSet::new();
        let mut chars = text.chars().enumerate();
        while let Some((at, c)) = chars.next() {
            if c != '\\' {
                set.insert(c);
                continue;
            }
            let escaped = match chars.next() {
                Some((_, 'r')) => '\r',
                Some((_, 'n')) => '\n',
                Some((_, 't')) => '\t',
                Some((_, '\\')) => '\\',
                Some((_, 'u')) => unicode_escape(&mut chars).ok_or_else(|| {
                    fail(
                        at,
                        "expected \\u{HEX} naming a character, such as \\u{FEFF}",
                    )
                })?,
                Some(_) => {
                    return Err(fail(
                        at,
                        "unknown escape: use \\r, \\n, \\t, \\\\ or \\u{HEX}",
                    ));
                }
                None => return Err(fail(at, "a lone \\ at the end: write \\\\ for a backslash")),
            };
            set.insert(escaped);
        }
        Ok(Self(set))
    }
}

/// The `{HEX}` after `\u`, as a character.
fn unicode_escape(chars: &mut impl Iterator<Item = (usize, char)>) -> Option<char> {
    if chars.next()?.1 != '{' {
        return None;
    }
    let mut hex = String::new();
    loop {
        match chars.next()?.1 {
            '}' => break,
            digit if digit.is_ascii_hexdigit() && hex.len() < 6 => hex.push(digit),
            _ => return None,
        }
    }
    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)
}

impl fmt::Display for IgnoredChars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &c in &self.0 {
            match c {
                '\r' => f.write_str("\\r")?,
                '\n' => f.write_str("\\n")?,
                '\t' => f.write_str("\\t")?,
                '\\' => f.write_str("\\\\")?,
                c if c == ' ' || c.is_ascii_graphic() => write!(f, "{c}")?,
                // Every other one by its code, so an invisible one (a BOM) can be read.
                c => write!(f, "\\u{{{:X}}}", u32::from(c))?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_and_literals() {
        let chars: IgnoredChars = " \\t\\r\\n\\u{FEFF}".parse().unwrap();
        let expected: IgnoredChars = [' ', '\t', '\r', '\n', '\u{feff}'].into_iter().collect();
        assert_eq!(chars, expected);
        assert_eq!(chars.to_string(), "\\t\\n\\r \\u{FEFF}");
        assert_eq!("".parse::<IgnoredChars>(), Ok(IgnoredChars::default()));
    }

    #[test]
    fn bad_escapes_say_where() {
        let error = "ab\\x".parse::<IgnoredChars>().unwrap_err();
        assert_eq!(error.at, 3);
        assert!(error.to_string().contains("unknown escape"), "{error}");
        assert!("\\".parse::<IgnoredChars>().is_err());
        assert!("\\u{D800}".parse::<IgnoredChars>().is_err());
        assert!("\\u{110000}".parse::<IgnoredChars>().is_err());
        assert!("\\uFEFF".parse::<IgnoredChars>().is_err());
    }

    proptest! {
        #[test]
        fn round_trips(chars in proptest::collection::btree_set(any::<char>(), 0..8)) {
            let set = IgnoredChars(chars);
            prop_assert_eq!(set.to_string().parse::<IgnoredChars>(), Ok(set));
        }

        #[test]
        fn any_text_parses_or_says_where(text in "\\PC{0,12}") {
            if let Err(error) = text.parse::<IgnoredChars>() {
                prop_assert!(error.at >= 1 && error.at <= text.chars().count());
            }
        }
    }
}
