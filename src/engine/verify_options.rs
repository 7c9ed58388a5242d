//! What a verify walk is asked to do: where it starts and stops, how strictly it
//! compares, what it reads, and the checks beyond the schema (`--data`, `--locks`).

use super::data_check::DataOptions;
use crate::backend::VersionTable;
use crate::core::RevisionId;
use crate::schema::IntrospectOptions;

/// How to verify.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Start checking at this revision; earlier ones are applied once, unchecked.
    pub from: Option<RevisionId>,
    /// Stop after checking this revision (`verify --shard`): later ones are neither
    /// applied nor judged, and the walk has no schema at head.
    pub to: Option<RevisionId>,
    /// A column back at another position fails the revision instead of warning.
    pub strict_column_order: bool,
    pub introspect: IntrospectOptions,
    pub table: VersionTable,
    /// `verify --data`: seed every table before each up and prove the down keeps the rows.
    pub data: Option<DataOptions>,
    /// `verify --locks`: record the table locks each up and down holds before commit.
    pub locks: bool,
    /// `verify --read-every-step`: read the schema after every step (the careful check),
    /// even where the database proves a down undid its up without reading it (see
    /// `verify_quick`). Comparing histories sets it, for each revision's schema.
    pub read_every_step: bool,
    /// The caller has no use for the schema at head (no snapshot to compare it with): the
    /// walk leaves it unread, and its report's `head` is `None` as after a failed up.
    pub skip_head: bool,
}
