//! Other tools' marker lines in a SQL file (`-- +goose Up`, `-- migrate:up`, `-- atlas:…`,
//! `--liquibase formatted sql`, sqitch's `-- Deploy …` header): a file is read by the rules
//! of the tool whose markers it carries, or refused. A marker we would not apply is never
//! run as a comment: goose's Down section would run on upgrade.

use super::Layout;
use crate::source::error::SourceError;
use crate::source::tree::{Tree, TreeFile};

/// A tool whose lines can mark up a SQL file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Goose,
    Dbmate,
    Atlas,
    Liquibase,
    Sqitch,
}

impl Marker {
    /// The tool's name, for messages.
    pub fn tool(self) -> &'static str {
        match self {
            Self::Goose => "goose",
            Self::Dbmate => "dbmate",
            Self::Atlas => "Atlas",
            Self::Liquibase => "Liquibase",
            Self::Sqitch => "sqitch",
        }
    }

    /// The layout that applies this tool's markers; `None` for tools migrate cannot read.
    pub fn layout(self) -> Option<Layout> {
        match self {
            Self::Goose => Some(Layout::Goose),
            Self::Dbmate => Some(Layout::Dbmate),
            Self::Atlas => Some(Layout::Atlas),
            Self::Liquibase | Self::Sqitch => None,
        }
    }

    /// Which tool's marker one line is, if any.
    fn of_line(line: &str) -> Option<Self> {
        let comment = line.trim_start().strip_prefix("--")?;
        // goose's own test: a `--` line holding `+goose` is an annotation.
        if comment.contains("+goose") {
            return Some(Self::Goose);
        }
        let word = comment.trim_start();
        if word.starts_with("migrate:up") || word.starts_with("migrate:down") {
            return Some(Self::Dbmate);
        }
        if word.starts_with("atlas:") {
            return Some(Self::Atlas);
        }
        let lower = word.to_ascii_lowercase();
        let changeset = lower.starts_with("changeset ") && lower.contains(':');
        if lower.starts_with("liquibase formatted sql") || changeset {
            return Some(Self::Liquibase);
        }
        let sqitch = [
            ("Deploy ", " to "),
            ("Revert ", " from "),
            ("Verify ", " on "),
        ];
        sqitch
            .iter()
            .any(|(verb, preposition)| {
                word.strip_prefix(verb)
                    .is_some_and(|rest| rest.contains(':') && rest.contains(preposition))
            })
            .then_some(Self::Sqitch)
    }
}

/// The first marker of `text` and its 1-based line.
pub fn find(text: &str) -> Option<(Marker, usize)> {
    text.lines()
        .enumerate()
        .find_map(|(index, line)| Marker::of_line(line).map(|marker| (marker, index + 1)))
}

/// The marker of a tool migrate cannot read (Liquibase, sqitch) in the first lines of a
/// file, where those tools put them.
pub fn unreadable_tool(file: &TreeFile) -> Option<Marker> {
    let head = &file.bytes[..file.bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head);
    head.lines()
        .take(5)
        .filter_map(Marker::of_line)
        .find(|marker| marker.layout().is_none())
}

/// Refuses `text` (of `file`, read in `layout`) when it carries markers `layout` does not
/// apply.
pub fn refuse_foreign(
    tree: &Tree,
    file: &TreeFile,
    text: &str,
    layout: Layout,
) -> Result<(), SourceError> {
    let foreign = text.lines().enumerate().find_map(|(index, line)| {
        Marker::of_line(line)
            .filter(|marker| marker.layout() != Some(layout))
            .map(|marker| (marker, index + 1))
    });
    match foreign {
        None => Ok(()),
        Some((marker, line)) => Err(SourceError::ForeignMarker {
            path: tree.display(file),
            line,
            tool: marker.tool(),
            layout: layout.name(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tools_marker_is_recognised() {
        let cases = [
            ("-- +goose Up", Some(Marker::Goose)),
            ("--+goose StatementBegin", Some(Marker::Goose)),
            ("-- migrate:up transaction:false", Some(Marker::Dbmate)),
            ("--migrate:down", Some(Marker::Dbmate)),
            ("-- atlas:txmode none", Some(Marker::Atlas)),
            ("--liquibase formatted sql", Some(Marker::Liquibase)),
            ("-- changeset alice:1", Some(Marker::Liquibase)),
            ("-- Deploy flipr:users to pg", Some(Marker::Sqitch)),
            ("-- Revert flipr:users from pg", Some(Marker::Sqitch)),
            ("-- migrate:no-transaction", None),
            ("-- Deploy the new index", None),
            ("-- changeset of the users table", None),
            ("SELECT '-- +goose Up'", None),
        ];
        for (line, expected) in cases {
            assert_eq!(Marker::of_line(line), expected, "{line}");
        }
    }

    #[test]
    fn find_names_the_line() {
        assert_eq!(
            find("CREATE TABLE t (a int);\n\n-- +goose Down\nDROP TABLE t;\n"),
            Some((Marker::Goose, 3))
        );
        assert_eq!(find("-- just a comment\nSELECT 1;\n"), None);
    }
}
