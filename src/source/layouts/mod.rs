//! The layouts of migration folders we read in place: ours (diesel's), sqlx,
//! golang-migrate, dbmate, Flyway, refinery, goose, popx, Flyway's dotted names, shared
//! version prefixes, Atlas and Prisma. Each parses a [`Tree`] into revisions.

mod atlas;
mod atlas_sum;
mod dbmate;
mod detect;
mod flyway;
mod flyway_dotted;
pub(crate) mod folders;
mod goose;
mod goose_sections;
mod markers;
mod name_order;
#[cfg(test)]
mod order_tests;
mod paired_files;
mod popx;
mod prisma;
mod shared_prefix;

use std::fmt;
use std::str::FromStr;

use super::error::SourceError;
use super::reading::{FileDialect, Reading};
use super::tree::{Tree, TreeFile};

/// A tool's way of laying out migration files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layout {
    /// `<id>_<slug>/up.sql` and `down.sql`: ours, and diesel's.
    Folders,
    /// `<version>_<description>.up.sql` / `.down.sql`, or up-only `<version>_<description>.sql`.
    Sqlx,
    /// `<version>_<title>.up.sql` / `.down.sql`.
    GolangMigrate,
    /// `<version>_<name>.sql` with `-- migrate:up` and `-- migrate:down` sections.
    Dbmate,
    /// `V<version>__<description>.sql`, with `U<version>__…` as the down.
    Flyway,
    /// `V<n>__<name>.sql`, up only.
    Refinery,
    /// `<version>_<name>.sql` with `-- +goose Up` and `-- +goose Down` sections.
    Goose,
    /// `<version>_<name>[.<dialect>][.autocommit].up.sql` / `.down.sql`, a file per dialect.
    Popx,
    /// `V<version>.<Name>.up.sql` / `.down.sql`.
    FlywayDotted,
    /// `<prefix>_<name>.up.sql` / `.down.sql` where several files share a prefix: each file
    /// is a revision, in the order of the files' names.
    SharedPrefix,
    /// `<version>_<name>.sql` beside `atlas.sum`.
    Atlas,
    /// `<timestamp>_<name>/migration.sql` beside `migration_lock.toml`, up only.
    Prisma,
}

/// What a layout's reader gets: the tree, the files that are not ignored, the dialect.
pub(super) struct Input<'t> {
    pub tree: &'t Tree,
    /// The tree's files less those that are not migrations, sorted by path.
    pub files: Vec<&'t TreeFile>,
    pub dialect: Option<FileDialect>,
}

impl Layout {
    pub const ALL: [Layout; 12] = [
        Self::Folders,
        Self::Sqlx,
        Self::GolangMigrate,
        Self::Dbmate,
        Self::Flyway,
        Self::Refinery,
        Self::Goose,
        Self::Popx,
        Self::FlywayDotted,
        Self::SharedPrefix,
        Self::Atlas,
        Self::Prisma,
    ];

    /// The name `--layout` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Folders => "migrate",
            Self::Sqlx => "sqlx",
            Self::GolangMigrate => "golang-migrate",
            Self::Dbmate => "dbmate",
            Self::Flyway => "flyway",
            Self::Refinery => "refinery",
            Self::Goose => "goose",
            Self::Popx => "popx",
            Self::FlywayDotted => "flyway-dotted",
            Self::SharedPrefix => "shared-prefix",
            Self::Atlas => "atlas",
            Self::Prisma => "prisma",
        }
    }

    /// Whether the revisions read depend on the database's dialect.
    pub fn reads_per_dialect(self) -> bool {
        self == Self::Popx
    }

    /// Reads the tree's revisions in this layout, for the database's dialect.
    pub fn read(self, tree: &Tree, dialect: Option<FileDialect>) -> Result<Reading, SourceError> {
        let (files, ignored) = detect::split_ignored(tree, self)?;
        let input = Input {
            tree,
            files,
            dialect,
        };
        let mut reading = match self {
            Self::Folders => folders::read(&input)?,
            Self::Sqlx => {
                Reading::natural(paired_files::parse(&input, paired_files::Flavor::Sqlx)?)
            }
            Self::GolangMigrate => Reading::natural(paired_files::parse(
                &input,
                paired_files::Flavor::GolangMigrate,
            )?),
            Self::Dbmate => Reading::natural(dbmate::parse(&input)?),
            Self::Flyway => Reading::natural(flyway::parse(&input, flyway::Flavor::Flyway)?),
            Self::Refinery => Reading::natural(flyway::parse(&input, flyway::Flavor::Refinery)?),
            Self::Goose => Reading::natural(goose::parse(&input)?),
            Self::Popx => popx::read(&input)?,
            Self::FlywayDotted => Reading::natural(flyway_dotted::parse(&input)?),
            Self::SharedPrefix => Reading::natural(shared_prefix::parse(&input)?),
            Self::Atlas => atlas::read(&input)?,
            Self::Prisma => prisma::read(&input)?,
        };
        reading.ignored = ignored;
        Ok(reading)
    }

    /// Recognises the layout from the files' names (and, for dbmate and goose, their
    /// markers). A folder with no migrations is ours; one that mixes layouts is an error
    /// listing them, and one of a tool migrate cannot read (sqitch, Liquibase) an error
    /// naming it.
    pub fn detect(tree: &Tree) -> Result<Self, SourceError> {
        detect::detect(tree)
    }
}

/// Every layout's name, for messages.
pub(crate) fn names() -> String {
    let mut names: Vec<&str> = vec!["migrate", "diesel"];
    names.extend(Layout::ALL[1..].iter().map(|layout| layout.name()));
    names.join(", ")
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A layout name `--layout` does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown layout {name:?}: expected one of {}", names())]
pub struct LayoutParseError {
    pub name: String,
}

impl FromStr for Layout {
    type Err = LayoutParseError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "diesel" => Ok(Self::Folders),
            _ => Self::ALL
                .into_iter()
                .find(|layout| layout.name() == name)
                .ok_or_else(|| LayoutParseError { name: name.into() }),
        }
    }
}
