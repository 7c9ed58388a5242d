//! What `verify` found, as data: a verdict per revision, each with the structural diff
//! behind it. Findings are data; an `Err` from verify means the harness could not run.

use serde::{Deserialize, Serialize};

use crate::schema::Finding;

/// How one revision fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Up, down and up again, each leaving the schema it should.
    Ok,
    /// No down, or a down marked `-- migrate:irreversible`: only the up was checked.
    Irreversible,
    UpFailed,
    /// `verify --data`: the up failed on the seeded rows and passes on empty tables (a
    /// unique index or NOT NULL they violate): what a production database with rows
    /// would do. The walk goes on from the up applied to empty tables.
    FailsOnExistingData,
    DownFailed,
    /// The down ran but left a schema other than the one before the up.
    DownMismatch,
    ReupFailed,
    /// The second up left a schema other than the first.
    ReupMismatch,
    /// Not checked: an earlier up failed, so this revision had nothing to stand on.
    Skipped,
    /// Applied once without checks (before `--from`).
    Unchecked,
}

impl Status {
    /// Whether this verdict fails the run; `irreversible` does under `--strict`. A skipped
    /// revision does not: the up that failed before it already does.
    pub fn fails(self, strict: bool) -> bool {
        match self {
            Self::Ok | Self::Unchecked | Self::Skipped => false,
            Self::Irreversible => strict,
            _ => true,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Irreversible => "irreversible",
            Self::UpFailed => "up_failed",
            Self::FailsOnExistingData => "fails_on_existing_data",
            Self::DownFailed => "down_failed",
            Self::DownMismatch => "down_mismatch",
            Self::ReupFailed => "reup_failed",
            Self::ReupMismatch => "reup_mismatch",
            Self::Skipped => "skipped",
            Self::Unchecked => "unchecked",
        }
    }
}

/// How a quick check (PostgreSQL, see the README's "Quick checks") judged a revision's
/// down, with no snapshot after either up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuickCheck {
    /// The database proved the down left every object as it was before the up.
    Proved,
    /// The schema was read after the down and compared with the one before the up.
    Read,
}

/// The verdict on one revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionVerdict {
    pub id: String,
    pub slug: String,
    pub status: Status,
    /// What went wrong, in words (the database's error, or what the diff means).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The structural difference behind a mismatch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diff: Vec<Finding>,
    /// Differences that do not fail the run (a column back at another position).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Finding>,
    /// The file at fault and the line, for CI annotations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// `verify --data`: the tables not seeded before this revision's up, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_skipped: Vec<String>,
    /// `verify --data`: what the up deleted or changed of the seeded rows (it may mean
    /// to), one line per table, with an example row. Never fails the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_warnings: Vec<String>,
    /// `verify --locks`: the table locks the up and the down held just before commit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locks: Vec<StepLock>,
    /// How a quick check judged the down; none for the careful check (a snapshot after
    /// every step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick: Option<QuickCheck>,
}

/// A lock one step of a revision held (`verify --locks`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLock {
    /// `up` or `down`.
    pub step: String,
    /// The step's file, as shown to users.
    #[serde(default)]
    pub file: String,
    /// The line of the statement that took it (PostgreSQL); none for a whole-step lock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Empty for a statement whose locks were not observed.
    pub relation: String,
    /// A PostgreSQL lock mode, `write lock` (SQLite) or `not observed`.
    pub mode: String,
    /// What the mode keeps other sessions from doing.
    pub blocks: String,
    /// How long it was held: from the start of the statement that took it to the commit.
    #[serde(default)]
    pub held_ms: u64,
}

/// The walk over every revision on one backend.
#[derive(Debug, Clone, Serialize)]
pub struct WalkReport {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Where the scratch databases came from.
    pub source: String,
    pub revisions: Vec<RevisionVerdict>,
    /// The schema once every revision is applied; `None` when an up failed.
    #[serde(skip)]
    pub head: Option<crate::schema::Schema>,
    pub duration_ms: u128,
}

impl WalkReport {
    /// How many verdicts have each status, for the summary line.
    pub fn count(&self, status: Status) -> usize {
        self.revisions.iter().filter(|v| v.status == status).count()
    }

    /// Whether any verdict fails the run.
    pub fn fails(&self, strict: bool) -> bool {
        self.revisions.iter().any(|v| v.status.fails(strict))
    }
}
