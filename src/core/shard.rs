//! `K/N`: one of N contiguous slices of a history, for `verify --shard` on a CI matrix.
//! Pure: no I/O.
//!
//! The slices partition the history in order and differ in size by at most one revision;
//! the larger ones come last, so the last shard, the one that reaches head, is never empty
//! unless the history is.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// Shard `index` of `count`, 1-based: `2/4` is the second quarter of the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    index: usize,
    count: usize,
}

/// A `K/N` that does not name a shard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("{text:?} is not a shard: expected K/N, such as 2/4")]
    NotAFraction { text: String },
    #[error("{text:?} in {shard:?} is not a whole number")]
    NotANumber { shard: String, text: String },
    #[error("a history cannot be split into 0 shards")]
    NoShards,
    #[error("shard {index} of {count} does not exist: K counts from 1 to {count}")]
    OutOfRange { index: usize, count: usize },
}

impl Shard {
    /// Shard `index` (1-based) of `count`.
    pub fn new(index: usize, count: usize) -> Result<Self, ShardError> {
        if count == 0 {
            return Err(ShardError::NoShards);
        }
        if index == 0 || index > count {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Self { index, count })
    }

    /// Every shard of a split into `count`, in order (none when `count` is 0).
    pub fn all(count: usize) -> impl Iterator<Item = Self> {
        (1..=count).map(move |index| Self { index, count })
    }

    /// K, from 1.
    pub fn index(self) -> usize {
        self.index
    }

    /// N.
    pub fn count(self) -> usize {
        self.count
    }

    /// The first shard: the one that reports the checks made once per run.
    pub fn is_first(self) -> bool {
        self.index == 1
    }

    /// The last shard: the one whose walk reaches head.
    pub fn is_last(self) -> bool {
        self.index == self.count
    }

    /// The positions of this shard's revisions in a history of `len`.
    pub fn slice(self, len: usize) -> Range<usize> {
        start(self.index - 1, self.count, len)..start(self.index, self.count, len)
    }
}

/// Where slice `before` (0-based) of `count` starts: ⌊before·len/count⌋, in 128 bits so
/// that no history length can overflow it.
fn start(before: usize, count: usize, len: usize) -> usize {
    let at = before as u128 * len as u128 / count as u128;
    // at ≤ len, which is a usize.
    usize::try_from(at).unwrap_or(len)
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let shard = text.trim();
        let (index, count) = shard
            .split_once('/')
            .ok_or_else(|| ShardError::NotAFraction {
                text: text.to_owned(),
            })?;
        let number = |part: &str| {
            let part = part.trim();
            part.parse::<usize>()
                .ok()
                .filter(|_| part.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| ShardError::NotANumber {
                    shard: shard.to_owned(),
                    text: part.to_owned(),
                })
        };
        Self::new(number(index)?, number(count)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_refuses_with_a_reason() {
        assert_eq!("2/4".parse(), Shard::new(2, 4));
        assert_eq!(" 1 / 1 ".parse(), Shard::new(1, 1));
        assert_eq!(
            "0/4".parse::<Shard>(),
            Err(ShardError::OutOfRange { index: 0, count: 4 })
        );
        assert_eq!(
            "5/4".parse::<Shard>(),
            Err(ShardError::OutOfRange { index: 5, count: 4 })
        );
        assert_eq!("1/0".parse::<Shard>(), Err(ShardError::NoShards));
        assert!(matches!(
            "2".parse::<Shard>(),
            Err(ShardError::NotAFraction { .. })
        ));
        assert!(matches!(
            "+2/4".parse::<Shard>(),
            Err(ShardError::NotANumber { .. })
        ));
        assert!(matches!(
            "2/4/8".parse::<Shard>(),
            Err(ShardError::NotANumber { .. })
        ));
    }

    #[test]
    fn ten_revisions_in_four_shards() {
        let slices: Vec<Range<usize>> = Shard::all(4).map(|shard| shard.slice(10)).collect();
        assert_eq!(slices, [0..2, 2..5, 5..7, 7..10]);
    }

    #[test]
    fn more_shards_than_revisions_leaves_the_last_one_at_head() {
        let slices: Vec<Range<usize>> = Shard::all(4).map(|shard| shard.slice(2)).collect();
        assert_eq!(slices, [0..0, 0..1, 1..1, 1..2]);
    }

    fn shard() -> impl Strategy<Value = Shard> {
        (1usize..1000)
            .prop_flat_map(|count| (1..=count, Just(count)))
            .prop_map(|(index, count)| Shard { index, count })
    }

    proptest! {
        #[test]
        fn printing_then_parsing_round_trips(original in shard()) {
            prop_assert_eq!(original.to_string().parse::<Shard>(), Ok(original));
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in "\\PC{0,12}") {
            let _ = text.parse::<Shard>();
        }

        #[test]
        fn a_parsed_shard_is_in_range(index in 0usize..50, count in 0usize..50) {
            match format!("{index}/{count}").parse::<Shard>() {
                Ok(shard) => prop_assert!(1 <= shard.index() && shard.index() <= shard.count()),
                Err(_) => prop_assert!(index == 0 || index > count),
            }
        }

        #[test]
        fn the_slices_partition_the_history_in_order(len in 0usize..2000, count in 1usize..64) {
            let slices: Vec<Range<usize>> = Shard::all(count).map(|shard| shard.slice(len)).collect();
            prop_assert_eq!(slices.len(), count);
            let mut next = 0;
            for slice in &slices {
                prop_assert_eq!(slice.start, next);
                next = slice.end;
            }
            prop_assert_eq!(next, len);
            let sizes = slices.iter().map(ExactSizeIterator::len);
            let (small, large) = (sizes.clone().min().unwrap_or(0), sizes.max().unwrap_or(0));
            prop_assert!(large - small <= 1, "sizes {small}..{large}");
            if len > 0 {
                prop_assert!(!slices[count - 1].is_empty(), "the last shard reaches head");
            }
        }
    }
}
