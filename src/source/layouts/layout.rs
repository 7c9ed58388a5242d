//! The layouts by name: what `--layout` takes and what messages list. Knows nothing of
//! reading, so errors can name the layouts without a circle.

use std::fmt;
use std::str::FromStr;

/// A tool's way of laying out migration files.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
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
