//! The ordered, linear history of revisions read from a migrations directory.
//! Pure: no I/O.

use super::applied::AppliedRevision;
use super::id_order::IdOrder;
use super::revision::Revision;
use super::revision_id::RevisionId;

/// Every revision, sorted by id in its tool's order, each id once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    revisions: Vec<Revision>,
    order: IdOrder,
}

/// Why a set of revisions is not a history.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    #[error("revision {id} is defined twice: {first} and {second}")]
    DuplicateId {
        id: RevisionId,
        first: String,
        second: String,
    },
}

impl History {
    /// Orders the revisions by id and checks that no id repeats.
    pub fn new(revisions: Vec<Revision>) -> Result<Self, HistoryError> {
        Self::ordered(revisions, IdOrder::Natural)
    }

    /// Orders the revisions by id in `order` and checks that no id repeats (two ids
    /// `order` holds equal are the same revision).
    pub fn ordered(mut revisions: Vec<Revision>, order: IdOrder) -> Result<Self, HistoryError> {
        revisions.sort_by(|a, b| order.cmp(&a.id, &b.id));
        if let Some(pair) = revisions
            .windows(2)
            .find(|pair| order.cmp(&pair[0].id, &pair[1].id).is_eq())
        {
            return Err(HistoryError::DuplicateId {
                id: pair[0].id.clone(),
                first: pair[0].up.origin.clone(),
                second: pair[1].up.origin.clone(),
            });
        }
        Ok(Self { revisions, order })
    }

    /// The order the revisions run in.
    pub fn order(&self) -> IdOrder {
        self.order
    }

    /// The revisions, oldest first.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The applied row that runs last in this history's order (`applied` need not be
    /// sorted): where the database is.
    pub fn newest_applied<'a>(
        &self,
        applied: &'a [AppliedRevision],
    ) -> Option<&'a AppliedRevision> {
        applied
            .iter()
            .max_by(|a, b| self.order.cmp(&a.id, &b.id).then_with(|| a.id.cmp(&b.id)))
    }

    /// The newest revision.
    pub fn head(&self) -> Option<&Revision> {
        self.revisions.last()
    }

    /// The revision with this exact id.
    pub fn find(&self, id: &RevisionId) -> Option<&Revision> {
        self.revisions
            .binary_search_by(|revision| self.order.cmp(&revision.id, id))
            .ok()
            .map(|index| &self.revisions[index])
            .filter(|revision| revision.id == *id)
    }

    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::Script;

    /// A revision with a trivial up and down, for tests of the pure core.
    pub(crate) fn revision(id: &str) -> Revision {
        Revision {
            id: id.parse().unwrap(),
            slug: format!("step_{id}"),
            up: Script::new(format!("{id}/up.sql"), format!("create table t{id} (a);")).unwrap(),
            down: Some(
                Script::new(format!("{id}/down.sql"), format!("drop table t{id};")).unwrap(),
            ),
        }
    }

    #[test]
    fn sorts_by_id() {
        let history = History::new(vec![revision("3"), revision("1"), revision("20")]).unwrap();
        let ids: Vec<_> = history
            .revisions()
            .iter()
            .map(|r| r.id.to_string())
            .collect();
        assert_eq!(ids, ["1", "3", "20"]);
        assert_eq!(history.head().unwrap().id.as_str(), "20");
        assert!(history.find(&"3".parse().unwrap()).is_some());
    }

    #[test]
    fn a_repeated_id_names_both_files() {
        let error = History::new(vec![revision("1"), revision("2"), revision("1")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "revision 1 is defined twice: 1/up.sql and 1/up.sql"
        );
    }
}
