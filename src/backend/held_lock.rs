//! A lock a step's transaction held just before it committed (`verify --locks`): which
//! statement took it and for how long it was held, and what each PostgreSQL table lock
//! mode keeps other sessions from doing.

use serde::{Deserialize, Serialize};

/// One lock on one relation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HeldLock {
    /// The table (or `database` for SQLite's whole-file write lock).
    pub relation: String,
    /// PostgreSQL's mode name (`AccessExclusiveLock`), `write lock`, or [`NOT_OBSERVED`].
    pub mode: String,
    /// The line (1-based, in the step's file) of the statement that took it; `None` when
    /// the lock is the whole step's (SQLite).
    pub line: Option<usize>,
    /// From the start of the statement that took it to the end of its transaction: the
    /// step's commit, or the statement's own end outside a transaction.
    pub held_ms: u64,
}

/// The mode of a statement whose locks could not be read: it ran outside a transaction,
/// being one PostgreSQL refuses to run inside one (`CREATE INDEX CONCURRENTLY`, `VACUUM`)
/// or in a file that opens and ends transactions of its own.
pub const NOT_OBSERVED: &str = "not observed";

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
            NOT_OBSERVED => {
                "the statement runs outside any transaction, where its locks cannot be read"
            }
            _ => "blocks what PostgreSQL's documentation lists for this mode",
        }
    }
}

impl std::fmt::Display for HeldLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {}: {}", self.mode, self.relation, self.blocks())
    }
}
