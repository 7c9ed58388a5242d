//! What the mirror comparison reports: a difference between the SQLite and the PostgreSQL
//! set, naming its object and saying in one sentence what differs; and the objects one
//! dialect has that the other cannot, listed rather than compared. Pure.

use std::fmt;

use serde::Serialize;

/// One of the two sets of a mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Sqlite,
    Postgres,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::Sqlite, Side::Postgres];

    /// The name reports use: `sqlite`, `postgres`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::Sqlite => Self::Postgres,
            Self::Postgres => Self::Sqlite,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A difference between the two sets' schemas.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct MirrorFinding {
    /// The object as reviewers name it and allow lists match it: `column users.api_key`.
    pub object: String,
    /// The whole sentence: `column users.api_key exists on postgres (text, nullable) but
    /// not on sqlite`.
    pub message: String,
}

impl MirrorFinding {
    /// `object` exists on `side` (with `detail`, when there is one) but not on the other.
    pub(crate) fn only_on(side: Side, object: String, detail: Option<String>) -> Self {
        let detail = detail.map_or_else(String::new, |detail| format!(" ({detail})"));
        let message = format!(
            "{object} exists on {side}{detail} but not on {}",
            side.other()
        );
        Self { object, message }
    }

    /// `object` is on both sides with the differences `parts` (`nullable on sqlite but
    /// not null on postgres`), joined with `; `.
    pub(crate) fn differs(object: String, parts: &[String]) -> Self {
        let message = format!("{object}: {}", parts.join("; "));
        Self { object, message }
    }
}

impl fmt::Display for MirrorFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// `what` reads `sqlite` on SQLite but `postgres` on PostgreSQL: one part of a
/// [`MirrorFinding::differs`] sentence.
pub(crate) fn part(what: &str, sqlite: impl fmt::Display, postgres: impl fmt::Display) -> String {
    let what = if what.is_empty() {
        String::new()
    } else {
        format!("{what} ")
    };
    format!("{what}{sqlite} on sqlite but {postgres} on postgres")
}

/// An object only one dialect can have (a PostgreSQL function, extension or sequence, a
/// SQLite virtual table), or a kind of object only one side uses: listed, not compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DialectOnly {
    pub side: Side,
    /// `function public.touch_updated_at()`, `trigger touch on users`.
    pub object: String,
}

/// The comparison of the two sets' schemas at one point of their histories.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MirrorDiff {
    /// Sorted by object, then message.
    pub findings: Vec<MirrorFinding>,
    /// Sorted by side, then object.
    pub dialect_only: Vec<DialectOnly>,
}
