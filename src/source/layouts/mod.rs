//! The layouts of migration folders we read in place: ours (diesel's), sqlx,
//! golang-migrate, dbmate, Flyway and refinery. Each parses a [`Tree`] into revisions.

mod dbmate;
mod flyway;
pub(crate) mod folders;
mod paired_files;

use std::fmt;
use std::str::FromStr;

use super::error::SourceError;
use super::tree::Tree;
use crate::core::Revision;

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
}

impl Layout {
    pub const ALL: [Layout; 6] = [
        Self::Folders,
        Self::Sqlx,
        Self::GolangMigrate,
        Self::Dbmate,
        Self::Flyway,
        Self::Refinery,
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
        }
    }

    /// Reads the tree's revisions in this layout.
    pub fn parse(self, tree: &Tree) -> Result<Vec<Revision>, SourceError> {
        match self {
            Self::Folders => folders::parse(tree),
            Self::Sqlx => paired_files::parse(tree, paired_files::Flavor::Sqlx),
            Self::GolangMigrate => paired_files::parse(tree, paired_files::Flavor::GolangMigrate),
            Self::Dbmate => dbmate::parse(tree),
            Self::Flyway => flyway::parse(tree, flyway::Flavor::Flyway),
            Self::Refinery => flyway::parse(tree, flyway::Flavor::Refinery),
        }
    }

    /// Recognises the layout from the files' names (and, for dbmate, their first lines).
    /// A folder with no migrations is ours; one that mixes layouts is an error listing them.
    pub fn detect(tree: &Tree) -> Result<Self, SourceError> {
        let mut found: Vec<(Layout, String)> = Vec::new();
        for file in &tree.files {
            let Some(layout) = Self::of_file(file) else {
                continue;
            };
            if !found.iter().any(|(seen, _)| *seen == layout) {
                found.push((layout, tree.display(file).display().to_string()));
            }
        }
        match found.as_slice() {
            [] => Ok(Self::Folders),
            [(layout, _)] => Ok(*layout),
            _ => Err(SourceError::MixedLayouts {
                path: tree.root.clone(),
                found: found
                    .iter()
                    .map(|(layout, example)| format!("{} ({example})", layout.name()))
                    .collect(),
            }),
        }
    }

    /// The layout a single file belongs to, if it looks like a migration.
    fn of_file(file: &super::tree::TreeFile) -> Option<Self> {
        let mut parts = file.path.split('/');
        let first = parts.next()?;
        if let Some(second) = parts.next() {
            return (parts.next().is_none() && (second == "up.sql" || second == "down.sql"))
                .then_some(Self::Folders);
        }
        let name = first.strip_suffix(".sql")?;
        if flyway::is_flyway_name(name) {
            return Some(Self::Flyway);
        }
        if !name.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        if name.ends_with(".up") || name.ends_with(".down") {
            return Some(Self::Sqlx);
        }
        let text = String::from_utf8_lossy(&file.bytes[..file.bytes.len().min(4096)]);
        Some(if dbmate::has_sections(&text) {
            Self::Dbmate
        } else {
            Self::Sqlx
        })
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A layout name `--layout` does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown layout {name:?}: expected one of migrate, diesel, sqlx, golang-migrate, dbmate, flyway, refinery"
)]
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
