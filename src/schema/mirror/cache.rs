//! The reduced form of each table and index, kept between comparisons: verify's
//! snapshots share every object a revision did not touch (the same `Arc`), so along a
//! history only what a revision changed is reduced again. Pure.

use std::collections::HashMap;
use std::sync::Arc;

use super::super::table::{Index, Table};
use super::reduced::{LogicalIndex, LogicalTable};

/// One side's reductions, by the object they were made from.
#[derive(Default)]
pub struct Projections {
    tables: Entries<Table, LogicalTable>,
    indexes: Entries<Index, LogicalIndex>,
}

/// Entries by the address of the object; each holds the object itself, so the address
/// cannot be reused by another while the entry lives, and whether the last comparison
/// used it.
struct Entries<T, R> {
    map: HashMap<usize, (Arc<T>, Arc<R>, bool)>,
}

impl<T, R> Default for Entries<T, R> {
    fn default() -> Self {
        Self {
            map: HashMap::new(),
        }
    }
}

impl<T, R> Entries<T, R> {
    fn get(&mut self, object: &Arc<T>, reduce: impl FnOnce() -> R) -> Arc<R> {
        let address = Arc::as_ptr(object) as usize;
        let entry = self
            .map
            .entry(address)
            .or_insert_with(|| (Arc::clone(object), Arc::new(reduce()), false));
        entry.2 = true;
        Arc::clone(&entry.1)
    }

    fn sweep(&mut self) {
        self.map.retain(|_, entry| std::mem::take(&mut entry.2));
    }
}

impl Projections {
    pub(crate) fn table(
        &mut self,
        table: &Arc<Table>,
        reduce: impl FnOnce() -> LogicalTable,
    ) -> Arc<LogicalTable> {
        self.tables.get(table, reduce)
    }

    pub(crate) fn index(
        &mut self,
        index: &Arc<Index>,
        reduce: impl FnOnce() -> LogicalIndex,
    ) -> Arc<LogicalIndex> {
        self.indexes.get(index, reduce)
    }

    /// Forgets what the last comparison did not use: objects gone from the schema.
    pub(crate) fn sweep(&mut self) {
        self.tables.sweep();
        self.indexes.sweep();
    }
}
