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

/// The first marker of `text` that `wanted` accepts, and its 1-based line.
///
/// Every file of every revision is searched on each run, so this looks only at the `--`
/// that start a line rather than at every line: most files have few comments. They are
/// found with memchr's substring search (std's searches a two-byte pattern byte by byte:
/// a 73 MB data migration took 45 ms that way).
fn first(text: &str, wanted: impl Fn(Marker) -> bool) -> Option<(Marker, usize)> {
    // Not overlapping: `---` holds one, as `match_indices("--")` finds them.
    for at in memchr::memmem::find_iter(text.as_bytes(), b"--") {
        let line_start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
        if !text[line_start..at].trim().is_empty() {
            continue;
        }
        let line_end = text[at..].find('\n').map_or(text.len(), |end| at + end);
        if let Some(marker) = Marker::of_line(&text[line_start..line_end]).filter(|m| wanted(*m)) {
            let line = text[..at].matches('\n').count() + 1;
            return Some((marker, line));
        }
    }
    None
}

/// The first marker of `text` and its 1-based line.
pub fn find(text: &str) -> Option<(Marker, usize)> {
    first(text, |_| true)
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
    match first(text, |marker| marker.layout() != Some(layout)) {
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
    fn a_marker_must_start_its_line() {
        assert_eq!(find("SELECT 1; -- +goose Up\n"), None);
        assert_eq!(
            find("SELECT '\n  -- +goose Up';\n"),
            Some((Marker::Goose, 2))
        );
        assert_eq!(find("a\r\n\t-- migrate:up\r\n"), Some((Marker::Dbmate, 2)));
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
