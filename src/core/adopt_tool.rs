//! The tools `migrate adopt` takes over from: where each keeps its tracking table, which
//! columns it reads, and what its rows say was applied. Pure: no I/O.

use std::fmt;
use std::str::FromStr;

/// A migration tool whose tracking table we can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    Sqlx,
    Diesel,
    GolangMigrate,
    Dbmate,
    Flyway,
    Refinery,
    Alembic,
}

/// One version the tool recorded as applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignVersion {
    pub version: String,
    /// The checksum the tool stored, as text (hex for sqlx, a decimal for the others).
    pub checksum: Option<String>,
}

/// What the tool's table says is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// These versions, one row each.
    Versions(Vec<ForeignVersion>),
    /// Every version up to and including this one (golang-migrate's single row).
    UpTo(String),
    /// Alembic's current revision, an id of its own.
    Alembic(String),
}

/// The tool's table, read into plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignState {
    pub recorded: Recorded,
    /// Versions the tool marks as failed or dirty.
    pub dirty: Vec<String>,
    /// Flyway's baseline: every version at or below it counts as applied, with no row of
    /// its own (the database held them before Flyway took over).
    pub baseline: Option<String>,
}

impl Tool {
    /// Every tool, in the order `--help` lists them.
    pub const ALL: [Tool; 7] = [
        Self::Sqlx,
        Self::Diesel,
        Self::GolangMigrate,
        Self::Dbmate,
        Self::Flyway,
        Self::Refinery,
        Self::Alembic,
    ];

    /// The name `--from` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlx => "sqlx",
            Self::Diesel => "diesel",
            Self::GolangMigrate => "golang-migrate",
            Self::Dbmate => "dbmate",
            Self::Flyway => "flyway",
            Self::Refinery => "refinery",
            Self::Alembic => "alembic",
        }
    }

    /// The tool's tracking table, by its default name.
    pub fn table(self) -> &'static str {
        match self {
            Self::Sqlx => "_sqlx_migrations",
            Self::Diesel => "__diesel_schema_migrations",
            Self::GolangMigrate | Self::Dbmate => "schema_migrations",
            Self::Flyway => "flyway_schema_history",
            Self::Refinery => "refinery_schema_history",
            Self::Alembic => "alembic_version",
        }
    }

    /// The columns to read, in the order [`Tool::parse`] expects them.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Sqlx => &["version", "success", "checksum"],
            Self::Diesel | Self::Dbmate => &["version"],
            Self::GolangMigrate => &["version", "dirty"],
            Self::Flyway => &["installed_rank", "version", "type", "success", "checksum"],
            Self::Refinery => &["version", "checksum"],
            Self::Alembic => &["version_num"],
        }
    }

    /// The column stored as bytes (bytea, blob), read as hex.
    pub fn binary_column(self) -> Option<&'static str> {
        (self == Self::Sqlx).then_some("checksum")
    }

    /// Whether the tool's ids are ours with the dashes removed (diesel's
    /// `2024-01-01-090000_x` folder is version `20240101090000`).
    pub fn drops_dashes(self) -> bool {
        self == Self::Diesel
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A tool name `--from` does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown tool {name:?}: expected one of sqlx, diesel, golang-migrate, dbmate, flyway, refinery, alembic"
)]
pub struct ToolParseError {
    pub name: String,
}

impl FromStr for Tool {
    type Err = ToolParseError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|tool| tool.name() == name)
            .ok_or_else(|| ToolParseError { name: name.into() })
    }
}
