//! Targets of upgrade, downgrade and stamp: `head`, `base`, an id or unique prefix, `+N`,
//! `-N`, `ID+N`. Pure: no I/O.

use std::fmt;
use std::str::FromStr;

use super::revision_id::RevisionId;

/// Where a command should leave the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every revision applied.
    Head,
    /// No revision applied.
    Base,
    /// Up to and including the revision whose id is, or uniquely starts with, this text.
    /// `ID-N` is read here too, and resolved as N below `ID` when no id starts with the
    /// whole text (diesel's ids hold dashes, so the text alone cannot tell).
    Revision(String),
    /// N revisions above (positive) or below (negative) the current one.
    Relative(i64),
    /// N revisions above the revision named by the prefix.
    RevisionRelative { prefix: String, steps: i64 },
}

/// A target that cannot be resolved against the history.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("a target cannot be empty")]
    Empty,
    #[error("{text:?} is not a number of steps")]
    BadSteps { text: String },
    #[error("no revision id starts with {prefix:?}")]
    NotFound { prefix: String },
    #[error("{prefix:?} is ambiguous: revisions {} all start with it", candidates.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        prefix: String,
        candidates: Vec<RevisionId>,
    },
    #[error("target {target} is out of range: {}", out_of_range(*position, *count))]
    OutOfRange {
        target: String,
        position: i64,
        count: usize,
    },
}

/// How far past either end of the history a target lands.
fn out_of_range(position: i64, count: usize) -> String {
    if position < 0 {
        format!("it goes {} revision(s) below base", -position)
    } else {
        let past = usize::try_from(position)
            .unwrap_or(usize::MAX)
            .saturating_sub(count);
        format!("it goes {past} revision(s) past head ({count} revision(s) in all)")
    }
}

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let steps = |digits: &str| {
            digits
                .parse::<i64>()
                .ok()
                .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty())
                .ok_or_else(|| TargetError::BadSteps {
                    text: digits.to_owned(),
                })
        };
        match text {
            "" => Err(TargetError::Empty),
            "head" => Ok(Self::Head),
            "base" => Ok(Self::Base),
            _ if text.starts_with('+') => Ok(Self::Relative(steps(&text[1..])?)),
            _ if text.starts_with('-') => Ok(Self::Relative(-steps(&text[1..])?)),
            _ => match text.rsplit_once('+') {
                Some((prefix, digits)) => Ok(Self::RevisionRelative {
                    prefix: prefix.to_owned(),
                    steps: steps(digits)?,
                }),
                None => Ok(Self::Revision(text.to_owned())),
            },
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Head => f.write_str("head"),
            Self::Base => f.write_str("base"),
            Self::Revision(prefix) => f.write_str(prefix),
            Self::Relative(steps) => write!(f, "{steps:+}"),
            Self::RevisionRelative { prefix, steps } => write!(f, "{prefix}{steps:+}"),
        }
    }
}

impl Target {
    /// How many revisions of `ids` (oldest first) are applied once this target is reached,
    /// given that `current` of them are applied now.
    pub fn resolve(&self, ids: &[RevisionId], current: usize) -> Result<usize, TargetError> {
        match self {
            Self::Head => Ok(ids.len()),
            Self::Base => Ok(0),
            Self::Relative(steps) => self.within(ids, current, *steps),
            Self::RevisionRelative { prefix, steps } => {
                let at = find(ids, prefix)?;
                self.within(ids, at + 1, *steps)
            }
            Self::Revision(text) => match find(ids, text) {
                Ok(at) => Ok(at + 1),
                Err(not_found @ TargetError::NotFound { .. }) => {
                    let Some((prefix, digits)) = text.rsplit_once('-') else {
                        return Err(not_found);
                    };
                    let Ok(steps) = digits.parse::<i64>() else {
                        return Err(not_found);
                    };
                    let at = find(ids, prefix).map_err(|_| not_found)?;
                    self.within(ids, at + 1, -steps)
                }
                Err(other) => Err(other),
            },
        }
    }

    fn within(&self, ids: &[RevisionId], from: usize, steps: i64) -> Result<usize, TargetError> {
        let position = i64::try_from(from)
            .unwrap_or(i64::MAX)
            .saturating_add(steps);
        usize::try_from(position)
            .ok()
            .filter(|&position| position <= ids.len())
            .ok_or_else(|| TargetError::OutOfRange {
                target: self.to_string(),
                position,
                count: ids.len(),
            })
    }
}

/// The index of the id equal to `prefix`, or else of the only id starting with it.
fn find(ids: &[RevisionId], prefix: &str) -> Result<usize, TargetError> {
    if let Some(exact) = ids.iter().position(|id| id.as_str() == prefix) {
        return Ok(exact);
    }
    let candidates: Vec<usize> = (0..ids.len())
        .filter(|&index| ids[index].starts_with(prefix))
        .collect();
    match candidates.as_slice() {
        [] => Err(TargetError::NotFound {
            prefix: prefix.to_owned(),
        }),
        [only] => Ok(*only),
        many => Err(TargetError::Ambiguous {
            prefix: prefix.to_owned(),
            candidates: many.iter().map(|&index| ids[index].clone()).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(list: &[&str]) -> Vec<RevisionId> {
        list.iter().map(|id| id.parse().unwrap()).collect()
    }

    fn resolve(target: &str, list: &[&str], current: usize) -> Result<usize, TargetError> {
        target.parse::<Target>()?.resolve(&ids(list), current)
    }

    #[test]
    fn resolves_every_form() {
        let list = ["20240101", "20240202", "20240303"];
        assert_eq!(resolve("head", &list, 1), Ok(3));
        assert_eq!(resolve("base", &list, 1), Ok(0));
        assert_eq!(resolve("+1", &list, 1), Ok(2));
        assert_eq!(resolve("-1", &list, 1), Ok(0));
        assert_eq!(resolve("202402", &list, 0), Ok(2));
        assert_eq!(resolve("20240101+2", &list, 0), Ok(3));
        assert_eq!(resolve("20240303-2", &list, 3), Ok(1));
    }

    #[test]
    fn an_exact_id_wins_over_longer_ids_it_prefixes() {
        assert_eq!(resolve("1", &["1", "10", "11"], 0), Ok(1));
    }

    #[test]
    fn diesel_ids_with_dashes_resolve_whole_first() {
        let list = ["2024-01-01-000000", "2024-01-02-000000"];
        assert_eq!(resolve("2024-01-02", &list, 0), Ok(2));
        assert_eq!(resolve("2024-01-02-000000-1", &list, 2), Ok(1));
    }

    #[test]
    fn an_ambiguous_prefix_lists_its_candidates() {
        let error = resolve("2024", &["20240101", "20240202"], 0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"2024\" is ambiguous: revisions 20240101, 20240202 all start with it"
        );
    }

    #[test]
    fn out_of_range_is_an_error() {
        let error = resolve("+3", &["1", "2"], 1).unwrap_err();
        assert_eq!(
            error.to_string(),
            "target +3 is out of range: it goes 2 revision(s) past head (2 revision(s) in all)"
        );
        assert_eq!(
            resolve("-2", &["1", "2"], 1).unwrap_err().to_string(),
            "target -2 is out of range: it goes 1 revision(s) below base"
        );
        assert!(resolve("9", &["1", "2"], 1).is_err());
    }

    fn target() -> impl Strategy<Value = Target> {
        prop_oneof![
            Just(Target::Head),
            Just(Target::Base),
            "[0-9][0-9-]{0,12}".prop_map(Target::Revision),
            (-50i64..50).prop_map(Target::Relative),
            ("[0-9][0-9]{0,12}", 0i64..50)
                .prop_map(|(prefix, steps)| Target::RevisionRelative { prefix, steps }),
        ]
    }

    proptest! {
        #[test]
        fn printing_then_parsing_round_trips(original in target()) {
            prop_assert_eq!(original.to_string().parse::<Target>().unwrap(), original);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in "\\PC{0,20}") {
            let _ = text.parse::<Target>();
        }

        #[test]
        fn relative_targets_stay_in_range_or_fail(count in 0usize..20, current in 0usize..20, steps in -30i64..30) {
            let current = current.min(count);
            let list: Vec<RevisionId> = (1..=count).map(|n| n.to_string().parse().unwrap()).collect();
            match Target::Relative(steps).resolve(&list, current) {
                Ok(position) => {
                    prop_assert!(position <= count);
                    prop_assert_eq!(position as i64, current as i64 + steps);
                }
                Err(TargetError::OutOfRange { .. }) => {
                    let position = current as i64 + steps;
                    prop_assert!(position < 0 || position > count as i64);
                }
                Err(other) => prop_assert!(false, "unexpected {other}"),
            }
        }
    }
}
