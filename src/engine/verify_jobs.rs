//! How many shards `verify` checks at once when not told (`--jobs auto`): one per core,
//! each on scratch databases of its own. On PostgreSQL the server does a walk's work in
//! one backend process per connection (1,000 generated revisions on 2 cores: 2.6-2.7 s
//! against 4.2-4.6 s in one walk); on SQLite the work is in this process, a thread per
//! shard (2.4-3.1 s against 2.9-3.5 s: the later shard replays the revisions before its
//! slice and works on a larger schema, whose every ALTER SQLite checks whole). Each shard
//! replays the revisions before its slice and, on PostgreSQL, makes a database: 15-25 ms
//! on a server kept in memory, 100-200 ms on one on disk, which only a longer history
//! earns back. So the split waits for as many revisions as the provider's database
//! costs (measured: see `Provider::database_cost`).

use std::time::Duration;

use super::verify_options::VerifyOptions;

/// The fewest revisions a walk is split at, however cheap a database: below it a shard's
/// thread, connection and replay cost what it saves (20 generated revisions on 2 cores,
/// each backend: even; 50: 0.22 s against 0.20 s on PostgreSQL in memory, 39 ms against
/// 26 ms on SQLite; 100: 0.36 s against 0.30 s, 87 ms against 65 ms).
pub const SPLIT_FROM: usize = 20;

/// Revisions a split needs for each second a database costs: a shard saves about a third
/// of the walk of each revision it takes over (it replays the ups before its slice),
/// about 0.7 ms a revision on PostgreSQL. Databases of 150 ms (on disk) split from 225
/// revisions, as measured; of 15 ms (in memory), from `SPLIT_FROM`.
const REVISIONS_PER_DATABASE_SECOND: u128 = 1500;

/// The most shards at once: past four, replaying the revisions before each slice costs
/// more than the slices save.
const MOST_JOBS: usize = 4;

/// How many shards to check `revisions` revisions in at once, on a machine with `cores`
/// cores, where a database costs `database_cost`: one per core when the history is long
/// enough to earn the shards' databases back. A walk that starts from a revision
/// (`--from`) or carries state from one revision to the next (the rows of `--data`, the
/// locks of `--locks`) is not split.
pub fn auto_jobs(
    revisions: usize,
    options: &VerifyOptions,
    cores: usize,
    database_cost: Duration,
) -> usize {
    let carried = options.from.is_some() || options.data.is_some() || options.locks;
    let earned =
        revisions as u128 * 1_000_000 >= database_cost.as_micros() * REVISIONS_PER_DATABASE_SECOND;
    if carried || revisions < SPLIT_FROM || !earned {
        return 1;
    }
    cores.clamp(1, MOST_JOBS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::DataOptions;

    const FREE: Duration = Duration::ZERO;

    #[test]
    fn a_long_history_is_split_one_shard_a_core() {
        let options = VerifyOptions::default();
        assert_eq!(auto_jobs(1000, &options, 2, FREE), 2);
        assert_eq!(auto_jobs(SPLIT_FROM, &options, 16, FREE), MOST_JOBS);
        assert_eq!(auto_jobs(1000, &options, 1, FREE), 1);
        assert_eq!(auto_jobs(SPLIT_FROM - 1, &options, 2, FREE), 1);
    }

    #[test]
    fn a_costly_database_waits_for_a_longer_history() {
        let options = VerifyOptions::default();
        let on_disk = Duration::from_millis(150);
        assert_eq!(auto_jobs(224, &options, 2, on_disk), 1);
        assert_eq!(auto_jobs(225, &options, 2, on_disk), 2);
        let in_memory = Duration::from_millis(15);
        assert_eq!(auto_jobs(100, &options, 2, in_memory), 2);
        assert_eq!(auto_jobs(22, &options, 2, in_memory), 1);
    }

    #[test]
    fn a_walk_that_carries_state_is_not_split() {
        let from = VerifyOptions {
            from: Some("20240101000000".parse().unwrap()),
            ..VerifyOptions::default()
        };
        let data = VerifyOptions {
            data: Some(DataOptions { seed: 0, rows: 3 }),
            ..VerifyOptions::default()
        };
        let locks = VerifyOptions {
            locks: true,
            ..VerifyOptions::default()
        };
        for options in [from, data, locks] {
            assert_eq!(auto_jobs(1000, &options, 4, FREE), 1);
        }
    }
}
