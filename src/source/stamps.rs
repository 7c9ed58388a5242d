//! What the file system says about every folder and file below a migrations directory
//! (size, times, inode), so that a later run can tell, from `stat` alone, that nothing
//! there changed since the directory was read.
//!
//! The guarantee is the one git's index gives, with git's protection against "racy"
//! timestamps made stricter: the kernel sets a file's ctime on every write, rename or
//! `utimes` (a tool that puts an old mtime back cannot put the old ctime back), and a
//! folder's ctime whenever an entry is added, removed or renamed in it. A reading is only
//! kept if every ctime in it is older than the reading itself by more than
//! [`SETTLED`]: a file written while (or just before) it was read may show the same
//! times before and after the write, since file system clocks tick coarsely; a file
//! written later shows a later ctime.

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags, Stat};
use serde::{Deserialize, Serialize};

/// How much older than a reading every ctime must be for the reading to be kept: more
/// than a tick of the coarsest clock a file system stamps with (FAT: 2 s).
pub(crate) const SETTLED: Duration = Duration::from_secs(3);

/// What changed later than this, for a reading taken at `now`, cannot be vouched for
/// (see [`SETTLED`]).
pub fn settled_before(now: SystemTime) -> Option<SystemTime> {
    now.checked_sub(SETTLED)
}

/// One folder or file, by its path relative to the root (`""`: the root itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub(crate) path: String,
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    inode: u64,
    device: u64,
}

impl Stamp {
    // `allow`, not `expect`: the fields' types differ between Unix platforms, so the casts
    // are needed on some and idle here.
    #[allow(
        clippy::unnecessary_cast,
        reason = "stat field types differ between platforms"
    )]
    fn of(path: String, stat: &Stat) -> Self {
        Self {
            path,
            size: stat.st_size as u64,
            mtime_ns: nanoseconds(stat.st_mtime as i64, stat.st_mtime_nsec as i64),
            ctime_ns: nanoseconds(stat.st_ctime as i64, stat.st_ctime_nsec as i64),
            inode: stat.st_ino as u64,
            device: stat.st_dev as u64,
        }
    }
}

impl Stamp {
    /// An open file: which write of which file it is (a file replaced by a rename is
    /// another inode).
    pub(crate) fn of_open(file: &std::fs::File) -> Option<Self> {
        Some(Self::of(String::new(), &rustix::fs::fstat(file).ok()?))
    }

    /// The file at `path` (through links), if its ctime is before `settled_before` (see
    /// [`SETTLED`]).
    pub(crate) fn settled_file(path: &Path, settled_before: SystemTime) -> Option<Self> {
        let limit = nanoseconds_since_epoch(settled_before)?;
        let stamp = Self::of(String::new(), &rustix::fs::stat(path).ok()?);
        (stamp.ctime_ns < limit).then_some(stamp)
    }
}

/// `time` as a ctime is compared with it.
fn nanoseconds_since_epoch(time: SystemTime) -> Option<i128> {
    i128::try_from(time.duration_since(UNIX_EPOCH).ok()?.as_nanos()).ok()
}

fn nanoseconds(seconds: i64, nanos: i64) -> i128 {
    i128::from(seconds) * 1_000_000_000 + i128::from(nanos)
}

/// Every folder and file below a root (hidden ones left out, as the reader leaves them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamps {
    /// The root first, then in path order.
    entries: Vec<Stamp>,
}

impl Stamps {
    /// Stamps everything below `root`, or `None` when something there changed too
    /// recently (after `settled_before`) to be vouched for later, or cannot be read.
    pub(crate) fn read(root: &Path, settled_before: SystemTime) -> Option<Self> {
        let limit = nanoseconds_since_epoch(settled_before)?;
        let root_fd = open_dir(CWD, root).ok()?;
        let mut entries = vec![Stamp::of(String::new(), &rustix::fs::fstat(&root_fd).ok()?)];
        let mut pending = vec![String::new()];
        while let Some(relative) = pending.pop() {
            list(root_fd.as_fd(), &relative, &mut entries, &mut pending).ok()?;
        }
        if entries.iter().any(|entry| entry.ctime_ns >= limit) {
            return None;
        }
        entries[1..].sort_unstable_by(|a, b| a.path.cmp(&b.path));
        Some(Self { entries })
    }

    /// Whether every folder and file is as it was stamped. Any folder that gained, lost
    /// or renamed an entry has a new ctime, so the entries themselves need no listing.
    pub(crate) fn unchanged(&self, root: &Path) -> bool {
        let Ok(root_fd) = open_dir(CWD, root) else {
            return false;
        };
        let Some((root_stamp, rest)) = self.entries.split_first() else {
            return false;
        };
        let same_root = rustix::fs::fstat(&root_fd)
            .is_ok_and(|stat| Stamp::of(String::new(), &stat) == *root_stamp);
        if !same_root {
            return false;
        }
        // A `stat` is a system call (2 µs in a VM): a long history's thousands of them go
        // on two threads.
        if rest.len() < PARALLEL_FROM {
            return all_unchanged(&root_fd, rest);
        }
        let (first, second) = rest.split_at(rest.len() / 2);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| all_unchanged(&root_fd, second));
            let mine = all_unchanged(&root_fd, first);
            other.join().is_ok_and(|theirs| theirs && mine)
        })
    }
}

/// From how many entries stamping them again is shared between two threads.
const PARALLEL_FROM: usize = 512;

/// Whether every entry below `root` is as stamped.
fn all_unchanged(root: &OwnedFd, entries: &[Stamp]) -> bool {
    entries.iter().all(|entry| {
        rustix::fs::statat(root, entry.path.as_str(), AtFlags::empty())
            .is_ok_and(|stat| Stamp::of(entry.path.clone(), &stat) == *entry)
    })
}

/// Stamps the entries of the folder at `relative` and adds its subfolders to `pending`.
/// Entries are stamped through their links, as the reader opens them.
fn list(
    root: impl AsFd,
    relative: &str,
    entries: &mut Vec<Stamp>,
    pending: &mut Vec<String>,
) -> std::io::Result<()> {
    let fd = open_dir(&root, if relative.is_empty() { "." } else { relative })?;
    let mut dir = Dir::new(fd)?;
    while let Some(entry) = dir.read() {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = if relative.is_empty() {
            name.into_owned()
        } else {
            format!("{relative}/{name}")
        };
        let stat = rustix::fs::statat(&root, path.as_str(), AtFlags::empty())?;
        if FileType::from_raw_mode(stat.st_mode) == FileType::Directory {
            pending.push(path.clone());
        }
        entries.push(Stamp::of(path, &stat));
    }
    Ok(())
}

fn open_dir(parent: impl AsFd, path: impl rustix::path::Arg) -> std::io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    Ok(rustix::fs::openat(parent, path, flags, Mode::empty())?)
}

#[cfg(test)]
#[path = "stamps_tests.rs"]
mod tests;
