//! What `verify --mirror` found, as data: each set's walk, then the comparison of the two
//! sets at each revision both have and at head, with the allow list applied.

use serde::Serialize;

use super::verify_report::WalkReport;
use crate::schema::{DialectOnly, Side};

/// A difference the team accepts, from `[[mirror.allow]]` in migrate.toml: the object
/// whose difference starts at `revision` (or `head`), and why it is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllowEntry {
    pub revision: String,
    pub object: String,
    pub reason: String,
}

/// One difference, and the allow entry that accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgedFinding {
    pub object: String,
    pub message: String,
    /// The reason of the allow entry that accepts it; `None` fails the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
}

/// How the two sets compare at one revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MirrorStatus {
    /// Both sets have it and their schemas tell the same story.
    Same,
    /// Both sets have it and their schemas differ.
    Differs,
    /// Only one set has it.
    OneSide,
    /// Both have it, but one walk has no schema there (an up failed or was skipped).
    NotCompared,
}

/// The comparison at one revision (or at head).
#[derive(Debug, Clone, Serialize)]
pub struct MirrorRevision {
    /// The revision's id, or `head`.
    pub revision: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub slug: String,
    /// The sets that have it.
    pub sets: Vec<Side>,
    pub status: MirrorStatus,
    /// At a revision: the differences that start there (those of the revision before are
    /// not repeated). At head: every difference.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<JudgedFinding>,
    /// Why it was not compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl MirrorRevision {
    /// `20240101000002_add_api_key`, or `head`.
    pub fn label(&self) -> String {
        if self.slug.is_empty() {
            self.revision.clone()
        } else {
            format!("{}_{}", self.revision, self.slug)
        }
    }

    /// Whether a difference here fails the run.
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|f| f.allowed.is_none())
    }
}

/// The two sets compared.
#[derive(Debug, Clone, Serialize)]
pub struct MirrorComparison {
    /// Every revision of either set in id order, then `head`.
    pub revisions: Vec<MirrorRevision>,
    /// At head: objects one dialect has that are listed, not compared.
    pub dialect_only: Vec<DialectOnly>,
    /// Allow entries that matched no difference: no longer needed, so they fail the run.
    pub stale: Vec<AllowEntry>,
    /// The time the comparison took, beside the walks it builds on.
    pub duration_ms: u128,
}

impl MirrorComparison {
    /// Whether the sets drift apart: a difference not allowed, or a stale allow entry.
    pub fn fails(&self) -> bool {
        !self.stale.is_empty() || self.revisions.iter().any(MirrorRevision::fails)
    }
}

/// Whether the comparison ran.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MirrorOutcome {
    Compared(MirrorComparison),
    /// The PostgreSQL half could not run: the SQLite walk stands alone.
    Skipped {
        reason: String,
    },
}

/// `verify --mirror`: each set's walk and their comparison.
#[derive(Debug, Clone)]
pub struct MirrorReport {
    pub sqlite: WalkReport,
    /// `None` when no PostgreSQL was to be had.
    pub postgres: Option<WalkReport>,
    pub outcome: MirrorOutcome,
}
