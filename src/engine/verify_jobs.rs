//! How many shards `verify` checks at once when not told (`--jobs auto`): one per core,
//! each on scratch databases of its own. On PostgreSQL the server does a walk's work in
//! one backend process per connection (1,000 generated revisions on 2 cores: 2.6-2.7 s
//! against 4.2-4.6 s in one walk); on SQLite the work is in this process, a thread per
//! shard (2.4-3.1 s against 2.9-3.5 s: the later shard replays the revisions before its
//! slice and works on a larger schema, whose every ALTER SQLite checks whole). Each shard
//! replays the revisions before its slice and, on PostgreSQL, creates a database
//! (150-200 ms), which a short history does not earn back.

use super::verify_options::VerifyOptions;

/// The fewest revisions a walk is split at.
pub const SPLIT_FROM: usize = 200;

/// The most shards at once: past four, replaying the revisions before each slice costs
/// more than the slices save.
const MOST_JOBS: usize = 4;

/// How many shards to check `revisions` revisions in at once, on a machine with `cores`
/// cores: one per core when the history is long enough. A walk that starts from a
/// revision (`--from`) or carries state from one revision to the next (the rows of
/// `--data`, the locks of `--locks`) is not split.
pub fn auto_jobs(revisions: usize, options: &VerifyOptions, cores: usize) -> usize {
    let carried = options.from.is_some() || options.data.is_some() || options.locks;
    if carried || revisions < SPLIT_FROM {
        return 1;
    }
    cores.clamp(1, MOST_JOBS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::DataOptions;

    #[test]
    fn a_long_history_is_split_one_shard_a_core() {
        let options = VerifyOptions::default();
        assert_eq!(auto_jobs(1000, &options, 2), 2);
        assert_eq!(auto_jobs(SPLIT_FROM, &options, 16), MOST_JOBS);
        assert_eq!(auto_jobs(1000, &options, 1), 1);
        assert_eq!(auto_jobs(SPLIT_FROM - 1, &options, 2), 1);
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
            assert_eq!(auto_jobs(1000, &options, 4), 1);
        }
    }
}
