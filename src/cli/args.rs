//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use migrate::core::{IgnoredChars, Tool};

pub use super::output_format::{Format, FormatArgs};
use super::verify_args::{MirrorCommand, VerifyArgs, VerifyDatabases};

/// Database schema migrations for SQLite and PostgreSQL: run them, and prove in CI that
/// every one goes up, comes back down and goes up again.
///
/// Migrations live in folders `migrations/<id>_<slug>/up.sql` and `down.sql`. The database
/// comes from --database-url, else $DATABASE_URL, else migrate.toml, else
/// sqlite://migrate.db. DATABASE_URL is also read from a .env file in the working
/// directory, as sqlx-cli and diesel do (a set environment variable wins).
#[derive(Debug, Parser)]
#[command(name = "migrate", version, propagate_version = true)]
#[command(after_help = "Examples:
  migrate init                          start a project: migrations/, migrate.sum, migrate.toml
  migrate create \"add email to users\"   a new revision; write its up.sql and down.sql, then `migrate hash`
  migrate upgrade                       apply every pending revision (`upgrade +1`, `upgrade 20240107`)
  migrate downgrade                     revert the newest revision (`downgrade base`, `downgrade -2`)
  migrate upgrade --backup              back the database up first; `migrate restore PATH` puts it back
  migrate verify --strict               the CI gate: every revision up, down and up again

Exit codes: 0 success; 1 the database or the migrations are wrong \
(pending, changed, failed); 2 usage, configuration or connection error.")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: CommandArgs,
}

/// Where the desired schema is, and how to read renames in it.
#[derive(Debug, Args)]
pub struct DesiredArgs {
    /// The desired schema: CREATE statements in the backend's dialect [default: schema.sql,
    /// or `schema_file` in migrate.toml]
    #[arg(long, value_name = "FILE")]
    pub schema_file: Option<PathBuf>,
    /// A dropped and an added object that are one renamed: `old=new` (a table) or
    /// `table.old=table.new` (a column); repeat for more
    #[arg(long = "rename", value_name = "OLD=NEW")]
    pub renames: Vec<String>,
    /// Every dropped and added object of the same shape is a drop and an add
    #[arg(long, conflicts_with = "renames")]
    pub no_rename: bool,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The migrations directory [default: migrations, or `dir` in migrate.toml]
    #[arg(long, global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// sqlite://PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DB
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// The migration files' layout: migrate (= diesel), sqlx, golang-migrate, dbmate, flyway,
    /// refinery, goose, popx, flyway-dotted, shared-prefix, atlas or prisma [default:
    /// recognised from the files, or `layout` in migrate.toml]
    #[arg(long, global = true, value_name = "LAYOUT")]
    pub layout: Option<String>,
    /// The tracking table [default: migrate_history, or `table` in migrate.toml]
    #[arg(long, global = true, value_name = "NAME")]
    pub table: Option<String>,
    /// The schema of the tracking table on PostgreSQL [default: public, or `schema` in
    /// migrate.toml]
    #[arg(long, global = true, value_name = "SCHEMA")]
    pub schema: Option<String>,
    /// PostgreSQL: cancel a migration statement that runs longer than this
    /// [default: the server's, or `statement_timeout` in migrate.toml]
    #[arg(long, global = true, value_name = "SECONDS")]
    pub statement_timeout: Option<f64>,
    /// PostgreSQL: fail a migration statement that waits longer than this for a table lock,
    /// rather than queue every query on that table behind it [default: the server's, or
    /// `db_lock_timeout` in migrate.toml]
    #[arg(long, global = true, value_name = "SECONDS")]
    pub db_lock_timeout: Option<f64>,
    /// The configuration file
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        default_value = "migrate.toml"
    )]
    pub config: PathBuf,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum CommandArgs {
    /// Create the migrations directory, an empty sum file and a commented migrate.toml
    Init,
    /// Create a new revision folder with empty up.sql and down.sql
    #[command(visible_alias = "revision")]
    Create {
        /// What the revision does, e.g. "add email to users"
        message: String,
        /// Write up.sql and down.sql from the desired schema file, proven on scratch
        /// databases before anything is written
        #[arg(long)]
        autogenerate: bool,
        /// With --autogenerate: write the revision into both sets of `[mirror]`, each from
        /// its own schema file (schema.sqlite.sql and schema.postgres.sql by default)
        #[arg(long, requires = "autogenerate", conflicts_with = "schema_file")]
        mirror: bool,
        #[command(flatten)]
        desired: DesiredArgs,
    },
    /// Apply pending revisions up to TARGET
    #[command(visible_alias = "up")]
    Upgrade(UpgradeArgs),
    /// Revert applied revisions down to TARGET
    #[command(visible_alias = "down")]
    Downgrade(DowngradeArgs),
    /// Show the revision the database is at
    Current(FormatArgs),
    /// List the revisions, newest first, marking the head and the current one
    History(FormatArgs),
    /// Show the newest revision of the directory
    Heads,
    /// Record the database as being at TARGET without running any SQL
    Stamp {
        /// head, base, an id or unique prefix, +N, -N or ID+N
        target: String,
        /// Print the steps instead of running them
        #[arg(long)]
        dry_run: bool,
    },
    /// Record as applied the revisions another tool applied (its tracking table is only read)
    Adopt(AdoptArgs),
    /// Show every revision as applied, pending, changed, missing or out of order
    Status(FormatArgs),
    /// Exit 1 unless every revision is applied and unchanged (for CI and deploy gates)
    Check(FormatArgs),
    /// Rewrite migrations/migrate.sum from the migration files
    Hash,
    /// Warn of operations dangerous on a busy production database (long locks, table
    /// rewrites, renames and drops the running release still uses), with the safe pattern
    Lint(LintArgs),
    /// The CI gate: every revision up, down and up again on scratch databases, comparing
    /// schemas; plus the sum file and the committed schema snapshots
    Verify(VerifyArgs),
    /// A mirror's two sets (SQLite and PostgreSQL) side by side, running nothing
    Mirror {
        #[command(subcommand)]
        command: MirrorCommand,
    },
    /// Write the schema at head to the committed snapshot files (schema/<backend>.sql)
    Snapshot {
        #[command(flatten)]
        databases: VerifyDatabases,
    },
    /// Print the database's schema: every table, column, index, view, function... sorted
    Schema(FormatArgs),
    /// Compare the schemas of two databases; exit 1 when they differ
    Diff {
        /// The database that has the expected schema
        #[arg(required_unless_present = "to")]
        expected: Option<String>,
        /// The database to compare with it
        #[arg(required_unless_present = "to")]
        actual: Option<String>,
        /// Print what `create --autogenerate` would write to reach this schema file; exit 1
        /// when the migrations' head differs from it
        #[arg(long, value_name = "FILE", conflicts_with_all = ["expected", "actual"])]
        to: Option<PathBuf>,
        #[command(flatten)]
        desired: DesiredArgs,
        /// human or json
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Restore a backup `upgrade --backup` wrote: SQLite in place, with the lock held;
    /// PostgreSQL: print the pg_restore command
    Restore {
        /// The backup file
        path: PathBuf,
        /// Give up waiting for another migrate process after this many seconds
        #[arg(long, value_name = "SECONDS")]
        lock_timeout: Option<f64>,
    },
    /// Clear the dirty mark a failed no-transaction script left, once the database is fixed
    Repair {
        /// The dirty revision (`migrate status` lists them)
        revision: String,
        /// Run only the statements after the last one that succeeded, then record the revision
        #[arg(long)]
        resume: bool,
    },
    /// Print a shell completion script: `migrate completions bash > /etc/bash_completion.d/migrate`
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

/// Arguments of `upgrade`.
#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// head, base, an id or unique prefix, +N, -N or ID+N
    #[arg(default_value = "head", allow_hyphen_values = true)]
    pub target: String,
    #[command(flatten)]
    pub run: RunArgs,
    /// Back the database up before the first pending revision runs (none when nothing is
    /// pending): SQLite with VACUUM INTO, PostgreSQL with pg_dump --format=custom. PATH is
    /// a file, or a folder for a name of its own [default: beside the SQLite database, or
    /// the working directory; `backup = true` in migrate.toml backs up every upgrade].
    /// Put TARGET before it, or write --backup=PATH
    #[arg(long, value_name = "PATH", num_args = 0..=1)]
    pub backup: Option<Option<PathBuf>>,
}

/// Arguments of `downgrade`.
#[derive(Debug, Args)]
pub struct DowngradeArgs {
    /// head, base, an id or unique prefix, +N, -N or ID+N
    #[arg(default_value = "-1", allow_hyphen_values = true)]
    pub target: String,
    #[command(flatten)]
    pub run: RunArgs,
    /// Revert applied revisions whose folders are gone with the down SQL stored when they
    /// were applied (after switching git branches)
    #[arg(long)]
    pub use_stored_down: bool,
}

/// How upgrade and downgrade run.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Print the SQL that would run, tracking statements included, and run nothing
    #[arg(long, conflicts_with = "dry_run")]
    pub sql: bool,
    /// List the steps that would run, and run nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Run although an applied revision's file changed since it was applied
    #[arg(long)]
    pub allow_changed: bool,
    /// Give up waiting for another migrate process, or for another connection's lock on a
    /// SQLite database, after this many seconds [default: forever; 30 s for SQLite's lock]
    #[arg(long, value_name = "SECONDS")]
    pub lock_timeout: Option<f64>,
}

/// Arguments of `lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Exit 1 when there is a warning or a stale `-- migrate:allow` (default: exit 0)
    #[arg(long)]
    pub strict: bool,
    /// The dialect the scripts are for [default: the database URL's]
    #[arg(long, value_enum)]
    pub dialect: Option<LintDialect>,
    /// human or json
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `lint --dialect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintDialect {
    Sqlite,
    Postgres,
}

/// Arguments of `adopt`.
#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// The tool whose tracking table to read: sqlx, diesel, golang-migrate, dbmate, flyway,
    /// refinery or alembic
    #[arg(long, value_name = "TOOL")]
    pub from: Tool,
    /// With --from alembic: our revision that alembic's current revision corresponds to
    #[arg(long, value_name = "ID")]
    pub to: Option<String>,
    /// List the revisions that would be recorded, and record nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Record revisions whose files differ from the checksums the tool stored
    #[arg(long)]
    pub allow_changed: bool,
    /// With --from sqlx: the characters its `ignored-chars` setting leaves out of checksums,
    /// as one string with escapes (`'\r'`, `' \t\r\n'`, `'\u{FEFF}'`) [default:
    /// `sqlx_ignored_chars` under [adopt] in migrate.toml, else none]
    #[arg(long, value_name = "CHARS")]
    pub ignored_chars: Option<IgnoredChars>,
    /// Give up waiting for another migrate process, or for another connection's lock on a
    /// SQLite database, after this many seconds [default: forever; 30 s for SQLite's lock]
    #[arg(long, value_name = "SECONDS")]
    pub lock_timeout: Option<f64>,
    /// human or json
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
