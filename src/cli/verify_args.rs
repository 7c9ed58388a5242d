//! The command line of `verify`, `snapshot` and `mirror`, as clap parses it: the scratch
//! databases, the checks and reports of a walk, and where a mirror's two sets are.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Subcommand, ValueEnum};
use migrate::core::Shard;

use super::output_format::Format;

/// Which databases verify and snapshot use.
#[derive(Debug, Args)]
pub struct VerifyDatabases {
    /// sqlite, postgres or all [default: all that are available; SQLite always is]
    #[arg(long, value_enum)]
    pub backend: Option<BackendChoice>,
    /// A PostgreSQL server to create (and drop) scratch databases on; the database it
    /// names is never touched [default: --database-url when it is PostgreSQL]
    #[arg(long, value_name = "URL")]
    pub postgres_url: Option<String>,
    /// The image for PostgreSQL under Docker, tried when no URL is given (before the local
    /// PostgreSQL binaries)
    // The value stays out of --help: it is this machine's, not what the help teaches.
    #[arg(
        long,
        value_name = "IMAGE",
        env = "MIGRATE_POSTGRES_IMAGE",
        hide_env_values = true
    )]
    pub postgres_image: Option<String>,
}

/// `--jobs`: a number of shards, or `auto` (see `engine::auto_jobs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jobs {
    Auto,
    Count(NonZeroUsize),
}

impl FromStr for Jobs {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim().eq_ignore_ascii_case("auto") {
            return Ok(Self::Auto);
        }
        text.trim()
            .parse()
            .map(Self::Count)
            .map_err(|_| format!("`{text}` is neither a number of jobs (1 or more) nor `auto`"))
    }
}

/// `--backend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
    Sqlite,
    Postgres,
    All,
}

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub databases: VerifyDatabases,
    /// Fail on irreversible revisions, and on a missing sum file or snapshot
    #[arg(long)]
    pub strict: bool,
    /// Fail when a column comes back at another position (a warning otherwise)
    #[arg(long)]
    pub strict_column_order: bool,
    /// Fill every table with generated rows before each up and fail a down that loses or
    /// changes them [default: `data` in migrate.toml, else off]
    #[arg(long)]
    pub data: bool,
    /// Record the table locks each up and down holds just before it commits, with what
    /// they block (PostgreSQL; SQLite reports its whole-database write lock)
    #[arg(long)]
    pub locks: bool,
    /// Read the schema after every step of every revision, even where the database vouches
    /// for what a step did without it (PostgreSQL: see "Quick checks" in the README)
    #[arg(long)]
    pub read_every_step: bool,
    /// The seed of --data's rows, printed in the report; the same seed writes the same rows
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Check from this revision on; earlier ones are applied once, unchecked
    #[arg(long, value_name = "ID")]
    pub from: Option<String>,
    /// Check only shard K of N (e.g. 2/4, one per CI job): the revisions before its slice
    /// are applied once, unchecked; put the shards' reports together with --merge-reports
    #[arg(long, value_name = "K/N", conflicts_with_all = ["from", "jobs"])]
    pub shard: Option<Shard>,
    /// Check the history in N shards at once, each on scratch databases of its own, and
    /// report as one run would. auto: from 200 revisions, one shard per core (at most 4);
    /// with --data or --locks, one walk [default: auto]
    #[arg(long, value_name = "N|auto", conflicts_with = "from")]
    pub jobs: Option<Jobs>,
    /// Put the JSON reports of every shard (--shard with --report) back together, and
    /// report and exit as one run would. Nothing is run
    #[arg(
        long,
        value_name = "FILE",
        num_args = 1..,
        conflicts_with_all = [
            "from", "shard", "jobs", "update_snapshots", "base", "strict_column_order",
            "backend", "postgres_url",
        ]
    )]
    pub merge_reports: Vec<PathBuf>,
    /// Also write the JSON report here
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write the schema snapshots instead of comparing with them
    #[arg(long)]
    pub update_snapshots: bool,
    /// Also write a JUnit XML report here, for CI systems that read one
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also fail when the branch edits or deletes a migration of this git ref, or adds one
    /// below its newest (e.g. origin/main)
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Verify a mirror: the SQLite set on SQLite and the PostgreSQL set on PostgreSQL, then
    /// compare their schemas at each revision both have and at head (exit 1 on drift)
    #[arg(long, conflicts_with_all = ["backend", "base"])]
    pub mirror: bool,
    #[command(flatten)]
    pub mirror_dirs: MirrorDirs,
    /// human or json
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Where a mirror's sets are, over `[mirror]` in migrate.toml.
#[derive(Debug, Args)]
pub struct MirrorDirs {
    /// The SQLite set's folder [default: `sqlite` under [mirror] in migrate.toml]
    #[arg(long, value_name = "DIR")]
    pub sqlite_dir: Option<PathBuf>,
    /// The PostgreSQL set's folder [default: `postgres` under [mirror] in migrate.toml]
    #[arg(long, value_name = "DIR")]
    pub postgres_dir: Option<PathBuf>,
}

/// `migrate mirror …`.
#[derive(Debug, Subcommand)]
pub enum MirrorCommand {
    /// Which revisions each set has, side by side; exit 1 when one set has a revision the
    /// other lacks
    Status {
        #[command(flatten)]
        dirs: MirrorDirs,
        /// human or json
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}
