//! How the model's maps serialize to JSON (`schema --format json`). Pure.

use serde::{Serialize, Serializer};

/// Serializes a map as the array of its values, since JSON keys must be strings.
pub(crate) fn values<'a, M, K: 'a, V: Serialize + 'a, S: Serializer>(
    map: &'a M,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    &'a M: IntoIterator<Item = (&'a K, &'a V)>,
{
    serializer.collect_seq(map.into_iter().map(|(_, value)| value))
}
