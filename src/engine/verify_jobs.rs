//! How many shards `verify` checks at once when not told (`--jobs auto`). On PostgreSQL
//! the server does a walk's work, one backend process per connection: shards on scratch
//! databases of their own use the machine's cores (a 1,000-revision history in about 60%
//! of one walk's time on two cores). On SQLite the work is the schema's, reparsed after
//! each DDL statement and growing with it, so the later shards are the slow ones and one
//! walk is faster (measured: 3.2 s against 4.4 s in two shards). Each shard replays the
//! revisions before its slice and, on PostgreSQL, creates a database (150-200 ms), which a
//! short history does not earn back.

use super::verify_options::VerifyOptions;
use crate::backend::Dialect;

/// The fewest revisions a walk is split at.
pub const SPLIT_FROM: usize = 200;

/// The most shards at once: past four, replaying the revisions before each slice costs
/// more than the slices save.
const MOST_JOBS: usize = 4;

/// How many shards to check `revisions` revisions in at once, on a machine with `cores`
/// cores: one, unless the database is PostgreSQL and the history long enough. A walk that
/// starts from a revision (`--from`) or carries state from one revision to the next (the
/// rows of `--data`, the locks of `--locks`) is not split.
pub fn auto_jobs(
    dialect: Dialect,
    revisions: usize,
    options: &VerifyOptions,
    cores: usize,
) -> usize {
    let carried = options.from.is_some() || options.data.is_some() || options.locks;
    if dialect != Dialect::Postgres || carried || revisions < SPLIT_FROM {
        return 1;
    }
    cores.clamp(1, MOST_JOBS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::DataOptions;

    #[test]
    fn a_long_postgres_history_is_split_one_shard_a_core() {
        let options = VerifyOptions::default();
        assert_eq!(auto_jobs(Dialect::Postgres, 1000, &options, 2), 2);
        assert_eq!(
            auto_jobs(Dialect::Postgres, SPLIT_FROM, &options, 16),
            MOST_JOBS
        );
        assert_eq!(auto_jobs(Dialect::Postgres, 1000, &options, 1), 1);
        assert_eq!(auto_jobs(Dialect::Postgres, SPLIT_FROM - 1, &options, 2), 1);
        assert_eq!(auto_jobs(Dialect::Sqlite, 10_000, &options, 8), 1);
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
            assert_eq!(auto_jobs(Dialect::Postgres, 1000, &options, 4), 1);
        }
    }
}
