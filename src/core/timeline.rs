//! The directory's revisions merged with the tracking table's rows, and the checks that
//! must pass before anything runs. Pure: no I/O.

use super::applied::AppliedRevision;
use super::checksum::ALGORITHM;
use super::history::History;
use super::revision::Revision;
use super::revision_id::RevisionId;

/// One place in the merged history.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    /// A revision of the directory, with its row when applied.
    Known {
        revision: &'a Revision,
        applied: Option<&'a AppliedRevision>,
    },
    /// A row of the tracking table whose revision is not in the directory (the usual case
    /// after switching git branches).
    Missing(&'a AppliedRevision),
}

impl<'a> Entry<'a> {
    pub fn id(&self) -> &'a RevisionId {
        match self {
            Self::Known { revision, .. } => &revision.id,
            Self::Missing(row) => &row.id,
        }
    }

    pub fn slug(&self) -> &'a str {
        match self {
            Self::Known { revision, .. } => &revision.slug,
            Self::Missing(row) => &row.slug,
        }
    }

    pub fn applied(&self) -> Option<&'a AppliedRevision> {
        match self {
            Self::Known { applied, .. } => *applied,
            Self::Missing(row) => Some(row),
        }
    }

    /// Whether the revision's up file differs from the text that was applied.
    pub fn is_changed(&self) -> bool {
        match self {
            Self::Known {
                revision,
                applied: Some(row),
            } => row.checksum_algorithm != ALGORITHM || row.up_checksum != revision.up.checksum(),
            _ => false,
        }
    }
}

/// The merged history, sorted by id.
#[derive(Debug, Clone)]
pub struct Timeline<'a> {
    pub entries: Vec<Entry<'a>>,
}

impl<'a> Timeline<'a> {
    /// Merges the directory's history with the applied rows (which need not be sorted).
    pub fn new(history: &'a History, applied: &'a [AppliedRevision]) -> Self {
        let order = history.order();
        let mut rows: Vec<&AppliedRevision> = applied.iter().collect();
        rows.sort_by(|a, b| order.cmp(&a.id, &b.id).then_with(|| a.id.cmp(&b.id)));
        let mut rows = rows.into_iter().peekable();
        let mut entries = Vec::with_capacity(history.len() + applied.len());
        for revision in history.revisions() {
            while let Some(row) = rows.next_if(|row| order.lt(&row.id, &revision.id)) {
                entries.push(Entry::Missing(row));
            }
            let applied = rows.next_if(|row| row.id == revision.id);
            entries.push(Entry::Known { revision, applied });
        }
        entries.extend(rows.map(Entry::Missing));
        Self { entries }
    }

    /// The ids, oldest first, as targets resolve against them.
    pub fn ids(&self) -> Vec<RevisionId> {
        self.entries
            .iter()
            .map(|entry| entry.id().clone())
            .collect()
    }

    /// How many entries lie at or below the newest applied one.
    pub fn current(&self) -> usize {
        self.entries
            .iter()
            .rposition(|entry| entry.applied().is_some())
            .map_or(0, |index| index + 1)
    }

    /// Pending revisions that sort below an applied one.
    pub fn out_of_order(&self) -> Vec<&'a Revision> {
        self.entries[..self.current()]
            .iter()
            .filter_map(|entry| match entry {
                Entry::Known {
                    revision,
                    applied: None,
                } => Some(*revision),
                _ => None,
            })
            .collect()
    }

    /// Applied revisions whose folder is gone.
    pub fn missing(&self) -> Vec<&'a AppliedRevision> {
        self.entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Missing(row) => Some(*row),
                _ => None,
            })
            .collect()
    }

    /// Applied revisions whose up file changed since.
    pub fn changed(&self) -> Vec<(&'a Revision, &'a AppliedRevision)> {
        self.entries
            .iter()
            .filter(|entry| entry.is_changed())
            .filter_map(|entry| match entry {
                Entry::Known {
                    revision,
                    applied: Some(row),
                } => Some((*revision, *row)),
                _ => None,
            })
            .collect()
    }
}
