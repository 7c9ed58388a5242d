//! Other tools' versions against our revision ids: equal as numbers (`1` is `000001`), and
//! Flyway's order, for its baseline. Pure: no I/O.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::revision::Revision;

/// Our revisions by their ids as numbers (`1` is `000001`; `1.1` is `1.01`), the ids'
/// dashes dropped first for diesel; built once, so matching a long history stays linear.
pub struct VersionIndex {
    by_key: BTreeMap<Vec<String>, usize>,
}

impl VersionIndex {
    /// Indexes `revisions` (oldest first); `drop_dashes` for diesel's versions.
    pub fn new(revisions: &[Revision], drop_dashes: bool) -> Self {
        let mut by_key = BTreeMap::new();
        for (index, revision) in revisions.iter().enumerate().rev() {
            let id = revision.id.as_str();
            let key = if drop_dashes {
                version_key(&id.replace('-', ""))
            } else {
                version_key(id)
            };
            // Iterating backwards leaves the oldest revision for a key that repeats.
            by_key.insert(key, index);
        }
        Self { by_key }
    }

    /// The index of the revision whose id is `version` as a number.
    pub fn find(&self, version: &str) -> Option<usize> {
        let key = version_key(version);
        if key.is_empty() {
            return None;
        }
        self.by_key.get(&key).copied()
    }
}

/// The runs of digits of a version, leading zeros dropped, so equal numbers compare equal.
pub(super) fn version_key(version: &str) -> Vec<String> {
    version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .map(|run| match run.trim_start_matches('0') {
            "" => "0".to_owned(),
            digits => digits.to_owned(),
        })
        .collect()
}

/// Whether `id` is at or below Flyway's `baseline` version in Flyway's order: the runs of
/// digits compare as numbers, a missing run counts as 0 (`1` and `1.0` are the same
/// version), which is how Flyway decides what a baseline stands for.
pub fn at_or_below(id: &str, baseline: &str) -> bool {
    let (id, baseline) = (version_key(id), version_key(baseline));
    let zero = "0".to_owned();
    let parts = id.len().max(baseline.len());
    for at in 0..parts {
        let a = id.get(at).unwrap_or(&zero);
        let b = baseline.get(at).unwrap_or(&zero);
        match a.len().cmp(&b.len()).then_with(|| a.cmp(b)) {
            Ordering::Equal => continue,
            unequal => return unequal == Ordering::Less,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn flyway_order() {
        assert!(at_or_below("1", "1"));
        assert!(at_or_below("1.0", "1"));
        assert!(at_or_below("000003", "3"));
        assert!(at_or_below("2.9", "2.10"));
        assert!(!at_or_below("2.10", "2.9"));
        assert!(!at_or_below("4", "3.99"));
        assert!(at_or_below("20240101090000", "20240102000000"));
    }

    proptest! {
        #[test]
        fn matches_the_numbers(a in proptest::collection::vec(0u32..1000, 1..4), b in proptest::collection::vec(0u32..1000, 1..4)) {
            let text = |parts: &[u32]| parts.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
            let padded = |parts: &[u32]| {
                let mut parts = parts.to_vec();
                parts.resize(4, 0);
                parts
            };
            prop_assert_eq!(at_or_below(&text(&a), &text(&b)), padded(&a) <= padded(&b));
        }
    }
}
