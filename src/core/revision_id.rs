//! Revision ids: the sortable version at the front of a migration's folder name.
//! Pure: no I/O.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A revision's id, such as `20240101120000` (ours) or `2024-01-01-120000` (diesel).
///
/// An id starts with an ASCII digit and holds only digits, `-` and `.`. Ids are ordered
/// naturally: runs of digits compare as numbers, so `9` sorts before `10` for tools whose
/// versions are plain counters, and equal-length timestamps sort as text would. Ties (`01`
/// against `1`) are broken by the text, so the order is total and deterministic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RevisionId(String);

/// Why a text is not a revision id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevisionIdError {
    #[error("a revision id cannot be empty")]
    Empty,
    #[error("a revision id must start with a digit, not {found:?}")]
    NoLeadingDigit { found: char },
    #[error("a revision id may hold only digits, '-' and '.', not {found:?}")]
    BadCharacter { found: char },
}

impl RevisionId {
    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `prefix` is a prefix of this id.
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.0.starts_with(prefix)
    }

    fn digit_runs(&self) -> impl Iterator<Item = &str> {
        self.0
            .split(|c: char| !c.is_ascii_digit())
            .filter(|run| !run.is_empty())
    }
}

impl FromStr for RevisionId {
    type Err = RevisionIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let first = text.chars().next().ok_or(RevisionIdError::Empty)?;
        if !first.is_ascii_digit() {
            return Err(RevisionIdError::NoLeadingDigit { found: first });
        }
        if let Some(found) = text
            .chars()
            .find(|c| !(c.is_ascii_digit() || *c == '-' || *c == '.'))
        {
            return Err(RevisionIdError::BadCharacter { found });
        }
        Ok(Self(text.to_owned()))
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Compares two runs of digits as the numbers they spell, without overflow.
fn compare_numeric(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Ord for RevisionId {
    fn cmp(&self, other: &Self) -> Ordering {
        let mut left = self.digit_runs();
        let mut right = other.digit_runs();
        loop {
            match (left.next(), right.next()) {
                (Some(a), Some(b)) => match compare_numeric(a, b) {
                    Ordering::Equal => continue,
                    unequal => return unequal,
                },
                (None, Some(_)) => return Ordering::Less,
                (Some(_), None) => return Ordering::Greater,
                (None, None) => return self.0.cmp(&other.0),
            }
        }
    }
}

impl PartialOrd for RevisionId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(text: &str) -> RevisionId {
        text.parse().unwrap()
    }

    #[test]
    fn counters_sort_as_numbers() {
        assert!(id("9") < id("10"));
        assert!(id("20240101000000") < id("20240101000001"));
        assert!(id("2024-01-01-000000") < id("2024-01-02-000000"));
    }

    #[test]
    fn rejects_what_is_not_an_id() {
        assert_eq!("".parse::<RevisionId>(), Err(RevisionIdError::Empty));
        assert_eq!(
            "v1".parse::<RevisionId>(),
            Err(RevisionIdError::NoLeadingDigit { found: 'v' })
        );
        assert_eq!(
            "1a".parse::<RevisionId>(),
            Err(RevisionIdError::BadCharacter { found: 'a' })
        );
    }

    proptest! {
        #[test]
        fn display_round_trips(text in "[0-9][0-9.-]{0,20}") {
            let parsed: RevisionId = text.parse().unwrap();
            prop_assert_eq!(parsed.to_string().parse::<RevisionId>().unwrap(), parsed);
        }

        #[test]
        fn order_is_total_and_consistent(a in "[0-9][0-9-]{0,8}", b in "[0-9][0-9-]{0,8}") {
            let (a, b) = (id(&a), id(&b));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,30}") {
            let _ = text.parse::<RevisionId>();
        }
    }
}
