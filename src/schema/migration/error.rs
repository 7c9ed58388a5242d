//! Why the planner refuses to write a migration. Pure.

use super::rename::RenameCandidate;

/// A migration the planner will not write: the caller resolves it or finishes by hand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationPlanError {
    /// A dropped and an added object of the same shape: a rename, or a drop and an add.
    #[error("{} possible rename(s): {}\nhelp: say which with --rename OLD=NEW (e.g. --rename {}), or --no-rename to drop and add", candidates.len(), list(candidates), candidates.first().map(|c| c.flag()).unwrap_or_default())]
    UnresolvedRenames { candidates: Vec<RenameCandidate> },
    /// A `--rename` that names no dropped object and added object of the same kind.
    #[error(
        "--rename {spec}: no dropped {kind} `{from}` and added `{to}` to pair\nhelp: name the object as it is at head on the left and as schema.sql has it on the right"
    )]
    UnknownRename {
        spec: String,
        kind: &'static str,
        from: String,
        to: String,
    },
    /// A change the planner cannot express yet.
    #[error(
        "cannot write this change: {what}; nothing written\nhelp: write this part by hand with `migrate create` (without --autogenerate)"
    )]
    Unsupported { what: String },
}

fn list(candidates: &[RenameCandidate]) -> String {
    let names: Vec<String> = candidates.iter().map(|c| c.flag()).collect();
    names.join(", ")
}
