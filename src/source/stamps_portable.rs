//! Where `stamps.rs` (ctime and inodes through rustix) does not build, every platform but
//! Unix: nothing is stamped, so the directory is read on every run.

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

/// As on Unix.
pub(crate) const SETTLED: Duration = Duration::from_secs(3);

/// What changed later than this, for a reading taken at `now`, cannot be vouched for
/// (see [`SETTLED`]).
pub fn settled_before(now: SystemTime) -> Option<SystemTime> {
    now.checked_sub(SETTLED)
}

/// Never made here: without a ctime that every write moves, a file edited and given
/// back its size and mtime could not be told from the one read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamps {}

impl Stamps {
    pub(crate) fn read(_root: &Path, _settled_before: SystemTime) -> Option<Self> {
        None
    }

    pub(crate) fn unchanged(&self, _root: &Path) -> bool {
        false
    }
}

/// Never made here, for the same reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {}

impl Stamp {
    pub(crate) fn of_open(_file: &std::fs::File) -> Option<Self> {
        None
    }

    pub(crate) fn settled_file(_path: &Path, _settled_before: SystemTime) -> Option<Self> {
        None
    }
}
