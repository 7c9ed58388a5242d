//! Where a throwaway PostgreSQL cluster keeps its files: in memory when the machine has
//! room there. `CREATE DATABASE` writes a file for every catalog table and index of the
//! template, a few hundred: 100-130 ms on a CI machine's disk, 13-25 ms in memory
//! (measured with `\timing` on PostgreSQL 15), and verify makes a database per run. The
//! cluster never outlives the run, so nothing is lost by keeping it off the disk.

use std::path::PathBuf;

/// Linux's shared-memory file system, a tmpfs on every common distribution.
#[cfg(target_os = "linux")]
const SHARED_MEMORY: &str = "/dev/shm";

/// The room a cluster may need: its catalogs, a database per verify job, and the WAL kept
/// between checkpoints (up to `max_wal_size`, 1 GiB by default). A container's
/// /dev/shm is 64 MiB unless raised: the disk is used then.
#[cfg(target_os = "linux")]
const ROOM_NEEDED: u64 = 2 << 30;

/// The folder to make a cluster's temp dir in: shared memory when it has the room, else
/// `None` (the usual temp dir).
#[cfg(target_os = "linux")]
pub(super) fn cluster_parent() -> Option<PathBuf> {
    let stat = rustix::fs::statvfs(SHARED_MEMORY).ok()?;
    let free = stat.f_bavail.saturating_mul(stat.f_frsize);
    (free >= ROOM_NEEDED).then(|| PathBuf::from(SHARED_MEMORY))
}

#[cfg(not(target_os = "linux"))]
pub(super) fn cluster_parent() -> Option<PathBuf> {
    None
}
