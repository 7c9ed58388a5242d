//! A lock a step's transaction held just before it committed (`verify --locks`), and what
//! each PostgreSQL table lock mode keeps other sessions from doing.

use serde::{Deserialize, Serialize};

/// One lock on one relation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HeldLock {
    /// The table (or `database` for SQLite's whole-file write lock).
    pub relation: String,
    /// PostgreSQL's mode name (`AccessExclusiveLock`), or `write lock`.
    pub mode: String,
}

impl HeldLock {
    /// What other sessions cannot do while this lock is held, in words.
    pub fn blocks(&self) -> &'static str {
        match self.mode.as_str() {
            "AccessExclusiveLock" => "blocks reads and writes",
            "ExclusiveLock" => "blocks writes and locking reads",
            "ShareRowExclusiveLock" | "ShareLock" => "blocks writes",
            "ShareUpdateExclusiveLock" => "blocks schema changes and VACUUM",
            "RowExclusiveLock" => "blocks CREATE INDEX and schema changes",
            "RowShareLock" => "blocks exclusive locks only",
            "AccessShareLock" => "blocks only ALTER/DROP of the table",
            "write lock" => "blocks other writers for the step's duration",
            _ => "blocks what PostgreSQL's documentation lists for this mode",
        }
    }
}

impl std::fmt::Display for HeldLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {}: {}", self.mode, self.relation, self.blocks())
    }
}
