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
mod layout;
mod markers;
mod name_order;
#[cfg(test)]
mod order_tests;
mod paired_files;
mod popx;
mod prisma;
mod shared_prefix;

use super::error::SourceError;
use super::reading::{FileDialect, Reading};
use super::tree::{Tree, TreeFile};

pub(crate) use layout::names;
pub use layout::{Layout, LayoutParseError};

/// What a layout's reader gets: the tree, the files that are not ignored, the dialect.
pub(super) struct Input<'t> {
    pub tree: &'t Tree,
    /// The tree's files less those that are not migrations, sorted by path.
    pub files: Vec<&'t TreeFile>,
    pub dialect: Option<FileDialect>,
}

impl Layout {
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
