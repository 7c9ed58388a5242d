//! The last few schema snapshots of one connection, by a fingerprint of what defines them.
//!
//! A SQLite schema is nothing but the text in `sqlite_schema`: equal text, equal schema.
//! verify snapshots a database after an up, after its down (usually back to the schema
//! before the up) and after the up again (usually the schema after the first up), so two
//! of every three snapshots are found here and cost one cheap query instead of a full
//! introspection.

use std::collections::VecDeque;

use crate::core::Checksum;
use crate::schema::Schema;

/// How many snapshots to keep: before, after up, and a spare.
const KEPT: usize = 4;

#[derive(Default)]
pub struct SnapshotCache {
    entries: VecDeque<(Checksum, Schema)>,
}

impl SnapshotCache {
    /// The snapshot with this fingerprint, or `take`'s, which is then kept.
    pub fn get_or_take<E>(
        &mut self,
        fingerprint: Checksum,
        take: impl FnOnce() -> Result<Schema, E>,
    ) -> Result<Schema, E> {
        if let Some((_, schema)) = self.entries.iter().find(|(key, _)| *key == fingerprint) {
            return Ok(schema.clone());
        }
        let schema = take()?;
        if self.entries.len() == KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back((fingerprint, schema.clone()));
        Ok(schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_fingerprint_skips_the_snapshot() {
        let mut cache = SnapshotCache::default();
        let key = Checksum::of_text("a");
        let taken = cache
            .get_or_take(key, || Ok::<_, ()>(Schema::default()))
            .unwrap();
        let again = cache
            .get_or_take(key, || -> Result<Schema, ()> { panic!("taken twice") })
            .unwrap();
        assert_eq!(taken, again);
        for n in 0..KEPT {
            let _ = cache.get_or_take(Checksum::of_text(&n.to_string()), || {
                Ok::<_, ()>(Schema::default())
            });
        }
        let mut retaken = false;
        let _ = cache.get_or_take(key, || {
            retaken = true;
            Ok::<_, ()>(Schema::default())
        });
        assert!(retaken, "the oldest entry was dropped");
    }
}
