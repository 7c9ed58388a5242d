//! Snapshots and per-table models kept between snapshots of one SQLite connection.
//!
//! A SQLite schema is nothing but the text in `sqlite_schema`: equal text, equal schema,
//! so a snapshot whose text was seen lately is reused whole (verify's after-down and
//! after-re-up snapshots usually repeat an earlier one). And a table's model follows from
//! its own `CREATE TABLE` text and its indexes' texts (the pragmas read nothing else), so
//! a table whose texts are unchanged is not read again: after an up, only the tables it
//! touched are. verify's snapshots then cost what a revision changes, not what the
//! schema holds.
//!
//! Fingerprints are 128-bit SipHash-1-3: these keys never leave the process, and hashing
//! the whole schema's text at every snapshot with SHA-256 was a quarter of verify's time.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::Hasher as _;
use std::sync::Arc;

use siphasher::sip128::{Hasher128 as _, SipHasher13};

use crate::schema::{Index, Schema, Table};

/// A fingerprint of some texts.
pub(crate) type Fingerprint = u128;

/// The fingerprint of a sequence of texts, each length-prefixed so boundaries count.
pub(crate) fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Fingerprint {
    let mut hasher = SipHasher13::new();
    for part in parts {
        hasher.write_usize(part.len());
        hasher.write(part);
    }
    hasher.finish128().as_u128()
}

/// How many whole snapshots to keep: before, after up, and a spare.
const SNAPSHOTS_KEPT: usize = 4;

/// One table as built, with the indexes that belong to it.
#[derive(Debug, Clone)]
pub(crate) struct CachedTable {
    pub table: Arc<Table>,
    pub indexes: Vec<Arc<Index>>,
    /// The snapshot that last used it.
    used: u64,
}

/// Recent snapshots, and tables by a fingerprint of their texts.
#[derive(Debug, Default)]
pub struct TableCache {
    snapshots: VecDeque<(Fingerprint, Schema)>,
    tables: HashMap<Fingerprint, CachedTable>,
    /// Counts snapshots, to forget tables no recent snapshot used.
    snapshot: u64,
}

/// The fingerprint of a table: its name and text, and each of its indexes' names and texts
/// (sorted by name, as `sqlite_schema` is read).
pub(crate) fn table_key(name: &str, sql: &str, indexes: &[(&str, &str)]) -> Fingerprint {
    let texts = indexes
        .iter()
        .flat_map(|(index, text)| [index.as_bytes(), text.as_bytes()]);
    fingerprint([name.as_bytes(), sql.as_bytes()].into_iter().chain(texts))
}

impl TableCache {
    /// A snapshot taken lately of a schema with this fingerprint.
    pub(crate) fn snapshot(&self, key: Fingerprint) -> Option<Schema> {
        self.snapshots
            .iter()
            .find(|(seen, _)| *seen == key)
            .map(|(_, schema)| schema.clone())
    }

    /// Keeps a snapshot for later.
    pub(crate) fn keep_snapshot(&mut self, key: Fingerprint, schema: &Schema) {
        if self.snapshots.len() == SNAPSHOTS_KEPT {
            self.snapshots.pop_front();
        }
        self.snapshots.push_back((key, schema.clone()));
    }

    /// Starts a snapshot.
    pub(crate) fn begin(&mut self) {
        self.snapshot += 1;
    }

    pub(crate) fn contains(&self, key: &Fingerprint) -> bool {
        self.tables.contains_key(key)
    }

    pub(crate) fn insert(&mut self, key: Fingerprint, table: Arc<Table>, indexes: Vec<Arc<Index>>) {
        let used = self.snapshot;
        self.tables.insert(
            key,
            CachedTable {
                table,
                indexes,
                used,
            },
        );
    }

    /// The table with this key, marked as used by the current snapshot.
    pub(crate) fn take(&mut self, key: &Fingerprint) -> Option<&CachedTable> {
        let snapshot = self.snapshot;
        self.tables.get_mut(key).map(|entry| {
            entry.used = snapshot;
            &*entry
        })
    }

    /// Forgets tables the last two snapshots did not use: verify goes back and forth
    /// between two states (before and after a revision), and both stay warm.
    pub(crate) fn prune(&mut self) {
        let keep_from = self.snapshot.saturating_sub(1);
        self.tables.retain(|_, entry| entry.used >= keep_from);
    }
}

/// Indexes of `sqlite_schema` grouped by table: (index name, text), sorted by name.
pub(crate) fn indexes_by_table<'a>(
    objects: impl Iterator<Item = (&'a str, &'a str, &'a str, &'a str)>,
) -> BTreeMap<&'a str, Vec<(&'a str, &'a str)>> {
    let mut grouped: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (kind, name, table, sql) in objects {
        if kind == "index" {
            grouped.entry(table).or_default().push((name, sql));
        }
    }
    for indexes in grouped.values_mut() {
        indexes.sort_unstable();
    }
    grouped
}
