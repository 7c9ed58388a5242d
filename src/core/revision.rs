//! One revision: an id, a slug, an up script and perhaps a down script.
//! Pure: no I/O.

use super::revision_id::RevisionId;
use super::script::Script;

/// A revision of the schema as read from the migrations directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: RevisionId,
    /// The words after the id, such as `create_users`.
    pub slug: String,
    pub up: Script,
    /// `None` when the revision has no down file.
    pub down: Option<Script>,
}

impl Revision {
    /// The down script, unless the revision has none or marks it `-- migrate:irreversible`.
    pub fn reversible_down(&self) -> Option<&Script> {
        self.down
            .as_ref()
            .filter(|down| !down.directives.irreversible)
    }

    /// The slug as a message, `create_users` as `create users`.
    pub fn message(&self) -> String {
        self.slug.replace('_', " ")
    }
}
