//! Walking two sides' maps together, and the one way a list of names is shown. Pure.

use std::collections::{BTreeMap, BTreeSet};

use super::finding::Side;

/// What a name stands for on each side.
pub(crate) enum Pair<'a, T> {
    Only(Side, &'a T),
    Both(&'a T, &'a T),
}

/// Every key of either map, in order, with what each side holds under it.
pub(crate) fn pairs<'a, K: Ord, T>(
    sqlite: &'a BTreeMap<K, T>,
    postgres: &'a BTreeMap<K, T>,
) -> Vec<(&'a K, Pair<'a, T>)> {
    let keys: BTreeSet<&K> = sqlite.keys().chain(postgres.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let pair = match (sqlite.get(key), postgres.get(key)) {
                (Some(a), Some(b)) => Pair::Both(a, b),
                (Some(a), None) => Pair::Only(Side::Sqlite, a),
                (None, Some(b)) => Pair::Only(Side::Postgres, b),
                (None, None) => return None,
            };
            Some((key, pair))
        })
        .collect()
}

/// `(a, b)`.
pub(crate) fn list(names: &[String]) -> String {
    format!("({})", names.join(", "))
}
