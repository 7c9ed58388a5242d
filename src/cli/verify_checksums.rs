//! What verify says of the sum file: verified, absent, or edited since `migrate hash`.
//! A run in shards checks it once, in the first shard.

use std::fmt;

use migrate::source::{SourceError, SumState};
use serde::{Deserialize, Serialize};

/// How the sum file compares with the migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecksumStatus {
    Verified,
    Absent,
    Mismatch,
    /// Left to another shard.
    NotChecked,
}

impl fmt::Display for ChecksumStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Verified => "verified",
            Self::Absent => "absent",
            Self::Mismatch => "mismatch",
            Self::NotChecked => "not_checked",
        })
    }
}

/// What the sum file says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChecksumCheck {
    pub status: ChecksumStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ChecksumCheck {
    pub fn from_state(state: SumState) -> Self {
        match state {
            SumState::Verified => Self {
                status: ChecksumStatus::Verified,
                detail: None,
            },
            SumState::Absent | SumState::Unchecked => Self {
                status: ChecksumStatus::Absent,
                detail: Some("no migrate.sum: run `migrate hash` and commit it, so edits to merged migrations are caught".into()),
            },
        }
    }

    pub fn mismatch(error: &SourceError) -> Self {
        let help = error
            .help()
            .map_or_else(String::new, |help| format!(" ({help})"));
        Self {
            status: ChecksumStatus::Mismatch,
            detail: Some(format!("{error}{help}")),
        }
    }

    /// A shard other than the first: the first one reports the sum file.
    pub fn in_first_shard() -> Self {
        Self {
            status: ChecksumStatus::NotChecked,
            detail: Some("the first shard checks the sum file".into()),
        }
    }

    /// Whether this fails the run; a missing sum file does under `--strict`.
    pub fn fails(&self, strict: bool) -> bool {
        match self.status {
            ChecksumStatus::Mismatch => true,
            ChecksumStatus::Absent => strict,
            ChecksumStatus::Verified | ChecksumStatus::NotChecked => false,
        }
    }
}
