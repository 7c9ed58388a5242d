//! `verify --base REF`: what a branch does to the migrations that exist on its base.
//! Pure: both histories come in as plain data.

use std::fmt;

use super::history::History;
use super::revision_id::RevisionId;

/// A change to the base's history that must not merge.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BaseFinding {
    /// A migration merged on the base was edited.
    Edited { id: String, file: String },
    /// A migration merged on the base is gone.
    Deleted { id: String },
    /// A new migration sorts below the base's newest, so databases already at the base's
    /// head would have to run it out of order.
    BelowBase { id: String, newest: String },
}

impl fmt::Display for BaseFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Edited { id, file } => write!(
                f,
                "revision {id} exists on the base and was edited ({file}); add a new revision instead"
            ),
            Self::Deleted { id } => write!(
                f,
                "revision {id} exists on the base and was deleted; add a new revision that undoes it instead"
            ),
            Self::BelowBase { id, newest } => write!(
                f,
                "new revision {id} sorts below the base's newest revision {newest}; give it an id above (`migrate create` makes one)"
            ),
        }
    }
}

/// Compares the branch's history with the base's.
pub fn compare_with_base(base: &History, branch: &History) -> Vec<BaseFinding> {
    let mut findings = Vec::new();
    for old in base.revisions() {
        match branch.find(&old.id) {
            None => findings.push(BaseFinding::Deleted {
                id: old.id.to_string(),
            }),
            Some(new) => {
                let down = |r: &super::revision::Revision| r.down.as_ref().map(|d| d.checksum());
                if new.up.checksum() != old.up.checksum() {
                    findings.push(BaseFinding::Edited {
                        id: old.id.to_string(),
                        file: new.up.origin.clone(),
                    });
                } else if down(new) != down(old) {
                    let file = new
                        .down
                        .as_ref()
                        .map_or_else(|| "down".into(), |d| d.origin.clone());
                    findings.push(BaseFinding::Edited {
                        id: old.id.to_string(),
                        file,
                    });
                }
            }
        }
    }
    if let Some(newest) = base.head().map(|head| &head.id) {
        let below: Vec<&RevisionId> = branch
            .revisions()
            .iter()
            .map(|r| &r.id)
            .filter(|id| base.find(id).is_none() && branch.order().lt(id, newest))
            .collect();
        findings.extend(below.into_iter().map(|id| BaseFinding::BelowBase {
            id: id.to_string(),
            newest: newest.to_string(),
        }));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Script;
    use crate::core::history::tests::revision;

    fn history(ids: &[&str]) -> History {
        History::new(ids.iter().map(|id| revision(id)).collect()).unwrap()
    }

    #[test]
    fn new_revisions_above_the_base_are_fine() {
        assert!(compare_with_base(&history(&["1", "2"]), &history(&["1", "2", "3"])).is_empty());
    }

    #[test]
    fn edits_deletions_and_forks_below_the_base_are_found() {
        let base = history(&["1", "2", "5"]);
        let mut revisions = history(&["1", "3", "5"]).revisions().to_vec();
        revisions[0].down = Some(Script::new("1/down.sql", "drop table t1 cascade;").unwrap());
        let branch = History::new(revisions).unwrap();
        let findings: Vec<String> = compare_with_base(&base, &branch)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            findings,
            [
                "revision 1 exists on the base and was edited (1/down.sql); add a new revision instead",
                "revision 2 exists on the base and was deleted; add a new revision that undoes it instead",
                "new revision 3 sorts below the base's newest revision 5; give it an id above (`migrate create` makes one)",
            ]
        );
    }
}
