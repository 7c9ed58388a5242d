//! Where the migrations and the database are: flags, then the environment, then
//! migrate.toml, then defaults.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use migrate::backend::{DEFAULT_TABLE, DatabaseUrl, PostgresOptions, VersionTable};
use migrate::core::IgnoredChars;
use migrate::schema::IntrospectOptions;
use migrate::source::Layout;
use serde::Deserialize;

use super::args::GlobalArgs;
use super::config_error::ConfigError;
use super::mirror_config::MirrorConfig;

/// The default database when nothing names one.
pub const DEFAULT_URL: &str = "sqlite://migrate.db";

/// migrate.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    database_url: Option<String>,
    dir: Option<PathBuf>,
    table: Option<String>,
    layout: Option<String>,
    /// PostgreSQL: the tracking table's schema (a namespace, not a file).
    schema: Option<String>,
    /// The desired schema's file for `create --autogenerate` and `diff --to`. Not `schema`,
    /// which already names the tracking table's PostgreSQL schema.
    schema_file: Option<PathBuf>,
    statement_timeout: Option<f64>,
    db_lock_timeout: Option<f64>,
    exclude_tables: Option<Vec<String>>,
    snapshots: Option<SnapshotPaths>,
    adopt: Option<AdoptConfig>,
    backup: Option<bool>,
    /// Whether every `verify` also checks that downs keep the rows (`data = true`).
    data: Option<bool>,
    mirror: Option<MirrorConfig>,
}

/// `[adopt]`: what `migrate adopt` needs to know of the other tool's settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdoptConfig {
    /// sqlx.toml's `ignored-chars`, written the same way: `["\r"]`.
    sqlx_ignored_chars: Option<Vec<char>>,
}

/// Where the committed schema snapshots live, per backend.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotPaths {
    #[serde(default = "default_sqlite_snapshot")]
    pub sqlite: PathBuf,
    #[serde(default = "default_postgres_snapshot")]
    pub postgres: PathBuf,
}

fn default_sqlite_snapshot() -> PathBuf {
    "schema/sqlite.sql".into()
}

fn default_postgres_snapshot() -> PathBuf {
    "schema/postgres.sql".into()
}

impl Default for SnapshotPaths {
    fn default() -> Self {
        Self {
            sqlite: default_sqlite_snapshot(),
            postgres: default_postgres_snapshot(),
        }
    }
}

/// The resolved settings of a run.
#[derive(Debug)]
pub struct Settings {
    pub dir: PathBuf,
    /// Whether `--dir` named the directory on the command line.
    pub dir_flag: bool,
    pub url: DatabaseUrl,
    /// Whether the URL was named (flag, environment or file) rather than defaulted.
    pub url_named: bool,
    pub table: VersionTable,
    /// The files' layout; recognised from the files when `None`.
    pub layout: Option<Layout>,
    /// Session settings for PostgreSQL.
    pub postgres: PostgresOptions,
    /// What schema snapshots leave out besides the tracking table.
    pub introspect: IntrospectOptions,
    /// The committed schema snapshots.
    pub snapshots: SnapshotPaths,
    /// sqlx's `ignored-chars`, for `adopt --from sqlx`.
    pub sqlx_ignored_chars: Option<IgnoredChars>,
    /// Whether every `upgrade` backs the database up first (`backup = true`).
    pub backup: bool,
    /// Whether every `verify` runs as `verify --data` (`data = true`).
    pub data: bool,
    /// `[mirror]`: a SQLite set and a PostgreSQL set of one history.
    pub mirror: MirrorConfig,
    /// The desired schema for `create --autogenerate` (`schema_file`, else schema.sql).
    pub schema_file: PathBuf,
}

impl Settings {
    pub fn resolve(global: &GlobalArgs) -> anyhow::Result<Self> {
        let config = read_config(&global.config)?;
        let named = global
            .database_url
            .clone()
            .or(dotenv_database_url()?)
            .or(config.database_url);
        let url_text = named.clone().unwrap_or_else(|| DEFAULT_URL.into());
        let url: DatabaseUrl = url_text.parse()?;
        let layout = match global.layout.clone().or(config.layout) {
            Some(name) => Some(name.parse::<Layout>()?),
            None => None,
        };
        let schema = match (&global.schema, config.schema) {
            (Some(flag), _) => Some(tracking_schema(flag, "--schema")?),
            (None, Some(key)) => Some(tracking_schema(&key, "`schema` in migrate.toml")?),
            (None, None) => None,
        };
        Ok(Self {
            layout,
            schema_file: config.schema_file.unwrap_or_else(|| "schema.sql".into()),
            dir_flag: global.dir.is_some(),
            mirror: config.mirror.unwrap_or_default(),
            dir: global
                .dir
                .clone()
                .or(config.dir)
                .unwrap_or_else(|| "migrations".into()),
            url,
            url_named: named.is_some(),
            snapshots: config.snapshots.unwrap_or_default(),
            sqlx_ignored_chars: config
                .adopt
                .and_then(|adopt| adopt.sqlx_ignored_chars)
                .map(IgnoredChars::from_iter),
            backup: config.backup.unwrap_or(false),
            data: config.data.unwrap_or(false),
            introspect: IntrospectOptions {
                exclude_tables: config.exclude_tables.unwrap_or_default(),
                schemas: None,
            },
            postgres: PostgresOptions {
                statement_timeout: seconds(global.statement_timeout.or(config.statement_timeout))?,
                lock_timeout: seconds(global.db_lock_timeout.or(config.db_lock_timeout))?,
            },
            table: VersionTable {
                schema,
                name: global
                    .table
                    .clone()
                    .or(config.table)
                    .unwrap_or_else(|| DEFAULT_TABLE.into()),
            },
        })
    }

    /// Whether a database is there to read without creating one: a named URL, or the
    /// default SQLite file when it exists.
    pub fn database_expected(&self) -> bool {
        match &self.url {
            DatabaseUrl::SqliteFile(path) if !self.url_named => path.exists(),
            _ => true,
        }
    }
}

/// The tracking table's PostgreSQL schema, refusing what looks like a file: a path here
/// was meant as autogenerate's desired schema (`schema_file`), and as a schema name it
/// would only fail later, far from the cause.
fn tracking_schema(value: &str, origin: &str) -> anyhow::Result<String> {
    let file_like = value.contains(['/', '\\']) || value.to_ascii_lowercase().ends_with(".sql");
    if file_like {
        anyhow::bail!(
            "{origin} is `{value}`, which looks like a file, but it names the PostgreSQL schema of the tracking table\nhelp: name the desired schema's file with `schema_file = \"{value}\"` in migrate.toml, or `--schema-file {value}`"
        );
    }
    Ok(value.to_owned())
}

/// A number of seconds as a duration; refuses negative and non-finite numbers.
fn seconds(value: Option<f64>) -> anyhow::Result<Option<std::time::Duration>> {
    value
        .map(|seconds| {
            std::time::Duration::try_from_secs_f64(seconds)
                .map_err(|_| anyhow::anyhow!("{seconds} is not a number of seconds"))
        })
        .transpose()
}

/// DATABASE_URL from `.env` in the working directory, as sqlx-cli and diesel read it.
fn dotenv_database_url() -> anyhow::Result<Option<String>> {
    let entries = match dotenvy::from_path_iter(".env") {
        Ok(entries) => entries,
        Err(error) if error.not_found() => return Ok(None),
        Err(error) => return Err(error).context("cannot read .env"),
    };
    for entry in entries {
        let (key, value) = entry.context("cannot read .env")?;
        if key == "DATABASE_URL" {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

fn read_config(path: &Path) -> anyhow::Result<ConfigFile> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ConfigFile::default());
        }
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    toml::from_str(&text).map_err(|error| ConfigError::from_toml(path, &text, &error).into())
}
