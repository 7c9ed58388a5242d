//! What one SQLite connection remembers between snapshots.
//!
//! A SQLite schema is nothing but the text in `sqlite_schema`: equal text, equal schema.
//! So the cache keeps the rows as last read with the schema built from them (the next
//! snapshot rebuilds only the objects whose rows changed), and the last few snapshots by a
//! fingerprint of all the rows (verify's after-down and after-re-up snapshots usually
//! repeat an earlier one, and a repeated snapshot shares its maps, which diff skips).

use std::collections::VecDeque;
use std::sync::Arc;

use super::fingerprint::Fingerprint;
use super::objects::ObjectRow;
use crate::schema::Schema;

/// The fingerprint of a whole schema: the sum of its rows' fingerprints, so that it costs
/// an addition per row and does not depend on the rows' order (a table dropped and created
/// again comes back at another rowid).
fn fingerprint_of_rows(rows: &[Arc<ObjectRow>]) -> Fingerprint {
    rows.iter()
        .fold(0, |sum: Fingerprint, row| sum.wrapping_add(row.fingerprint))
}

/// How many whole snapshots to keep: before, after up, and a spare.
const SNAPSHOTS_KEPT: usize = 4;

/// The rows of `sqlite_schema` as last read, the schema built from them, and recent
/// snapshots.
#[derive(Debug, Default)]
pub struct SnapshotCache {
    /// The introspection options the rest was read with.
    options: String,
    rows: Vec<Arc<ObjectRow>>,
    schema: Schema,
    /// Least recently used first.
    snapshots: VecDeque<(Fingerprint, Schema)>,
}

impl SnapshotCache {
    /// Forgets everything unless it was read with these options.
    pub(crate) fn read_with(&mut self, options: String) {
        if self.options != options {
            *self = Self {
                options,
                ..Self::default()
            };
        }
    }

    /// The rows as last read, in rowid order.
    pub(crate) fn rows(&self) -> &[Arc<ObjectRow>] {
        &self.rows
    }

    /// The schema built from [`Self::rows`].
    pub(crate) fn schema(&self) -> &Schema {
        &self.schema
    }

    /// A recent snapshot of exactly these rows.
    pub(crate) fn snapshot_of(&mut self, rows: &[Arc<ObjectRow>]) -> Option<Schema> {
        let key = fingerprint_of_rows(rows);
        let at = self.snapshots.iter().position(|(seen, _)| *seen == key)?;
        let hit = self.snapshots.remove(at)?;
        let schema = hit.1.clone();
        self.snapshots.push_back(hit);
        Some(schema)
    }

    /// Remembers `schema` as built from `rows`, the latest reading.
    pub(crate) fn remember(&mut self, rows: Vec<Arc<ObjectRow>>, schema: &Schema) {
        let key = fingerprint_of_rows(&rows);
        self.snapshots.retain(|(seen, _)| *seen != key);
        if self.snapshots.len() == SNAPSHOTS_KEPT {
            self.snapshots.pop_front();
        }
        self.snapshots.push_back((key, schema.clone()));
        self.rows = rows;
        self.schema = schema.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(texts: &[(&str, &str)]) -> Vec<Arc<ObjectRow>> {
        (1..)
            .zip(texts)
            .map(|(rowid, (name, sql))| Arc::new(ObjectRow::new(rowid, "table", name, name, sql)))
            .collect()
    }

    fn schema_named(view: &str) -> Schema {
        let mut schema = Schema::default();
        let name = crate::schema::QualifiedName::bare(view);
        let view = crate::schema::View {
            name: name.clone(),
            materialized: false,
            columns: Vec::new(),
            definition: String::new(),
            comment: None,
        };
        schema.views.insert(name, view.into());
        schema
    }

    #[test]
    fn a_snapshot_is_found_by_its_rows_whatever_their_order() {
        let mut cache = SnapshotCache::default();
        let before = rows(&[("a", "CREATE TABLE a (x)"), ("b", "CREATE TABLE b (y)")]);
        cache.remember(before, &schema_named("before"));
        let reordered = rows(&[("b", "CREATE TABLE b (y)"), ("a", "CREATE TABLE a (x)")]);
        assert_eq!(cache.snapshot_of(&reordered), Some(schema_named("before")));
        let edited = rows(&[("a", "CREATE TABLE a (x, z)"), ("b", "CREATE TABLE b (y)")]);
        assert_eq!(cache.snapshot_of(&edited), None);
    }

    #[test]
    fn the_least_recently_used_snapshot_is_forgotten_first() {
        let mut cache = SnapshotCache::default();
        let states: Vec<_> = (0..=SNAPSHOTS_KEPT)
            .map(|n| rows(&[("t", &format!("CREATE TABLE t (c{n})"))]))
            .collect();
        for state in &states[..SNAPSHOTS_KEPT] {
            cache.remember(state.clone(), &Schema::default());
        }
        assert!(
            cache.snapshot_of(&states[0]).is_some(),
            "used again: now the newest"
        );
        cache.remember(states[SNAPSHOTS_KEPT].clone(), &Schema::default());
        assert!(cache.snapshot_of(&states[0]).is_some());
        assert!(
            cache.snapshot_of(&states[1]).is_none(),
            "the least recently used went"
        );
    }

    #[test]
    fn other_options_forget_everything() {
        let mut cache = SnapshotCache::default();
        cache.read_with("first".into());
        let state = rows(&[("t", "CREATE TABLE t (a)")]);
        cache.remember(state.clone(), &schema_named("v"));
        cache.read_with("first".into());
        assert_eq!(cache.rows().len(), 1);
        cache.read_with("second".into());
        assert!(cache.rows().is_empty() && cache.schema() == &Schema::default());
        assert_eq!(cache.snapshot_of(&state), None);
    }
}
