//! Tools that run their files in the order of the files' names (Atlas, Prisma, shared
//! prefixes): the ids we give their revisions must sort the same way, or the history
//! would run in another order than the tool's. Where they cannot, the folder is refused.

use std::path::PathBuf;

use crate::core::{IdOrder, RevisionId};
use crate::source::error::SourceError;

/// One revision: its id, the name the tool sorts it by, and the path users see.
pub struct Named {
    pub id: RevisionId,
    pub name: String,
    pub path: PathBuf,
}

/// Refuses revisions that `order` would run in another order than their names sort in.
pub fn check(mut named: Vec<Named>, order: IdOrder, tool: &str) -> Result<(), SourceError> {
    named.sort_by(|a, b| a.name.cmp(&b.name));
    for pair in named.windows(2) {
        let [before, after] = pair else { continue };
        if !order.lt(&before.id, &after.id) {
            return Err(SourceError::BadName {
                path: after.path.clone(),
                reason: format!(
                    "{tool} runs files in the order of their names, so this runs after {}, but its version {} does not sort after {}; give the files names and versions that agree",
                    before.path.display(),
                    after.id,
                    before.id
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(id: &str, name: &str) -> Named {
        Named {
            id: id.parse().unwrap(),
            name: name.into(),
            path: name.into(),
        }
    }

    #[test]
    fn names_and_ids_that_agree_pass() {
        let items = vec![named("10", "10_b.sql"), named("09", "09_a.sql")];
        assert!(check(items, IdOrder::Natural, "Atlas").is_ok());
    }

    #[test]
    fn names_that_sort_against_the_ids_are_refused() {
        let items = vec![named("9", "9_a.sql"), named("10", "10_b.sql")];
        let error = check(items, IdOrder::Natural, "Atlas").unwrap_err();
        assert!(
            error.to_string().starts_with("9_a.sql: Atlas runs files"),
            "{error}"
        );
    }
}
